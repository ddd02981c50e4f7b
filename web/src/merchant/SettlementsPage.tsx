import { Link, useParams } from 'react-router';
import { api, call } from '../api/client.js';
import type { Settlement, SettlementStatement } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { usePaged } from '../api/use-paged.js';
import { CommerceStatementLines } from '../commerce/MerchantShopPages.js';
import { useLanguage } from '../i18n/i18n.js';
import { DownloadButtons } from '../ui/DownloadButtons.js';
import { EmptyState } from '../ui/EmptyState.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { Badge, Page } from '../ui/Page.js';
import { PagedList } from '../ui/PagedList.js';

const PAGE_SIZE = 20;
/** A statement's status as a badge's tone, for the merchant's and the operator's lists alike. */
export const STATUS_TONE = {
  paying: 'info',
  paid: 'good',
  failed: 'bad',
  nothing_to_pay: 'neutral',
  held: 'warn',
} as const;
const PAYOUT_TONE = { pending: 'info', succeeded: 'good', failed: 'bad' } as const;

/** The money lines of a statement, in the order they add up. */
export function StatementLines({ settlement }: { settlement: Settlement }) {
  const { t } = useLanguage();
  const format = useFormat();
  const lines: Array<[string, number]> = [
    [t('merchant.settlements.gross'), settlement.grossWon],
    [t('merchant.settlements.cancelled'), -settlement.cancelledWon],
    [t('merchant.settlements.fee', { rate: format.rate(settlement.fee.rateBp) }), -settlement.fee.feeWon],
    [t('merchant.settlements.net'), settlement.netWon],
    [t('merchant.settlements.broughtForward'), settlement.broughtForwardWon],
    [t('merchant.settlements.due'), settlement.dueWon],
    [t('merchant.settlements.paid'), settlement.paidWon],
    [t('merchant.settlements.carried'), settlement.carriedWon],
  ];
  return (
    <dl className="receipt-lines">
      {lines.map(([label, amountWon]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{format.won(amountWon)}</dd>
        </div>
      ))}
    </dl>
  );
}

function SettlementRow({ settlement }: { settlement: Settlement }) {
  const { t } = useLanguage();
  const format = useFormat();
  return (
    <li className="sale">
      <div className="sale-main">
        <div>
          <p className="sale-amount">{format.won(settlement.paidWon)}</p>
          <p className="muted small">
            {format.calendarDate(settlement.businessDate)} ·{' '}
            {t('merchant.settlements.payments', { count: settlement.paymentsCount })} ·{' '}
            {t('merchant.settlements.gross')} {format.won(settlement.grossWon)}
          </p>
        </div>
        <div className="sale-side">
          <Badge tone={STATUS_TONE[settlement.status]}>
            {t(`merchant.settlements.statuses.${settlement.status}`)}
          </Badge>
          <Link to={settlement.id} className="button button-ghost">
            {t('merchant.settlements.details')}
          </Link>
        </div>
      </div>
    </li>
  );
}

export function SettlementsPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const settlements = usePaged('settlements', (cursor, signal) =>
    call(
      api.GET('/v1/merchant/settlements', {
        signal,
        params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  return (
    <Page title={t('merchant.settlements.title')} intro={t('merchant.settlements.intro')}>
      <section className="card">
        <PagedList
          paged={settlements}
          empty={<EmptyState title={t('trust.empty.settlements')} next={t('trust.empty.settlementsNext')} />}
        >
          {(items) => (
            <>
              <DownloadButtons
                name="settlements"
                header={[
                  t('trust.files.columns.date'),
                  t('trust.files.columns.status'),
                  t('trust.files.columns.gross'),
                  t('trust.files.columns.cancelled'),
                  t('trust.files.columns.fee'),
                  t('trust.files.columns.due'),
                  t('trust.files.columns.paid'),
                ]}
                rows={() =>
                  items.map((settlement) => [
                    format.calendarDate(settlement.businessDate),
                    t(`merchant.settlements.statuses.${settlement.status}`),
                    settlement.grossWon,
                    settlement.cancelledWon,
                    settlement.fee.feeWon,
                    settlement.dueWon,
                    settlement.paidWon,
                  ])
                }
              />
              <ul className="sale-list">
                {items.map((settlement) => (
                  <SettlementRow key={settlement.id} settlement={settlement} />
                ))}
              </ul>
            </>
          )}
        </PagedList>
      </section>
    </Page>
  );
}

function Payouts({ statement }: { statement: SettlementStatement }) {
  const { t } = useLanguage();
  const format = useFormat();
  if (statement.payouts.length === 0) return <p className="muted">{t('merchant.settlements.noPayouts')}</p>;
  return (
    <ul className="sale-list">
      {statement.payouts.map((payout) => (
        <li key={payout.id} className="sale">
          <div className="sale-main">
            <div>
              <p className="sale-amount">{format.won(payout.amountWon)}</p>
              <p className="muted small">
                {t('merchant.settlements.attempt', { attempt: payout.attempt })} ·{' '}
                {format.dateTime(payout.createdAt)} · {format.bank(payout.bankAccount.bankCode)}{' '}
                <span className="mono">{payout.bankAccount.accountNumberMasked}</span>
              </p>
              {payout.failure && <p className="small warning-text">{payout.failure.message}</p>}
            </div>
            <Badge tone={PAYOUT_TONE[payout.status]}>
              {t(`merchant.settlements.payoutStatus.${payout.status}`)}
            </Badge>
          </div>
        </li>
      ))}
    </ul>
  );
}

/** One business day's statement: how the payout was worked out and each attempt to pay it to the bank. */
export function StatementPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const { statementId = '' } = useParams();
  const statement = useApi(`statement-${statementId}`, (signal) =>
    call(api.GET('/v1/merchant/settlements/{statementId}', { signal, params: { path: { statementId } } })),
  );
  return (
    <Page
      title={
        statement.data
          ? t('merchant.settlements.statement', { date: format.calendarDate(statement.data.businessDate) })
          : t('merchant.settlements.title')
      }
      actions={
        <Link to="/merchant/settlements" className="button button-ghost">
          {t('merchant.settlements.back')}
        </Link>
      }
    >
      <Loaded state={statement}>
        {(data) => (
          <>
            <section className="card">
              <p className="badges">
                <Badge tone={STATUS_TONE[data.status]}>
                  {t(`merchant.settlements.statuses.${data.status}`)}
                </Badge>
              </p>
              <p className="muted">
                {t('trust.formats.settlementPeriod', {
                  period: format.period(data.periodStart, data.periodEnd),
                })}
              </p>
              <StatementLines settlement={data} />
            </section>
            <CommerceStatementLines commerce={data.commerce} />
            <section className="card" aria-labelledby="payouts-title">
              <h2 id="payouts-title">{t('merchant.settlements.payouts')}</h2>
              <Payouts statement={data} />
            </section>
          </>
        )}
      </Loaded>
    </Page>
  );
}
