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
  const at = alias ? `${alias}.` : '';
  const terms: string[] = [];
  const params: unknown[] = [];
  for (const [tenantId, ids] of idsByTenant(keys)) {
    const tenantParam = firstParam + params.length;
    params.push(tenantId, [...ids]);
    terms.push(`(${at}tenant_id = $${tenantParam} and ${at}${column} = any($${tenantParam + 1}::text[]))`);
  }
  if (terms.length === 0) return { sql: 'false', params };
  return { sql: terms.length === 1 ? (terms[0] as string) : `(${terms.join(' or ')})`, params };
}

/**
 * FROM items for "rows of `table` whose (tenant_id, `column`) is one of `keys`", named `alias`, with
 * their two parameters numbered from `$firstParam`: the keys as an unnested list of pairs, each
 * joined laterally to an index probe on both columns. `offset 0` keeps each probe a probe: without
 * it the planner may flatten the join into a hash join over a scan of the table, or probe by the
 * city alone, whenever it thinks the table or the city small (a city that joined since the last
 * ANALYZE looks empty; see ledger/stale-statistics.test.ts). Planned in the same time whatever the
 * number of cities, where an OR of one term per city cost PostgreSQL more to plan than to run for a
 * batch over 32 cities. The key list's columns are named `key_*`, so a select list of the table's
 * unqualified columns stays unambiguous. Lock with `for update of <alias>`.
 */
export function tenantKeyRows(
  table: string,
  column: string,
  keys: readonly TenantKey[],
  alias: string,
  firstParam = 1,
): { sql: string; params: unknown[] } {
  const tenants: string[] = [];
  const ids: string[] = [];
  for (const [tenantId, tenantIds] of idsByTenant(keys)) {
    for (const id of tenantIds) {
      tenants.push(tenantId);
      ids.push(id);
    }
  }
  const k = `${alias}_keys`;
  return {
    sql: `unnest($${firstParam}::text[], $${firstParam + 1}::text[]) as ${k}(key_tenant_id, key_id)
      cross join lateral (select * from ${table}
        where tenant_id = ${k}.key_tenant_id and ${column} = ${k}.key_id offset 0) as ${alias}`,
    params: [tenants, ids],
  };
}

function idsByTenant(keys: readonly TenantKey[]): Map<string, Set<string>> {
  const grouped = new Map<string, Set<string>>();
  for (const { tenantId, id } of keys) {
    const ids = grouped.get(tenantId) ?? new Set<string>();
    ids.add(id);
    grouped.set(tenantId, ids);
  }
  return grouped;
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
