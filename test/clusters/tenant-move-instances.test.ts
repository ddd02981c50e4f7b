import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { allMigrations } from '../../src/db/migrations.js';
import { openPostgres } from '../../src/db/postgres.js';
import { registerJobs } from '../../src/jobs.js';
import { InProcessSandboxBank } from '../../src/modules/bank/in-process-sandbox-bank.js';
import { auditLedger } from '../../src/modules/ledger/audit.js';
import { ledgerFingerprint } from '../../src/modules/ledger/fingerprint.js';
import type { ClusterSet } from '../../src/modules/tenant-directory/cluster-set.js';
import {
  openClusters,
  type RunningClusters,
  startClusters,
} from '../../src/modules/tenant-directory/deployment.js';
import { TENANT_FENCED_SQLSTATE, unfencedTables } from '../../src/modules/tenant-directory/fence.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { createPostgresDatabase, postgresAdminUrl } from '../support/databases.js';
import { ARTICLE_NOON, demoMerchantCode, seedTestTenant, TEST_CHECKPOINT_KEY } from '../support/platform.js';
import {
  findPostgresBinDir,
  type PostgresCluster,
  startPostgresCluster,
} from '../support/postgres-cluster.js';

// Two server instances (each its own pools, directory cache and HTTP server) on the same two clusters.
const binDir = findPostgresBinDir();
const available = Boolean(binDir && postgresAdminUrl());
if (!available && process.env.REQUIRE_POSTGRES === '1')
  throw new Error('REQUIRE_POSTGRES=1 but the two-instance move test needs PostgreSQL binaries');

const ADMIN = { phone: '010-9000-0117', password: 'Hanbat-platform-test-7c1q' };
const PAYMENT_WON = 1_000;

interface Instance {
  set: ClusterSet;
  running: RunningClusters;
  baseUrl: string;
}

