import type { Sql } from '../../db/database.js';
import type { Period } from './period.js';
import type { IssuanceVsPlan, MembersVsPopulation, SyntheticPeriod } from './plan.js';

export interface Dashboard {
  from: string;
  to: string;
  /** Calendar months the member and merchant charts (deciles, concentration, top merchants) cover. */
  memberMonths: { from: string; to: string };
  /** Synthetic history the period overlaps (demo start, simulator): its figures are not real. */
  synthetic: SyntheticPeriod[];
  issuanceVsPlan: IssuanceVsPlan[];
  membersVsPopulation: MembersVsPopulation[];
  byMonth: Array<{
    month: string;
    chargedWon: number;
    grantedWon: number;
    spentWon: number;
    cashbackWon: number;
  }>;
  cashbackByPot: Array<{ potId: string; source: string; amountWon: number }>;
  byDistrict: Array<{ key: string; netWon: number; count: number }>;
  byArea: Array<{ key: string; netWon: number; count: number }>;
  byIndustry: Array<{ key: string; netWon: number; count: number }>;
  byMarket: Array<{ key: string; netWon: number; count: number }>;
  byAgeBand: Array<{ key: string; netWon: number; count: number }>;
  byHour: Array<{ key: string; netWon: number; count: number }>;
  byDecile: Array<{ decile: number; members: number; netWon: number; cashbackWon: number }>;
  concentration: {
    members: number;
    top1pctSpendShareBp: number;
    top1pctCashbackShareBp: number;
    giniBp: number;
  };
  topMerchants: Array<{
    merchantId: string;
    name: string;
    district: string;
    industryCode: string;
    netWon: number;
    declaredAnnualRevenueWon: number;
    /** The period's sales scaled to a year, against the declared annual revenue (10000 = as declared). */
    annualisedVsDeclaredBp: number | null;
  }>;
}

type Grouped = { key: string; netWon: number; count: number };
const TOP_MERCHANTS = 20;
const DAY_MS = 86_400_000;

/** The calendar months a period touches, 'YYYY-MM', and their days. */
export function monthsOf(period: Period): { from: string; to: string; days: number } {
  const from = period.from.slice(0, 7);
  const to = period.to.slice(0, 7);
  const [year, month] = to.split('-').map(Number) as [number, number];
  const lastDay = Date.UTC(year, month, 0);
  return { from, to, days: Math.round((lastDay - Date.parse(`${from}-01`)) / DAY_MS) + 1 };
}

/**
 * Every chart of the operator console over one period, from the daily rollups the consumer keeps
 * (see rollups.ts): a year is 365 rows per series, whatever the number of payments. Member and
 * merchant distributions need per-member sums, kept per calendar month: they cover the months the
 * period touches (`memberMonths`).
 */
export async function dashboardOf(
  sql: Sql,
  tenantId: string,
  period: Period,
  areaOf: Map<string, string>,
  memberStatsRequest: MemberStatsRequest,
) {
  const days = [tenantId, period.from, period.to];
  const months = monthsOf(period);
  const inDays = 'tenant_id = $1 and local_date between $2 and $3';
  const grouped = (dimension: string) =>
    sql.query<Grouped>(
      `select key, sum(net_won)::bigint as "netWon", sum(count)::bigint as count
       from analytics_daily_spend where ${inDays} and dimension = '${dimension}' group by key order by 2 desc, 1`,
      days,
    );
  const [byMonth, cashbackByPot, byDistrict, byIndustry, byMarket, byHour, byAgeBand, members] =
    await Promise.all([
      monthly(sql, days),
      sql.query<{ potId: string; source: string; amountWon: number }>(
        `select pot_id as "potId", source, sum(amount_won)::bigint as "amountWon" from analytics_daily_pots
         where ${inDays} group by 1, 2 order by 1, 2`,
        days,
      ),
      grouped('district'),
      grouped('industry'),
      grouped('market'),
      grouped('hour'),
      ageBands(sql, days),
      memberStats(sql, tenantId, period, memberStatsRequest),
    ]);
  const byArea = new Map<string, Grouped>();
  for (const row of byDistrict) {
    const key = areaOf.get(row.key) ?? 'unknown';
    const sum = byArea.get(key) ?? { key, netWon: 0, count: 0 };
    byArea.set(key, { key, netWon: sum.netWon + row.netWon, count: sum.count + row.count });
  }
  return {
    ...period,
    memberMonths: { from: months.from, to: months.to },
    byMonth,
    cashbackByPot,
    byDistrict,
    byArea: [...byArea.values()],
    byIndustry,
    byMarket,
    byAgeBand,
    byHour: byHour.sort((a, b) => a.key.localeCompare(b.key)),
    byDecile: members.byDecile,
    concentration: members.concentration,
    topMerchants: members.topMerchants,
  } satisfies Omit<Dashboard, 'synthetic' | 'issuanceVsPlan' | 'membersVsPopulation'>;
}

