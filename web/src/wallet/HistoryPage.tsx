import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client.js';
import type { Activity } from '../api/types.js';
import { usePaged } from '../api/use-paged.js';
import { useLanguage } from '../i18n/i18n.js';
import { TransactionProof } from '../public-books/TransactionProof.js';
import { Button } from '../ui/Button.js';
import { SelectField, TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { DataName, Page } from '../ui/Page.js';
import { PagedList } from '../ui/PagedList.js';
import {
  ACTIVITY_GROUPS,
  type ActivityGroup,
  cancellationDetails,
  counterpartOf,
  isKnownType,
  merchantsIn,
  messageOf,
  paidFromOf,
  paymentDetails,
  programOf,
  shownAmountWon,
} from './activity.js';
import { CashbackLines } from './CashbackLines.js';

interface Filters {
  type: string;
  month: string;
  merchantId: string;
}

const NO_FILTERS: Filters = { type: '', month: '', merchantId: '' };
const PAGE_SIZE = 20;

function PaymentExtra({ activity }: { activity: Activity }) {
  const { t } = useLanguage();
  const format = useFormat();
  const details = paymentDetails(activity);
  if (details.cashbackWon === 0 && details.rules.length === 0) {
    return <p className="muted">{t('wallet.history.cashbackNone')}</p>;
  }
  return (
    <details className="activity-details">
      <summary>
        <span className="cashback-earned">
          {t('wallet.history.cashbackEarned', { amount: format.won(details.cashbackWon) })}
        </span>
        <span className="details-toggle">{t('wallet.history.cashbackDetails')}</span>
      </summary>
      <CashbackLines rules={details.rules} limitedBy={details.limitedBy} />
    </details>
  );
}

/** The one detail view of every history line: when, its approval number, and who or what it concerns. */
function ActivityDetail({ activity }: { activity: Activity }) {
  const { t } = useLanguage();
  const format = useFormat();
  const counterpart = counterpartOf(activity);
  const program = programOf(activity);
  const message = messageOf(activity);
  const paidFrom = activity.type === 'payment' ? paidFromOf(activity) : null;
  const rows: Array<[string, React.ReactNode]> = [
    [t('trust.history.when'), format.dateTime(activity.at)],
    [t('trust.history.approval'), format.approvalNumber(activity.referenceId)],
  ];
  if (counterpart)
    rows.push([
      t('trust.history.counterpart'),
      <DataName key="c">
        {counterpart.phoneMasked ? `${counterpart.name} (${counterpart.phoneMasked})` : counterpart.name}
      </DataName>,
    ]);
  if (message) rows.push([t('trust.history.message'), <DataName key="m">{message}</DataName>]);
  if (paidFrom) {
    const parts = [
      [t('wallet.receipt.fromGrant'), paidFrom.grantWon],
      [t('wallet.receipt.fromCashback'), paidFrom.cashbackWon],
      [t('wallet.receipt.fromCash'), paidFrom.cashWon],
    ] as const;
    rows.push([
      t('trust.history.paidFrom'),
      parts
        .filter(([, amountWon]) => amountWon > 0)
        .map(([label, amountWon]) => `${label} ${format.won(amountWon)}`)
        .join(' · '),
    ]);
  }
  if (program.name) rows.push([t('trust.history.program'), <DataName key="p">{program.name}</DataName>]);
  if (program.expiresAt && activity.type === 'grant_received')
    rows.push([t('trust.history.expires'), format.lastDay(program.expiresAt)]);
  if (activity.type === 'refund') rows.push([t('trust.history.paidFrom'), t('trust.history.toBank')]);
  if (activity.type === 'charge' || activity.type === 'auto_charge')
    rows.push([t('trust.history.paidFrom'), t('trust.history.fromBank')]);
  return (
    <details className="activity-details activity-more">
      <summary>{t('trust.history.detail')}</summary>
      <dl className="history-detail">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function ActivityItem({ activity }: { activity: Activity }) {
  const { t } = useLanguage();
  const format = useFormat();
  const type = isKnownType(activity.type) ? activity.type : 'other';
  // Payments, cancellations and every step of an order name the shop.
  const merchantName =
    activity.type === 'payment_cancellation'
      ? cancellationDetails(activity).merchantName
      : paymentDetails(activity).merchantName;
  const counterpart = counterpartOf(activity);
  const programName = programOf(activity).name;
  const subject = merchantName ?? counterpart?.name ?? programName;
  const amountWon = shownAmountWon(activity);
  const clawbackWon =
    activity.type === 'payment_cancellation' ? cancellationDetails(activity).clawbackWon : 0;
  return (
    <li className={`activity activity-${type}`}>
      <div className="activity-main">
        <div>
          <p className="activity-title">
            <span className="activity-type">{t(`trust.history.types.${type}`)}</span>
            {subject && <DataName>{subject}</DataName>}
          </p>
          <p className="muted">{format.dateTime(activity.at)}</p>
        </div>
        <p className={`activity-amount${amountWon > 0 ? ' credit' : ''}`}>{format.wonChange(amountWon)}</p>
      </div>
      {activity.type === 'payment' && <PaymentExtra activity={activity} />}
      <TransactionProof transactionId={activity.referenceId} />
      {clawbackWon > 0 && (
        <p className="muted">{t('wallet.history.clawback', { amount: format.won(clawbackWon) })}</p>
      )}
      <ActivityDetail activity={activity} />
    </li>
  );
}

function FilterBar({
  filters,
  onChange,
  merchants,
}: {
  filters: Filters;
  onChange: (next: Filters) => void;
  merchants: Map<string, string>;
}) {
  const { t } = useLanguage();
  const set = (key: keyof Filters) => (value: string) => onChange({ ...filters, [key]: value });
  return (
    <form
      className="card filters"
      aria-label={t('wallet.history.filters')}
      onSubmit={(event) => event.preventDefault()}
    >
      <SelectField
        label={t('wallet.history.type')}
        value={filters.type}
        onValue={set('type')}
        placeholder={t('app.all')}
        options={(Object.keys(ACTIVITY_GROUPS) as ActivityGroup[]).map((group) => ({
          value: group,
          label: t(`trust.history.groups.${group}`),
        }))}
      />
      <TextField
        label={t('wallet.history.month')}
        type="month"
        value={filters.month}
        onValue={set('month')}
      />
      <SelectField
        label={t('wallet.history.merchant')}
        value={filters.merchantId}
        onValue={set('merchantId')}
        placeholder={t('wallet.history.allMerchants')}
        options={[...merchants].map(([id, name]) => ({ value: id, label: name }))}
        translate="no"
      />
      <Button variant="ghost" onClick={() => onChange(NO_FILTERS)} disabled={filters === NO_FILTERS}>
        {t('wallet.history.reset')}
      </Button>
    </form>
  );
}

export function HistoryPage() {
  const { t } = useLanguage();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [merchants, setMerchants] = useState(new Map<string, string>());
  const history = usePaged(JSON.stringify(filters), (cursor, signal) =>
    call(
      api.GET('/v1/me/transactions', {
        signal,
        params: {
          query: {
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : {}),
            ...(filters.type in ACTIVITY_GROUPS
              ? { type: ACTIVITY_GROUPS[filters.type as ActivityGroup].join(',') }
              : {}),
            ...(/^\d{4}-\d{2}$/.test(filters.month) ? { month: filters.month } : {}),
            ...(filters.merchantId ? { merchantId: filters.merchantId } : {}),
          },
        },
      }),
    ),
  );

  // The shop filter offers every shop seen so far, so choosing one does not empty the list of choices.
  useEffect(() => {
    setMerchants((known) => {
      const seen = merchantsIn(history.items);
      if ([...seen.keys()].every((id) => known.has(id))) return known;
      return new Map([...known, ...seen]);
    });
  }, [history.items]);

  return (
    <Page title={t('wallet.history.title')}>
      <FilterBar filters={filters} onChange={setFilters} merchants={merchants} />
      <PagedList
        paged={history}
        empty={
          <div className="empty-state">
            <p>
              <strong>
                {filters === NO_FILTERS ? t('trust.history.emptyTitle') : t('wallet.history.empty')}
              </strong>
            </p>
            {filters === NO_FILTERS && (
              <>
                <p>{t('trust.history.emptyAction')}</p>
                <Link className="button button-primary" to="/wallet/charge">
                  {t('wallet.charge.title')}
                </Link>
              </>
            )}
          </div>
        }
      >
        {(items) => (
          <ul className="activity-list">
            {items.map((activity) => (
              <ActivityItem key={activity.seq} activity={activity} />
            ))}
          </ul>
        )}
      </PagedList>
    </Page>
  );
}
