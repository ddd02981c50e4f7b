import type { Sql } from '../../db/database.js';
import type { DailyTotal, Sale } from './payment-service.js';

const SALES_PAGE_MAX = 100;

/** A merchant's own sales, newest first, and per-day totals in the tenant's time zone. */
export async function merchantSales(
  sql: Sql,
  tenantId: string,
  merchantId: string,
  query: { from: Date; to: Date; before?: { at: string; id: string }; limit: number; timeZone: string },
): Promise<{ items: Sale[]; dailyTotals: DailyTotal[] }> {
  const items = await sql.query<Sale>(
    `select id as "paymentId", to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, channel,
       amount_won as "amountWon", cancelled_won as "cancelledWon", amount_won - cancelled_won as "netWon"
     from payments
     where tenant_id = $1 and merchant_id = $2 and created_at >= $3 and created_at < $4
       and ($5::timestamptz is null or (created_at, id) < ($5::timestamptz, $6::text))
     order by created_at desc, id desc limit $7`,
    [
      tenantId,
      merchantId,
      query.from,
      query.to,
      query.before?.at ?? null,
      query.before?.id ?? '',
      Math.min(query.limit, SALES_PAGE_MAX),
    ],
  );
  const dailyTotals = await sql.query<DailyTotal>(
    `select to_char(created_at at time zone $5, 'YYYY-MM-DD') as date, count(*)::bigint as count,
       sum(amount_won)::bigint as "grossWon", sum(cancelled_won)::bigint as "cancelledWon",
       sum(amount_won - cancelled_won)::bigint as "netWon"
     from payments where tenant_id = $1 and merchant_id = $2 and created_at >= $3 and created_at < $4
     group by 1 order by 1 desc`,
    [tenantId, merchantId, query.from, query.to, query.timeZone],
  );
  return { items, dailyTotals };
}

/** A merchant's sales figures for one period (a settlement's business day). */
export interface DayFigures {
  paymentsCount: number;
  grossWon: number;
  cancellationsCount: number;
  cancelledWon: number;
  /**
   * What sales and cancellations moved on the merchant's receivable from the period's end until now:
   * in the receivable, but not due yet. A cancellation counts at what it debited the merchant, which
   * is less than its amount when a fraud claw-back already took the payment's grant money back.
   */
  laterNetWon: number;
}

/** The figures of a merchant with no payment and no cancellation in the period. */
export const NO_SALES: DayFigures = {
  paymentsCount: 0,
  grossWon: 0,
  cancellationsCount: 0,
  cancelledWon: 0,
  laterNetWon: 0,
};

/**
 * Each merchant's payments and cancellations in [start, end) and its net after `end`, by merchant
 * id; a merchant with neither has no entry. `cancelledWon` is what the merchant cancelled (the day's
 * sales figure); `laterNetWon` is what moved on its receivable (see DayFigures).
 */
export async function dayFiguresOfMerchants(
  sql: Sql,
  tenantId: string,
  merchantIds: readonly string[],
  period: { start: Date; end: Date },
): Promise<Map<string, DayFigures>> {
  const sales = await selectSalesByMerchant(sql, tenantId, merchantIds, period);
  const cancellations = await selectCancellationsByMerchant(sql, tenantId, merchantIds, period);
  const figures = new Map<string, DayFigures>();
  for (const row of sales) {
    figures.set(row.merchant_id, {
      ...NO_SALES,
      paymentsCount: row.count,
      grossWon: row.gross_won,
      laterNetWon: row.later_won,
    });
  }
  for (const row of cancellations) {
    const known = figures.get(row.merchant_id) ?? NO_SALES;
    figures.set(row.merchant_id, {
      ...known,
      cancellationsCount: row.count,
      cancelledWon: row.cancelled_won,
      laterNetWon: known.laterNetWon - row.later_won,
    });
  }
  return figures;
}

interface MerchantSumRow {
  merchant_id: string;
  count: number;
  later_won: number;
}

function selectSalesByMerchant(
  sql: Sql,
  tenantId: string,
  merchantIds: readonly string[],
  period: { start: Date; end: Date },
): Promise<Array<MerchantSumRow & { gross_won: number }>> {
  return sql.query(
    `select merchant_id, count(*) filter (where created_at < $4)::bigint as count,
       coalesce(sum(amount_won) filter (where created_at < $4), 0)::bigint as gross_won,
       coalesce(sum(amount_won) filter (where created_at >= $4), 0)::bigint as later_won
     from payments where tenant_id = $1 and merchant_id = any($2::text[]) and created_at >= $3
     group by merchant_id`,
    [tenantId, merchantIds, period.start, period.end],
  );
}

/**
 * A cancellation debits the merchant its amount less the grant money a fraud claw-back already took
 * from it (`breakdown.grantClawedBackWon`, see cancellation.ts; absent before claw-backs existed).
 */
function selectCancellationsByMerchant(
  sql: Sql,
  tenantId: string,
  merchantIds: readonly string[],
  period: { start: Date; end: Date },
): Promise<Array<MerchantSumRow & { cancelled_won: number }>> {
  return sql.query(
    `select p.merchant_id, count(*) filter (where c.created_at < $4)::bigint as count,
       coalesce(sum(c.amount_won) filter (where c.created_at < $4), 0)::bigint as cancelled_won,
       coalesce(sum(c.amount_won - coalesce((c.breakdown ->> 'grantClawedBackWon')::bigint, 0))
         filter (where c.created_at >= $4), 0)::bigint as later_won
     from payment_cancellations c join payments p on p.tenant_id = c.tenant_id and p.id = c.payment_id
     where c.tenant_id = $1 and c.created_at >= $3 and p.merchant_id = any($2::text[])
     group by p.merchant_id`,
    [tenantId, merchantIds, period.start, period.end],
  );
}