export type MemberStats = Pick<Dashboard, 'byDecile' | 'concentration' | 'topMerchants'>;

/**
 * Deciles, concentration and top merchants over the months a period touches. They rank every
 * paying member (560k in Daejeon, seconds of work), which no daily rollup can answer, so the result
 * is kept per month range with the consumer's position and reused until the consumer applies another
 * page. The analytics job refreshes the ranges operators read (see refreshMemberStats). A request
 * that finds its range behind the consumer recomputes it when it ranked few members; past
 * `request.inlineMembersMax` it is given the kept result and the range is marked for the job's next
 * run, so a live city's dashboards never wait for a ranking, and their distributions trail the
 * headline figures by at most a run or two of the job.
 */
export async function memberStats(
  sql: Sql,
  tenantId: string,
  period: Period,
  request: MemberStatsRequest,
): Promise<MemberStats> {
  const months = monthsOf(period);
  const { stats } = await memberStatsOf(sql, tenantId, months, request);
  const days = request.today ? daysGoneBy(months, request.today) : months.days;
  if (days === months.days) return stats;
  // The kept ranking was scaled by the months' days; the running month counts the days gone by.
  return {
    ...stats,
    topMerchants: stats.topMerchants.map((merchant) => ({
      ...merchant,
      annualisedVsDeclaredBp: annualisedVsDeclaredBp(
        merchant.netWon,
        merchant.declaredAnnualRevenueWon,
        days,
      ),
    })),
  };
}

/** Days of the month range up to `today` (inclusive), when the range has not ended yet. */
function daysGoneBy(months: { from: string; days: number }, today: string): number {
  const elapsed = Math.round((Date.parse(today) - Date.parse(`${months.from}-01`)) / DAY_MS) + 1;
  return Math.max(1, Math.min(months.days, elapsed));
}

/** A merchant's sales over `days` scaled to a year against its declared revenue (10000 = as declared). */
function annualisedVsDeclaredBp(netWon: number, declaredWon: number, days: number): number | null {
  return declaredWon > 0
    ? Number((BigInt(netWon) * 365n * 10_000n) / (BigInt(days) * BigInt(declaredWon)))
    : null;
}

export interface MemberStatsRequest {
  /** The analytics consumer's position: stats computed at another are behind. */
  feedPosition: number;
  /** When an operator asked; null for the job's own refresh, which always recomputes what is behind. */
  requestedAt: Date | null;
  /** Members a request ranks itself when its range is behind (DEFAULT_INLINE_MEMBERS_MAX). */
  inlineMembersMax?: number;
  /**
   * The tenant's local date of the request: a month range still running has sales of its days gone
   * by only, so top merchants' sales are scaled to a year by those days (absent: every day of the months).
   */
  today?: string;
}

/**
 * A request ranks a range that is behind itself up to this many paying members: a year of 17,000
 * took 0.14 s on PostgreSQL and 0.32 s embedded (`bench/analytics-latency.ts 20000 --merchants=2000`).
 */
export const DEFAULT_INLINE_MEMBERS_MAX = 10_000;

/**
 * The stats of a month range: kept ones at `feedPosition`, kept ones behind it for a large request
 * (see memberStats), or computed and kept now; `computed` says whether they were computed.
 */
