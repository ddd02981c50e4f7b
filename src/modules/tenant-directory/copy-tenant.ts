import type { Database, Sql } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { auditLedger } from '../ledger/audit.js';
import { type LedgerFingerprint, ledgerFingerprint } from '../ledger/fingerprint.js';

/** Tables never copied: the schema's own bookkeeping, the directory, and the platform's (not a tenant's) tables. */
const NOT_TENANT_TABLES = new Set([
  'schema_migrations',
  'tenant_placements',
  'tenant_moves',
  'tenant_fences',
]);
const PAGE_ROWS = 500;

export interface CopyReport {
  tables: number;
  rowsCopied: number;
  fingerprint: LedgerFingerprint;
  auditChecks: number;
}

export interface TenantTable {
  name: string;
  /** `tenant_id`, or `id` for the tenants table itself. */
  keyColumn: string;
  columns: string[];
}

/**
 * Copies every row of one tenant from `source` to `target`, and proves the copy before it counts:
 * in ONE target transaction every table is copied (parents before children), sequences are moved
 * past the copied values, then the ledger fingerprint (transfer digests, balances) and the row
 * counts must equal the source's snapshot and the ledger audit must be green on the target. Any
 * difference throws and rolls the whole copy back, so a failed move leaves nothing on the target.
 * The source is read in one repeatable-read snapshot, page by page (bounded memory).
 */
export async function copyTenant(
  source: Database,
  target: Database,
  tenantId: string,
  now: Date,
): Promise<CopyReport> {
  return source.transaction(async (src) => {
    await src.query('set transaction isolation level repeatable read, read only');
    const tables = await tenantTables(src);
    // The target's transaction nests inside the source's: the source snapshot stays open while it loads.
    return target.transaction(async (tx) => {
      await assertSameSchema(src, tx);
      const present = await tx.query('select 1 from tenants where id = $1', [tenantId]);
      if (present.length > 0)
        throw moveRefused(
          'TENANT_ALREADY_ON_TARGET',
          `the target cluster already holds rows of ${tenantId} (an earlier copy): remove them first`,
          `대상 클러스터에 ${tenantId}의 데이터가 이미 있습니다`,
        );
      let rowsCopied = 0;
      const counts = new Map<string, number>();
      for (const table of tables) {
        const copied = await copyTable(src, tx, table, tenantId);
        counts.set(table.name, copied);
        rowsCopied += copied;
      }
      await advanceSequences(tx);
      await verifyCopy(src, tx, tables, counts, tenantId);
      const fingerprint = await ledgerFingerprint(src, tenantId);
      const targetFingerprint = await ledgerFingerprint(tx, tenantId);
      if (JSON.stringify(fingerprint) !== JSON.stringify(targetFingerprint))
        throw verifyFailed('ledger fingerprints differ', { source: fingerprint, target: targetFingerprint });
      const audit = await auditLedger(tx, tenantId, now);
      if (!audit.ok) throw verifyFailed('the ledger audit on the target is not green', { audit });
      return { tables: tables.length, rowsCopied, fingerprint, auditChecks: audit.checks.length };
    });
  });
}

/** Every table holding a tenant's rows, parents before children (foreign keys), from the catalog. */
export async function tenantTables(sql: Sql): Promise<TenantTable[]> {
  const rows = await sql.query<{ name: string; columns: string[]; has_tenant: boolean }>(
    `select c.relname as name,
       array(select a.attname::text from pg_attribute a where a.attrelid = c.oid and a.attnum > 0
             and not a.attisdropped and a.attgenerated = '' order by a.attnum) as columns,
       exists(select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id'
              and not a.attisdropped) as has_tenant
     from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
     order by c.relname`,
  );
  const tables = rows
    .filter((row) => !NOT_TENANT_TABLES.has(row.name) && (row.has_tenant || row.name === 'tenants'))
    .map((row) => ({
      name: row.name,
      keyColumn: row.name === 'tenants' ? 'id' : 'tenant_id',
      columns: row.columns,
    }));
  const edges = await sql.query<{ child: string; parent: string }>(
    `select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
     from pg_constraint c where c.contype = 'f' and c.connamespace = 'public'::regnamespace`,
  );
  return parentsFirst(tables, edges);
}

/** Topological order; a cycle of foreign keys between tenant tables is a schema this copy cannot load. */
export function parentsFirst<T extends { name: string }>(
  tables: T[],
  edges: { child: string; parent: string }[],
): T[] {
  const ordered: T[] = [];
  const placed = new Set<string>();
  const names = new Set(tables.map((table) => table.name));
  let remaining = tables;
  while (remaining.length > 0) {
    const ready = remaining.filter((table) =>
      edges.every(
        (edge) =>
          edge.child !== table.name ||
          edge.parent === table.name ||
          !names.has(edge.parent) ||
          placed.has(edge.parent),
      ),
    );
    if (ready.length === 0)
      throw new Error(`foreign keys form a cycle among ${remaining.map((table) => table.name).join(', ')}`);
    for (const table of ready) {
      ordered.push(table);
      placed.add(table.name);
    }
    remaining = remaining.filter((table) => !placed.has(table.name));
  }
  return ordered;
}

