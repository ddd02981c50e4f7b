import { useEffect, useRef, useState } from 'react';
import { api, call, callWithResponse, pinHeader } from '../api/client.js';
import type { MemberReceipt } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { useFormat } from '../ui/format-hooks.js';
import { Page } from '../ui/Page.js';
import { QrCode } from '../ui/QrCode.js';
import { useCountdown } from '../ui/use-countdown.js';
import { formatSeconds, groupPaymentCode, localDeadlineMs } from './payment-code.js';
import { Receipt } from './Receipt.js';

/** How often the shown code asks whether the till has collected it. */
const POLL_INTERVAL_MS = 1_500;

/**
 * Polls the code's status while it is shown: once the merchant collects it, the receipt replaces the
 * code (instead of the code running out as if nothing had happened).
 */
function usePaidReceipt(code: string): MemberReceipt | null {
  const [receipt, setReceipt] = useState<MemberReceipt | null>(null);
  useEffect(() => {
    let stopped = false;
    const controller = new AbortController();
    const check = async () => {
      const status = await call(
        api.GET('/v1/me/payment-codes/{code}', { signal: controller.signal, params: { path: { code } } }),
      ).catch(() => null);
      if (stopped || !status) return;
      if (status.status === 'paid' && status.receipt) setReceipt(status.receipt);
      if (status.status === 'waiting') timer = window.setTimeout(check, POLL_INTERVAL_MS);
    };
    let timer = window.setTimeout(check, POLL_INTERVAL_MS);
    return () => {
      stopped = true;
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [code]);
  return receipt;
}

/** Screen readers hear the time left at these marks, not every second. */
const ANNOUNCED_SECONDS = [30, 10];

interface IssuedCode {
  code: string;
  deadlineMs: number;
  lifetimeSeconds: number;
}

function CodeCard({ issued, onRenew }: { issued: IssuedCode; onRenew: () => void }) {
  const { t } = useLanguage();
  const receipt = usePaidReceipt(issued.code);
  const seconds = useCountdown(issued.deadlineMs);
  if (receipt) return <Receipt receipt={receipt} />;
  const expired = seconds === 0;
  const announcement = expired
    ? t('wallet.code.expired')
    : ANNOUNCED_SECONDS.includes(seconds)
      ? t('wallet.code.announceRemaining', { seconds })
      : null;
  return (
    <section className="card code-card">
      <QrCode text={issued.code} label={t('wallet.code.qrLabel')} dimmed={expired} />
      <p className="code-number">
        <span className="visually-hidden">{t('wallet.code.number')}: </span>
        {groupPaymentCode(issued.code)}
      </p>
      <div className="countdown" aria-hidden="true">
        <div className="countdown-fill" style={{ width: `${(seconds / issued.lifetimeSeconds) * 100}%` }} />
      </div>
      <p className={`countdown-text${expired ? ' expired' : ''}`}>
        {expired ? t('wallet.code.expired') : t('wallet.code.remaining', { time: formatSeconds(seconds) })}
      </p>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {!expired && <p className="muted">{t('trust.code.waiting')}</p>}
      <Button variant={expired ? 'primary' : 'secondary'} wide onClick={onRenew}>
        {t('wallet.code.renew')}
      </Button>
    </section>
  );
}

/** Asks the server for a code; the PIN of a member who has set one, as every spending route. */
async function issueCode(pin: string | null): Promise<IssuedCode> {
  const { data, response } = await callWithResponse(
    api.POST('/v1/me/payment-codes', {
      params: { header: pinHeader(pin) },
    }),
  );
  const receivedAtMs = Date.now();
  const deadlineMs = localDeadlineMs(data.expiresAt, response.headers.get('date'), receivedAtMs);
  return {
    code: data.code,
    deadlineMs,
    lifetimeSeconds: Math.max(1, Math.ceil((deadlineMs - receivedAtMs) / 1000)),
  };
}

/**
 * Whoever holds a shown code can spend with it, so the code appears only after the payment PIN (made
 * here the first time). The PIN is kept in this page's memory for "new code" and dropped on leaving.
 */
export function PaymentCodePage() {
  const { t } = useLanguage();
  const format = useFormat();
  const wallet = useApi('wallet', (signal) => call(api.GET('/v1/me/wallet', { signal })));
  const issue = useSubmit(issueCode);
  const pin = useRef<string | null>(null);
  const [shown, setShown] = useState<IssuedCode | null>(null);
  const [asking, setAsking] = useState(true);

  const onConfirm = async (entered: string | null) => {
    const issued = await issue.submit(entered);
    if (!issued) return;
    pin.current = entered;
    setShown(issued);
    setAsking(false);
  };
  // A renewal refused (the PIN changed or locked meanwhile, or the network) asks again, saying why.
  const onRenew = async () => {
    const issued = await issue.submit(pin.current);
    setShown(issued);
    if (!issued) setAsking(true);
  };
  return (
    <Page title={t('wallet.code.title')} intro={t('wallet.code.intro')}>
      {shown ? (
        <CodeCard key={shown.code} issued={shown} onRenew={() => void onRenew()} />
      ) : (
        <section className="card">
          <p>{t('wallet.code.pinFirst')}</p>
          <Button wide onClick={() => setAsking(true)}>
            {t('wallet.code.open')}
          </Button>
        </section>
      )}
      {asking && (
        <ConfirmSheet
          title={t('wallet.code.confirmTitle')}
          lines={[
            {
              label: t('wallet.code.spendable'),
              value: wallet.data ? format.won(wallet.data.totalWon) : '…',
              emphasis: true,
            },
          ]}
          note={t('wallet.code.intro')}
          confirmLabel={t('wallet.code.open')}
          busy={issue.busy}
          error={issue.status === 'failed' ? issue.error : null}
          askPin
          onConfirm={(entered) => void onConfirm(entered)}
          onCancel={() => setAsking(false)}
        />
      )}
    </Page>
  );
}
