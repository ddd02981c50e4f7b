import type { Sql } from '../../db/database.js';
import type { Period } from './period.js';

/** Planning data a city gives analytics: its issuance plan per year and its people per district. */
export interface AnalyticsPreset {
  plans: ReadonlyArray<{ year: number; plannedWon: number; source: string }>;
  population: ReadonlyArray<{ district: string; economicallyActive: number }>;
  populationSource: string;
}

export interface SyntheticPeriod {
  from: string;
  to: string;
  note: string;
}

export interface IssuanceVsPlan {
  month: string;
  /** Charged plus granted from 1 January of the month's year to the month's end (or the period's). */
  cumulativeIssuedWon: number;
  /** The year's plan spread evenly over its months, to the month's end; null without a plan. */
  cumulativePlanWon: number | null;
  /** Issued against planned to date (10000 = on plan); null without a plan. */
  vsPlanBp: number | null;
}

export interface MembersVsPopulation {
  district: string;
  /** Members living in the district who had joined by the period's end. */
  members: number;
  economicallyActive: number | null;
  shareBp: number | null;
}

/**
 * Installs a preset's plans and population (kept when already there: an operator's figures win).
 * `carryPlanTo` copies the latest preset plan into that year when it has none (a demo run today).
 */
export async function seedAnalyticsPreset(
  sql: Sql,
  tenantId: string,
  preset: AnalyticsPreset,
  carryPlanTo: number,
): Promise<void> {
  const latest = [...preset.plans].sort((a, b) => b.year - a.year)[0];
  const plans = [...preset.plans];
  if (latest && !plans.some((plan) => plan.year === carryPlanTo))
    plans.push({ ...latest, year: carryPlanTo, source: `${latest.source}, carried into ${carryPlanTo}` });
  await sql.query(
    `insert into analytics_issuance_plans (tenant_id, year, planned_won, source)
     select $1, year, planned_won, source from json_to_recordset($2::json) as x(year integer, planned_won bigint, source text)
     on conflict do nothing`,
    [
      tenantId,
      JSON.stringify(
        plans.map((plan) => ({ year: plan.year, planned_won: plan.plannedWon, source: plan.source })),
      ),
    ],
  );
  await sql.query(
    `insert into analytics_district_population (tenant_id, district, economically_active, source)
     select $1, district, economically_active, $3 from json_to_recordset($2::json) as x(district text, economically_active bigint)
     on conflict do nothing`,
    [
      tenantId,
      JSON.stringify(
        preset.population.map((row) => ({
          district: row.district,
          economically_active: row.economicallyActive,
        })),
      ),
      preset.populationSource,
    ],
  );
}

export async function markSynthetic(sql: Sql, tenantId: string, period: Period, note: string): Promise<void> {
  await sql.query(
    `insert into analytics_synthetic_periods (tenant_id, from_date, to_date, note) values ($1, $2, $3, $4)
     on conflict (tenant_id, from_date, to_date) do update set note = excluded.note`,
    [tenantId, period.from, period.to, note],
  );
}

/** The synthetic periods a period overlaps. */
export function syntheticWithin(sql: Sql, tenantId: string, period: Period): Promise<SyntheticPeriod[]> {
  return sql.query<SyntheticPeriod>(
    `select from_date::text as "from", to_date::text as "to", note from analytics_synthetic_periods
     where tenant_id = $1 and from_date <= $3 and to_date >= $2 order by from_date, to_date`,
    [tenantId, period.from, period.to],
  );
}

/** Year-to-date issuance at each month's end against the year's plan, for the months a period touches. */
export async function issuanceVsPlan(sql: Sql, tenantId: string, period: Period): Promise<IssuanceVsPlan[]> {
  const [monthly, plans] = await Promise.all([
    sql.query<{ month: string; issued: number }>(
      `select to_char(local_date, 'YYYY-MM') as month, sum(charged_won + granted_won)::bigint as issued
       from analytics_daily where tenant_id = $1 and local_date between date_trunc('year', $2::date)::date and $3
       group by 1`,
      [tenantId, period.from, period.to],
    ),
    sql.query<{ year: number; planned: number }>(
      `select year, planned_won::bigint as planned from analytics_issuance_plans
       where tenant_id = $1 and year between $2 and $3`,
      [tenantId, Number(period.from.slice(0, 4)), Number(period.to.slice(0, 4))],
    ),
  ]);
  const issuedIn = new Map(monthly.map((row) => [row.month, row.issued]));
  const plannedIn = new Map(plans.map((row) => [row.year, row.planned]));
  const rows: IssuanceVsPlan[] = [];
  let cumulativeWon = 0;
  for (const month of monthsFromJanuary(period)) {
    const [year, monthNumber] = month.split('-').map(Number) as [number, number];
    if (monthNumber === 1) cumulativeWon = 0;
    cumulativeWon += issuedIn.get(month) ?? 0;
    if (month < period.from.slice(0, 7)) continue;
    const planned = plannedIn.get(year);
    const planWon = planned === undefined ? null : Math.floor((planned * monthNumber) / 12);
    rows.push({
      month,
      cumulativeIssuedWon: cumulativeWon,
      cumulativePlanWon: planWon,
      vsPlanBp: planWon ? Math.floor((cumulativeWon * 10_000) / planWon) : null,
    });
  }
  return rows;
}

/** 'YYYY-MM' from January of the period's first year to the period's last month. */
function monthsFromJanuary(period: Period): string[] {
  const firstYear = Number(period.from.slice(0, 4));
  const [lastYear, lastMonth] = period.to.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let year = firstYear; year <= lastYear; year += 1)
    for (let month = 1; month <= (year === lastYear ? lastMonth : 12); month += 1)
      months.push(`${year}-${String(month).padStart(2, '0')}`);
  return months;
}

/** Members by home district who had joined by the period's end, against the district's economically active people. */
export async function membersVsPopulation(
  sql: Sql,
  tenantId: string,
  period: Period,
): Promise<MembersVsPopulation[]> {
  const rows = await sql.query<{ district: string; members: number; active: number | null }>(
    `select coalesce(m.district, p.district) as district, coalesce(m.members, 0)::bigint as members,
       p.economically_active::bigint as active
     from (select district, count(*) as members from analytics_members
           where tenant_id = $1 and joined_on <= $2 group by district) m
     full join (select district, economically_active from analytics_district_population where tenant_id = $1) p
       on p.district = m.district
     order by 1`,
    [tenantId, period.to],
  );
  return rows.map((row) => ({
    district: row.district,
    members: row.members,
    economicallyActive: row.active,
    shareBp: row.active ? Math.floor((row.members * 10_000) / row.active) : null,
  }));
}
