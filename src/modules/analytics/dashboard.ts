import type { Sql } from '../../db/database.js';
import type { Period } from './period.js';

export interface Dashboard {
  from: string;
  to: string;
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

/** Every chart of the operator console over one period, from analytics' own tables. */
export async function dashboardOf(sql: Sql, tenantId: string, period: Period, areaOf: Map<string, string>) {
  const args = [tenantId, period.from, period.to];
  const inPeriod = 'tenant_id = $1 and local_date between $2 and $3';
  const grouped = (expression: string, extraWhere = '') =>
    sql.query<Grouped>(
      `select ${expression} as key, sum(amount_won - cancelled_won)::bigint as "netWon", count(*)::bigint as count
       from analytics_payments p where ${inPeriod} ${extraWhere} group by 1 order by 2 desc`,
      args,
    );
  const [
    byMonth,
    cashbackByPot,
    byDistrict,
    byIndustry,
    byMarket,
    byHour,
    byAgeBand,
    byDecile,
    concentration,
    top,
  ] = await Promise.all([
    monthly(sql, args),
    sql.query<{ potId: string; source: string; amountWon: number }>(
      `select pot_id as "potId", source, sum(amount_won)::bigint as "amountWon" from analytics_cashback_draws
         where ${inPeriod} group by 1, 2 order by 1, 2`,
      args,
    ),
    grouped('district'),
    grouped('industry_code'),
    grouped('market_id', 'and market_id is not null'),
    grouped(`lpad(local_hour::text, 2, '0')`),
    ageBands(sql, args),
    deciles(sql, args),
    concentrationOf(sql, args),
    topMerchants(sql, args, period),
  ]);
  const byArea = new Map<string, Grouped>();
  for (const row of byDistrict) {
    const key = areaOf.get(row.key) ?? 'unknown';
    const sum = byArea.get(key) ?? { key, netWon: 0, count: 0 };
    byArea.set(key, { key, netWon: sum.netWon + row.netWon, count: sum.count + row.count });
  }
  return {
    ...period,
    byMonth,
    cashbackByPot,
    byDistrict,
    byArea: [...byArea.values()],
    byIndustry,
    byMarket,
    byAgeBand,
    byHour: byHour.sort((a, b) => a.key.localeCompare(b.key)),
    byDecile,
    concentration,
    topMerchants: top,
  } satisfies Dashboard;
}

async function monthly(sql: Sql, args: unknown[]) {
  const rows = await sql.query<{ month: string; kind: string; won: number }>(
    `select to_char(local_date, 'YYYY-MM') as month, kind, sum(amount_won)::bigint as won from analytics_flows
     where tenant_id = $1 and local_date between $2 and $3 and kind in ('charge', 'grant') group by 1, 2
     union all
     select to_char(local_date, 'YYYY-MM'), 'spent', sum(amount_won - cancelled_won)::bigint from analytics_payments
     where tenant_id = $1 and local_date between $2 and $3 group by 1
     union all
     select to_char(local_date, 'YYYY-MM'), 'cashback', sum(amount_won)::bigint from analytics_cashback_draws
     where tenant_id = $1 and local_date between $2 and $3 group by 1`,
    args,
  );
  const months = new Map<string, Dashboard['byMonth'][number]>();
  for (const row of rows) {
    const month = months.get(row.month) ?? {
      month: row.month,
      chargedWon: 0,
      grantedWon: 0,
      spentWon: 0,
      cashbackWon: 0,
    };
    if (row.kind === 'charge') month.chargedWon += row.won;
    if (row.kind === 'grant') month.grantedWon += row.won;
    if (row.kind === 'spent') month.spentWon += row.won;
    if (row.kind === 'cashback') month.cashbackWon += row.won;
    months.set(row.month, month);
  }
  return [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
}

/** Ten-year bands by age at the period's end; members analytics never saw join fall in 'unknown'. */
function ageBands(sql: Sql, args: unknown[]) {
  return sql.query<Grouped>(
    `select coalesce(least(70, greatest(10, ((extract(year from $3::date)::int - m.birth_year) / 10) * 10))::text || 's', 'unknown') as key,
       sum(p.amount_won - p.cancelled_won)::bigint as "netWon", count(*)::bigint as count
     from analytics_payments p left join analytics_members m on m.tenant_id = p.tenant_id and m.member_id = p.member_id
     where p.tenant_id = $1 and p.local_date between $2 and $3 group by 1 order by 1`,
    args,
  );
}

const MEMBER_TOTALS = `
  with totals as (
    select member_id, sum(amount_won - cancelled_won) as net, sum(cashback_won - cashback_recovered_won) as cashback
    from analytics_payments where tenant_id = $1 and local_date between $2 and $3 group by member_id
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

async function topMerchants(sql: Sql, args: unknown[], period: Period) {
  const rows = await sql.query<{
    merchantId: string;
    district: string;
    industryCode: string;
    netWon: number;
    declared: number;
  }>(
    `select merchant_id as "merchantId", min(district) as district, min(industry_code) as "industryCode",
       sum(amount_won - cancelled_won)::bigint as "netWon", max(annual_revenue_won)::bigint as declared
     from analytics_payments where tenant_id = $1 and local_date between $2 and $3
     group by merchant_id order by 4 desc limit ${TOP_MERCHANTS}`,
    args,
  );
  const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / DAY_MS) + 1;
  return rows.map((row) => ({
    merchantId: row.merchantId,
    district: row.district,
    industryCode: row.industryCode,
    netWon: row.netWon,
    declaredAnnualRevenueWon: row.declared,
    annualisedVsDeclaredBp:
      row.declared > 0
        ? Number((BigInt(row.netWon) * 365n * 10_000n) / (BigInt(days) * BigInt(row.declared)))
        : null,
  }));
}
