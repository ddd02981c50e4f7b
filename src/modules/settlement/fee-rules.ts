import type { Sql } from '../../db/database.js';
import type { FeeRule, PresetFeeRule } from './types.js';

/** Fee rule versions are few per city (a handful a year); this bounds a listing regardless. */
export const FEE_RULE_LIST_MAX = 1000;
const BP_PER_WHOLE = 10_000n;

const COLUMNS = `tenant_id as "tenantId", id, rate_bp as "rateBp",
  fee_free_annual_revenue_up_to_won as "feeFreeAnnualRevenueUpToWon", effective_from as "effectiveFrom",
  effective_to as "effectiveTo", created_by as "createdBy", created_at as "createdAt"`;

/** The fee on a day's sales net of its cancellations, rounded down to the won; never negative. */
export function feeWonFor(
  rule: Pick<FeeRule, 'rateBp' | 'feeFreeAnnualRevenueUpToWon'> | null,
  merchantAnnualRevenueWon: number,
  netSalesWon: number,
): number {
  if (!rule || netSalesWon <= 0) return 0;
  const threshold = rule.feeFreeAnnualRevenueUpToWon;
  if (threshold !== null && merchantAnnualRevenueWon <= threshold) return 0;
  return Number((BigInt(netSalesWon) * BigInt(rule.rateBp)) / BP_PER_WHOLE);
}

/** In force at `at`: effective_from ≤ at < effective_to; the latest start wins. */
export async function selectFeeRuleAt(sql: Sql, tenantId: string, at: Date): Promise<FeeRule | null> {
  const [row] = await sql.query<FeeRule>(
    `select ${COLUMNS} from settlement_fee_rules
     where tenant_id = $1 and effective_from <= $2 and (effective_to is null or effective_to > $2)
     order by effective_from desc limit 1`,
    [tenantId, at],
  );
  return row ?? null;
}

export async function selectFeeRules(sql: Sql, tenantId: string): Promise<FeeRule[]> {
  return sql.query<FeeRule>(
    `select ${COLUMNS} from settlement_fee_rules where tenant_id = $1 order by effective_from desc limit $2`,
    [tenantId, FEE_RULE_LIST_MAX],
  );
}

/** Rows whose id or start instant is taken are left alone; returns the ids actually inserted. */
export async function insertFeeRules(
  sql: Sql,
  tenantId: string,
  rules: readonly PresetFeeRule[],
  createdBy: string,
  createdAt: Date,
): Promise<string[]> {
  const rows = rules.map((rule) => ({
    id: rule.id,
    rate_bp: rule.rateBp,
    threshold_won: rule.feeFreeAnnualRevenueUpToWon,
    effective_from: rule.effectiveFrom.toISOString(),
    effective_to: rule.effectiveTo?.toISOString() ?? null,
  }));
  const inserted = await sql.query<{ id: string }>(
    `insert into settlement_fee_rules (tenant_id, id, rate_bp, fee_free_annual_revenue_up_to_won, effective_from,
       effective_to, created_by, created_at)
     select $1, id, rate_bp, threshold_won, effective_from, effective_to, $3, $4
     from json_to_recordset($2::json) as x(id text, rate_bp integer, threshold_won bigint,
       effective_from timestamptz, effective_to timestamptz)
     on conflict do nothing returning id`,
    [tenantId, JSON.stringify(rows), createdBy, createdAt],
  );
  return inserted.map((row) => row.id);
}
