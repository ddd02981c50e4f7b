import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/support/databases.js';
import { ARTICLE_NOON, seedTestTenant, TEST_CHECKPOINT_KEY } from '../../../test/support/platform.js';
import { ManualClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import { createPlatform, type Platform } from '../../platform.js';
import { auditLedger } from '../ledger/audit.js';
import { ledgerFingerprint } from '../ledger/fingerprint.js';
import { copyTenant, parentsFirst } from './copy-tenant.js';

/** A platform without an HTTP app: the copy needs only databases and services. */
async function openPlatform(): Promise<Platform> {
  const config = loadConfig({ HANBAT_CHECKPOINT_KEY: TEST_CHECKPOINT_KEY });
  return createPlatform(config, await openTestDatabase('pglite'), new ManualClock(ARTICLE_NOON));
}

const countOf = async (platform: Platform, table: string, tenantId: string) => {
  const [row] = await platform.db.query<{ n: number }>(
    `select count(*)::int as n from ${table} where tenant_id = $1`,
    [tenantId],
  );
  return row?.n ?? 0;
};

// One source and one target (each PGlite takes seconds to migrate): the steps run in order on them.
describe('copying a tenant between databases (PGlite)', () => {
  let source: Platform;
  let target: Platform;
  let tenantId: string;

  beforeAll(async () => {
    source = await openPlatform();
    target = await openPlatform();
    tenantId = await seedTestTenant(source);
  });
  afterAll(async () => {
    await source?.db.close();
    await target?.db.close();
  });

  it('refuses clusters at different migrations, changing nothing', async () => {
    await target.db.query(
      `insert into schema_migrations (version, name) values (999999, 'not on the source')`,
    );
    await expect(copyTenant(source.db, target.db, tenantId, source.clock.now())).rejects.toMatchObject({
      code: 'CLUSTER_SCHEMA_MISMATCH',
    });
    await target.db.query('delete from schema_migrations where version = 999999');
    expect(await target.db.query('select 1 from tenants where id = $1', [tenantId])).toEqual([]);
  });

  it('rolls the whole copy back when the target loses rows', async () => {
    // Rows of one table (no other table refers to it) silently dropped on the target: the count check
    // catches it before commit.
    expect(await countOf(source, 'operator_actions', tenantId)).toBeGreaterThan(0);
    await target.db.exec('create rule drop_actions as on insert to operator_actions do instead nothing');
    try {
      await expect(copyTenant(source.db, target.db, tenantId, source.clock.now())).rejects.toMatchObject({
        code: 'TENANT_MOVE_VERIFY_FAILED',
      });
    } finally {
      await target.db.exec('drop rule drop_actions on operator_actions');
    }
    expect(await target.db.query('select 1 from tenants where id = $1', [tenantId])).toEqual([]);
    expect(await countOf(target, 'ledger_transfers', tenantId)).toBe(0);
  });

  it('copies every row, with equal fingerprints, a green audit and sequences past the copied values', async () => {
    // A payment placed far along the history's sequence (member_activity.seq), which only its own
    // row carries: the member's next line on the target must still come after it.
    await source.db.query(
      `insert into payments (tenant_id, id, member_id, merchant_id, channel, amount_won, paid_from, eligible_won,
         cashback_won, cashback, month, created_at, history_seq)
       values ($1, 'pay_far_along', 'usr_x', 'mer_x', 'merchant_presented', 1000, '{}', 1000, 0, '{}', '2021-05',
         now(), 1000000)`,
      [tenantId],
    );
    const report = await copyTenant(source.db, target.db, tenantId, source.clock.now());
    const fingerprint = await ledgerFingerprint(source.db, tenantId);
    expect(fingerprint.transfers).toBeGreaterThan(0);
    expect(report.fingerprint).toEqual(fingerprint);
    expect(await ledgerFingerprint(target.db, tenantId)).toEqual(fingerprint);
    expect((await auditLedger(target.db, tenantId, target.clock.now())).ok).toBe(true);
    for (const table of ['users', 'merchants', 'ledger_entries', 'policy_rules', 'operator_actions'])
      expect(await countOf(target, table, tenantId)).toBe(await countOf(source, table, tenantId));
    const [order] = await target.db.query<{ next: number; copied: number }>(
      `select nextval('ledger_commit_seq') as next, (select max(commit_seq) from ledger_transfers) as copied`,
    );
    expect(order?.next).toBeGreaterThan(order?.copied ?? Number.POSITIVE_INFINITY);
    // Identity columns continue past the copied values: the next operator action sorts after every copied one.
    const [copiedSeq] = await target.db.query<{ max: number }>(
      'select max(seq) as max from operator_actions where tenant_id = $1',
      [tenantId],
    );
    await target.operatorActions.record(target.db, {
      tenantId,
      actorUserId: 'test-after-copy',
      action: 'member.welfare',
      subjectType: 'member',
      subjectId: tenantId,
    });
    const [next] = await target.db.query<{ seq: number }>(
      `select seq from operator_actions where tenant_id = $1 and actor_user_id = 'test-after-copy'`,
      [tenantId],
    );
    expect(next?.seq).toBeGreaterThan(copiedSeq?.max ?? Number.POSITIVE_INFINITY);
    const [history] = await target.db.query<{ next: number }>(
      `select nextval('member_activity_seq_seq') as next`,
    );
    expect(history?.next).toBeGreaterThan(1_000_000);
  });

  it('refuses a target that already holds the tenant', async () => {
    await expect(copyTenant(source.db, target.db, tenantId, source.clock.now())).rejects.toMatchObject({
      code: 'TENANT_ALREADY_ON_TARGET',
    });
  });

  it('orders tables parents first and names a cycle', () => {
    const tables = ['entries', 'accounts', 'tenants'].map((name) => ({ name }));
    const edges = [
      { child: 'entries', parent: 'accounts' },
      { child: 'accounts', parent: 'tenants' },
      { child: 'entries', parent: 'entries' },
    ];
    expect(parentsFirst(tables, edges).map((table) => table.name)).toEqual([
      'tenants',
      'accounts',
      'entries',
    ]);
    expect(() => parentsFirst(tables, [...edges, { child: 'tenants', parent: 'entries' }])).toThrow(/cycle/);
  });
});
