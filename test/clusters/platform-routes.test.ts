import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { allMigrations } from '../../src/db/migrations.js';
import { openPostgres } from '../../src/db/postgres.js';
import { registerJobs } from '../../src/jobs.js';
import type { SandboxBank } from '../../src/modules/bank/sandbox/server.js';
import { auditLedger } from '../../src/modules/ledger/audit.js';
import type { ClusterSet } from '../../src/modules/tenant-directory/cluster-set.js';
import {
  openClusters,
  type RunningClusters,
  startClusters,
} from '../../src/modules/tenant-directory/deployment.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { openTestSandboxBank, TEST_SIGNING_SECRET, testGateway } from '../support/bank.js';
import { createPostgresDatabase, postgresAdminUrl } from '../support/databases.js';
import { ARTICLE_NOON, seedTestTenant, TEST_CHECKPOINT_KEY } from '../support/platform.js';
import {
  findPostgresBinDir,
  type PostgresCluster,
  startPostgresCluster,
} from '../support/postgres-cluster.js';

// Platform-wide routes (city list, branding, bank callbacks) with a city on a second throwaway cluster.
const binDir = findPostgresBinDir();
const available = Boolean(binDir && postgresAdminUrl());
if (!available && process.env.REQUIRE_POSTGRES === '1')
  throw new Error('REQUIRE_POSTGRES=1 but the platform-routes cluster test needs PostgreSQL binaries');

const ADMIN = { phone: '010-9000-0217', password: 'Hanbat-platform-test-3m8w' };

describe.skipIf(!available)('platform routes and bank callbacks reach a city on another cluster', () => {
  let clusterB: PostgresCluster;
  let dropA: () => Promise<void>;
  let sandbox: SandboxBank;
  let set: ClusterSet;
  let running: RunningClusters;
  let baseUrl: string;
  let adminAuth: Record<string, string>;
  let onA: string;
  let onB: string;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  beforeAll(async () => {
    clusterB = await startPostgresCluster(binDir as string);
    const a = await createPostgresDatabase();
    dropA = a.drop;
    const clock = new ManualClock(ARTICLE_NOON);
    const opened = await openTestSandboxBank(clock);
    sandbox = opened.sandbox;
    const config = loadConfig({
      DATABASE_URL: a.url,
      HANBAT_HOME_CLUSTER: 'a',
      HANBAT_CLUSTERS: `b=${clusterB.adminUrl}`,
      SESSION_TTL_MINUTES: String(366 * 24 * 60),
      HANBAT_CHECKPOINT_KEY: TEST_CHECKPOINT_KEY,
      BANK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    });
    const db = await openPostgres(a.url, 10);
    await migrate(db, allMigrations);
    // One short attempt: a transfer the bank holds longer leaves the charge pending, so only the
    // callback (sent once the bank applies it) can complete it.
    const gateway = testGateway(opened.bankUrl, { attemptsMax: 1, timeoutMs: 200 });
    const home = createPlatform(config, db, clock, gateway);
    registerJobs(home);
    set = (await openClusters(home, config)) as ClusterSet;
    onA = await seedTestTenant(home);
    onB = await seedTestTenant(home);
    await home.platformAdmins.bootstrap(ADMIN.phone, ADMIN.password);
    running = await startClusters(set, { logLevel: false, pollMs: 3_600_000, onReport: () => undefined });
    await new Promise<void>((resolve) => running.server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
    sandbox.callbacks.url = `${baseUrl}/v1/bank/callbacks`;
    const session = await call('POST', '/v1/platform/sessions', ADMIN);
    adminAuth = { authorization: `Bearer ${session.body.token}` };
    const moved = await call('POST', `/v1/platform/tenants/${onB}/move`, { toCluster: 'b' }, adminAuth);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  });

  afterAll(async () => {
    await running?.close();
    await sandbox?.close();
    await dropA?.();
    clusterB?.stop();
  });

  const b = () => set.platforms.get('b') as Platform;

  it('lists the cities of every cluster once, each with its cluster', async () => {
    const listed = await call('GET', '/v1/platform/tenants', undefined, adminAuth);
    expect(listed.status).toBe(200);
    const mine = listed.body.tenants.filter((tenant: { tenantId: string }) =>
      [onA, onB].includes(tenant.tenantId),
    );
    expect(
      mine.map((tenant: { tenantId: string; cluster: string }) => [tenant.tenantId, tenant.cluster]),
    ).toEqual(
      [
        [onA, 'a'],
        [onB, 'b'],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
  });

  it("sets the branding of a city on cluster b in b's database, and the city's web app shows it", async () => {
    const put = await call(
      'PUT',
      `/v1/platform/tenants/${onB}/branding`,
      { nameKo: '여민전', nameEn: 'Yeominjeon', primaryColour: '#005bac', accentColour: '#f5a200' },
      adminAuth,
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await b().brandings.get(onB)).nameKo).toBe('여민전');
    const shown = await call('GET', '/v1/branding', undefined, { 'x-tenant-id': onB });
    expect(shown.body.nameKo).toBe('여민전');
  });

  it("completes a pending charge of a city on cluster b through the sandbox bank's callback", async () => {
    const { phone, password } = DEMO_CREDENTIALS.citizen;
    const session = await call('POST', '/v1/sessions', { phone, password }, { 'x-tenant-id': onB });
    expect(session.status).toBe(201);
    const auth = { authorization: `Bearer ${session.body.token}` };
    sandbox.faults.configure({ hangMs: 1_500, queue: ['timeout'] });
    const charge = await call(
      'POST',
      '/v1/me/charges',
      { amountWon: 30_000 },
      { ...auth, 'idempotency-key': 'cb-1' },
    );
    expect(charge.status, JSON.stringify(charge.body)).toBe(202);
    expect(charge.body.status).toBe('pending');
    await expect
      .poll(async () => (await call('GET', '/v1/me/wallet', undefined, auth)).body.cashWon, {
        interval: 20,
        timeout: 60_000,
      })
      .toBe(30_000);
    const [row] = await b().db.query<{ status: string }>('select status from charges where id = $1', [
      charge.body.chargeId,
    ]);
    expect(row?.status).not.toBe('pending');
    expect(sandbox.callbacks.deliveredCount).toBeGreaterThan(0);
    expect((await auditLedger(b().db, onB, b().clock.now())).ok).toBe(true);
    // Nothing of it on the home cluster: the old copy there is fenced and untouched.
    const [onHome] = await set.home.db.query<{ n: number }>(
      'select count(*)::int as n from charges where id = $1',
      [charge.body.chargeId],
    );
    expect(onHome?.n).toBe(0);
  });
});
