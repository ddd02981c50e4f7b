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
import { ANALYTICS_CONSUMER, AnalyticsService } from './analytics-service.js';

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

  it('past the members a request ranks itself, gives a range that is behind as kept and leaves it to the job', async () => {
    // A city where every ranking is "large": a request never ranks a range that is behind itself.
    const large = new AnalyticsService(
      t.db,
      t.clock,
      { events: t.platform.events, tenants: t.platform.tenants, reference: t.platform.reference },
      { inlineMembersMax: 0 },
    );
    const march = { from: '2021-03-01', to: '2021-05-13' };
    await t.platform.analytics.catchUp(tenantId);
    const computed = await large.dashboard(tenantId, march);
    const keptAt = await position();
    const newcomer = await newMember(t.app, tenantId, '010-7312-0003');
    expect((await newcomer.post('/v1/me/charges', { amountWon: 30_000 })).status).toBe(201);
    expect(
      (await newcomer.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 7_000 })).status,
    ).toBe(201);
    await t.platform.analytics.catchUp(tenantId);
    expect(await position()).toBeGreaterThan(keptAt);
    t.clock.advanceMs(60_000);
    const behind = await large.dashboard(tenantId, march);
    // The headline figures are the consumer's; the ranking is the one kept, marked for the job.
    expect(behind.byMonth.at(-1)?.spentWon).toBe((computed.byMonth.at(-1)?.spentWon ?? 0) + 7_000);
    expect(behind.concentration).toEqual(computed.concentration);
    expect(behind.byDecile).toEqual(computed.byDecile);
    const marked = await t.db.query<{ feed_position: number; requested_at: Date }>(
      `select feed_position::int as feed_position, requested_at from analytics_member_stats
       where tenant_id = $1 and from_month = '2021-03' and to_month = '2021-05'`,
      [tenantId],
    );
    expect(marked).toEqual([{ feed_position: keptAt, requested_at: t.clock.now() }]);
    // The job's next run brings the default range, then this one, to the consumer's position.
    expect(await large.refreshMemberStats(tenantId)).toEqual({ from: '2021-02', to: '2021-05' });
    expect(await large.refreshMemberStats(tenantId)).toEqual({ from: '2021-03', to: '2021-05' });
    const fresh = await large.dashboard(tenantId, march);
    expect(fresh.concentration.members).toBe(computed.concentration.members + 1);
    expect(fresh.concentration.members).toBe(
      (await t.platform.analytics.dashboard(tenantId, march)).concentration.members,
    );
  });
});
