/**
 * Keys of rows across cities: a payment batch serves several cities with one statement per table,
 * and member, account and transfer ids are only unique within a city (two cities may both have a
 * member `m-1`).
 */
export interface TenantKey {
  tenantId: string;
  id: string;
}

/**
 * A WHERE condition for "rows whose (tenant_id, `column`) is one of `keys`", with its parameters
 * numbered from `$firstParam`: one `tenant_id = $t and column = any($ids)` term per city, OR-ed. Each
 * term is an exact probe of the (tenant_id, …) index whatever the table's statistics say (a city
 * that joined since the last ANALYZE looks empty to the planner; a join against an unnested list
 * of pairs then became a quadratic filter — see ledger/stale-statistics.test.ts), and one city's id
 * never matches another city's row of the same id. One city gives the one-city statement exactly.
 */
export function tenantKeyFilter(
  column: string,
  keys: readonly TenantKey[],
  firstParam = 1,
  alias = '',
): { sql: string; params: unknown[] } {
  const idsByTenant = new Map<string, Set<string>>();
  for (const { tenantId, id } of keys) {
    const ids = idsByTenant.get(tenantId) ?? new Set<string>();
    ids.add(id);
    idsByTenant.set(tenantId, ids);
  }
  const at = alias ? `${alias}.` : '';
  const terms: string[] = [];
  const params: unknown[] = [];
  for (const [tenantId, ids] of idsByTenant) {
    const tenantParam = firstParam + params.length;
    params.push(tenantId, [...ids]);
    terms.push(`(${at}tenant_id = $${tenantParam} and ${at}${column} = any($${tenantParam + 1}::text[]))`);
  }
  if (terms.length === 0) return { sql: 'false', params };
  return { sql: terms.length === 1 ? (terms[0] as string) : `(${terms.join(' or ')})`, params };
}

/** Rows grouped by their city, keeping their order. */
export function byTenant<T>(rows: readonly T[], tenantOf: (row: T) => string): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const row of rows) {
    const tenantId = tenantOf(row);
    const list = grouped.get(tenantId);
    if (list) list.push(row);
    else grouped.set(tenantId, [row]);
  }
  return grouped;
}
