import type { Sql } from '../../db/database.js';

/**
 * Daily rollups kept by the analytics consumer in the same transaction as the page of events they
 * summarise, so the dashboards read a few hundred rows per chart instead of every payment. Each
 * statement adds a page's deltas (`x = x + excluded.x`): applying a page exactly once (the feed's
 * guarantee) keeps them exact, and a rebuild from zero refills them.
 */

/** Columns every delta source yields, one row per payment or per cancellation. */
const DELTA_COLUMNS = `p.local_date, to_char(p.local_date, 'YYYY-MM') as month, p.member_id, p.merchant_id,
  p.district, p.industry_code, p.market_id, p.local_hour, p.annual_revenue_won, m.birth_year`;
const MEMBER_JOIN =
  'left join analytics_members m on m.tenant_id = p.tenant_id and m.member_id = p.member_id';

/** The page's payments, already inserted into analytics_payments (seq between $2 and $3). */
const PAYMENTS_DELTA = `select ${DELTA_COLUMNS}, p.amount_won as net_won, p.cashback_won, 1 as count,
    p.amount_won as gross_won, 0 as cancelled_won
  from analytics_payments p ${MEMBER_JOIN}
  where p.tenant_id = $1 and p.seq between $2 and $3`;

/** The page's cancellations ($2: JSON rows), counted on the cancelled payment's day and month. */
const CANCELLATIONS_DELTA = `select ${DELTA_COLUMNS}, -x.amount_won as net_won, -x.recovered_won as cashback_won,
    0 as count, 0 as gross_won, x.amount_won as cancelled_won
  from json_to_recordset($2::json) as x(payment_id text, amount_won bigint, recovered_won bigint)
  join analytics_payments p on p.tenant_id = $1 and p.payment_id = x.payment_id ${MEMBER_JOIN}`;

const ROLLUP_STATEMENTS = [
  `insert into analytics_daily (tenant_id, local_date, payments, gross_won, cancelled_won)
   select $1, local_date, sum(count), sum(gross_won), sum(cancelled_won) from delta group by local_date
   on conflict (tenant_id, local_date) do update set payments = analytics_daily.payments + excluded.payments,
     gross_won = analytics_daily.gross_won + excluded.gross_won,
     cancelled_won = analytics_daily.cancelled_won + excluded.cancelled_won`,
  `insert into analytics_daily_spend (tenant_id, local_date, dimension, key, net_won, count)
   select $1, local_date, d.dimension, d.key, sum(net_won), sum(count)
   from delta cross join lateral (values ('district', district), ('industry', industry_code), ('market', market_id),
     ('hour', lpad(local_hour::text, 2, '0')), ('birth_year', coalesce(birth_year::text, 'unknown'))) as d(dimension, key)
   where d.key is not null group by local_date, d.dimension, d.key
   on conflict (tenant_id, local_date, dimension, key) do update
     set net_won = analytics_daily_spend.net_won + excluded.net_won, count = analytics_daily_spend.count + excluded.count`,
  `insert into analytics_member_months (tenant_id, month, member_id, net_won, cashback_won)
   select $1, month, member_id, sum(net_won), sum(cashback_won) from delta group by month, member_id
   on conflict (tenant_id, month, member_id) do update set net_won = analytics_member_months.net_won + excluded.net_won,
     cashback_won = analytics_member_months.cashback_won + excluded.cashback_won`,
  `insert into analytics_merchant_months (tenant_id, month, merchant_id, district, industry_code, declared_won, net_won)
   select $1, month, merchant_id, min(district), min(industry_code), max(annual_revenue_won), sum(net_won)
   from delta group by month, merchant_id
   on conflict (tenant_id, month, merchant_id) do update
     set net_won = analytics_merchant_months.net_won + excluded.net_won,
       declared_won = greatest(analytics_merchant_months.declared_won, excluded.declared_won)`,
];

/**
 * All the rollups of one delta source in one statement: the delta (a join of the page's payments
 * with their members) is computed once and feeds every table, where a statement per table computed
 * it once each.
 */
function rollUpStatement(delta: string): string {
  const upserts = ROLLUP_STATEMENTS.slice(0, -1).map((statement, n) => `rollup_${n} as (${statement})`);
  return `with delta as materialized (${delta}), ${upserts.join(', ')} ${ROLLUP_STATEMENTS.at(-1)}`;
}
const PAYMENTS_ROLLUP = rollUpStatement(PAYMENTS_DELTA);
const CANCELLATIONS_ROLLUP = rollUpStatement(CANCELLATIONS_DELTA);

export async function rollUpPayments(tx: Sql, tenantId: string, seqFrom: number, seqTo: number) {
  await tx.query(PAYMENTS_ROLLUP, [tenantId, seqFrom, seqTo]);
}

