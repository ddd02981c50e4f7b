import type { Database } from '../../db/database.js';
import type { CashSpendingRow } from '../payments/tax-spending.js';
import type { TenantService } from '../tenants/tenant-service.js';

/** A member's order spending from their own cash at one shop in one month, and what returns gave back: the payments' row shape, so the statement sums both alike. */
export type OrderCashSpendingRow = CashSpendingRow;

interface Row {
  member_id: string;
  month: string;
  merchant_id: string;
  cash_won: number;
  cancelled_cash_won: number;
}

/** Bounds one read: the tax statement asks for one member, its export for a page of members. */
const MEMBERS_MAX = 1_000;

/**
 * Captured orders (accepted or shipped, whatever came after), in the local month of capture:
 * `usage_month` since it was recorded, the capture time in the city's zone before that. Orders
 * never captured (rejected, cancelled, expired, still placed) moved no money and are left out.
 */
const CAPTURED_ORDERS = `
  select member_id, merchant_id, status, paid_from,
    coalesce(usage_month, to_char(captured_at at time zone $2, 'YYYY-MM')) as month
  from commerce_orders
  where tenant_id = $1 and captured_at is not null`;

/**
 * The cash part (never cashback) of captured orders by member, month of capture and shop. A return
 * gives the whole cash part back and is netted in the month of capture, as a payment's cancellation
 * is netted in the payment's month.
 */
const CASH_SPENDING_SQL = `
  select member_id, month, merchant_id,
    sum((paid_from->>'cashWon')::bigint)::bigint as cash_won,
    coalesce(sum((paid_from->>'cashWon')::bigint) filter (where status = 'returned'), 0)::bigint
      as cancelled_cash_won
  from (${CAPTURED_ORDERS}) o
  where month >= $3 and month <= $4 and MEMBERS
  group by member_id, month, merchant_id
  order by member_id, month, merchant_id`;

function toRow(row: Row): OrderCashSpendingRow {
  return {
    memberId: row.member_id,
    month: row.month,
    merchantId: row.merchant_id,
    cashWon: row.cash_won,
    cancelledCashWon: row.cancelled_cash_won,
  };
}

/** What the yearly income-tax statement needs from orders, so it reads no commerce table itself. */
export class OrderTaxSpending {
  constructor(
    private readonly db: Database,
    private readonly deps: { tenants: TenantService },
  ) {}

  /** The rows of the members named (at most MEMBERS_MAX) for months `fromMonth`..`toMonth`. */
  async cashSpendingOf(
    tenantId: string,
    memberIds: readonly string[],
    period: { fromMonth: string; toMonth: string },
  ): Promise<OrderCashSpendingRow[]> {
    if (memberIds.length > MEMBERS_MAX) throw new RangeError(`at most ${MEMBERS_MAX} members per read`);
    if (memberIds.length === 0) return [];
    return this.read(tenantId, period, 'member_id = any($5::text[])', [[...memberIds]]);
  }

  /** The rows of the next `memberLimit` members (by id) after `afterMemberId` who had an order captured. */
  async cashSpendingPage(
    tenantId: string,
    period: { fromMonth: string; toMonth: string },
    afterMemberId: string,
    memberLimit: number,
  ): Promise<OrderCashSpendingRow[]> {
    const members = `member_id in (
      select distinct member_id from (${CAPTURED_ORDERS}) c
      where month >= $3 and month <= $4 and member_id > $5
      order by member_id limit $6)`;
    return this.read(tenantId, period, members, [afterMemberId, Math.min(memberLimit, MEMBERS_MAX)]);
  }

  private async read(
    tenantId: string,
    period: { fromMonth: string; toMonth: string },
    members: string,
    params: unknown[],
  ): Promise<OrderCashSpendingRow[]> {
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
    const rows = await this.db.query<Row>(CASH_SPENDING_SQL.replace('MEMBERS', members), [
      tenantId,
      timeZone,
      period.fromMonth,
      period.toMonth,
      ...params,
    ]);
    return rows.map(toRow);
  }
}
