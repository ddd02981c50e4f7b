import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoClient, openTestPlatform, type TestPlatform } from '../../test/support/platform.js';
import { DEMO_CREDENTIALS, seedDaejeon } from '../presets/daejeon.js';
import { plantDemoHistory } from './demo-history.js';

describe('synthetic demo history on the first demo start', () => {
  let t: TestPlatform;
  const tenantId = 'daejeon';
  let citizenBefore: unknown;
  beforeAll(async () => {
    t = await openTestPlatform('pglite');
    // A demo running on 2 December: the history is November.
    t.clock.set('2026-12-02T03:00:00Z');
    await seedDaejeon(t.platform);
    const citizen = await demoClient(t.app, tenantId, 'citizen');
    citizenBefore = (await citizen.get('/v1/me/wallet')).body;
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs last month through the real engine, marked synthetic, without touching the demo people', async () => {
    expect(await plantDemoHistory(t.platform, tenantId)).toBe(true);
    await t.platform.analytics.catchUp(tenantId);
    const period = { from: '2026-11-01', to: '2026-11-30' };
    const overview = await t.platform.analytics.overview(tenantId, period);
    expect(overview.payments.count).toBeGreaterThan(100);
    expect(overview.issuance.chargedWon).toBeGreaterThan(0);
    expect(overview.cashback.totalWon).toBeGreaterThan(0);
    expect(overview.synthetic).toEqual([
      { from: '2026-11-01', to: '2026-11-30', note: 'hanbat simulate, seed 2021' },
    ]);
    const dashboard = await t.platform.analytics.dashboard(tenantId, period);
    expect(dashboard.synthetic).toHaveLength(1);
    expect(dashboard.byDistrict.reduce((sum, row) => sum + row.count, 0)).toBe(overview.payments.count);
    // Nothing of it is today's: the demo's own figures (a period after the history) stay empty.
    const today = await t.platform.analytics.overview(tenantId, { from: '2026-12-01', to: '2026-12-02' });
    expect(today.payments.count).toBe(0);
    expect(today.synthetic).toEqual([]);
    const citizen = await demoClient(t.app, tenantId, 'citizen');
    expect((await citizen.get('/v1/me/wallet')).body).toEqual(citizenBefore);
    const member = await t.platform.members.findByPhone(tenantId, DEMO_CREDENTIALS.citizen.phone);
    expect(member).not.toBeNull();
  }, 300_000);

  it('is planted once: a restart finds it and adds nothing', async () => {
    const head = await t.platform.events.head(tenantId);
    expect(await plantDemoHistory(t.platform, tenantId)).toBe(false);
    expect(await t.platform.events.head(tenantId)).toBe(head);
  });
});
