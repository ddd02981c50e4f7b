import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';

describe.each(databaseKinds())('analytics from the event feed on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let expectedCashbackWon = 0;
  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    const market = await demoMerchantCode(t.platform, tenantId, 'marketStore');
    const cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
    const citizens = [
      await newMember(t.app, tenantId, '010-7777-0001', { district: 'jung-gu', dong: '대흥동' }),
      await newMember(t.app, tenantId, '010-7777-0002'),
    ];
    for (const citizen of citizens)
      expect((await citizen.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
    const pay = async (citizen: ApiClient, merchantCode: string, amountWon: number) => {
      const paid = await citizen.post('/v1/me/payments', { merchantCode, amountWon });
      expect(paid.status).toBe(201);
      expectedCashbackWon += paid.body.cashback.amountWon;
      return paid.body.paymentId as string;
    };
    await pay(citizens[0] as ApiClient, market.merchantCode, 100_000);
    await pay(citizens[1] as ApiClient, cafe.merchantCode, 50_000);
    const refunded = await pay(citizens[1] as ApiClient, cafe.merchantCode, 20_000);
    const owner = await demoClient(t.app, tenantId, 'cafe');
    const cancelled = await owner.post(`/v1/merchant/payments/${refunded}/cancellations`, {});
    expect(cancelled.status).toBe(201);
    expectedCashbackWon -=
      cancelled.body.cashbackClawback.fromCashbackWon + cancelled.body.cashbackClawback.fromCashWon;
  });
  afterAll(async () => {
    await t.close();
  });

  const today = '/v1/operator/analytics/overview?from=2021-05-13&to=2021-05-13';

  it('lags until the consumer runs, then shows the day to the won, old-town share from the reference districts', async () => {
    const before = await operator.get(today);
    expect(before.status).toBe(200);
    expect(before.body.feed.position).toBeLessThan(before.body.feed.head);
    expect(before.body.payments.count).toBe(0);
    await t.platform.analytics.catchUp(tenantId);
    const after = await operator.get(today);
    expect(after.body.feed.position).toBe(after.body.feed.head);
    expect(after.body.issuance).toEqual({ chargedWon: 200_000, grantedWon: 0, totalWon: 200_000 });
    expect(after.body.payments).toEqual({
      count: 3,
      grossWon: 170_000,
      cancelledWon: 20_000,
      netWon: 150_000,
    });
    expect(after.body.members.paying).toBe(2);
    expect(after.body.members.total).toBe(after.body.members.joined);
    expect(after.body.cashback.totalWon).toBe(expectedCashbackWon);
    expect(after.body.cashback.bySource.national + after.body.cashback.bySource.city).toBe(
      expectedCashbackWon,
    );
    expect(after.body.spendingByDistrict).toEqual([
      { district: 'dong-gu', area: 'old_town', netWon: 100_000, count: 1 },
      { district: 'seo-gu', area: 'new_town', netWon: 50_000, count: 2 },
    ]);
    // 100,000 of 150,000 spent in 원도심 (동구): floor(6666.6…) basis points.
    expect(after.body.oldTownShareBp).toBe(6_666);
  });

  it('rebuilt from zero, it shows exactly the same figures', async () => {
    await t.platform.analytics.catchUp(tenantId);
    const built = (await operator.get(today)).body;
    await t.platform.analytics.rebuild(tenantId);
    expect((await operator.get(today)).body.payments.count).toBe(0);
    await t.platform.analytics.catchUp(tenantId);
    expect((await operator.get(today)).body).toEqual(built);
  });

  it('a scheduled run takes pages of the size its budget gives, is paced after each page that leaves more, and stops after the page in hand once its time is spent', async () => {
    const built = (await operator.get(today)).body;
    await t.platform.analytics.rebuild(tenantId);
    let paces = 0;
    const pace = async () => {
      paces += 1;
    };
    const spentAfterOnePage = { pageItems: 2, spent: () => true, pace };
    expect(await t.platform.analytics.catchUp(tenantId, 10, spentAfterOnePage)).toEqual({
      processed: 2,
      more: true,
    });
    expect((await operator.get(today)).body.feed.position).toBe(2);
    expect(paces).toBe(1);
    const roomy = { pageItems: 3, spent: () => false, pace };
    const rest = await t.platform.analytics.catchUp(tenantId, 10, roomy);
    expect(rest).toEqual({ processed: built.feed.head - 2, more: false });
    // Every full page of 3 left more; the last, short or empty, did not.
    expect(paces).toBe(1 + Math.floor((built.feed.head - 2) / 3));
    expect((await operator.get(today)).body).toEqual(built);
  });

  it('serves the dashboards and each chart as CSV', async () => {
    await t.platform.analytics.catchUp(tenantId);
    const dashboard = await operator.get('/v1/operator/analytics/dashboard?from=2021-05-01&to=2021-05-13');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.byArea).toEqual(
      expect.arrayContaining([
        { key: 'old_town', netWon: 100_000, count: 1 },
        { key: 'new_town', netWon: 50_000, count: 2 },
      ]),
    );
    expect(dashboard.body.byMarket).toEqual([{ key: 'mkt_jungang', netWon: 100_000, count: 1 }]);
    expect(dashboard.body.concentration.members).toBe(2);
    const names = await Promise.all(
      (['marketStore', 'cafe'] as const).map(async (who) => {
        const { merchantId } = await demoMerchantCode(t.platform, tenantId, who);
        return (await t.platform.merchants.getById(tenantId, merchantId))?.name;
      }),
    );
    // Operators read top merchants by name, never by id.
    expect(dashboard.body.topMerchants.map((merchant: { name: string }) => merchant.name)).toEqual(names);
    expect(dashboard.body.byMonth).toEqual([
      {
        month: '2021-05',
        chargedWon: 200_000,
        grantedWon: 0,
        spentWon: 150_000,
        cashbackWon: expectedCashbackWon,
      },
    ]);
    const csv = await t.app.inject({
      method: 'GET',
      url: '/v1/operator/analytics/dashboard/byDistrict.csv?from=2021-05-01&to=2021-05-13',
      headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${operator.token}` },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toBe('key,netWon,count\r\ndong-gu,100000,1\r\nseo-gu,50000,2\r\n');
  });

  it('estimates no promotion effect where no payment carried the promotion', async () => {
    await t.platform.analytics.catchUp(tenantId);
    const effect = await operator.get(
      '/v1/operator/analytics/promotion-effect?code=ontong_sale&from=2021-05-07&to=2021-05-13',
    );
    expect(effect.status).toBe(200);
    expect(effect.body).toBeNull();
  });

  it('refuses a future period, a reversed one and one over three years, with a stable code', async () => {
    const codeOf = async (query: string) => {
      const response = await operator.get(`/v1/operator/analytics/overview?${query}`);
      expect(response.status).toBe(400);
      return response.body.code;
    };
    expect(await codeOf('from=2021-05-01&to=2021-06-01')).toBe('PERIOD_IN_FUTURE');
    expect(await codeOf('from=2021-05-13&to=2021-05-01')).toBe('INVALID_PERIOD');
    expect(await codeOf('from=2017-01-01&to=2021-05-01')).toBe('PERIOD_TOO_LONG');
    const citizen = await demoClient(t.app, tenantId, 'citizen');
    expect((await citizen.get(today)).status).toBe(403);
  });
});
