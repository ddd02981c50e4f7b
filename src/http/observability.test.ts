import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/support/databases.js';
import {
  demoClient,
  demoMerchantCode,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../test/support/platform.js';
import { loadConfig } from '../config.js';
import { createPlatform } from '../platform.js';
import { buildApp } from './app.js';

/** The value of one sample line of the Prometheus text, or undefined when there is no such line. */
function sample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = exposition
    .split('\n')
    .find((row) => row.startsWith(`${name}{`) && wanted.every((label) => row.includes(label)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(databaseKinds())('metrics, request ids and readiness on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
  });
  afterAll(async () => t.close());

  it('counts a payment by outcome, its batch, its latency by route pattern and the budget left', async () => {
    const citizen = await demoClient(t.app, tenantId, 'citizen');
    expect((await citizen.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    const paid = await citizen.post('/v1/me/payments', { merchantCode, amountWon: 10_000 }, 'metric-1');
    expect(paid.status).toBe(201);
    const replayed = await citizen.post('/v1/me/payments', { merchantCode, amountWon: 10_000 }, 'metric-1');
    expect(replayed.status).toBe(201);
    const refused = await citizen.post('/v1/me/payments', { merchantCode, amountWon: 5_000_000 });
    expect(refused.status).toBeGreaterThanOrEqual(400);

    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = metrics.body;
    expect(sample(text, 'hanbat_payments_total', { tenant: tenantId, outcome: 'paid' })).toBe(1);
    expect(sample(text, 'hanbat_payments_total', { tenant: tenantId, outcome: 'replayed' })).toBe(1);
    expect(
      sample(text, 'hanbat_payments_total', {
        tenant: tenantId,
        outcome: String(refused.body.code).toLowerCase(),
      }),
    ).toBe(1);
    // Each of the three came alone, so each was decided in a batch of one (a replay is looked up there too).
    const batchLabels = { batcher: 'payments', tenant: tenantId };
    expect(sample(text, 'hanbat_group_commit_batch_size_count', batchLabels)).toBe(3);
    expect(sample(text, 'hanbat_group_commit_batch_size_sum', batchLabels)).toBe(3);
    expect(
      sample(text, 'hanbat_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/me/payments',
        status_code: '201',
      }),
    ).toBe(2);
    const pots = await t.platform.budgets.listPots(tenantId, t.clock.now());
    expect(pots.length).toBeGreaterThan(0);
    for (const pot of pots)
      expect(sample(text, 'hanbat_budget_remaining_won', { tenant: tenantId, pot: pot.id })).toBe(
        pot.remainingWon,
      );
    if (kind === 'postgres') expect(sample(text, 'hanbat_db_pool_connections', { state: 'max' })).toBe(20);
    expect(text).toContain('hanbat_process_resident_memory_bytes');
  });

  it("reports each consumer's feed lag: what was written and not yet read", async () => {
    const lagOf = async () =>
      sample((await t.app.inject({ method: 'GET', url: '/metrics' })).body, 'hanbat_event_feed_lag_events', {
        tenant: tenantId,
        consumer: 'analytics',
      });
    // Signing in writes an event too (member.signed_in): done before the feed is read.
    const citizen = await demoClient(t.app, tenantId, 'citizen');
    await t.platform.analytics.catchUp(tenantId);
    expect(await lagOf()).toBe(0);
    expect((await citizen.post('/v1/me/charges', { amountWon: 20_000 })).status).toBe(201);
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    expect((await citizen.post('/v1/me/payments', { merchantCode, amountWon: 3_000 })).status).toBe(201);
    // A charge and a payment: two events written, not yet read.
    expect(await lagOf()).toBe(2);
    await t.platform.analytics.catchUp(tenantId);
    expect(await lagOf()).toBe(0);
  });

  it('keeps a well-formed X-Request-Id, replaces anything else, and echoes the id', async () => {
    const kept = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'lb-42.a:b' },
    });
    expect(kept.headers['x-request-id']).toBe('lb-42.a:b');
    const hostile = 'x'.repeat(129);
    const replaced = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': hostile },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const fresh = await t.app.inject({ method: 'GET', url: '/v1/nothing' });
    expect(fresh.statusCode).toBe(404);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is ready when every migration is applied, and says which are missing when not', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', database: { kind } });
    const [last] = await t.db.query<{ version: number; name: string }>(
      'select version, name from schema_migrations order by version desc limit 1',
    );
    if (!last) throw new Error('no migrations applied');
    await t.db.query('delete from schema_migrations where version = $1', [last.version]);
    try {
      const notReady = await t.app.inject({ method: 'GET', url: '/ready' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toMatchObject({ code: 'NOT_READY' });
      expect(notReady.json().detail).toContain(String(last.version));
      // Liveness does not depend on the schema.
      expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await t.db.query('insert into schema_migrations (version, name) values ($1, $2)', [
        last.version,
        last.name,
      ]);
    }
  });

  it('asks for the bearer token when HANBAT_METRICS_TOKEN is set', async () => {
    const platform = createPlatform(loadConfig({ HANBAT_METRICS_TOKEN: 'scrape-secret-1' }), t.db, t.clock);
    const app = await buildApp(platform, { logLevel: false });
    try {
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      const wrong = { authorization: 'Bearer scrape-secret-2' };
      expect((await app.inject({ method: 'GET', url: '/metrics', headers: wrong })).statusCode).toBe(401);
      const right = { authorization: 'Bearer scrape-secret-1' };
      expect((await app.inject({ method: 'GET', url: '/metrics', headers: right })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
