import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { Wallet } from '../api/types.js';
import { useSubmit } from '../api/use-submit.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { useFormat } from '../ui/format-hooks.js';
import { Notice } from '../ui/Notice.js';
import { useBankAccountText } from './use-bank-account.js';

const CHARGE_ROUND_WON = 10_000;

/** What is left of this month's charge limit. */
export function chargeRoomWon(month: Wallet['month']): number {
  return Math.max(0, month.chargeCapWon - month.chargedWon);
}

/**
 * What to charge for a shortfall: rounded up to the next 10,000원 (as people charge), unless the
 * month's charge limit leaves less room than that, then exactly the shortfall. Null when even the
 * shortfall is over the limit: the charge would be refused, so none is offered.
 */
export function shortfallChargeWon(shortWon: number, month: Wallet['month']): number | null {
  const roundedWon = Math.ceil(shortWon / CHARGE_ROUND_WON) * CHARGE_ROUND_WON;
  const roomWon = chargeRoomWon(month);
  if (roundedWon <= roomWon) return roundedWon;
  return shortWon <= roomWon ? shortWon : null;
}

interface ShortBalanceProps {
  shortWon: number;
  wallet: Wallet | undefined;
  /** Auto-charge fills payments (not transfers) by itself: then there is nothing to offer. */
  autoChargeOn?: boolean;
  /** Where the auto-charge offer applies: payments only. */
  offerAutoCharge?: boolean;
  /** Called once the shortfall is charged, so the payment or transfer continues where it was. */
  onCharged: () => void;
}

/**
 * Short balance, answered where the person is: charge the missing amount from the linked account
 * (after the same confirm step as the charge screen) and carry on, or turn auto-charge on.
 */
export function ShortBalance({
  shortWon,
  wallet,
  autoChargeOn = false,
  offerAutoCharge = false,
  onCharged,
}: ShortBalanceProps) {
  const { t } = useLanguage();
  const format = useFormat();
  const account = useBankAccountText();
  const [confirming, setConfirming] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const chargeWon = wallet ? shortfallChargeWon(shortWon, wallet.month) : null;
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
  if (wallet && chargeWon === null) {
    return (
      <Notice tone="warning" title={t('trust.short.title', { amount: format.won(shortWon) })}>
        {t('trust.short.overCap', { room: format.won(chargeRoomWon(wallet.month)) })}
      </Notice>
    );
  }
  if (autoChargeOn) return <Notice tone="info">{t('trust.short.autoOn')}</Notice>;
  // The month's limit is not known until the wallet has loaded: no charge is offered before then.
  if (chargeWon === null) return null;

  const onConfirm = async () => {
    if (await charge.submit(chargeWon)) {
      setConfirming(false);
      onCharged();
    }
  };

  return (
    <>
      <Notice
        tone="warning"
        title={t('trust.short.title', { amount: format.won(shortWon) })}
        action={
          <div className="file-actions">
            <Button
              onClick={() => {
                charge.reset();
                setConfirming(true);
              }}
            >
              {t('trust.short.charge', { amount: format.won(chargeWon) })}
            </Button>
            {offerAutoCharge && (
              <Link className="button button-secondary" to="/wallet/auto-charge">
                {t('trust.short.autoCharge')}
              </Link>
            )}
          </div>
        }
      >
        {t('trust.short.inPlace')}
      </Notice>
      {confirming && (
        <ConfirmSheet
          title={t('trust.confirm.charge.title')}
          lines={[
            { label: t('trust.confirm.charge.amount'), value: format.won(chargeWon), emphasis: true },
            { label: t('trust.confirm.charge.account'), value: account },
            ...(wallet
              ? [{ label: t('trust.confirm.charge.after'), value: format.won(wallet.totalWon + chargeWon) }]
              : []),
          ]}
          note={<p>{t('trust.short.thenContinue')}</p>}
          confirmLabel={t('trust.confirm.charge.submit', { amount: format.won(chargeWon) })}
          busy={charge.busy}
          error={charge.status === 'failed' ? charge.error : null}
          onConfirm={onConfirm}
          onCancel={() => setConfirming(false)}
        />
      )}
    </>
  );
}