export async function rollUpCancellations(
  tx: Sql,
  tenantId: string,
  cancellations: ReadonlyArray<{ paymentId: string; amountWon: number; cashbackRecoveredWon: number }>,
) {
  if (cancellations.length === 0) return;
  const rows = JSON.stringify(
    cancellations.map((c) => ({
      payment_id: c.paymentId,
      amount_won: c.amountWon,
      recovered_won: c.cashbackRecoveredWon,
    })),
  );
  await tx.query(CANCELLATIONS_ROLLUP, [tenantId, rows]);
}

/**
 * Fraud claw-backs' cashback, recovered from their payments: the payment's recovered cashback and its
 * member's month (the payment's, as for a cancellation) lose what was clawed. Payments analytics never
 * saw are skipped, as their cancellations are.
 */
export async function rollUpClawbacks(
  tx: Sql,
  tenantId: string,
  payments: ReadonlyArray<{ paymentId: string; clawedWon: number }>,
) {
  if (payments.length === 0) return;
  const rows = JSON.stringify(payments.map((p) => ({ payment_id: p.paymentId, clawed_won: p.clawedWon })));
  await tx.query(
    `with clawed as materialized (
       select x.payment_id, sum(x.clawed_won) as clawed_won
       from json_to_recordset($2::json) as x(payment_id text, clawed_won bigint) group by x.payment_id),
     recovered as (
       update analytics_payments p set cashback_recovered_won = p.cashback_recovered_won + c.clawed_won
       from clawed c where p.tenant_id = $1 and p.payment_id = c.payment_id
       returning to_char(p.local_date, 'YYYY-MM') as month, p.member_id, c.clawed_won)
     insert into analytics_member_months (tenant_id, month, member_id, net_won, cashback_won)
     select $1, month, member_id, 0, -sum(clawed_won) from recovered group by month, member_id
     on conflict (tenant_id, month, member_id) do update
       set cashback_won = analytics_member_months.cashback_won + excluded.cashback_won`,
    [tenantId, rows],
  );
}

/** Issuance (charge, grant) and joins per day. */
export async function rollUpDays(
  tx: Sql,
  tenantId: string,
  days: ReadonlyArray<{ date: string; chargedWon: number; grantedWon: number; joined: number }>,
) {
  const byDate = new Map<string, { date: string; chargedWon: number; grantedWon: number; joined: number }>();
  for (const day of days) {
    const sum = byDate.get(day.date) ?? { date: day.date, chargedWon: 0, grantedWon: 0, joined: 0 };
    sum.chargedWon += day.chargedWon;
    sum.grantedWon += day.grantedWon;
    sum.joined += day.joined;
    byDate.set(day.date, sum);
  }
  if (byDate.size === 0) return;
  await tx.query(
    `insert into analytics_daily (tenant_id, local_date, charged_won, granted_won, joined)
     select $1, date, charged_won, granted_won, joined
     from json_to_recordset($2::json) as x(date date, charged_won bigint, granted_won bigint, joined bigint)
     on conflict (tenant_id, local_date) do update set charged_won = analytics_daily.charged_won + excluded.charged_won,
       granted_won = analytics_daily.granted_won + excluded.granted_won, joined = analytics_daily.joined + excluded.joined`,
    [
      tenantId,
      JSON.stringify(
        [...byDate.values()].map((day) => ({
          date: day.date,
          charged_won: day.chargedWon,
          granted_won: day.grantedWon,
          joined: day.joined,
        })),
      ),
    ],
  );
}

/** Cashback drawn per day and pot, from the page's draws (and negative returns). */
export async function rollUpPots(
  tx: Sql,
  tenantId: string,
  draws: ReadonlyArray<{ date: string; potId: string; source: string; amountWon: number }>,
) {
  if (draws.length === 0) return;
  await tx.query(
    `insert into analytics_daily_pots (tenant_id, local_date, pot_id, source, amount_won)
     select $1, date, pot_id, source, sum(amount_won)
     from json_to_recordset($2::json) as x(date date, pot_id text, source text, amount_won bigint)
     group by date, pot_id, source
     on conflict (tenant_id, local_date, pot_id, source) do update
       set amount_won = analytics_daily_pots.amount_won + excluded.amount_won`,
    [
      tenantId,
      JSON.stringify(
        draws.map((drawn) => ({
          date: drawn.date,
          pot_id: drawn.potId,
          source: drawn.source,
          amount_won: drawn.amountWon,
        })),
      ),
    ],
  );
}

export const ROLLUP_TABLES = [
  'analytics_daily',
  'analytics_daily_spend',
  'analytics_daily_pots',
  'analytics_member_months',
  'analytics_merchant_months',
  'analytics_member_stats',
] as const;
