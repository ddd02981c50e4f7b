import { type FormEvent, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { groupWonDigits, parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Page } from '../ui/Page.js';
import { useBankAccountText } from './use-bank-account.js';

const QUICK_CHARGE_AMOUNTS_WON = [10_000, 50_000, 100_000];

export function ChargePage() {
  const { t } = useLanguage();
  const format = useFormat();
  const [params] = useSearchParams();
  // A short payment links here with the missing amount already filled in.
  const [amountText, setAmountText] = useState(() => groupWonDigits(params.get('amount') ?? ''));
  const [confirming, setConfirming] = useState<number | null>(null);
  const account = useBankAccountText();
  const [showErrors, setShowErrors] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const wallet = useApi('wallet', (signal) => call(api.GET('/v1/me/wallet', { signal })));
  const charge = useSubmit((amountWon: number) =>
    sendIdempotent(keys.current, { amountWon }, (idempotencyKey) =>
      call(
        api.POST('/v1/me/charges', {
          body: { amountWon },
          params: { header: { 'idempotency-key': idempotencyKey } },
        }),
      ),
    ),
  );

  const month = wallet.data?.month;
  const remainingWon = month ? Math.max(0, month.chargeCapWon - month.chargedWon) : null;
  const amountWon = parseWon(amountText);
  const amountError =
    amountWon === null || amountWon < 1
      ? t('validation.amount')
      : remainingWon !== null && amountWon > remainingWon
        ? t('wallet.charge.overCap', { amount: format.won(remainingWon) })
        : null;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (amountError || amountWon === null) return;
    charge.reset();
    setConfirming(amountWon);
  };

  const onConfirm = async () => {
    if (confirming === null) return;
    if (await charge.submit(confirming)) {
      setConfirming(null);
      setAmountText('');
      setShowErrors(false);
      wallet.reload();
    }
  };

  return (
    <Page title={t('wallet.charge.title')} intro={t('wallet.charge.intro')}>
      <form className="card form" onSubmit={onSubmit} noValidate>
        <AmountField
          label={t('wallet.charge.amount')}
          value={amountText}
          onValue={setAmountText}
          error={showErrors ? amountError : null}
          hint={
            remainingWon !== null
              ? t('wallet.charge.remaining', { amount: format.won(remainingWon) })
              : undefined
          }
          quickAmountsWon={QUICK_CHARGE_AMOUNTS_WON}
        />
        {charge.status === 'failed' && confirming === null && <ErrorNotice error={charge.error} />}
        <Button
          type="submit"
          wide
          className="thumb-action"
          busy={charge.busy}
          busyLabel={t('wallet.charge.submitting')}
        >
          {charge.status === 'failed' && charge.error.outcomeUnknown
            ? t('wallet.charge.again')
            : t('wallet.charge.submit')}
        </Button>
      </form>
      {confirming !== null && (
        <ConfirmSheet
          title={t('trust.confirm.charge.title')}
          lines={[
            { label: t('trust.confirm.charge.amount'), value: format.won(confirming), emphasis: true },
            { label: t('trust.confirm.charge.account'), value: account },
            ...(wallet.data
              ? [
                  {
                    label: t('trust.confirm.charge.after'),
                    value: format.won(wallet.data.totalWon + confirming),
                  },
                ]
              : []),
          ]}
          confirmLabel={t('trust.confirm.charge.submit', { amount: format.won(confirming) })}
          busy={charge.busy}
          error={charge.status === 'failed' ? charge.error : null}
          onConfirm={onConfirm}
          onCancel={() => setConfirming(null)}
        />
      )}
      {charge.status === 'succeeded' && (
        <Notice
          tone={charge.result.status === 'succeeded' ? 'success' : 'info'}
          title={
            charge.result.status === 'succeeded'
              ? t('wallet.charge.succeeded', { amount: format.won(charge.result.amountWon) })
              : t('wallet.charge.pending')
          }
          action={
            <Link to="/wallet" className="button button-secondary">
              {t('wallet.receipt.toHome')}
            </Link>
          }
        >
          {t('wallet.charge.newBalance', { amount: format.won(charge.result.wallet.totalWon) })}
        </Notice>
      )}
    </Page>
  );
}
