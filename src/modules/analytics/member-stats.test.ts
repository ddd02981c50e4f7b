import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { ANALYTICS_CONSUMER } from './analytics-service.js';

/** The analytics job precomputes member deciles and concentration, one month range per run. */
describe('member distributions precomputed by the analytics job', () => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let citizen: ApiClient;
  let cafeCode: string;
  beforeAll(async () => {
    t = await openTestPlatform('pglite');
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    cafeCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
    citizen = await newMember(t.app, tenantId, '010-7312-0001');
    expect((await citizen.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  const cached = () =>
    t.db.query<{ from_month: string; to_month: string; feed_position: number }>(
      `select from_month, to_month, feed_position::int as feed_position from analytics_member_stats
       where tenant_id = $1 order by from_month, to_month`,
      [tenantId],
    );
  const position = () => t.platform.events.position(ANALYTICS_CONSUMER, tenantId);
  const pay = async (amountWon: number) =>
    expect((await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon })).status).toBe(201);

  it("computes the console's default range (the trailing 90 days) after a catch-up, before any request", async () => {
    await pay(10_000);
    const job = t.platform.analytics.job();
    await job.run({ tenantId, now: t.clock.now() });
    // Today is 2021-05-13: the trailing 90 days touch February to May.
    expect(await cached()).toEqual([
      { from_month: '2021-02', to_month: '2021-05', feed_position: await position() },
    ]);
    const first = await operator.get('/v1/operator/analytics/dashboard?from=2021-02-13&to=2021-05-13');
    expect(first.status).toBe(200);
    expect(first.body.concentration.members).toBeGreaterThanOrEqual(1);
    // The request found the job's result: nothing was recomputed or re-stamped.
    expect(await cached()).toEqual([
      { from_month: '2021-02', to_month: '2021-05', feed_position: await position() },
    ]);
  });

  it('keeps ranges operators requested fresh, one range per run, the default first', async () => {
    const may = await operator.get('/v1/operator/analytics/dashboard?from=2021-05-01&to=2021-05-13');
    expect(may.status).toBe(200);
    const paying = may.body.concentration.members as number;
    const other = await newMember(t.app, tenantId, '010-7312-0002');
    expect((await other.post('/v1/me/charges', { amountWon: 50_000 })).status).toBe(201);
    expect((await other.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 5_000 })).status).toBe(
      201,
    );
    await t.platform.analytics.catchUp(tenantId);
    const head = await position();
    expect(await t.platform.analytics.refreshMemberStats(tenantId)).toEqual({
      from: '2021-02',
      to: '2021-05',
    });
    expect(await t.platform.analytics.refreshMemberStats(tenantId)).toEqual({
      from: '2021-05',
      to: '2021-05',
    });
    expect(await t.platform.analytics.refreshMemberStats(tenantId)).toBeNull();
    expect((await cached()).map((row) => row.feed_position)).toEqual([head, head]);
    const again = await operator.get('/v1/operator/analytics/dashboard?from=2021-05-01&to=2021-05-13');
    expect(again.body.concentration.members).toBe(paying + 1);
  });
});