describe.skipIf(!available)('a move with two server instances writing to the same clusters', () => {
  let clusterB: PostgresCluster;
  let dropA: () => Promise<void>;
  let urlA: string;
  let config: Config;
  let one: Instance;
  let two: Instance;
  let side: Database;
  let alpha: string;

  async function startInstance(clock: ManualClock, bank: InProcessSandboxBank): Promise<Instance> {
    const db = await openPostgres(urlA, 10);
    const home = createPlatform(config, db, clock, bank);
    registerJobs(home);
    const set = (await openClusters(home, config)) as ClusterSet;
    const running = await startClusters(set, {
      logLevel: (process.env.TEST_LOG_LEVEL as string) ?? false,
      pollMs: 3_600_000,
      onReport: () => undefined,
    });
    await new Promise<void>((resolve) => running.server.listen(0, '127.0.0.1', resolve));
    return { set, running, baseUrl: `http://127.0.0.1:${(running.server.address() as AddressInfo).port}` };
  }

  async function call(
    instance: Instance,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${instance.baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  beforeAll(async () => {
    clusterB = await startPostgresCluster(binDir as string);
    const a = await createPostgresDatabase();
    dropA = a.drop;
    urlA = a.url;
    config = loadConfig({
      DATABASE_URL: a.url,
      HANBAT_HOME_CLUSTER: 'a',
      HANBAT_CLUSTERS: `b=${clusterB.adminUrl}`,
      SESSION_TTL_MINUTES: String(366 * 24 * 60),
      HANBAT_CHECKPOINT_KEY: TEST_CHECKPOINT_KEY,
    });
    side = await openPostgres(a.url, 2);
    await migrate(side, allMigrations);
    const clock = new ManualClock(ARTICLE_NOON);
    const bank = new InProcessSandboxBank();
    one = await startInstance(clock, bank);
    two = await startInstance(clock, bank);
    alpha = await seedTestTenant(one.set.home);
    await one.set.home.platformAdmins.bootstrap(ADMIN.phone, ADMIN.password);
  });

  afterAll(async () => {
    await one?.running.close();
    await two?.running.close();
    await side?.close();
    await dropA?.();
    clusterB?.stop();
  });

  it('installs the fence trigger on every table holding tenant rows, on every cluster', async () => {
    expect(await unfencedTables(side)).toEqual([]);
    expect(await unfencedTables((one.set.platforms.get('b') as Platform).db)).toEqual([]);
  });

  it("fences the tenant for every instance: the move waits for another instance's write in flight, no write lands on the source after the copy, every acknowledged payment is on the target once", async () => {
    const { phone, password } = DEMO_CREDENTIALS.citizen;
    const session = await call(one, 'POST', '/v1/sessions', { phone, password }, { 'x-tenant-id': alpha });
    expect(session.status).toBe(201);
    const auth = { authorization: `Bearer ${session.body.token}` };
    const { merchantCode } = await demoMerchantCode(one.set.home, alpha, 'cafe');
    const charged = await call(
      one,
      'POST',
      '/v1/me/charges',
      { amountWon: 200_000 },
      {
        ...auth,
        'idempotency-key': 'charge-1',
      },
    );
    expect(charged.status).toBe(201);

    // Pays with one key until acknowledged; 503 (moving, fenced) is retried with the same key.
    const acknowledged = new Map<string, string>();
    let refusals = 0;
    const payOnce = async (instance: Instance, key: string) => {
      for (;;) {
        const paid = await call(
          instance,
          'POST',
          '/v1/me/payments',
          { merchantCode, amountWon: PAYMENT_WON },
          {
            ...auth,
            'idempotency-key': key,
          },
        );
        if (paid.status === 201) {
          acknowledged.set(key, paid.body.paymentId);
          return;
        }
        expect(paid.status, JSON.stringify(paid.body)).toBe(503);
        expect(['TENANT_MOVING', 'DATABASE_UNAVAILABLE']).toContain(paid.body.code);
        refusals++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    let moveDone = false;
    const payer = async (instance: Instance, name: string) => {
      let n = 0;
      // Keeps paying through the whole move and a few payments after it.
      for (let after = 0; after < 3; n++) {
        await payOnce(instance, `${name}-${n}`);
        if (moveDone) after++;
      }
    };

    // A write of alpha in flight on instance two's side of the source, not yet committed.
    // (A connection of its own: to the database, another process's transaction looks the same.)
    let commitHeld: (() => void) | undefined;
    const held = side.transaction(async (tx) => {
      await tx.query(`update tenants set name = name || ' (held)' where id = $1`, [alpha]);
      await new Promise<void>((resolve) => {
        commitHeld = resolve;
      });
    });
    await expect.poll(() => commitHeld !== undefined).toBe(true);

    const payers = [payer(one, 'one-a'), payer(one, 'one-b'), payer(two, 'two-a'), payer(two, 'two-b')];
    await expect.poll(() => acknowledged.size, { interval: 10, timeout: 60_000 }).toBeGreaterThan(8);

    let moveSettled = false;
    const move = call(
      one,
      'POST',
      `/v1/platform/tenants/${alpha}/move`,
      { toCluster: 'b' },
      {
        authorization: `Bearer ${(await call(one, 'POST', '/v1/platform/sessions', ADMIN)).body.token}`,
      },
    ).finally(() => {
      moveSettled = true;
    });
    // The mover waits on the fence lock for the held transaction: the move cannot finish before it ends.
    await expect
      .poll(
        async () =>
          (
            await side.query<{ n: number }>(
              `select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`,
            )
          )[0]?.n,
        { interval: 10, timeout: 60_000 },
      )
      .toBeGreaterThan(0);
    expect(moveSettled).toBe(false);
    const beforeRelease = acknowledged.size;
    commitHeld?.();
    await held;

    const moved = await move;
    moveDone = true;
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await Promise.all(payers);
    expect(acknowledged.size).toBeGreaterThan(beforeRelease);

    const a = one.set.home;
    const b = one.set.platforms.get('b');
    if (!b) throw new Error('no cluster b');
    // Nothing landed on the source after the copy's snapshot: its books are exactly what was copied.
    expect(await ledgerFingerprint(a.db, alpha)).toEqual(moved.body.fingerprint);
    await expect(side.query(`update tenants set name = name where id = $1`, [alpha])).rejects.toMatchObject({
      code: TENANT_FENCED_SQLSTATE,
    });
    // The held write of the other instance was awaited and travelled with the copy.
    const [tenantOnB] = await b.db.query<{ name: string }>('select name from tenants where id = $1', [alpha]);
    expect(tenantOnB?.name).toMatch(/\(held\)$/);

    // Every acknowledged payment is on the target exactly once, and replays answer the same payment.
    const ids = [...acknowledged.values()];
    const rows = await b.db.query<{ id: string; n: number }>(
      `select id::text, count(*)::int as n from payments where tenant_id = $1 and id::text = any($2::text[]) group by id`,
      [alpha, ids],
    );
    expect(rows.length).toBe(ids.length);
    expect(rows.every((row) => row.n === 1)).toBe(true);
    const [{ total } = { total: 0 }] = await b.db.query<{ total: number }>(
      `select count(*)::int as total from payments where tenant_id = $1`,
      [alpha],
    );
    expect(total).toBe(ids.length);
    const [someKey, somePayment] = [...acknowledged][0] as [string, string];
    const replay = await call(
      two,
      'POST',
      '/v1/me/payments',
      { merchantCode, amountWon: PAYMENT_WON },
      {
        ...auth,
        'idempotency-key': someKey,
      },
    );
    expect(replay.status).toBe(201);
    expect(replay.body.paymentId).toBe(somePayment);

    const onB = await ledgerFingerprint(b.db, alpha);
    expect((await auditLedger(b.db, alpha, b.clock.now())).ok).toBe(true);
    expect((await auditLedger(a.db, alpha, a.clock.now())).ok).toBe(true);
    expect(onB.transfers).toBeGreaterThan(moved.body.fingerprint.transfers);
    // Both instances now route alpha to b (instance two learned it from the directory).
    await expect.poll(() => two.set.clusterOf(alpha), { interval: 50, timeout: 60_000 }).toBe('b');
    console.log(
      `two-instance move: ${acknowledged.size} payments acknowledged, ${refusals} answers 503 retried, paused ${moved.body.pausedMs} ms for ${moved.body.rowsCopied} rows`,
    );
  });
});
