import type { Sql } from '../../db/database.js';

/** A member's spending from their own cash at one merchant in one month, and what cancellations returned to it. */
export interface CashSpendingRow {
  memberId: string;
  month: string;
  merchantId: string;
  cashWon: number;
  cancelledCashWon: number;
}

interface Row {
  member_id: string;
  month: string;
  merchant_id: string;
  cash_won: number;
  cancelled_cash_won: number;
}

/**
 * Cash spending (never cashback or grants) grouped by member, payment month and merchant, for the
 * income-tax statement. A cancellation is netted in the month of the payment it cancels.
 */
const CASH_SPENDING_SQL = `
  select p.member_id, p.month, p.merchant_id,
    sum((p.paid_from->>'cashWon')::bigint)::bigint as cash_won,
    coalesce(sum(c.cash_won), 0)::bigint as cancelled_cash_won
  from payments p
  left join lateral (
    select sum((x.breakdown->'refunded'->>'cashWon')::bigint) as cash_won
    from payment_cancellations x where x.tenant_id = p.tenant_id and x.payment_id = p.id
  ) c on true
  where p.tenant_id = $1 and p.month >= $2 and p.month <= $3 and MEMBERS
  group by p.member_id, p.month, p.merchant_id
  order by p.member_id, p.month, p.merchant_id`;

function toRow(row: Row): CashSpendingRow {
  return {
    memberId: row.member_id,
    month: row.month,
    merchantId: row.merchant_id,
    cashWon: row.cash_won,
    cancelledCashWon: row.cancelled_cash_won,
  };
}

export async function memberCashSpending(
  sql: Sql,
  tenantId: string,
  memberId: string,
  fromMonth: string,
  toMonth: string,
): Promise<CashSpendingRow[]> {
  const rows = await sql.query<Row>(CASH_SPENDING_SQL.replace('MEMBERS', 'p.member_id = $4'), [
    tenantId,
    fromMonth,
    toMonth,
    memberId,
  ]);
  return rows.map(toRow);
}

/** The rows of the next `memberLimit` members (by id) after `afterMemberId` who paid in the period. */
export async function cashSpendingPage(
  sql: Sql,
  tenantId: string,
  fromMonth: string,
  toMonth: string,
  afterMemberId: string,
  memberLimit: number,
): Promise<CashSpendingRow[]> {
  const members = `p.member_id in (
    select distinct member_id from payments
    where tenant_id = $1 and month >= $2 and month <= $3 and member_id > $4
    order by member_id limit $5)`;
  const rows = await sql.query<Row>(CASH_SPENDING_SQL.replace('MEMBERS', members), [
    tenantId,
    fromMonth,
    toMonth,
    afterMemberId,
    memberLimit,
  ]);
  return rows.map(toRow);
}
