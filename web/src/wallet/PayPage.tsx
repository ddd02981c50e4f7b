import { type FormEvent, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call, pinHeader } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { ApiError } from '../api/problem.js';
import type { OkResponse } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { DataName, Page } from '../ui/Page.js';
import { canScanQr, QrScanner } from '../ui/QrScanner.js';
import { useDebounced } from '../ui/use-debounced.js';
import { type FoundMerchant, isUnknownMerchant, MerchantCard } from './MerchantCard.js';
import { merchantCodeFromScan } from './merchant-link.js';
import { Receipt } from './Receipt.js';
import { ShortBalance } from './ShortBalance.js';

const LOOKUP_DELAY_MS = 300;

interface Payment {
  merchantCode: string;
  amountWon: number;
  pin: string | null;
}

type Preview = OkResponse<'/v1/me/payment-preview', 'get'>;

/** The shop behind a typed or scanned code, looked up as soon as the code is entered. */
function useMerchantLookup(merchantCode: string) {
  const code = useDebounced(merchantCode.trim(), LOOKUP_DELAY_MS);
  const lookup = useApi(code ? `merchant-${code}` : null, (signal) =>
    call(
      api.GET('/v1/merchants/by-code/{merchantCode}', { signal, params: { path: { merchantCode: code } } }),
    ),
  );
  const settled = code === merchantCode.trim() && lookup.status !== 'loading';
  const merchant: FoundMerchant | null = code && settled && lookup.status === 'ready' ? lookup.data : null;
  const unknown = Boolean(code) && settled && lookup.status === 'failed' && isUnknownMerchant(lookup.error);
  return { merchant, unknown, checking: Boolean(code) && !settled };
}

