import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  demoClient,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

/** The operator's channel figures: orders, GMV, commission after each merchant's allowance, saving. */
describe('commerce channel figures', () => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let market: ApiClient;
  let cafe: ApiClient;

  beforeAll(async () => {
    t = await openTestPlatform('pglite');
    t.clock.set('2021-05-20T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    market = await demoClient(t.app, tenantId, 'marketStore');
    cafe = await demoClient(t.app, tenantId, 'cafe');
    for (const category of [
      { categoryId: 'food', name: '식품', nameEn: 'Food' },
      { categoryId: 'meals', name: '음식', nameEn: 'Meals' },
    ])
      expect((await operator.request('POST', '/v1/operator/commerce/categories', category)).status).toBe(201);
    // June's allowance: ₩10,000 per merchant, so commission shows on small sums.
    const rule = await operator.post('/v1/operator/commerce/commission-rules', {
      key: 'commerce_commission_free_monthly_won',
      value: 10_000,
      effectiveFrom: '2021-06-01T00:00:00+09:00',
    });
    expect(rule.status).toBe(201);
    t.clock.set('2021-06-02T03:00:00Z');
  });
  afterAll(async () => {
    await t.close();
  });

  async function list(merchant: ApiClient, product: Record<string, unknown>): Promise<string> {
    const created = await merchant.request('POST', '/v1/merchant/products', product);
    expect(created.status).toBe(201);
    return created.body.productId;
  }

  it('counts captured orders only and applies each merchant’s allowance, delivery first', async () => {
    expect(
      (
        await cafe.request('PUT', '/v1/merchant/delivery-terms', {
          areas: ['둔산동'],
          minimumOrderWon: 0,
          deliveryFeeWon: 2_000,
          opensAt: '00:00',
          closesAt: '24:00',
        })
      ).status,
    ).toBe(200);
    const soup = await list(cafe, {
      channel: 'delivery',
      name: '돼지국밥',
      priceWon: 9_000,
      categoryId: 'meals',
    });
    const beans = await list(cafe, {
      channel: 'mall',
      name: '원두 1kg',
      priceWon: 30_000,
      stock: 5,
      categoryId: 'food',
    });
    const apples = await list(market, {
      channel: 'mall',
      name: '사과',
      priceWon: 30_000,
      stock: 5,
      categoryId: 'food',
    });
    const buyer = await newMember(t.app, tenantId, '010-7420-0001');
    expect((await buyer.post('/v1/me/charges', { amountWon: 200_000 })).status).toBe(201);

    const placed = await buyer.post('/v1/me/orders', {
      items: [
        { productId: soup, quantity: 2 },
        { productId: beans, quantity: 1 },
        { productId: apples, quantity: 1 },
      ],
      deliveryDong: '둔산동',
    });
    expect(placed.status).toBe(201);
    const byMerchantChannel = (channel: string, merchantId?: string) =>
      placed.body.orders.find(
        (order: { channel: string; merchantId: string }) =>
          order.channel === channel && (merchantId === undefined || order.merchantId === merchantId),
      );
    const delivery = byMerchantChannel('delivery');
    const cafeMall = byMerchantChannel('mall', delivery.merchantId);
    const marketMall = placed.body.orders.find(
      (order: { channel: string; merchantId: string }) =>
        order.channel === 'mall' && order.merchantId !== delivery.merchantId,
    );
    expect((await cafe.post(`/v1/merchant/orders/${delivery.orderId}/accept`)).status).toBe(200);
    for (const [merchant, order] of [
      [cafe, cafeMall],
      [market, marketMall],
    ] as const)
      expect(
        (
          await merchant.post(`/v1/merchant/orders/${order.orderId}/status`, {
            status: 'shipped',
            trackingNumber: 'T-1',
          })
        ).status,
      ).toBe(200);
    // A rejected order is never captured: not in the figures.
    const rejected = await buyer.post('/v1/me/orders', {
      items: [{ productId: soup, quantity: 1 }],
      deliveryDong: '둔산동',
    });
    expect(
      (
        await cafe.post(`/v1/merchant/orders/${rejected.body.orders[0].orderId}/reject`, {
          reason: '재료 소진',
        })
      ).status,
    ).toBe(200);

    const figures = await operator.get('/v1/operator/commerce/figures?month=2021-06');
    expect(figures.status).toBe(200);
    // Cafe: delivery 20,000 (₩10,000 free, 2% of 10,000 = 200), mall 30,000 (8.5% = 2,550);
    // market: mall 30,000 (₩10,000 free, 8.5% of 20,000 = 1,700). Private app: 27% of the sales.
    expect(figures.body).toEqual({
      month: '2021-06',
      channels: [
        {
          channel: 'delivery',
          ordersCount: 1,
          gmvWon: 20_000,
          commissionWon: 200,
          privateAppCostWon: 5_400,
          savingWon: 5_200,
        },
        {
          channel: 'mall',
          ordersCount: 2,
          gmvWon: 60_000,
          commissionWon: 4_250,
          privateAppCostWon: 16_200,
          savingWon: 11_950,
        },
      ],
    });
    const may = await operator.get('/v1/operator/commerce/figures?month=2021-05');
    expect(may.body.channels.map((line: { ordersCount: number }) => line.ordersCount)).toEqual([0, 0]);
    expect((await operator.get('/v1/operator/commerce/figures?month=2021-13')).status).toBe(400);
    expect((await market.get('/v1/operator/commerce/figures')).status).toBe(403);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
