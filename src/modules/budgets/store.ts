import type { Sql } from '../../db/database.js';
import type { BudgetPeriod, FundingSource } from './types.js';

/** SQL of the budgets module. A pot covers `at` when period_from ≤ at < period_to. */

export const FUNDING_SOURCES: readonly FundingSource[] = ['national', 'city'];
/** Transfers with this code move money into pots; every other movement of a pot account is spending. */
export const BUDGET_FUND_CODE = 'budget_fund';
/** Pots are a few a year per city; this bounds a listing regardless. */
export const POT_LIST_MAX = 500;

export interface PotRow {
  id: string;
  name: string;
  period: BudgetPeriod;
  from: Date;
  to: Date;
  nationalShareBp: number;
  annualPotId: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface PotFundingTotals {
  fundedWon: number;
  movedToMonthlyWon: number;
}

const POT_COLUMNS = `id, name, period, period_from as "from", period_to as "to",
  national_share_bp as "nationalShareBp", annual_pot_id as "annualPotId",
  created_by as "createdBy", created_at as "createdAt"`;

export function potAccountId(potId: string, source: FundingSource): string {
  return `${potId}:${source}`;
}

export function sourceAccountId(source: FundingSource): string {
  return `budget_source:${source}`;
}

/** A second creator of pots waits here, so the overlap checks see every committed pot. */
export async function lockTenantPots(tx: Sql, tenantId: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(6502, hashtext($1))`, [tenantId]);
}

export async function selectPot(sql: Sql, tenantId: string, potId: string): Promise<PotRow | undefined> {
  const [row] = await sql.query<PotRow>(
    `select ${POT_COLUMNS} from budget_pots where tenant_id = $1 and id = $2`,
    [tenantId, potId],
  );
  return row;
}

/** Pots covering `at` (all pots when `at` is null), in period order. */
export async function selectPots(sql: Sql, tenantId: string, at: Date | null): Promise<PotRow[]> {
  return sql.query<PotRow>(
    `select ${POT_COLUMNS} from budget_pots
     where tenant_id = $1 and ($2::timestamptz is null or (period_from <= $2 and period_to > $2))
     order by period_from, period, id limit $3`,
    [tenantId, at, POT_LIST_MAX],
  );
}

/** `selectPots` for several cities in one statement: city → its pots covering `at`. */
export async function selectPotsOfTenants(
  sql: Sql,
  tenantIds: readonly string[],
  at: Date,
): Promise<Map<string, PotRow[]>> {
  const rows = await sql.query<PotRow & { tenantId: string }>(
    `select t.tenant_id as "tenantId", p.* from unnest($1::text[]) as t(tenant_id)
     cross join lateral (
       select ${POT_COLUMNS} from budget_pots
       where tenant_id = t.tenant_id and period_from <= $2 and period_to > $2
       order by period_from, period, id limit $3
     ) as p`,
    [[...new Set(tenantIds)], at, POT_LIST_MAX],
  );
  const pots = new Map<string, PotRow[]>(tenantIds.map((tenantId) => [tenantId, []]));
  for (const { tenantId, ...pot } of rows) pots.get(tenantId)?.push(pot);
  return pots;
}

/** Pots of `period` whose [from, to) intersects [from, to). */
export async function selectOverlapping(
  sql: Sql,
  tenantId: string,
  period: BudgetPeriod,
  from: Date,
  to: Date,
): Promise<PotRow[]> {
  return sql.query<PotRow>(
    `select ${POT_COLUMNS} from budget_pots
     where tenant_id = $1 and period = $2 and period_from < $4 and period_to > $3
     order by period_from, id limit $5`,
    [tenantId, period, from, to, POT_LIST_MAX],
  );
}

/** Callers hold lockTenantPots and checked the id is free; a conflict here is a bug and fails loudly. */
export async function insertPot(sql: Sql, tenantId: string, pot: PotRow): Promise<void> {
  await sql.query(
    `insert into budget_pots (tenant_id, id, name, period, period_from, period_to, national_share_bp,
       annual_pot_id, created_by, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      tenantId,
      pot.id,
      pot.name,
      pot.period,
      pot.from,
      pot.to,
      pot.nationalShareBp,
      pot.annualPotId,
      pot.createdBy,
      pot.createdAt,
    ],
  );
}

export async function insertFunding(
  sql: Sql,
  tenantId: string,
  funding: {
    transferId: string;
    potId: string;
    fromPotId: string | null;
    amountWon: number;
    createdAt: Date;
  },
): Promise<void> {
  await sql.query(
    `insert into budget_fundings (tenant_id, transfer_id, pot_id, from_pot_id, amount_won, created_at)
     values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
    [tenantId, funding.transferId, funding.potId, funding.fromPotId, funding.amountWon, funding.createdAt],
  );
}

export async function selectFundingTotals(
  sql: Sql,
  tenantId: string,
  potIds: readonly string[],
): Promise<Map<string, PotFundingTotals>> {
  const rows = await sql.query<{ potId: string } & PotFundingTotals>(
    `select pot.id as "potId",
       (select coalesce(sum(amount_won), 0)::bigint from budget_fundings
         where tenant_id = $1 and pot_id = pot.id) as "fundedWon",
       (select coalesce(sum(amount_won), 0)::bigint from budget_fundings
         where tenant_id = $1 and from_pot_id = pot.id) as "movedToMonthlyWon"
     from (select json_array_elements_text($2::json) as id) as pot`,
    [tenantId, JSON.stringify(potIds)],
  );
  return new Map(rows.map(({ potId, ...totals }) => [potId, totals]));
}
