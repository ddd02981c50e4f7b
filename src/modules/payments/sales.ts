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
