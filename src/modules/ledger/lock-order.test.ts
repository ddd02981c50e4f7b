import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, postgresAdminUrl } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { allMigrations } from '../../db/migrations.js';
import { openPostgres } from '../../db/postgres.js';
import { LedgerService } from './ledger-service.js';
import { lockAccountsOfTenants, lockAccountsOwnedBy } from './store.js';

const clock = new ManualClock('2026-12-03T00:00:00Z');
/** Bound on polling for the second transaction to queue (a condition, not a speed assumption). */
const POLLS_MAX = 6_000;

/**
 * Two batches that share accounts must lock them in one order, (city, id), or each can hold what
 * the other waits for: PostgreSQL then breaks the deadlock only after deadlock_timeout (1 s), which
 * the bench saw as a one-second p99. The probe-per-key statements lock inside each probe, so the
 * order of the keys is the lock order. Needs two sessions: PostgreSQL only (the embedded database
 * has one connection, where no two transactions overlap).
 */
describe.skipIf(!postgresAdminUrl())('ledger lock order on postgres', () => {
  // Three sessions' pools: the transaction holding acc-a, the one that queues, and a watcher.
  let db: Database;
  let other: Database;
  let watcher: Database;
  let drop: () => Promise<void>;
  let tenantId: string;
  beforeAll(async () => {
    const created = await createPostgresDatabase();
    drop = created.drop;
    db = await openPostgres(created.url, 2);
    await migrate(db, allMigrations);
    other = await openPostgres(created.url, 1);
    watcher = await openPostgres(created.url, 1);
    tenantId = await createTestTenant(db, clock);
    // acc-a belongs to the owner that sorts last, acc-b to the one that sorts first.
    await new LedgerService(db, clock).createAccounts(tenantId, [
      { id: 'acc-a', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'owner-z' },
      { id: 'acc-b', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'owner-a' },
    ]);
  });
  afterAll(async () => {
    await Promise.all([db.close(), other.close(), watcher.close()]);
    await drop();
  });

  async function untilAnotherSessionWaitsForALock(): Promise<void> {
    for (let poll = 0; poll < POLLS_MAX; poll += 1) {
      const [row] = await watcher.query<{ waiting: number }>(
        `select count(*)::int as waiting from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if ((row?.waiting ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the second transaction never queued for the lock');
  }

  /**
   * While this session holds acc-a, `lock` (given the keys in the other order) queues for acc-a
   * without having taken acc-b, so this session can still take acc-b at once.
   */
  async function expectLocksInIdOrder(lock: (tx: Sql) => Promise<unknown>): Promise<void> {
    let holdsA = () => {};
    let takeB = () => {};
    const aHeld = new Promise<void>((resolve) => {
      holdsA = resolve;
    });
    const bWanted = new Promise<void>((resolve) => {
      takeB = resolve;
    });
    const first = db.transaction(async (tx) => {
      await tx.query(`select 1 from ledger_accounts where tenant_id = $1 and id = 'acc-a' for update`, [
        tenantId,
      ]);
      holdsA();
      await bWanted;
      return tx.query(
        `select id from ledger_accounts where tenant_id = $1 and id = 'acc-b' for update nowait`,
        [tenantId],
      );
    });
    await aHeld;
    const second = other.transaction(lock);
    await untilAnotherSessionWaitsForALock();
    takeB();
    expect(await first).toEqual([{ id: 'acc-b' }]);
    await second;
  }

  it('locks accounts named in any order in (city, id) order', async () => {
    await expectLocksInIdOrder((tx) =>
      lockAccountsOfTenants(tx, [
        { tenantId, id: 'acc-b' },
        { tenantId, id: 'acc-a' },
      ]),
    );
  });

  it("locks an owner's accounts in (city, id) order, not in owner order", async () => {
    await expectLocksInIdOrder(async (tx) => {
      const accounts = await lockAccountsOwnedBy(tx, [
        { tenantId, id: 'owner-a' },
        { tenantId, id: 'owner-z' },
      ]);
      expect(accounts.map((account) => account.id)).toEqual(['acc-a', 'acc-b']);
    });
  });
});
