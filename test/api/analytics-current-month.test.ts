/**
 * QA (issue 13): "top merchants against their declared size" scales a merchant's sales to a year.
 * While the period's last month is still running, its sales cover the days gone by, not the whole
 * month: scaling them by the whole month's days hides a shop selling far beyond its declared size
 * (on the 13th, by 31/13).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

interface TopMerchant {
  merchantId: string;
  netWon: number;
  declaredAnnualRevenueWon: number;
  annualisedVsDeclaredBp: number | null;
}

const annualisedBp = (merchant: TopMerchant, days: number) =>
  Number(
    (BigInt(merchant.netWon) * 365n * 10_000n) / (BigInt(days) * BigInt(merchant.declaredAnnualRevenueWon)),
  );

describe.each(databaseKinds())('top merchants against their declared size on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let shopId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    const shop = await demoMerchantCode(t.platform, tenantId, 'cafe');
    shopId = shop.merchantId;
    // 2021-05-13, noon in Daejeon: the 13th day of May.
    const citizen = await memberMaker(
      () => t.app,
      () => tenantId,
      '010-7442',
    )(200_000);
    const paid = await citizen.post('/v1/me/payments', {
      merchantCode: shop.merchantCode,
      amountWon: 150_000,
    });
    expect(paid.status).toBe(201);
    await t.platform.analytics.catchUp(tenantId);
  });
  afterAll(async () => t.close());

  async function topMerchantsOf(from: string, to: string): Promise<TopMerchant[]> {
    const answer = await operator.get(`/v1/operator/analytics/dashboard?from=${from}&to=${to}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.topMerchants;
  }

  it('scales the running month by the days gone by, not by the whole month', async () => {
    const top = await topMerchantsOf('2021-05-01', '2021-05-13');
    const shop = top.find((merchant) => merchant.merchantId === shopId);
    expect(shop?.netWon).toBeGreaterThanOrEqual(150_000);
    for (const merchant of top) expect(merchant.annualisedVsDeclaredBp).toBe(annualisedBp(merchant, 13));
    // The download says the same.
    const csv = await t.app.inject({
      method: 'GET',
      url: '/v1/operator/analytics/dashboard/topMerchants.csv?from=2021-05-01&to=2021-05-13',
      headers: { authorization: `Bearer ${operator.token}`, 'x-tenant-id': tenantId },
    });
    const row = csv.body.split('\r\n').find((line) => line.startsWith(`${shopId},`));
    expect(row?.split(',').at(-1)).toBe(String(shop ? annualisedBp(shop, 13) : null));
  });

  it('scales a month that has ended by all its days', async () => {
    t.clock.set('2021-06-02T03:00:00Z');
    const top = await topMerchantsOf('2021-05-01', '2021-05-31');
    expect(top.some((merchant) => merchant.merchantId === shopId)).toBe(true);
    for (const merchant of top) expect(merchant.annualisedVsDeclaredBp).toBe(annualisedBp(merchant, 31));
    // Two months, the second running: 31 days of May and 2 of June.
    const both = await topMerchantsOf('2021-05-01', '2021-06-02');
    for (const merchant of both) expect(merchant.annualisedVsDeclaredBp).toBe(annualisedBp(merchant, 33));
  });
});
