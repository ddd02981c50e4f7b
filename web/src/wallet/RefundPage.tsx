import { useCallback, useEffect, useRef, useState } from 'react';
import { api, call, pinHeader } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { OkResponse } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { EmptyState } from '../ui/EmptyState.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, Page } from '../ui/Page.js';
import { useBankAccountText } from './use-bank-account.js';
import { useRuleValues } from './use-rule-values.js';

type RefundRuleFacts = OkResponse<'/v1/me/refund-preview', 'get'>['rule'];

const STATUS_TONE = { pending: 'info', paid: 'good', failed: 'bad' } as const;

/** The refund rule in words, with the city's current values. */
function RefundRule() {
  const { t } = useLanguage();
  const format = useFormat();
  const ruleValue = useRuleValues();
  const days = ruleValue('refund_full_window_days');
  const usedBp = ruleValue('refund_min_used_bp');
  return (
    <Notice tone="info">
      <p>
        {days !== null && usedBp !== null
          ? t('wallet.refund.rule', { days, percent: format.rate(usedBp) })
          : t('wallet.refund.ruleUnknown')}
      </p>
      <p>{t('wallet.refund.excluded')}</p>
    </Notice>
  );
}

/** Reloads when the member comes back to the tab: money may have arrived or left meanwhile. */
function useReloadWhenVisible(reload: () => void): void {
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [reload]);
}

/**
 * Ask for the rest of the charged money back. What it would pay, and the rule deciding it, come from
 * the server's preview: the charged money in the wallet is not what the rules let go back.
 */
export function RefundPage() {
  const { t, language } = useLanguage();
  const format = useFormat();
  const keys = useRef(new IdempotencyKeys());
  const wallet = useApi('wallet', (signal) => call(api.GET('/v1/me/wallet', { signal })));
  const preview = useApi('refund-preview', (signal) => call(api.GET('/v1/me/refund-preview', { signal })));
  const refunds = useApi('refunds', (signal) => call(api.GET('/v1/me/refunds', { signal })));
  const account = useBankAccountText();
  const [confirming, setConfirming] = useState(false);
  const refund = useSubmit((pin: string | null) =>
    sendIdempotent(keys.current, 'refund', (idempotencyKey) =>
      call(
        api.POST('/v1/me/refunds', {
          params: {
            header: { 'idempotency-key': idempotencyKey, ...pinHeader(pin) },
          },
        }),
      ),
    ),
  );
  const reloadWallet = wallet.reload;
  const reloadPreview = preview.reload;
  const onVisible = useCallback(() => {
    reloadWallet();
    reloadPreview();
  }, [reloadWallet, reloadPreview]);
  useReloadWhenVisible(onVisible);
  const onRefund = () => {
    refund.reset();
    setConfirming(true);
  };
  const onConfirm = async (pin: string | null) => {
    const refunded = await refund.submit(pin);
    // Refused or paid, the facts behind the preview may have changed: ask again.
    preview.reload();
    if (refunded) {
      setConfirming(false);
      wallet.reload();
      refunds.reload();
    }
  };
  const ruleText = (rule: RefundRuleFacts) => (language === 'en' ? rule.descriptionEn : rule.descriptionKo);

  return (
    <Page title={t('wallet.refund.title')}>
      <RefundRule />
      <section className="card form">
        {wallet.data && <p>{t('wallet.refund.cash', { amount: format.won(wallet.data.cashWon) })}</p>}
        {preview.status === 'failed' && <ErrorNotice error={preview.error} onRetry={preview.reload} />}
        {preview.data && !preview.data.allowed && (
          <Notice tone="info" title={t('wallet.refund.notAllowed')}>
            <p>{ruleText(preview.data.rule)}</p>
          </Notice>
        )}
        {preview.data?.allowed && (
          <>
            <p className="amount amount-large">
              {t('wallet.refund.refundable', { amount: format.won(preview.data.amountWon) })}
            </p>
            <p>{t('wallet.refund.willApply', { rule: ruleText(preview.data.rule) })}</p>
          </>
        )}
        {confirming && preview.data?.allowed && (
          <ConfirmSheet
            title={t('trust.confirm.refund.title')}
            lines={[
              {
                label: t('trust.confirm.refund.amount'),
                value: format.won(preview.data.amountWon),
                emphasis: true,
              },
              { label: t('trust.confirm.refund.account'), value: account },
              { label: t('trust.confirm.refund.rule'), value: ruleText(preview.data.rule) },
            ]}
            note={<p>{t('trust.confirm.refund.atThatMoment')}</p>}
            confirmLabel={t('trust.confirm.refund.submit', { amount: format.won(preview.data.amountWon) })}
            busy={refund.busy}
            error={refund.status === 'failed' ? refund.error : null}
            askPin
            onConfirm={onConfirm}
            onCancel={() => setConfirming(false)}
          />
        )}
        {refund.status === 'failed' && !confirming && <ErrorNotice error={refund.error} />}
        {refund.status === 'succeeded' && (
          <Notice tone={refund.result.status === 'paid' ? 'success' : 'info'}>
            <p>
              {refund.result.status === 'paid'
                ? t('wallet.refund.paid', { amount: format.won(refund.result.amountWon) })
                : t('wallet.refund.pending', { amount: format.won(refund.result.amountWon) })}
            </p>
            <p>{t('wallet.refund.applied', { rule: ruleText(refund.result.rule) })}</p>
          </Notice>
        )}
        {preview.data?.allowed && (
          <Button wide onClick={onRefund} busy={refund.busy} busyLabel={t('wallet.refund.submitting')}>
            {t('wallet.refund.submit', { amount: format.won(preview.data.amountWon) })}
          </Button>
        )}
      </section>
      <section className="card" aria-labelledby="refunds-title">
        <h2 id="refunds-title">{t('wallet.refund.history')}</h2>
        <Loaded
          state={refunds}
          isEmpty={(data) => data.items.length === 0}
          empty={<EmptyState title={t('trust.empty.refunds')} next={t('trust.empty.refundsNext')} />}
        >
          {(data) => (
            <ul className="activity-list">
              {data.items.map((item) => (
                <li key={item.refundId} className="activity">
                  <div className="activity-main">
                    <div>
                      <p className="activity-title">
                        <Badge tone={STATUS_TONE[item.status]}>
                          {t(`wallet.refund.status.${item.status}`)}
                        </Badge>
                      </p>
                      <p className="muted">{format.dateTime(item.createdAt)}</p>
                      <p className="small">{ruleText(item.rule)}</p>
                    </div>
                    <p className="activity-amount">{format.won(item.amountWon)}</p>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Loaded>
      </section>
    </Page>
  );
}
