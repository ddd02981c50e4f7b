import { type FormEvent, useRef, useState } from 'react';
import { api, call } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { MerchantReceipt } from '../api/types.js';
import { useSubmit } from '../api/use-submit.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { useErrorText } from '../ui/Notice.js';
import { Page } from '../ui/Page.js';
import { canScanQr, QrScanner } from '../ui/QrScanner.js';
import { paymentCodeFrom } from '../wallet/payment-code.js';

interface Collection {
  code: string;
  amountWon: number;
}

function SuccessPanel({ receipt, onNext }: { receipt: MerchantReceipt; onNext: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  return (
    <section className="pos-result pos-success" role="status" aria-labelledby="pos-result-title">
      <p className="pos-result-mark" aria-hidden="true">
        ✓
      </p>
      <h2 id="pos-result-title">{t('merchant.pos.succeeded')}</h2>
      <p className="pos-result-amount">
        {t('merchant.pos.succeededBody', { amount: format.won(receipt.amountWon) })}
      </p>
      <p className="muted">
        {t('merchant.pos.customerCashback', { amount: format.won(receipt.cashback.amountWon) })}
      </p>
      <p className="muted small">
        {t('trust.history.approval')}:{' '}
        <span className="mono">{format.approvalNumber(receipt.paymentId)}</span>
      </p>
      <Button wide onClick={onNext} autoFocus>
        {t('merchant.pos.next')}
      </Button>
    </section>
  );
}

/** The till: amount and the customer's one-time code in, a clear paid or failed out. */
export function PosPage() {
  const { t } = useLanguage();
  const errorText = useErrorText();
  const [amountText, setAmountText] = useState('');
  const [codeText, setCodeText] = useState('');
  const [scanning, setScanning] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const collect = useSubmit((collection: Collection) =>
    sendIdempotent(keys.current, collection, (idempotencyKey) =>
      call(
        api.POST('/v1/merchant/payments', {
          body: collection,
          params: { header: { 'idempotency-key': idempotencyKey } },
        }),
      ),
    ),
  );

  const amountWon = parseWon(amountText);
  const code = paymentCodeFrom(codeText);
  const errors = {
    amount: amountWon === null || amountWon < 1 ? t('validation.amount') : null,
    code: code ? null : t('validation.paymentCode'),
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (errors.amount || errors.code || amountWon === null || code === null) return;
    await collect.submit({ code, amountWon });
  };

  const next = () => {
    collect.reset();
    setAmountText('');
    setCodeText('');
    setShowErrors(false);
  };

  if (collect.status === 'succeeded') {
    return (
      <Page title={t('merchant.pos.title')}>
        <SuccessPanel receipt={collect.result} onNext={next} />
      </Page>
    );
  }

  return (
    <Page title={t('merchant.pos.title')} intro={t('merchant.pos.intro')}>
      {scanning && (
        <QrScanner
          label={t('merchant.pos.scan')}
          onScan={(scanned) => {
            if (!paymentCodeFrom(scanned)) return;
            setCodeText(scanned);
            setScanning(false);
          }}
          onClose={() => setScanning(false)}
        />
      )}
      <form className="card form pos-form" onSubmit={onSubmit} noValidate>
        <AmountField
          label={t('merchant.pos.amount')}
          value={amountText}
          onValue={setAmountText}
          error={showErrors ? errors.amount : null}
        />
        <TextField
          label={t('merchant.pos.customerCode')}
          hint={t('merchant.pos.customerCodeHint')}
          value={codeText}
          onValue={setCodeText}
          inputMode="numeric"
          autoComplete="off"
          className="mono"
          error={showErrors ? errors.code : null}
          suffix={
            canScanQr() && (
              <Button variant="secondary" onClick={() => setScanning(true)}>
                {t('merchant.pos.scan')}
              </Button>
            )
          }
        />
        {collect.status === 'failed' && (
          <section className="pos-result pos-failure" role="alert" aria-labelledby="pos-failure-title">
            <p className="pos-result-mark" aria-hidden="true">
              ✗
            </p>
            <h2 id="pos-failure-title">{t('merchant.pos.failed')}</h2>
            <p>{errorText(collect.error)}</p>
            {collect.error.outcomeUnknown && <p>{t('errors.outcomeUnknown')}</p>}
          </section>
        )}
        <Button type="submit" wide busy={collect.busy} busyLabel={t('merchant.pos.submitting')}>
          {t('merchant.pos.submit')}
        </Button>
      </form>
    </Page>
  );
}
