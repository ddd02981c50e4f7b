import { type FormEvent, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { DataName, Page } from '../ui/Page.js';
import { canScanQr, QrScanner } from '../ui/QrScanner.js';
import { merchantCodeFromScan } from './merchant-link.js';
import { Receipt } from './Receipt.js';

interface Payment {
  merchantCode: string;
  amountWon: number;
}

export function PayPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const [params] = useSearchParams();
  const [merchantCode, setMerchantCode] = useState(params.get('merchant') ?? '');
  // The shop's name is known when the member came from the directory; a typed code names no shop yet.
  const [merchantName, setMerchantName] = useState(params.get('name'));
  const [amountText, setAmountText] = useState('');
  const [scanning, setScanning] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const wallet = useApi('wallet', (signal) => call(api.GET('/v1/me/wallet', { signal })));
  const pay = useSubmit((payment: Payment) =>
    sendIdempotent(keys.current, payment, (idempotencyKey) =>
      call(
        api.POST('/v1/me/payments', {
          body: payment,
          params: { header: { 'idempotency-key': idempotencyKey } },
        }),
      ),
    ),
  );

  const balanceWon = wallet.data?.totalWon ?? null;
  const amountWon = parseWon(amountText);
  const errors = {
    merchantCode: merchantCode.trim() ? null : t('validation.merchantCode'),
    amount:
      amountWon === null || amountWon < 1
        ? t('validation.amount')
        : balanceWon !== null && amountWon > balanceWon
          ? t('validation.amountMax', { max: format.won(balanceWon) })
          : null,
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (errors.merchantCode || errors.amount || amountWon === null) return;
    if (await pay.submit({ merchantCode: merchantCode.trim(), amountWon })) wallet.reload();
  };

  const onScan = (scanned: string) => {
    const code = merchantCodeFromScan(scanned);
    if (!code) return;
    setMerchantCode(code);
    setMerchantName(null);
    setScanning(false);
  };

  const startOver = () => {
    pay.reset();
    setAmountText('');
    setShowErrors(false);
  };

  if (pay.status === 'succeeded') {
    return (
      <Page title={t('wallet.pay.title')}>
        <Receipt receipt={pay.result} onAnother={startOver} />
      </Page>
    );
  }

  return (
    <Page title={t('wallet.pay.title')} intro={t('wallet.pay.intro')}>
      {scanning && (
        <QrScanner label={t('wallet.pay.scan')} onScan={onScan} onClose={() => setScanning(false)} />
      )}
      <form className="card form" onSubmit={onSubmit} noValidate>
        {merchantName && (
          <Notice tone="info">
            {t('wallet.pay.payingAt')} <DataName>{merchantName}</DataName>
          </Notice>
        )}
        <TextField
          label={t('wallet.pay.merchantCode')}
          hint={t('wallet.pay.merchantCodeHint')}
          value={merchantCode}
          onValue={(code) => {
            setMerchantCode(code);
            setMerchantName(null);
          }}
          autoComplete="off"
          autoCapitalize="characters"
          error={showErrors ? errors.merchantCode : null}
          suffix={
            canScanQr() && (
              <Button variant="secondary" onClick={() => setScanning(true)}>
                {t('wallet.pay.scan')}
              </Button>
            )
          }
        />
        <AmountField
          label={t('wallet.pay.amount')}
          value={amountText}
          onValue={setAmountText}
          error={showErrors ? errors.amount : null}
          hint={balanceWon !== null ? t('wallet.pay.balance', { amount: format.won(balanceWon) }) : undefined}
        />
        {pay.status === 'failed' && <ErrorNotice error={pay.error} />}
        <Button type="submit" wide busy={pay.busy} busyLabel={t('wallet.pay.submitting')}>
          {t('wallet.pay.submit')}
        </Button>
      </form>
    </Page>
  );
}