export async function memberStatsOf(
  sql: Sql,
  tenantId: string,
  months: { from: string; to: string; days: number },
  request: MemberStatsRequest,
): Promise<{ stats: MemberStats; computed: boolean }> {
  const { feedPosition, requestedAt } = request;
  const [cached] = await sql.query<{ stats: MemberStats; feed_position: string }>(
    `select stats, feed_position::text from analytics_member_stats
     where tenant_id = $1 and from_month = $2 and to_month = $3`,
    [tenantId, months.from, months.to],
  );
  if (cached && Number(cached.feed_position) === feedPosition)
    return { stats: cached.stats, computed: false };
  const inlineMembersMax = request.inlineMembersMax ?? DEFAULT_INLINE_MEMBERS_MAX;
  if (cached && requestedAt && cached.stats.concentration.members > inlineMembersMax) {
    await sql.query(
      `update analytics_member_stats set requested_at = $4
       where tenant_id = $1 and from_month = $2 and to_month = $3`,
      [tenantId, months.from, months.to, requestedAt],
    );
    return { stats: cached.stats, computed: false };
  }
  const monthArgs = [tenantId, months.from, months.to];
  const [byDecile, concentration, topMerchantRows] = await Promise.all([
    deciles(sql, monthArgs),
    concentrationOf(sql, monthArgs),
    topMerchants(sql, monthArgs, months.days),
  ]);
  const stats: MemberStats = { byDecile, concentration, topMerchants: topMerchantRows };
  // A request stamps requested_at (the job keeps that range fresh); the job's own refresh keeps the stamp.
  await sql.query(
    `insert into analytics_member_stats (tenant_id, from_month, to_month, feed_position, stats, requested_at)
     values ($1, $2, $3, $4, $5::jsonb, $6)
     on conflict (tenant_id, from_month, to_month) do update
       set feed_position = excluded.feed_position, stats = excluded.stats,
         requested_at = coalesce(excluded.requested_at, analytics_member_stats.requested_at)`,
    [tenantId, months.from, months.to, feedPosition, JSON.stringify(stats), requestedAt],
  );
  return { stats, computed: true };
}

/** Ranges operators read within this long are kept fresh by the job. */
const REQUESTED_RECENTLY_MS = 7 * 86_400_000;

/**
 * One bounded step of the job: brings at most one month range up to the consumer's position, the
 * console's default range first (the trailing 90 days), then the most recently requested stale one.
 * Returns the range computed, or null when every range was fresh.
 */
export async function refreshMemberStats(
  sql: Sql,
  tenantId: string,
  defaultPeriod: Period,
  feedPosition: number,
  now: Date,
): Promise<{ from: string; to: string } | null> {
  const defaultMonths = monthsOf(defaultPeriod);
  if ((await memberStatsOf(sql, tenantId, defaultMonths, { feedPosition, requestedAt: null })).computed)
    return { from: defaultMonths.from, to: defaultMonths.to };
  const [stale] = await sql.query<{ from_month: string; to_month: string }>(
    `select from_month, to_month from analytics_member_stats
     where tenant_id = $1 and feed_position <> $2 and requested_at >= $3
     order by requested_at desc, from_month, to_month limit 1`,
    [tenantId, feedPosition, new Date(now.getTime() - REQUESTED_RECENTLY_MS)],
  );
  if (!stale) return null;
  const months = monthsOf({ from: `${stale.from_month}-01`, to: `${stale.to_month}-01` });
  await memberStatsOf(sql, tenantId, months, { feedPosition, requestedAt: null });
  return { from: months.from, to: months.to };
}

async function monthly(sql: Sql, args: unknown[]) {
  const rows = await sql.query<{
    month: string;
    charged: number;
    granted: number;
    spent: number;
    cashback: number;
  }>(
    `select month, sum(charged)::bigint as charged, sum(granted)::bigint as granted, sum(spent)::bigint as spent,
       sum(cashback)::bigint as cashback
     from (
       select to_char(local_date, 'YYYY-MM') as month, charged_won as charged, granted_won as granted,
         gross_won - cancelled_won as spent, 0 as cashback, payments
       from analytics_daily where tenant_id = $1 and local_date between $2 and $3
       union all
       select to_char(local_date, 'YYYY-MM'), 0, 0, 0, amount_won, 1 from analytics_daily_pots
       where tenant_id = $1 and local_date between $2 and $3) as days
     group by month having sum(charged) <> 0 or sum(granted) <> 0 or sum(payments) <> 0 order by month`,
    args,
  );
  return rows.map((row) => ({
    month: row.month,
    chargedWon: row.charged,
    grantedWon: row.granted,
    spentWon: row.spent,
    cashbackWon: row.cashback,
  }));
}

