import type { Sql } from '../../db/database.js';
import { localDate, startOfLocalMonth } from '../../time.js';
import { applyRateWon } from '../policy/cashback.js';
import type { TenantService } from '../tenants/tenant-service.js';
import type { OrderService } from './order-service.js';
import type { Channel } from './types.js';

/** The commission lines of one settlement statement: what the merchant sold through each channel. */
export interface CommerceSettlementLines {
  channels: Array<{
    channel: Channel;
    ordersCount: number;
    grossWon: number;
    returnedWon: number;
    commissionFreeWon: number;
    commissionRateBp: number;
    commissionWon: number;
  }>;
  commissionWon: number;
  /** Sales net of returns and commission: part of what the statement pays. */
  netWon: number;
  privateAppRateBp: number;
  /** What a private app would have taken of the same sales. */
  privateAppCostWon: number;
  savingWon: number;
}

/**
 * What a merchant's online orders moved on its receivable around one settlement period: a capture
 * (ship or accept) credits it the order's total, a return debits the same total.
 */
export interface CommerceReceivableMoves {
  /** Orders captured in the period plus orders returned in it: the period's statement lists them. */
  movesCount: number;
  /** Captures less returns from the period's end until now: in the receivable, but not due for the period. */
  laterNetWon: number;
}

const CHANNELS: readonly Channel[] = ['delivery', 'mall'];

/**
 * Commission taken at settlement, as rule data in force at the period's start: a rate per channel
 * on sales net of returns, after the merchant's monthly commission-free allowance (spent on the
 * month's earlier sales first, then on delivery before mall within a statement).
 */
export class CommissionService {
  constructor(private readonly deps: { orders: OrderService; tenants: TenantService }) {}

  /** The city's figures of the local month holding `at`. */
  async cityMonth(
    sql: Sql,
    tenantId: string,
    at: Date,
  ): Promise<{ month: string; channels: CityChannelFigures[] }> {
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId, sql);
    const { year, month } = localDate(at, timeZone);
    const start = startOfLocalMonth(year, month, timeZone);
    const end =
      month === 12 ? startOfLocalMonth(year + 1, 1, timeZone) : startOfLocalMonth(year, month + 1, timeZone);
    const rules = await this.deps.orders.rulesAt(tenantId, start, sql);
    return {
      month: `${year}-${String(month).padStart(2, '0')}`,
      channels: await cityFigures(sql, tenantId, { start, end }, rules),
    };
  }

  /**
   * Per merchant (absent when none), the captures and returns of its orders in the period and what
   * they moved on its receivable from the period's end on, for settlement, which pays a day what the
   * receivable held at its end and gives every day with a capture or return a statement (where
   * `linesFor` takes that day's commission). A return happens at its order's last update (`returned`
   * is final), as `linesFor` counts it.
   */
  async receivableMovesOf(
    sql: Sql,
    tenantId: string,
    merchantIds: readonly string[],
    period: { start: Date; end: Date },
  ): Promise<Map<string, CommerceReceivableMoves>> {
    if (merchantIds.length === 0) return new Map();
    const rows = await sql.query<{ merchant_id: string; moves_count: number; later_net_won: number }>(
      `select merchant_id,
         (count(*) filter (where captured_at >= $3 and captured_at < $4)
           + count(*) filter (where status = 'returned' and updated_at >= $3 and updated_at < $4))::int
           as moves_count,
         (coalesce(sum(total_won) filter (where captured_at >= $4), 0)
           - coalesce(sum(total_won) filter (where status = 'returned' and updated_at >= $4), 0))::bigint
           as later_net_won
       from commerce_orders
       where tenant_id = $1 and merchant_id = any($2::text[]) and captured_at is not null
         and (captured_at >= $3 or (status = 'returned' and updated_at >= $3))
       group by merchant_id`,
      [tenantId, [...merchantIds], period.start, period.end],
    );
    return new Map(
      rows.map((row) => [row.merchant_id, { movesCount: row.moves_count, laterNetWon: row.later_net_won }]),
    );
  }

  async linesFor(
    tx: Sql,
    tenantId: string,
    merchantId: string,
    period: { start: Date; end: Date },
  ): Promise<CommerceSettlementLines | null> {
    const figures = await channelFigures(tx, tenantId, merchantId, period);
    if (figures.every((figure) => figure.ordersCount === 0 && figure.returnedWon === 0)) return null;
    const rules = await this.deps.orders.rulesAt(tenantId, period.start, tx);
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId, tx);
    const { year, month } = localDate(period.start, timeZone);
    const monthStart = startOfLocalMonth(year, month, timeZone);
    const earlier = await channelFigures(tx, tenantId, merchantId, { start: monthStart, end: period.start });
    const earlierNetWon = earlier.reduce((sum, figure) => sum + figure.grossWon - figure.returnedWon, 0);
    let allowanceWon = Math.max(0, rules.commerce_commission_free_monthly_won - Math.max(0, earlierNetWon));
    const channels = CHANNELS.map((channel) => {
      const figure = figures.find((candidate) => candidate.channel === channel) ?? emptyFigure(channel);
      const baseWon = Math.max(0, figure.grossWon - figure.returnedWon);
      const commissionFreeWon = Math.min(allowanceWon, baseWon);
      allowanceWon -= commissionFreeWon;
      const commissionRateBp =
        channel === 'delivery' ? rules.commerce_delivery_commission_bp : rules.commerce_mall_commission_bp;
      return {
        ...figure,
        commissionFreeWon,
        commissionRateBp,
        commissionWon: applyRateWon(baseWon - commissionFreeWon, commissionRateBp),
      };
    });
    const commissionWon = channels.reduce((sum, line) => sum + line.commissionWon, 0);
    const salesWon = channels.reduce((sum, line) => sum + line.grossWon - line.returnedWon, 0);
    const privateAppCostWon = applyRateWon(
      channels.reduce((sum, line) => sum + Math.max(0, line.grossWon - line.returnedWon), 0),
      rules.commerce_private_app_rate_bp,
    );
    return {
      channels,
      commissionWon,
      netWon: salesWon - commissionWon,
      privateAppRateBp: rules.commerce_private_app_rate_bp,
      privateAppCostWon,
      savingWon: privateAppCostWon - commissionWon,
    };
  }
}

