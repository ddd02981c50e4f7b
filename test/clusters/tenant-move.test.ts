import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
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
import { createPlatform } from '../../src/platform.js';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { createPostgresDatabase, postgresAdminUrl } from '../support/databases.js';
import { ARTICLE_NOON, demoMerchantCode, seedTestTenant, TEST_CHECKPOINT_KEY } from '../support/platform.js';
import {
  findPostgresBinDir,
  type PostgresCluster,
  startPostgresCluster,
} from '../support/postgres-cluster.js';

// Two clusters: a database on the suite's PostgreSQL server (home, "a") and a second throwaway server ("b").
const binDir = findPostgresBinDir();
const available = Boolean(binDir && postgresAdminUrl());
if (!available && process.env.REQUIRE_POSTGRES === '1')
  throw new Error(
    'REQUIRE_POSTGRES=1 but the tenant-move test needs PostgreSQL binaries for a second cluster',
  );

const ADMIN = { phone: '010-9000-0017', password: 'Hanbat-platform-test-9f2k' };

describe.skipIf(!available)('tenants on two PostgreSQL clusters', () => {
  let clusterB: PostgresCluster;
  let dropA: () => Promise<void>;
  let set: ClusterSet;
  let running: RunningClusters;
  let baseUrl: string;
  let adminToken: string;
  let alpha: string;
  let beta: string;
  let keyCount = 0;

  async function call(
    tenantId: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(tenantId ? { 'x-tenant-id': tenantId } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  async function citizenOf(tenantId: string) {
    const { phone, password } = DEMO_CREDENTIALS.citizen;
    const session = await call(tenantId, 'POST', '/v1/sessions', { phone, password });
    expect(session.status).toBe(201);
    const auth = { authorization: `Bearer ${session.body.token}` };
    const { merchantCode } = await demoMerchantCode(set.home, tenantId, 'cafe');
    // No X-Tenant-Id: the router finds the tenant from the session alone.
    const pay = (amountWon: number, key = `pay-${++keyCount}`) =>
      call(
        undefined,
        'POST',
        '/v1/me/payments',
        { merchantCode, amountWon },
        { ...auth, 'idempotency-key': key },
      );
    const charge = (amountWon: number) =>
      call(
        undefined,
        'POST',
        '/v1/me/charges',
        { amountWon },
        { ...auth, 'idempotency-key': `charge-${++keyCount}` },
      );
    return { pay, charge };
  }

  beforeAll(async () => {
    clusterB = await startPostgresCluster(binDir as string);
    const a = await createPostgresDatabase();
    dropA = a.drop;
    const config = loadConfig({
      DATABASE_URL: a.url,
      HANBAT_HOME_CLUSTER: 'a',
      HANBAT_CLUSTERS: `b=${clusterB.adminUrl}`,
      SESSION_TTL_MINUTES: String(366 * 24 * 60),
      HANBAT_CHECKPOINT_KEY: TEST_CHECKPOINT_KEY,
    });
    const { migrate } = await import('../../src/db/migrate.js');
    const { allMigrations } = await import('../../src/db/migrations.js');
    const db = await openPostgres(a.url, 20);
    await migrate(db, allMigrations);
    const home = createPlatform(config, db, new ManualClock(ARTICLE_NOON), new InProcessSandboxBank());
    registerJobs(home);
    set = (await openClusters(home, config)) as ClusterSet;
    alpha = await seedTestTenant(home);
    beta = await seedTestTenant(home);
    await home.platformAdmins.bootstrap(ADMIN.phone, ADMIN.password);
    running = await startClusters(set, {
      logLevel: (process.env.TEST_LOG_LEVEL as string) ?? false,
      pollMs: 3_600_000,
      onReport: () => undefined,
    });
    await new Promise<void>((resolve) => running.server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
    const session = await call(undefined, 'POST', '/v1/platform/sessions', ADMIN);
    expect(session.status).toBe(201);
    adminToken = session.body.token;
  });

  let clusterBStopped = false;

  afterAll(async () => {
    await running?.close();
    await dropA?.();
    if (!clusterBStopped) clusterB?.stop();
  });

  const asAdmin = () => ({ authorization: `Bearer ${adminToken}` });

  it('moves one tenant while the other keeps paying: writes of the moving tenant only get 503 TENANT_MOVING, then the copy verifies and the books continue on the target', async () => {
    const alphaCitizen = await citizenOf(alpha);
    const betaCitizen = await citizenOf(beta);
    expect((await alphaCitizen.charge(200_000)).status).toBe(201);
    expect((await betaCitizen.charge(200_000)).status).toBe(201);
    for (const amountWon of [10_000, 12_000, 7_000])
      expect((await alphaCitizen.pay(amountWon)).status).toBe(201);
    expect((await betaCitizen.pay(5_000)).status).toBe(201);

    // A write of alpha still in flight holds the move before its copy: the pause is observable.
    const releaseWrite = set.beginWrite(alpha);
    const move = call(undefined, 'POST', `/v1/platform/tenants/${alpha}/move`, { toCluster: 'b' }, asAdmin());
    await expect.poll(() => set.isPaused(alpha), { interval: 10, timeout: 60_000 }).toBe(true);
    const refused = await alphaCitizen.pay(3_000, 'pay-during-move');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('TENANT_MOVING');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await betaCitizen.pay(4_000)).status).toBe(201);
    expect((await call(alpha, 'GET', '/v1/branding')).status).toBe(200);
    releaseWrite();

    const moved = await move;
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ tenantId: alpha, fromCluster: 'a', toCluster: 'b' });
    expect(moved.body.rowsCopied).toBeGreaterThan(100);
    expect(moved.body.fingerprint.transfers).toBeGreaterThan(3);
    expect(set.clusterOf(alpha)).toBe('b');
    expect(set.clusterOf(beta)).toBe('a');

    // The retry with the same key now lands on cluster b, once.
    const retried = await alphaCitizen.pay(3_000, 'pay-during-move');
    expect(retried.status).toBe(201);
    const replayed = await alphaCitizen.pay(3_000, 'pay-during-move');
    expect(replayed.status).toBe(201);
    expect(replayed.body.paymentId).toBe(retried.body.paymentId);
    expect(retried.body.amountWon).toBe(3_000);
    expect((await betaCitizen.pay(6_000)).status).toBe(201);

    const b = set.platforms.get('b');
    const a = set.home;
    if (!b) throw new Error('no cluster b');
    // Cluster b holds every alpha transfer of a plus the one paid after the move; a never saw that one.
    const onA = await ledgerFingerprint(a.db, alpha);
    const onB = await ledgerFingerprint(b.db, alpha);
    expect(onB.transfers).toBeGreaterThan(onA.transfers);
    expect(onA).toEqual(moved.body.fingerprint);
    expect((await auditLedger(b.db, alpha, b.clock.now())).ok).toBe(true);
    expect((await auditLedger(a.db, beta, a.clock.now())).ok).toBe(true);
    expect(await ledgerFingerprint(b.db, beta)).toMatchObject({ transfers: 0 });

    const clusters = await call(undefined, 'GET', '/v1/platform/clusters', undefined, asAdmin());
    expect(clusters.status).toBe(200);
    expect(clusters.body.clusters).toEqual([
      { name: 'a', home: true, tenantIds: [] },
      { name: 'b', home: false, tenantIds: [alpha] },
    ]);
  });

  it('refuses a move whose target still holds a copy, and leaves the tenant active where it is', async () => {
    const back = await call(
      undefined,
      'POST',
      `/v1/platform/tenants/${alpha}/move`,
      { toCluster: 'a' },
      asAdmin(),
    );
    expect(back.status).toBe(409);
    expect(back.body.code).toBe('TENANT_ALREADY_ON_TARGET');
    expect(set.clusterOf(alpha)).toBe('b');
    expect(set.isPaused(alpha)).toBe(false);
    const unknown = await call(
      undefined,
      'POST',
      `/v1/platform/tenants/${beta}/move`,
      { toCluster: 'zz' },
      asAdmin(),
    );
    expect(unknown.status).toBe(404);
    const anonymous = await call(undefined, 'POST', `/v1/platform/tenants/${beta}/move`, { toCluster: 'b' });
    expect(anonymous.status).toBe(401);
    expect(set.clusterOf(beta)).toBe('a');
  });

  it('reports readiness and metrics for every cluster, and is not ready when one of them is down', async () => {
    const ready = await call(undefined, 'GET', '/ready');
    expect(ready.status).toBe(200);
    const version = ready.body.database.migrationVersion;
    expect(ready.body.clusters).toEqual([
      { name: 'a', home: true, migrationVersion: version },
      { name: 'b', home: false, migrationVersion: version },
    ]);

    const metrics = await fetch(`${baseUrl}/metrics`);
    const text = await metrics.text();
    const paid = (tenant: string, cluster: string) =>
      Number(
        text.match(
          new RegExp(
            `^hanbat_payments_total\\{tenant="${tenant}",outcome="paid",cluster="${cluster}"\\} (\\d+)$`,
            'm',
          ),
        )?.[1] ?? 0,
      );
    // Alpha paid three times on a before the move and once on b after it; beta paid three times on a.
    expect([paid(alpha, 'a'), paid(alpha, 'b'), paid(beta, 'a'), paid(beta, 'b')]).toEqual([3, 1, 3, 0]);
    expect(text).toMatch(/^hanbat_http_request_duration_seconds_count\{[^}]*cluster="b"[^}]*\} [1-9]/m);

    clusterB.stop();
    clusterBStopped = true;
    const down = await call(undefined, 'GET', '/ready');
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('NOT_READY');
    expect(down.body.detail).toContain('cluster b: database unreachable');
    expect(down.body.detail).not.toContain('cluster a');
  });
});