/** Ten-year bands by age at the period's end; members analytics never saw join fall in 'unknown'. */
function ageBands(sql: Sql, args: unknown[]) {
  return sql.query<Grouped>(
    `select case when key = 'unknown' then 'unknown'
         else least(70, greatest(10, ((extract(year from $3::date)::int - key::int) / 10) * 10))::text || 's' end as key,
       sum(net_won)::bigint as "netWon", sum(count)::bigint as count
     from analytics_daily_spend where tenant_id = $1 and local_date between $2 and $3 and dimension = 'birth_year'
     group by 1 order by 1`,
    args,
  );
}

const MEMBER_TOTALS = `
  with totals as (
    select member_id, sum(net_won) as net, sum(cashback_won) as cashback
    from analytics_member_months where tenant_id = $1 and month between $2 and $3 group by member_id
  )`;

function deciles(sql: Sql, args: unknown[]) {
  return sql.query<{ decile: number; members: number; netWon: number; cashbackWon: number }>(
    `${MEMBER_TOTALS}
     select decile, count(*)::int as members, sum(net)::bigint as "netWon", sum(cashback)::bigint as "cashbackWon"
     from (select net, cashback, ntile(10) over (order by net) as decile from totals) ranked
     group by decile order by decile`,
    args,
  );
}
/** Share of the top 1% of paying members (at least one member), and the Gini of member spending. */
async function concentrationOf(sql: Sql, args: unknown[]) {
  const [row] = await sql.query<{
    members: number;
    top_net: string;
    top_cashback: string;
    net: string;
    cashback: string;
    weighted: string;
  }>(
    `${MEMBER_TOTALS},
     ranked as (
       select net, cashback, row_number() over (order by net desc) as rank_desc,
         row_number() over (order by net) as rank_asc, count(*) over () as n
       from totals)
     select count(*)::int as members,
       coalesce(sum(net) filter (where rank_desc <= greatest(1, n / 100)), 0)::text as top_net,
       coalesce(sum(cashback) filter (where rank_desc <= greatest(1, n / 100)), 0)::text as top_cashback,
       coalesce(sum(net), 0)::text as net, coalesce(sum(cashback), 0)::text as cashback,
       coalesce(sum(rank_asc * net), 0)::text as weighted
     from ranked`,
    args,
  );
  const members = row?.members ?? 0;
  const net = BigInt(row?.net ?? '0');
  const cashback = BigInt(row?.cashback ?? '0');
  const shareBp = (part: bigint, whole: bigint) => (whole > 0n ? Number((part * 10_000n) / whole) : 0);
  // G = 2·Σ i·x_i / (n·Σx) − (n+1)/n over ascending x, in basis points with integer arithmetic.
  const n = BigInt(members);
  const giniBp =
    net > 0n && n > 0n
      ? Number((2n * 10_000n * BigInt(row?.weighted ?? '0')) / (n * net) - (10_000n * (n + 1n)) / n)
      : 0;
  return {
    members,
    top1pctSpendShareBp: shareBp(BigInt(row?.top_net ?? '0'), net),
    top1pctCashbackShareBp: shareBp(BigInt(row?.top_cashback ?? '0'), cashback),
    giniBp: Math.max(0, giniBp),
  };
}

async function topMerchants(sql: Sql, args: unknown[], days: number) {
  const rows = await sql.query<{
    merchantId: string;
    name: string | null;
    district: string;
    industryCode: string;
    netWon: number;
    declared: number;
  }>(
    `select months.merchant_id as "merchantId", min(merchants.name) as name,
       min(months.district) as district, min(months.industry_code) as "industryCode",
       sum(months.net_won)::bigint as "netWon", max(months.declared_won)::bigint as declared
     from analytics_merchant_months months
     left join analytics_merchants merchants
       on merchants.tenant_id = months.tenant_id and merchants.merchant_id = months.merchant_id
     where months.tenant_id = $1 and months.month between $2 and $3
     group by months.merchant_id order by "netWon" desc, "merchantId" limit ${TOP_MERCHANTS}`,
    args,
  );
  return rows.map((row) => ({
    merchantId: row.merchantId,
    // Operators read shops by name; the id stands in only for a merchant approved before the feed began.
    name: row.name ?? row.merchantId,
    district: row.district,
    industryCode: row.industryCode,
    netWon: row.netWon,
    declaredAnnualRevenueWon: row.declared,
    annualisedVsDeclaredBp: annualisedVsDeclaredBp(row.netWon, row.declared, days),
  }));
}