/** A month of one channel across the city: what operators report to the council. */
export interface CityChannelFigures {
  channel: Channel;
  ordersCount: number;
  /** Captured sales net of returns. */
  gmvWon: number;
  /** At the month's first day's rates, after each merchant's commission-free allowance. */
  commissionWon: number;
  privateAppCostWon: number;
  savingWon: number;
}

/**
 * The city's channel figures for one local month: orders, GMV, commission and the merchants'
 * saving against a private app, computed like the statements (allowance per merchant, delivery first).
 */
export async function cityFigures(
  sql: Sql,
  tenantId: string,
  period: { start: Date; end: Date },
  rules: {
    commerce_commission_free_monthly_won: number;
    commerce_delivery_commission_bp: number;
    commerce_mall_commission_bp: number;
    commerce_private_app_rate_bp: number;
  },
): Promise<CityChannelFigures[]> {
  const rows = await sql.query<{
    merchant_id: string;
    channel: Channel;
    orders_count: number;
    net_won: number;
  }>(
    `select merchant_id, channel, count(*)::int as orders_count,
       coalesce(sum(total_won) filter (where status <> 'returned'), 0)::bigint as net_won
     from commerce_orders
     where tenant_id = $1 and captured_at >= $2 and captured_at < $3
     group by merchant_id, channel
     order by merchant_id, channel`,
    [tenantId, period.start, period.end],
  );
  const totals = new Map<Channel, CityChannelFigures>(
    CHANNELS.map((channel) => [
      channel,
      { channel, ordersCount: 0, gmvWon: 0, commissionWon: 0, privateAppCostWon: 0, savingWon: 0 },
    ]),
  );
  const allowanceLeft = new Map<string, number>();
  // 'delivery' sorts before 'mall': each merchant's allowance is spent on delivery first, as on statements.
  for (const row of rows) {
    const total = totals.get(row.channel);
    if (!total) continue;
    const left = allowanceLeft.get(row.merchant_id) ?? rules.commerce_commission_free_monthly_won;
    const freeWon = Math.min(left, row.net_won);
    allowanceLeft.set(row.merchant_id, left - freeWon);
    const rateBp =
      row.channel === 'delivery' ? rules.commerce_delivery_commission_bp : rules.commerce_mall_commission_bp;
    total.ordersCount += row.orders_count;
    total.gmvWon += row.net_won;
    total.commissionWon += applyRateWon(row.net_won - freeWon, rateBp);
    total.privateAppCostWon += applyRateWon(row.net_won, rules.commerce_private_app_rate_bp);
  }
  return [...totals.values()].map((total) => ({
    ...total,
    savingWon: total.privateAppCostWon - total.commissionWon,
  }));
}

interface ChannelFigure {
  channel: Channel;
  ordersCount: number;
  grossWon: number;
  returnedWon: number;
}

function emptyFigure(channel: Channel): ChannelFigure {
  return { channel, ordersCount: 0, grossWon: 0, returnedWon: 0 };
}

/** Orders captured in the period (gross) and orders returned in it, per channel. */
async function channelFigures(
  sql: Sql,
  tenantId: string,
  merchantId: string,
  period: { start: Date; end: Date },
): Promise<ChannelFigure[]> {
  const rows = await sql.query<{
    channel: Channel;
    orders_count: number;
    gross_won: number;
    returned_won: number;
  }>(
    `select channel,
       count(*) filter (where captured_at >= $3 and captured_at < $4)::int as orders_count,
       coalesce(sum(total_won) filter (where captured_at >= $3 and captured_at < $4), 0)::bigint as gross_won,
       coalesce(sum(total_won) filter (where status = 'returned' and updated_at >= $3 and updated_at < $4), 0)::bigint
         as returned_won
     from commerce_orders
     where tenant_id = $1 and merchant_id = $2 and captured_at is not null and captured_at < $4
       and (captured_at >= $3 or (status = 'returned' and updated_at >= $3))
     group by channel`,
    [tenantId, merchantId, period.start, period.end],
  );
  return rows.map((row) => ({
    channel: row.channel,
    ordersCount: row.orders_count,
    grossWon: row.gross_won,
    returnedWon: row.returned_won,
  }));
}
