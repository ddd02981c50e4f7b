import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  demoClient,
  expectLedgerAuditGreen,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

/**
 * Text a reader cannot see (spaces, zero-width characters) is not a reason, a 동, an area, a name or a
 * tracking number: 400, nothing changed. One tenant for the file: every case leaves it as it was.
 */
describe('commerce edges: blank text, Korean messages, retries and races', () => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let market: ApiClient;
  let restaurant: ApiClient;
  let apples: { productId: string };
  let soup: { productId: string };
  const citizen = memberMaker(
    () => t.app,
    () => tenantId,
    '010-7442',
  );
  const blanks = ['   ', '\u200b', '\u3164 '];

  beforeAll(async () => {
    t = await openTestPlatform('pglite');
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    market = await demoClient(t.app, tenantId, 'marketStore');
    restaurant = await demoClient(t.app, tenantId, 'cafe');
    for (const category of [
      { categoryId: 'food', name: '식품', nameEn: 'Food' },
      { categoryId: 'meals', name: '음식', nameEn: 'Meals' },
    ])
      expect((await operator.request('POST', '/v1/operator/commerce/categories', category)).status).toBe(201);
    const terms = await restaurant.request('PUT', '/v1/merchant/delivery-terms', {
      areas: ['둔산동', '탄방동'],
      minimumOrderWon: 15_000,
      deliveryFeeWon: 2_000,
      opensAt: '10:00',
      closesAt: '22:00',
    });
    expect(terms.status).toBe(200);
    const listed = (merchant: ApiClient, body: Record<string, unknown>) =>
      merchant.request('POST', '/v1/merchant/products', body);
    apples = (
      await listed(market, { channel: 'mall', name: '사과', priceWon: 30_000, stock: 5, categoryId: 'food' })
    ).body;
    soup = (
      await listed(restaurant, { channel: 'delivery', name: '국밥', priceWon: 9_000, categoryId: 'meals' })
    ).body;
  });
  afterAll(async () => {
    await t.close();
  });

  it("shows anyone a restaurant's delivery terms before checkout, and the fee they show is the one checkout holds", async () => {
    const { merchantId } = (await restaurant.get(`/v1/shop/products/${soup.productId}`)).body;
    const anonymous = await t.app.inject({
      method: 'GET',
      url: `/v1/shop/merchants/${merchantId}/delivery-terms`,
      headers: { 'x-tenant-id': tenantId },
    });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({
      areas: ['둔산동', '탄방동'],
      minimumOrderWon: 15_000,
      deliveryFeeWon: 2_000,
      opensAt: '10:00',
      closesAt: '22:00',
    });
    const { merchantId: marketId } = (await market.get(`/v1/shop/products/${apples.productId}`)).body;
    const none = await t.app.inject({
      method: 'GET',
      url: `/v1/shop/merchants/${marketId}/delivery-terms`,
      headers: { 'x-tenant-id': tenantId },
    });
    expect(none.statusCode).toBe(422);
    expect(none.json().code).toBe('DELIVERY_NOT_OFFERED');

    t.clock.set('2021-05-13T03:00:00Z');
    const buyer = await citizen(50_000);
    const placed = await buyer.post('/v1/me/orders', {
      items: [{ productId: soup.productId, quantity: 2 }],
      deliveryDong: '둔산동',
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.orders[0]).toMatchObject({
      subtotalWon: 18_000,
      deliveryFeeWon: anonymous.json().deliveryFeeWon,
      heldWon: 20_000,
    });
    const orderId = placed.body.orders[0].orderId as string;
    expect(
      (await restaurant.post(`/v1/merchant/orders/${orderId}/reject`, { reason: '재료 소진' })).status,
    ).toBe(200);
  });

  it('refuses a rejection or a hiding whose reason shows nothing, and changes nothing', async () => {
    const buyer = await citizen(100_000);
    const placed = await buyer.post('/v1/me/orders', {
      items: [{ productId: apples.productId, quantity: 1 }],
    });
    expect(placed.status).toBe(201);
    const { orderId } = placed.body.orders[0];
    for (const reason of blanks) {
      const refused = await market.post(`/v1/merchant/orders/${orderId}/reject`, { reason });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('INVALID_INPUT');
      expect(refused.body.messages.ko).toBeTruthy();
      const hidden = await operator.post(`/v1/operator/commerce/products/${apples.productId}/hide`, {
        reason,
      });
      expect(hidden.status).toBe(400);
      expect(hidden.body.code).toBe('INVALID_INPUT');
    }
    expect((await buyer.get(`/v1/me/orders/${orderId}`)).body).toMatchObject({
      status: 'placed',
      heldWon: 30_000,
      reason: null,
    });
    expect((await buyer.get(`/v1/shop/products/${apples.productId}`)).body).toMatchObject({
      hidden: null,
      stock: 4,
    });
    const rejected = await market.post(`/v1/merchant/orders/${orderId}/reject`, { reason: ' 품절 ' });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: '품절' });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('asks for the 동 when it is blank, and records a padded one as the 동 it matched', async () => {
    const buyer = await citizen(100_000);
    for (const deliveryDong of blanks) {
      const refused = await buyer.post('/v1/me/orders', {
        items: [{ productId: soup.productId, quantity: 2 }],
        deliveryDong,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('DELIVERY_DONG_REQUIRED');
    }
    expect((await buyer.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 100_000 });
    expect((await buyer.get('/v1/me/orders')).body.items).toEqual([]);
    const padded = await buyer.post('/v1/me/orders', {
      items: [{ productId: soup.productId, quantity: 2 }],
      deliveryDong: ' 둔산동 ',
    });
    expect(padded.status).toBe(201);
    expect(padded.body.orders[0].deliveryDong).toBe('둔산동');
    expect(
      (
        await restaurant.post(`/v1/merchant/orders/${padded.body.orders[0].orderId}/reject`, {
          reason: '마감',
        })
      ).status,
    ).toBe(200);
  });

  it('writes the minimum order in Korean with thousands separators, as in English', async () => {
    const buyer = await citizen(100_000);
    const refused = await buyer.post('/v1/me/orders', {
      items: [{ productId: soup.productId, quantity: 1 }],
      deliveryDong: '둔산동',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('BELOW_MINIMUM_ORDER');
    expect(refused.body.messages).toEqual({
      en: 'the minimum order is ₩15,000',
      ko: '최소 주문 금액은 15,000원입니다',
    });
  });

  it('refuses blank delivery areas, category names, option names and tracking numbers', async () => {
    for (const blank of blanks) {
      const terms = await restaurant.request('PUT', '/v1/merchant/delivery-terms', {
        areas: ['둔산동', blank],
        minimumOrderWon: 0,
        deliveryFeeWon: 0,
        opensAt: '00:00',
        closesAt: '24:00',
      });
      expect(terms.status).toBe(400);
      const category = await operator.request('POST', '/v1/operator/commerce/categories', {
        categoryId: 'blank',
        name: blank,
        nameEn: 'Blank',
      });
      expect(category.status).toBe(400);
      const option = await market.request('POST', '/v1/merchant/products', {
        channel: 'mall',
        name: '배',
        priceWon: 10_000,
        stock: 1,
        categoryId: 'food',
        options: [{ optionId: 'gift', name: blank, priceDeltaWon: 1_000 }],
      });
      expect(option.status).toBe(400);
    }
    expect((await restaurant.get('/v1/merchant/delivery-terms')).body).toMatchObject({
      areas: ['둔산동', '탄방동'],
      minimumOrderWon: 15_000,
    });
    expect(
      (await operator.get('/v1/shop/categories')).body.items.map((c: { categoryId: string }) => c.categoryId),
    ).toEqual(['food', 'meals']);
    expect((await market.get('/v1/merchant/products')).body.items).toHaveLength(1);

    const buyer = await citizen(100_000);
    const placed = await buyer.post('/v1/me/orders', {
      items: [{ productId: apples.productId, quantity: 1 }],
    });
    const { orderId } = placed.body.orders[0];
    const ship = await market.post(`/v1/merchant/orders/${orderId}/status`, {
      status: 'shipped',
      trackingNumber: '\u200b',
    });
    expect(ship.status).toBe(400);
    expect(ship.body.code).toBe('TRACKING_NUMBER_REQUIRED');
    expect((await buyer.get(`/v1/me/orders/${orderId}`)).body).toMatchObject({
      status: 'placed',
      capturedAt: null,
    });
    expect((await buyer.post(`/v1/me/orders/${orderId}/cancellation`)).status).toBe(200);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('ledger expiry first, then the order job: the order expires once, the money is back, stock returned', async () => {
    const buyer = await citizen(100_000);
    const placed = await buyer.post('/v1/me/orders', {
      items: [{ productId: soup.productId, quantity: 2 }],
      deliveryDong: '둔산동',
    });
    const mall = await buyer.post('/v1/me/orders', { items: [{ productId: apples.productId, quantity: 1 }] });
    const stockBefore = (await buyer.get(`/v1/shop/products/${apples.productId}`)).body.stock;
    t.clock.advanceMs(3 * 24 * 60 * 60_000);
    expect(await t.platform.ledger.expirePending(tenantId)).toBeGreaterThanOrEqual(2);
    expect(await t.platform.commerce.orders.expireDue(tenantId)).toBe(2);
    expect(await t.platform.commerce.orders.expireDue(tenantId)).toBe(0);
    for (const order of [placed, mall])
      expect((await buyer.get(`/v1/me/orders/${order.body.orders[0].orderId}`)).body).toMatchObject({
        status: 'expired',
        heldWon: 0,
      });
    expect((await buyer.get(`/v1/shop/products/${apples.productId}`)).body.stock).toBe(stockBefore + 1);
    expect((await buyer.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 100_000, cashbackWon: 0 });
    const history = (await buyer.get('/v1/me/transactions?limit=50')).body.items as Array<{
      amountWon: number;
      type: string;
    }>;
    expect(history.reduce((sum, line) => sum + line.amountWon, 0)).toBe(100_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
    t.clock.set('2021-05-13T03:00:00Z');
  });

  it('merchant steps: a retried key answers the same once; ship races a cancellation and one wins', async () => {
    const buyer = await citizen(100_000);
    const placed = await buyer.post('/v1/me/orders', {
      items: [{ productId: apples.productId, quantity: 1 }],
    });
    const { orderId } = placed.body.orders[0];
    const ship = { status: 'shipped', trackingNumber: 'T-1' };
    const [shipped, cancelled] = await Promise.all([
      market.post(`/v1/merchant/orders/${orderId}/status`, ship, 'ship-1'),
      buyer.post(`/v1/me/orders/${orderId}/cancellation`, {}, 'cancel-1'),
    ]);
    const statuses = [shipped.status, cancelled.status].sort();
    const final = (await buyer.get(`/v1/me/orders/${orderId}`)).body;
    if (shipped.status === 200) {
      // the cancellation came after shipping: a return request
      expect(cancelled.status === 200 ? cancelled.body.status : 'none').toMatch(/return_requested|none/);
    } else {
      expect(statuses).toEqual([200, 409]);
      expect(final.status).toBe('cancelled');
    }
    const late = await market.post(`/v1/merchant/orders/${orderId}/reject`, { reason: '품절' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('ORDER_STATE_CONFLICT');
    // The Korean message names the state as the app does, not by its API value.
    expect(late.body.messages.ko).toMatch(/^주문 상태\((발송됨|반품 신청됨|취소됨)\)/);
    const again = await market.post(`/v1/merchant/orders/${orderId}/status`, ship, 'ship-1');
    expect(again.status).toBe(shipped.status);
    expect(again.body).toEqual(shipped.body);
    const wallet = (await buyer.get('/v1/me/wallet')).body;
    const history = (await buyer.get('/v1/me/transactions?limit=50')).body.items as Array<{
      amountWon: number;
    }>;
    expect(history.reduce((sum, line) => sum + line.amountWon, 0)).toBe(wallet.cashWon + wallet.cashbackWon);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('two members for the last item at once: one order, stock 0, the loser holds nothing', async () => {
    const last = (
      await market.request('POST', '/v1/merchant/products', {
        channel: 'mall',
        name: '마지막 떡',
        priceWon: 12_000,
        stock: 1,
        categoryId: 'food',
      })
    ).body;
    const [a, b] = [await citizen(50_000), await citizen(50_000)];
    const results = await Promise.all(
      [a, b].map((buyer) =>
        buyer.post('/v1/me/orders', { items: [{ productId: last.productId, quantity: 1 }] }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)?.body.code).toBe('OUT_OF_STOCK');
    expect((await a.get(`/v1/shop/products/${last.productId}`)).body.stock).toBe(0);
    const wallets = await Promise.all(
      [a, b].map(async (buyer) => (await buyer.get('/v1/me/wallet')).body.cashWon),
    );
    expect(wallets.sort()).toEqual([38_000, 50_000]);
  });
});
