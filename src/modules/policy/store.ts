import type { Sql } from '../../db/database.js';
import type { CashbackPolicy, CashbackPolicyRules, PolicyRule, RuleKey } from './types.js';

/** SQL of the policy module. "In force at t" = effective_from ≤ t < effective_to, latest start wins. */

/** Versions and rule values are few per city (a handful a year); this bounds a listing regardless. */
export const POLICY_LIST_MAX = 1000;

const RULE_COLUMNS = `tenant_id as "tenantId", id, key, value, effective_from as "effectiveFrom",
  effective_to as "effectiveTo", created_by as "createdBy", created_at as "createdAt"`;
const POLICY_COLUMNS = `tenant_id as "tenantId", id, name, effective_from as "effectiveFrom",
  effective_to as "effectiveTo", rules, created_by as "createdBy", created_at as "createdAt"`;
const IN_FORCE = 'effective_from <= $2 and (effective_to is null or effective_to > $2)';

export async function selectRuleAt(
  sql: Sql,
  tenantId: string,
  key: RuleKey,
  at: Date,
): Promise<PolicyRule | undefined> {
  const [row] = await sql.query<PolicyRule>(
    `select ${RULE_COLUMNS} from policy_rules where tenant_id = $1 and key = $3 and ${IN_FORCE}
     order by effective_from desc limit 1`,
    [tenantId, at, key],
  );
  return row;
}

/** The value of `key` in force at `at` for each of several tenants (those without one are absent). */
export async function selectRuleAtByTenant(
  sql: Sql,
  tenantIds: readonly string[],
  key: RuleKey,
  at: Date,
): Promise<Map<string, PolicyRule>> {
  const rows = await sql.query<PolicyRule>(
    `select distinct on (tenant_id) ${RULE_COLUMNS} from policy_rules
     where tenant_id = any($1::text[]) and key = $3 and ${IN_FORCE}
     order by tenant_id, effective_from desc`,
    [tenantIds, at, key],
  );
  return new Map(rows.map((row) => [row.tenantId, row]));
}

export async function selectRulesInForce(sql: Sql, tenantId: string, at: Date): Promise<PolicyRule[]> {
  return sql.query<PolicyRule>(
    `select distinct on (key) ${RULE_COLUMNS} from policy_rules where tenant_id = $1 and ${IN_FORCE}
     order by key, effective_from desc`,
    [tenantId, at],
  );
}

export async function selectAllRules(sql: Sql, tenantId: string): Promise<PolicyRule[]> {
  return sql.query<PolicyRule>(
    `select ${RULE_COLUMNS} from policy_rules where tenant_id = $1
     order by key, effective_from desc limit $2`,
    [tenantId, POLICY_LIST_MAX],
  );
}

export async function selectPolicyAt(sql: Sql, tenantId: string, at: Date): Promise<CashbackPolicy | null> {
  const [row] = await sql.query<CashbackPolicy>(
    `select ${POLICY_COLUMNS} from cashback_policies where tenant_id = $1 and ${IN_FORCE}
     order by effective_from desc limit 1`,
    [tenantId, at],
  );
  return row ?? null;
}

/** The cashback policy in force at `at` for each of several tenants (those without one are absent). */
export async function selectPolicyAtByTenant(
  sql: Sql,
  tenantIds: readonly string[],
  at: Date,
): Promise<Map<string, CashbackPolicy>> {
  const rows = await sql.query<CashbackPolicy>(
    `select distinct on (tenant_id) ${POLICY_COLUMNS} from cashback_policies
     where tenant_id = any($1::text[]) and ${IN_FORCE}
     order by tenant_id, effective_from desc`,
    [tenantIds, at],
  );
  return new Map(rows.map((row) => [row.tenantId, row]));
}

export async function selectAllPolicies(sql: Sql, tenantId: string): Promise<CashbackPolicy[]> {
  return sql.query<CashbackPolicy>(
    `select ${POLICY_COLUMNS} from cashback_policies where tenant_id = $1
     order by effective_from desc limit $2`,
    [tenantId, POLICY_LIST_MAX],
  );
}

/** Returns false when the id or the start instant is taken; the caller decides whether that is an error. */
export async function insertRule(sql: Sql, rule: PolicyRule): Promise<boolean> {
  const inserted = await sql.query(
    `insert into policy_rules (tenant_id, id, key, value, effective_from, effective_to, created_by, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning id`,
    [
      rule.tenantId,
      rule.id,
      rule.key,
      rule.value,
      rule.effectiveFrom,
      rule.effectiveTo,
      rule.createdBy,
      rule.createdAt,
    ],
  );
  return inserted.length === 1;
}

/**
 * Many rules of one tenant in one statement (a preset); returns the ids inserted. A rule whose id or
 * start instant is taken, in the table or earlier in `rules`, is skipped like `insertRule`'s.
 */
export async function insertRules(
  sql: Sql,
  tenantId: string,
  rules: readonly PolicyRule[],
): Promise<Set<string>> {
  if (rules.length === 0) return new Set();
  const rows = rules.map((rule) => {
    if (rule.tenantId !== tenantId)
      throw new Error(`rule ${rule.id} belongs to ${rule.tenantId}, not ${tenantId}`);
    return {
      id: rule.id,
      key: rule.key,
      value: rule.value,
      effective_from: rule.effectiveFrom.toISOString(),
      effective_to: rule.effectiveTo?.toISOString() ?? null,
      created_by: rule.createdBy,
      created_at: rule.createdAt.toISOString(),
    };
  });
  const inserted = await sql.query<{ id: string }>(
    `insert into policy_rules (tenant_id, id, key, value, effective_from, effective_to, created_by, created_at)
     select $1, id, key, value, effective_from, effective_to, created_by, created_at
     from rows from (json_to_recordset($2::json) as (id text, key text, value bigint,
       effective_from timestamptz, effective_to timestamptz, created_by text, created_at timestamptz))
       with ordinality as x(id, key, value, effective_from, effective_to, created_by, created_at, n)
     order by n
     on conflict do nothing returning id`,
    [tenantId, JSON.stringify(rows)],
  );
  return new Set(inserted.map((row) => row.id));
}

export async function insertPolicy(sql: Sql, policy: CashbackPolicy): Promise<boolean> {
  const inserted = await sql.query(
    `insert into cashback_policies (tenant_id, id, name, effective_from, effective_to, rules, created_by, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning id`,
    [
      policy.tenantId,
      policy.id,
      policy.name,
      policy.effectiveFrom,
      policy.effectiveTo,
      JSON.stringify(policy.rules satisfies CashbackPolicyRules),
      policy.createdBy,
      policy.createdAt,
    ],
  );
  return inserted.length === 1;
}
