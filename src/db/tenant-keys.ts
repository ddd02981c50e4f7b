import { textArray } from './text-columns.js';
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
 * FROM items for "rows of `table` whose (tenant_id, `column`) is one of `keys`", named `alias`, with
 * their two parameters numbered from `$firstParam`: the keys as an unnested list of pairs, each
 * joined laterally to an index probe on both columns. `offset 0` keeps each probe a probe: without
 * it the planner may flatten the join into a hash join over a scan of the table, or probe by the
 * city alone, whenever it thinks the table or the city small (a city that joined since the last
 * ANALYZE looks empty; see ledger/stale-statistics.test.ts). Planned in the same time whatever the
 * number of cities; the OR of one term per city it replaced cost PostgreSQL more to plan than to run
 * for a batch over 32 cities. The key list's columns are named `key_*`, so a select list of the
 * table's unqualified columns stays unambiguous. To lock, pass `locking` (see `keyedRows`); to delete,
 * select `ctid` (`columns`) and delete by it.
 */
export function tenantKeyRows(
  table: string,
  column: string,
  keys: readonly TenantKey[],
  alias: string,
  firstParam = 1,
  columns = '*',
  locking: '' | 'for update' = '',
): { sql: string; params: unknown[] } {
  const tenants: string[] = [];
  const ids: string[] = [];
  for (const [tenantId, tenantIds] of idsByTenant(keys)) {
    for (const id of tenantIds) {
      tenants.push(tenantId);
      ids.push(id);
    }
  }
  return {
    sql: keyedRows(
      table,
      column,
      `unnest($${firstParam}::text[], $${firstParam + 1}::text[])`,
      alias,
      columns,
      locking,
    ),
    params: [textArray(tenants), textArray(ids)],
  };
}

/**
 * The same FROM items for the keys `keysFrom` yields (a set-returning call or a parenthesised
 * query with two text columns: city, key). The probes run in (city, key) order, sorted by the
 * database: `locking` locks inside each probe, so this order is the order the rows are locked in
 * (and a statement's own ORDER BY and locking clause would only sort and lock them again). It is the
 * order of every other lock of these rows
 * (`order by tenant_id, id … for update`), so two batches that share rows queue rather than
 * deadlock; in random key order they deadlocked and waited out PostgreSQL's deadlock_timeout
 * (docs/engine.md, session 11).
 */
export function keyedRows(
  table: string,
  column: string,
  keysFrom: string,
  alias: string,
  columns = '*',
  locking: '' | 'for update' = '',
): string {
  const k = `${alias}_keys`;
  return `(select * from ${keysFrom} as ${k}_unsorted(key_tenant_id, key_id) order by 1, 2) as ${k}
      cross join lateral (select ${columns} from ${table}
        where tenant_id = ${k}.key_tenant_id and ${column} = ${k}.key_id offset 0 ${locking}) as ${alias}`;
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