const quoted = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/**
 * Rows travel as PostgreSQL's own JSON text (never parsed into JS numbers), keyset-paged by ctid
 * inside the snapshot, and are loaded with json_populate_recordset, so every type round-trips.
 * OVERRIDING SYSTEM VALUE keeps identity columns' values (sequence numbers other rows refer to).
 */
async function copyTable(src: Sql, tx: Sql, table: TenantTable, tenantId: string): Promise<number> {
  const columns = table.columns.map(quoted).join(', ');
  let after = '(0,0)';
  let copied = 0;
  for (;;) {
    const page = await src.query<{ at: string; row: string }>(
      `select ctid::text as at, row_to_json(t)::text as row from ${quoted(table.name)} t
       where ${quoted(table.keyColumn)} = $1 and ctid > $2::tid order by ctid limit ${PAGE_ROWS}`,
      [tenantId, after],
    );
    if (page.length === 0) return copied;
    await tx.query(
      `insert into ${quoted(table.name)} (${columns}) overriding system value
       select ${columns} from json_populate_recordset(null::${quoted(table.name)}, $1::json)`,
      [`[${page.map((row) => row.row).join(',')}]`],
    );
    copied += page.length;
    after = page[page.length - 1]?.at ?? after;
  }
}

/**
 * Sequences shared by every tenant of a cluster (journal commit order, identity columns) must hand
 * out numbers above the copied rows', or the moved tenant's next rows would collide or sort first.
 */
async function advanceSequences(tx: Sql): Promise<void> {
  const owned = await tx.query<{ seq: string; tbl: string; col: string }>(
    `select distinct d.refobjid::regclass::text as seq, ad.adrelid::regclass::text as tbl, a.attname::text as col
     from pg_depend d
     join pg_class s on s.oid = d.refobjid and s.relkind = 'S'
     join pg_attrdef ad on ad.oid = d.objid and d.classid = 'pg_attrdef'::regclass
     join pg_attribute a on a.attrelid = ad.adrelid and a.attnum = ad.adnum
     union
     select pg_get_serial_sequence(c.oid::regclass::text, a.attname), c.oid::regclass::text, a.attname::text
     from pg_attribute a join pg_class c on c.oid = a.attrelid
     where c.relnamespace = 'public'::regnamespace and a.attidentity <> ''`,
  );
  for (const { seq, tbl, col } of owned) {
    if (!seq) continue;
    await tx.query(
      `select setval($1::regclass, greatest(nextval($1::regclass), coalesce((select max(${quoted(col)}) from ${tbl}), 0) + 1), false)`,
      [seq],
    );
  }
}

async function verifyCopy(
  src: Sql,
  tx: Sql,
  tables: TenantTable[],
  copied: Map<string, number>,
  tenantId: string,
): Promise<void> {
  for (const table of tables) {
    const count = `select count(*)::bigint as n from ${quoted(table.name)} where ${quoted(table.keyColumn)} = $1`;
    const [before] = await src.query<{ n: number }>(count, [tenantId]);
    const [after] = await tx.query<{ n: number }>(count, [tenantId]);
    if (before?.n !== after?.n || after?.n !== copied.get(table.name))
      throw verifyFailed(`row counts of ${table.name} differ`, {
        table: table.name,
        source: before?.n,
        target: after?.n,
      });
  }
}

async function assertSameSchema(src: Sql, target: Sql): Promise<void> {
  const version = `select count(*) || ':' || coalesce(max(version), 0) as v from schema_migrations`;
  const [mine] = await src.query<{ v: string }>(version);
  const [theirs] = await target.query<{ v: string }>(version);
  if (mine?.v !== theirs?.v)
    throw moveRefused(
      'CLUSTER_SCHEMA_MISMATCH',
      `the clusters are at different migrations (${mine?.v} and ${theirs?.v}): migrate both first`,
      '두 클러스터의 스키마 버전이 다릅니다',
    );
}

function moveRefused(code: string, message: string, messageKo: string): DomainError {
  return new DomainError({ code, httpStatus: 409, message, messageKo });
}

function verifyFailed(why: string, details: Record<string, unknown>): DomainError {
  return new DomainError({
    code: 'TENANT_MOVE_VERIFY_FAILED',
    httpStatus: 409,
    message: `the copy did not verify (${why}); nothing changed, the tenant stays where it was`,
    messageKo: '복사본 검증에 실패했습니다. 아무것도 바뀌지 않았습니다',
    details: { verify: details },
  });
}
