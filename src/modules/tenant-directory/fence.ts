import type { Database } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { tenantTables } from './copy-tenant.js';

/** The SQLSTATE a write of a fenced tenant fails with (raised by `hanbat_tenant_fence_check`). */
export const TENANT_FENCED_SQLSTATE = 'HB001';
/** The advisory lock class of tenant fences: (17017, hashtext(tenant_id)). */
const FENCE_LOCK_CLASS = 17017;
const TRIGGER = 'hanbat_tenant_fence';

export function isTenantFenced(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === TENANT_FENCED_SQLSTATE;
}

/**
 * Puts the fence trigger on every table holding a tenant's rows (those without it: tables added by
 * later migrations get it at the next start). Only a clustered deployment installs it: one database
 * has nothing to move. One row trigger; its lock and fence check run once per tenant per
 * transaction (a group-commit batch of one city pays it once), later rows only compare a setting.
 */
export async function installFenceTriggers(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    // Instances starting together would race on the same catalog rows: one at a time.
    await tx.query('select pg_advisory_xact_lock($1, 0)', [FENCE_LOCK_CLASS]);
    const tables = await tenantTables(tx);
    const present = new Set(
      (
        await tx.query<{ name: string }>(
          `select c.relname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
           where t.tgname = $1 and c.relnamespace = 'public'::regnamespace`,
          [TRIGGER],
        )
      ).map((row) => row.name),
    );
    let installed = 0;
    for (const table of tables) {
      if (present.has(table.name)) continue;
      const fn = table.keyColumn === 'id' ? 'hanbat_tenant_fence_tenants' : 'hanbat_tenant_fence';
      await tx.query(
        `create trigger ${TRIGGER} before insert or update or delete on "${table.name}"
         for each row execute function ${fn}()`,
      );
      installed++;
    }
    return installed;
  });
}

/** Tables holding tenant rows that have no fence trigger (empty once installed). */
export async function unfencedTables(db: Database): Promise<string[]> {
  const tables = await tenantTables(db);
  const present = new Set(
    (
      await db.query<{ name: string }>(
        `select c.relname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid where t.tgname = $1`,
        [TRIGGER],
      )
    ).map((row) => row.name),
  );
  return tables.map((table) => table.name).filter((name) => !present.has(name));
}

/**
 * Fences a tenant on one cluster, for every instance writing there: the fence row and the exclusive
 * lock are taken in one transaction, and the lock is granted only once every write transaction that
 * passed the fence check (holding the shared lock) has ended. When this returns, the tenant's rows on
 * this cluster are final: every later write fails with TENANT_FENCED_SQLSTATE. Gives up after
 * `timeoutMs` with 409 TENANT_BUSY and leaves no fence.
 */
export async function fenceTenant(
  db: Database,
  tenantId: string,
  now: Date,
  reason: 'moving' | 'moved',
  timeoutMs: number,
): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await tx.query(`select set_config('lock_timeout', $1, true)`, [
        `${Math.max(1, Math.round(timeoutMs))}ms`,
      ]);
      await tx.query(
        `insert into tenant_fences (tenant_id, fenced_at, reason) values ($1, $2, $3)
         on conflict (tenant_id) do update set reason = excluded.reason`,
        [tenantId, now, reason],
      );
      await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [FENCE_LOCK_CLASS, tenantId]);
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === '55P03')
      throw new DomainError({
        code: 'TENANT_BUSY',
        httpStatus: 409,
        message: `${tenantId} still had writes in flight on its cluster after ${timeoutMs} ms; not moved`,
        messageKo: '처리 중인 요청이 끝나지 않아 이동하지 않았습니다',
      });
    throw error;
  }
}

/** Lifts the fence (a move that failed): the tenant writes on this cluster again. */
export async function unfenceTenant(db: Database, tenantId: string): Promise<void> {
  await db.query('delete from tenant_fences where tenant_id = $1', [tenantId]);
}

/** Marks the fence permanent (the tenant now lives elsewhere; stale instances keep being refused). */
export async function markMovedAway(db: Database, tenantId: string): Promise<void> {
  await db.query(`update tenant_fences set reason = 'moved' where tenant_id = $1`, [tenantId]);
}
