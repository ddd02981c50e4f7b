import { type FormEvent, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Page } from '../ui/Page.js';

const QUICK_CHARGE_AMOUNTS_WON = [10_000, 50_000, 100_000];

export function ChargePage() {
  const { t } = useLanguage();
  const format = useFormat();
  const [amountText, setAmountText] = useState('');
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
    if (await charge.submit(amountWon)) {
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
        {charge.status === 'failed' && <ErrorNotice error={charge.error} />}
        <Button type="submit" wide busy={charge.busy} busyLabel={t('wallet.charge.submitting')}>
          {charge.status === 'failed' && charge.error.outcomeUnknown
            ? t('wallet.charge.again')
            : t('wallet.charge.submit')}
        </Button>
      </form>
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
