import { Link } from 'react-router';
import type { MemberReceipt } from '../api/types.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { useFormat } from '../ui/format-hooks.js';
import { DataName } from '../ui/Page.js';
import { CashbackLines } from './CashbackLines.js';

interface ReceiptProps {
  receipt: MemberReceipt;
  onAnother?: () => void;
}

/** What a member sees after paying: where the money came from and the cashback each rule earned. */
export function Receipt({ receipt, onAnother }: ReceiptProps) {
  const { t } = useLanguage();
  const format = useFormat();
  const paidFrom = [
    { label: t('wallet.receipt.fromCash'), amountWon: receipt.paidFrom.cashWon },
    { label: t('wallet.receipt.fromCashback'), amountWon: receipt.paidFrom.cashbackWon },
    { label: t('wallet.receipt.fromGrant'), amountWon: receipt.paidFrom.grantWon },
  ].filter((part) => part.amountWon > 0);
  return (
    <section className="card receipt" role="status" aria-labelledby="receipt-title">
      <h2 id="receipt-title" className="receipt-title">
        <span className="check" aria-hidden="true">
          ✓
        </span>
        {t('wallet.receipt.title')}
      </h2>
      <p className="receipt-merchant">
        <DataName>{receipt.merchantName}</DataName>
      </p>
      <p className="receipt-amount">
        {t('wallet.receipt.paidAmount', { amount: format.won(receipt.amountWon) })}
      </p>
      <dl className="receipt-lines">
        <div>
          <dt>{t('wallet.receipt.paidFrom')}</dt>
          <dd>{paidFrom.map((part) => `${part.label} ${format.won(part.amountWon)}`).join(' · ')}</dd>
        </div>
        <div>
          <dt>{t('trust.history.when')}</dt>
          <dd>{format.dateTime(receipt.createdAt)}</dd>
        </div>
        <div>
          <dt>{t('trust.history.approval')}</dt>
          <dd className="mono">{format.approvalNumber(receipt.paymentId)}</dd>
        </div>
        <div className="receipt-cashback">
          <dt>{t('wallet.receipt.cashbackEarned')}</dt>
          <dd>{format.won(receipt.cashback.amountWon)}</dd>
        </div>
      </dl>
      <h3>{t('wallet.receipt.cashbackRules')}</h3>
      {receipt.cashback.rules.length === 0 && <p className="muted">{t('wallet.receipt.noCashback')}</p>}
      <CashbackLines rules={receipt.cashback.rules} limitedBy={receipt.cashback.limitedBy} />
      <p>{t('wallet.receipt.newBalance', { amount: format.won(receipt.wallet.totalWon) })}</p>
      <div className="file-actions">
        {onAnother && (
          <Button variant="secondary" onClick={onAnother}>
            {t('wallet.receipt.another')}
          </Button>
        )}
        <Link className="button button-secondary" to="/wallet/history">
          {t('trust.history.toHistory')}
        </Link>
      </div>
    </section>
  );
}