export function PayPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const [params] = useSearchParams();
  // Only the code is taken from a link; the shop's name always comes from the lookup.
  const [merchantCode, setMerchantCode] = useState(params.get('merchant') ?? '');
  const [amountText, setAmountText] = useState('');
  const [scanning, setScanning] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<ApiError | null>(null);
  const keys = useRef(new IdempotencyKeys());
  const lookup = useMerchantLookup(merchantCode);
  const wallet = useApi('wallet', (signal) => call(api.GET('/v1/me/wallet', { signal })));
  const autoCharge = useApi('auto-charge', (signal) => call(api.GET('/v1/me/auto-charge', { signal })));
  const pay = useSubmit(({ pin, ...payment }: Payment) =>
    sendIdempotent(keys.current, payment, (idempotencyKey) =>
      call(
        api.POST('/v1/me/payments', {
          body: payment,
          params: {
            header: { 'idempotency-key': idempotencyKey, ...pinHeader(pin) },
          },
        }),
      ),
    ),
  );

  const balanceWon = wallet.data?.totalWon ?? null;
  const autoChargeOn = autoCharge.data?.enabled ?? false;
  const amountWon = parseWon(amountText);
  const shortWon = amountWon !== null && balanceWon !== null ? Math.max(0, amountWon - balanceWon) : 0;
  const errors = {
    merchantCode: !merchantCode.trim()
      ? t('validation.merchantCode')
      : lookup.unknown
        ? t('trust.lookup.unknown')
        : null,
    amount:
      amountWon === null || amountWon < 1
        ? t('validation.amount')
        : shortWon > 0 && !autoChargeOn
          ? t('validation.amountMax', { max: format.won(balanceWon ?? 0) })
          : null,
  };

  // A refusal the preview gave is about the shop and amount it was asked for, not about new ones.
  const onMerchantCode = (code: string) => {
    setMerchantCode(code);
    setPreview(null);
  };
  const onAmountText = (text: string) => {
    setAmountText(text);
    setPreview(null);
  };

  /** The confirm step: what the server expects to happen (split, auto-charge, cashback), or why it cannot. */
  const openPreview = async (previewWon: number) => {
    if (!lookup.merchant) return;
    pay.reset();
    setPreview(null);
    setPreviewError(null);
    try {
      setPreview(
        await call(
          api.GET('/v1/me/payment-preview', {
            params: { query: { merchantCode: lookup.merchant.merchantCode, amountWon: previewWon } },
          }),
        ),
      );
    } catch (error) {
      setPreviewError(error as ApiError);
    }
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (errors.merchantCode || errors.amount || amountWon === null) return;
    await openPreview(amountWon);
  };

  // The shortfall was charged in place: the payment carries on to its confirm step.
  const onCharged = () => {
    wallet.reload();
    if (amountWon !== null && lookup.merchant) void openPreview(amountWon);
  };

  const onConfirm = async (pin: string | null) => {
    if (!preview || !lookup.merchant) return;
    const paid = await pay.submit({
      merchantCode: lookup.merchant.merchantCode,
      amountWon: preview.amountWon,
      pin,
    });
    if (paid) {
      setPreview(null);
      wallet.reload();
    }
  };

  const onScan = (scanned: string) => {
    const code = merchantCodeFromScan(scanned);
    if (!code) return;
    onMerchantCode(code);
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

  const paidFromText = (paidFrom: NonNullable<Preview['paidFrom']>) =>
    [
      [t('wallet.receipt.fromGrant'), paidFrom.grantWon],
      [t('wallet.receipt.fromCashback'), paidFrom.cashbackWon],
      [t('wallet.receipt.fromCash'), paidFrom.cashWon],
    ]
      .filter(([, amount]) => Number(amount) > 0)
      .map(([label, amount]) => `${label} ${format.won(Number(amount))}`)
      .join(' · ');

  return (
    <Page title={t('wallet.pay.title')} intro={t('wallet.pay.intro')}>
      {scanning && (
        <QrScanner label={t('wallet.pay.scan')} onScan={onScan} onClose={() => setScanning(false)} />
      )}
      <form className="card form" onSubmit={onSubmit} noValidate>
        <TextField
          label={t('wallet.pay.merchantCode')}
          hint={lookup.checking ? t('trust.lookup.checking') : t('wallet.pay.merchantCodeHint')}
          value={merchantCode}
          onValue={onMerchantCode}
          autoComplete="off"
          autoCapitalize="characters"
          error={lookup.unknown || showErrors ? errors.merchantCode : null}
          suffix={
            canScanQr() && (
              <Button variant="secondary" onClick={() => setScanning(true)}>
                {t('wallet.pay.scan')}
              </Button>
            )
          }
        />
        {lookup.merchant && <MerchantCard merchant={lookup.merchant} />}
        <AmountField
          label={t('wallet.pay.amount')}
          value={amountText}
          onValue={onAmountText}
          error={showErrors ? errors.amount : null}
          hint={balanceWon !== null ? t('wallet.pay.balance', { amount: format.won(balanceWon) }) : undefined}
        />
        {shortWon > 0 && (
          <ShortBalance
            shortWon={shortWon}
            wallet={wallet.data}
            autoChargeOn={autoChargeOn}
            offerAutoCharge
            onCharged={onCharged}
          />
        )}
        {previewError && <ErrorNotice error={previewError} />}
        {preview && !preview.paidFrom && (
          <Notice
            tone="error"
            title={t('trust.confirm.pay.shortHere', { amount: format.won(preview.shortfallWon) })}
          >
            {autoChargeOn ? t('trust.confirm.pay.autoChargeShort') : t('trust.confirm.pay.shortHereWhy')}
          </Notice>
        )}
        <Button type="submit" wide className="thumb-action" disabled={lookup.checking}>
          {t('wallet.pay.submit')}
        </Button>
      </form>
      {preview?.paidFrom && lookup.merchant && (
        <ConfirmSheet
          title={t('trust.confirm.pay.title')}
          lines={[
            { label: t('trust.confirm.pay.merchant'), value: <DataName>{preview.merchantName}</DataName> },
            { label: t('trust.confirm.pay.amount'), value: format.won(preview.amountWon), emphasis: true },
            { label: t('trust.confirm.pay.from'), value: paidFromText(preview.paidFrom) },
            { label: t('trust.confirm.pay.cashback'), value: format.won(preview.expectedCashbackWon) },
          ]}
          note={
            <>
              {preview.autoChargeWon > 0 && (
                <p>
                  {t('trust.confirm.pay.autoCharge', {
                    amount: format.won(preview.autoChargeWon),
                    short: format.won(preview.shortfallWon),
                  })}
                </p>
              )}
              {preview.validUntil && (
                <p>{t('trust.confirm.pay.policyChanges', { at: format.dateTime(preview.validUntil) })}</p>
              )}
              <p className="muted">{t('trust.confirm.pay.cashbackNote')}</p>
            </>
          }
          confirmLabel={t('trust.confirm.pay.submit', { amount: format.won(preview.amountWon) })}
          busy={pay.busy}
          error={pay.status === 'failed' ? pay.error : null}
          askPin
          onConfirm={onConfirm}
          onCancel={() => setPreview(null)}
        />
      )}
    </Page>
  );
}
