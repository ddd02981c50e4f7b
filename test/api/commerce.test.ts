import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  demoClient,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

const MINUTE_MS = 60_000;

describe.each(databaseKinds())('local commerce on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let market: ApiClient;
  let bookstore: ApiClient;
  let restaurant: ApiClient;
  let phoneCount = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    // 12:00 KST on the seed article's day: inside the 2021 budget and a lunch service.
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    market = await demoClient(t.app, tenantId, 'marketStore');
    bookstore = await demoClient(t.app, tenantId, 'bookstore');
    restaurant = await demoClient(t.app, tenantId, 'cafe');
    for (const category of [
      { categoryId: 'food', name: '식품', nameEn: 'Food' },
      { categoryId: 'books', name: '도서', nameEn: 'Books' },
      { categoryId: 'meals', name: '음식', nameEn: 'Meals' },
    ])
      expect((await operator.request('POST', '/v1/operator/commerce/categories', category)).status).toBe(201);
  });

  async function citizen(chargeWon = 0): Promise<ApiClient> {
    phoneCount += 1;
    const client = await newMember(t.app, tenantId, `010-7400-${String(phoneCount).padStart(4, '0')}`);
    if (chargeWon > 0)
      expect((await client.post('/v1/me/charges', { amountWon: chargeWon })).status).toBe(201);
    return client;
  }

  async function list(merchant: ApiClient, product: Record<string, unknown>) {
    const created = await merchant.request('POST', '/v1/merchant/products', product);
    expect(created.status).toBe(201);
    return created.body as { productId: string; merchantId: string };
  }

  const apples = {
    channel: 'mall',
    name: '부사 사과 5kg',
    description: '충남 예산 산지 직송',
    priceWon: 30_000,
    stock: 10,
    categoryId: 'food',
    options: [{ optionId: 'gift', name: '선물 포장', priceDeltaWon: 2_000 }],
  };
  const gukbap = { channel: 'delivery', name: '돼지국밥', priceWon: 9_000, categoryId: 'meals' };

  async function openDelivery(overrides: Record<string, unknown> = {}) {
    const terms = await restaurant.request('PUT', '/v1/merchant/delivery-terms', {
      areas: ['둔산동', '탄방동'],
      minimumOrderWon: 15_000,
      deliveryFeeWon: 2_000,
      opensAt: '10:00',
      closesAt: '22:00',
      ...overrides,
    });
    expect(terms.status).toBe(200);
  }

  async function wallet(client: ApiClient) {
    return (await client.get('/v1/me/wallet')).body as { cashWon: number; cashbackWon: number };
  }

  describe('catalogue', () => {
    it('lists a product with options and stock, and finds it by a two-letter Korean word', async () => {
      const product = await list(market, apples);
      await list(bookstore, {
        channel: 'mall',
        name: '대전의 역사',
        priceWon: 18_000,
        stock: 3,
        categoryId: 'books',
      });
      await list(restaurant, gukbap);
      const found = await market.get(`/v1/shop/products?q=${encodeURIComponent('사과')}`);
      expect(found.status).toBe(200);
      expect(found.body.items.map((item: { productId: string }) => item.productId)).toEqual([
        product.productId,
      ]);
      expect(found.body.items[0]).toMatchObject({
        name: '부사 사과 5kg',
        priceWon: 30_000,
        stock: 10,
        district: 'dong-gu',
        dong: '중앙동',
        options: [{ optionId: 'gift', priceDeltaWon: 2_000 }],
        hidden: null,
      });
      for (const q of ['과', '예산', '사과 5kg', '한밭상회'])
        expect((await market.get(`/v1/shop/products?q=${encodeURIComponent(q)}`)).body.items).toHaveLength(1);
      for (const q of ['사과즙', '배', '%', '_'])
        expect((await market.get(`/v1/shop/products?q=${encodeURIComponent(q)}`)).body.items).toHaveLength(0);
    });

    it('filters by category, district and channel, and pages with a cursor', async () => {
      await list(market, apples);
      await list(bookstore, {
        channel: 'mall',
        name: '대전의 역사',
        priceWon: 18_000,
        stock: 3,
        categoryId: 'books',
      });
      await list(restaurant, gukbap);
      const names = async (query: string) =>
        (await market.get(`/v1/shop/products?${query}`)).body.items.map(
          (item: { name: string }) => item.name,
        );
      expect(await names('category=books')).toEqual(['대전의 역사']);
      expect(await names('district=seo-gu')).toEqual(['돼지국밥']);
      expect((await names('channel=mall')).sort()).toEqual(['대전의 역사', '부사 사과 5kg']);
      expect(await names('priceMaxWon=10000')).toEqual(['돼지국밥']);
      const first = await market.get('/v1/shop/products?limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await market.get(`/v1/shop/products?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items).toHaveLength(1);
      const all = [...first.body.items, ...second.body.items].map((item: { name: string }) => item.name);
      expect(new Set(all).size).toBe(3);
    });

    it('refuses zero or negative prices, stock below zero and unknown categories, changing nothing', async () => {
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [{ ...apples, priceWon: 0 }, 400, 'INVALID_PRICE'],
        [{ ...apples, priceWon: -1_000 }, 400, 'INVALID_PRICE'],
        [
          { ...apples, options: [{ optionId: 'x', name: '할인', priceDeltaWon: -30_000 }] },
          400,
          'INVALID_PRICE',
        ],
        [{ ...apples, stock: -1 }, 400, 'INVALID_STOCK'],
        [{ ...gukbap, stock: 5 }, 400, 'INVALID_STOCK'],
        [{ ...apples, categoryId: 'weapons' }, 422, 'CATEGORY_NOT_FOUND'],
      ];
      for (const [body, status, code] of cases) {
        const refused = await market.request('POST', '/v1/merchant/products', body);
        expect(refused.status).toBe(status);
        expect(refused.body.code).toBe(code);
      }
      expect((await market.get('/v1/merchant/products')).body.items).toEqual([]);
      const product = await list(market, apples);
      const patch = await market.request('PATCH' as 'POST', `/v1/merchant/products/${product.productId}`, {
        stock: -3,
      });
      expect(patch.body.code).toBe('INVALID_STOCK');
      expect((await market.get(`/v1/shop/products/${product.productId}`)).body.stock).toBe(10);
    });

    it('refuses, on both channels, at listing and at every change, any price checkout could not charge', async () => {
      // ⌊(2^53 − 1) / 99⌋: 99 of a unit must still be a whole number of won counted exactly.
      const unitPriceWonMax = 90_981_810_653_949;
      const surcharge = (priceDeltaWon: number) => [{ optionId: 'x', name: '추가', priceDeltaWon }];
      const refusedListings: Array<[ApiClient, Record<string, unknown>]> = [
        [market, { ...apples, priceWon: Number.MAX_SAFE_INTEGER }],
        [market, { ...apples, priceWon: unitPriceWonMax + 1, options: [] }],
        [market, { ...apples, options: surcharge(Number.MAX_SAFE_INTEGER) }],
        [market, { ...apples, priceWon: unitPriceWonMax - 2_000, options: surcharge(2_001) }],
        [restaurant, { ...gukbap, priceWon: Number.MAX_SAFE_INTEGER }],
        [restaurant, { ...gukbap, options: surcharge(Number.MAX_SAFE_INTEGER) }],
        // Each discount alone leaves a price, both together do not.
        [
          restaurant,
          {
            ...gukbap,
            options: [
              { optionId: 'a', name: '할인 A', priceDeltaWon: -5_000 },
              { optionId: 'b', name: '할인 B', priceDeltaWon: -4_000 },
            ],
          },
        ],
      ];
      for (const [merchant, body] of refusedListings) {
        const refused = await merchant.request('POST', '/v1/merchant/products', body);
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ code: 'INVALID_PRICE', unitPriceWonMax });
      }
      for (const merchant of [market, restaurant])
        expect((await merchant.get('/v1/merchant/products')).body.items).toEqual([]);
      expect((await market.get('/v1/shop/products')).body.items).toEqual([]);

      const atBound = await list(market, {
        ...apples,
        priceWon: unitPriceWonMax - 2_000,
        stock: 99,
        options: surcharge(2_000),
      });
      const soup = await list(restaurant, { ...gukbap, priceWon: unitPriceWonMax });
      for (const [merchant, product, patch] of [
        [market, atBound, { priceWon: unitPriceWonMax + 1 }],
        [market, atBound, { options: surcharge(2_001) }],
        [restaurant, soup, { priceWon: Number.MAX_SAFE_INTEGER }],
        [restaurant, soup, { options: surcharge(1) }],
      ] as const) {
        const path = `/v1/merchant/products/${product.productId}`;
        const refused = await merchant.request('PATCH' as 'POST', path, patch);
        expect(refused.body.code).toBe('INVALID_PRICE');
      }
      expect((await market.get(`/v1/shop/products/${atBound.productId}`)).body).toMatchObject({
        priceWon: unitPriceWonMax - 2_000,
        options: [{ optionId: 'x', priceDeltaWon: 2_000 }],
      });
      expect((await market.get(`/v1/shop/products/${soup.productId}`)).body.priceWon).toBe(unitPriceWonMax);
      // Checkout prices the dearest line the listing allows; only the buyer's funds stop it.
      const buyer = await citizen(10_000);
      const dearest = await buyer.post('/v1/me/orders', {
        items: [{ productId: atBound.productId, quantity: 99, optionIds: ['x'] }],
      });
      expect(dearest.status).toBe(422);
      expect(dearest.body.code).toBe('INSUFFICIENT_FUNDS');
      // Two such lines add up past what a won figure can hold exactly: refused as such, nothing taken.
      const twice = await buyer.post('/v1/me/orders', {
        items: [
          { productId: atBound.productId, quantity: 99, optionIds: ['x'] },
          { productId: soup.productId, quantity: 1 },
        ],
      });
      expect({ status: twice.status, code: twice.body.code }).toEqual({
        status: 422,
        code: 'ORDER_TOTAL_TOO_LARGE',
      });
      expect((await market.get(`/v1/shop/products/${atBound.productId}`)).body.stock).toBe(99);
    });

    it("answers someone else's product as not found", async () => {
      const product = await list(market, apples);
      const patch = await bookstore.request('PATCH' as 'POST', `/v1/merchant/products/${product.productId}`, {
        priceWon: 1,
      });
      expect(patch.status).toBe(404);
      expect(patch.body.code).toBe('PRODUCT_NOT_FOUND');
      expect((await market.get(`/v1/shop/products/${product.productId}`)).body.priceWon).toBe(30_000);
    });

    it('an operator hides a listing with a reason: gone from search, the merchant still sees why', async () => {
      const product = await list(market, apples);
      const hidden = await operator.request(
        'POST',
        `/v1/operator/commerce/products/${product.productId}/hide`,
        {
          reason: '원산지 표시 확인 필요',
        },
      );
      expect(hidden.body.hidden).toMatchObject({ reason: '원산지 표시 확인 필요' });
      expect((await market.get('/v1/shop/products?q=%EC%82%AC%EA%B3%BC')).body.items).toEqual([]);
      expect((await market.get(`/v1/shop/products/${product.productId}`)).status).toBe(404);
      expect((await market.get('/v1/merchant/products')).body.items[0].hidden.reason).toBe(
        '원산지 표시 확인 필요',
      );
      expect(
        (
          await market.request('POST', `/v1/operator/commerce/products/${product.productId}/hide`, {
            reason: 'x',
          })
        ).status,
      ).toBe(403);
      await operator.request('DELETE', `/v1/operator/commerce/products/${product.productId}/hide`);
      expect((await market.get(`/v1/shop/products/${product.productId}`)).status).toBe(200);
    });
  });

  describe('commission at settlement', () => {
    it('takes each channel’s commission after the monthly allowance and shows the saving against a private app', async () => {
      t.clock.set('2021-05-12T14:00:00Z'); // rules change from now on: scheduled the evening before
      const rule = await operator.post('/v1/operator/commerce/commission-rules', {
        key: 'commerce_commission_free_monthly_won',
        value: 10_000,
        effectiveFrom: '2021-05-13T00:00:00+09:00',
      });
      t.clock.set('2021-05-13T03:00:00Z');
      expect(rule.body).toMatchObject({ value: 10_000 });
      const rules = await operator.get('/v1/operator/commerce/commission-rules');
      expect(rules.body.inForce).toMatchObject({
        commerce_commission_free_monthly_won: 10_000,
        commerce_delivery_commission_bp: 200,
        commerce_mall_commission_bp: 850,
      });
      await openDelivery();
      const soup = await list(restaurant, gukbap);
      const beans = await list(restaurant, {
        channel: 'mall',
        name: '원두 1kg',
        priceWon: 30_000,
        stock: 5,
        categoryId: 'food',
      });
      const buyer = await citizen(100_000);
      const placed = await buyer.post('/v1/me/orders', {
        items: [
          { productId: soup.productId, quantity: 2 },
          { productId: beans.productId, quantity: 1 },
        ],
        deliveryDong: '둔산동',
      });
      const [delivery, mall] = placed.body.orders;
      expect((await restaurant.post(`/v1/merchant/orders/${delivery.orderId}/accept`)).status).toBe(200);
      expect(
        (
          await restaurant.post(`/v1/merchant/orders/${mall.orderId}/status`, {
            status: 'shipped',
            trackingNumber: 'T-9',
          })
        ).status,
      ).toBe(200);
      t.clock.set('2021-05-14T03:00:00Z');
      expect(
        (await operator.post('/v1/operator/settlements/runs', { businessDate: '2021-05-13' })).status,
      ).toBe(200);
      const page = await restaurant.get('/v1/merchant/settlements?limit=100');
      const statement = page.body.items.find(
        (item: { businessDate: string }) => item.businessDate === '2021-05-13',
      );
      expect(statement.commerce).toEqual({
        channels: [
          {
            channel: 'delivery',
            ordersCount: 1,
            grossWon: 20_000,
            returnedWon: 0,
            commissionFreeWon: 10_000,
            commissionRateBp: 200,
            commissionWon: 200,
          },
          {
            channel: 'mall',
            ordersCount: 1,
            grossWon: 30_000,
            returnedWon: 0,
            commissionFreeWon: 0,
            commissionRateBp: 850,
            commissionWon: 2_550,
          },
        ],
        commissionWon: 2_750,
        netWon: 47_250,
        privateAppRateBp: 2_700,
        privateAppCostWon: 13_500,
        savingWon: 10_750,
      });
      expect(statement.dueWon).toBe(47_250);
      const again = await operator.post('/v1/operator/settlements/runs', { businessDate: '2021-05-13' });
      expect(again.body.statementsCreated ?? 0).toBe(0);
      // The day's online sales are part of its due, not money brought forward from earlier days.
      expect(again.body.totals).toMatchObject({ broughtForwardWon: 0, dueWon: 47_250 });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });
  });

  describe('orders', () => {
    it("checks out a two-merchant cart as two held orders; shipping captures and pays the mall's 5% and the market's 3% cashback", async () => {
      await openDelivery();
      const appleListing = await list(market, apples);
      const soup = await list(restaurant, gukbap);
      const buyer = await citizen(100_000);
      const placed = await buyer.post('/v1/me/orders', {
        items: [
          { productId: appleListing.productId, quantity: 1, optionIds: ['gift'] },
          { productId: soup.productId, quantity: 2 },
        ],
        deliveryDong: '둔산동',
      });
      expect(placed.status).toBe(201);
      expect(placed.body.orders).toMatchObject([
        {
          merchantId: appleListing.merchantId,
          channel: 'mall',
          status: 'placed',
          totalWon: 32_000,
          heldWon: 32_000,
        },
        {
          merchantId: soup.merchantId,
          channel: 'delivery',
          status: 'placed',
          totalWon: 20_000,
          heldWon: 20_000,
        },
      ]);
      expect(await wallet(buyer)).toMatchObject({ cashWon: 48_000, cashbackWon: 0 });
      expect((await market.get(`/v1/shop/products/${appleListing.productId}`)).body.stock).toBe(9);
      const mallOrder = placed.body.orders[0].orderId;
      const shipped = await market.post(`/v1/merchant/orders/${mallOrder}/status`, {
        status: 'shipped',
        trackingNumber: 'CJ-1234-5678',
      });
      expect(shipped.status).toBe(200);
      expect(shipped.body).toMatchObject({
        status: 'shipped',
        heldWon: 0,
        // The mall's 5% and the market's 3% extra of ₩32,000.
        cashbackWon: 2_560,
        trackingNumber: 'CJ-1234-5678',
      });
      expect(await wallet(buyer)).toMatchObject({ cashWon: 48_000, cashbackWon: 2_560 });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('a delivery order goes placed → accepted → cooking → out for delivery → delivered, each an event', async () => {
      await openDelivery();
      const soup = await list(restaurant, gukbap);
      const buyer = await citizen(50_000);
      const placed = await buyer.post('/v1/me/orders', {
        items: [{ productId: soup.productId, quantity: 2 }],
        deliveryDong: '탄방동',
      });
      const orderId = placed.body.orders[0].orderId;
      const queue = await restaurant.get('/v1/merchant/orders?status=placed');
      expect(queue.body.items.map((order: { orderId: string }) => order.orderId)).toEqual([orderId]);
      const accepted = await restaurant.post(`/v1/merchant/orders/${orderId}/accept`);
      expect(accepted.body).toMatchObject({ status: 'accepted', heldWon: 0, totalWon: 20_000 });
      for (const status of ['cooking', 'out_for_delivery', 'delivered'])
        expect((await restaurant.post(`/v1/merchant/orders/${orderId}/status`, { status })).body.status).toBe(
          status,
        );
      const skipped = await restaurant.post(`/v1/merchant/orders/${orderId}/status`, { status: 'cooking' });
      expect(skipped.status).toBe(409);
      expect((await buyer.get(`/v1/me/orders/${orderId}`)).body.status).toBe('delivered');
      const events = (await t.platform.events.read(tenantId, 0, 1_000)).filter((event) =>
        event.type.startsWith('order.'),
      );
      expect(events.map((event) => event.type)).toEqual([
        'order.placed',
        'order.accepted',
        'order.cooking',
        'order.out_for_delivery',
        'order.delivered',
      ]);
      expect(await wallet(buyer)).toMatchObject({ cashWon: 30_000 });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('refuses orders outside the delivery area, hours or minimum with a clear reason, holding nothing', async () => {
      await openDelivery();
      const soup = await list(restaurant, gukbap);
      const buyer = await citizen(50_000);
      const order = (deliveryDong: string | undefined, quantity = 2) =>
        buyer.post('/v1/me/orders', {
          items: [{ productId: soup.productId, quantity }],
          ...(deliveryDong ? { deliveryDong } : {}),
        });
      const outside = await order('봉명동');
      expect(outside.status).toBe(422);
      expect(outside.body).toMatchObject({ code: 'OUTSIDE_DELIVERY_AREA', dong: '봉명동' });
      expect((await order(undefined)).body.code).toBe('DELIVERY_DONG_REQUIRED');
      const small = await order('둔산동', 1);
      expect(small.body).toMatchObject({
        code: 'BELOW_MINIMUM_ORDER',
        minimumOrderWon: 15_000,
        subtotalWon: 9_000,
      });
      t.clock.set('2021-05-13T14:30:00Z'); // 23:30 KST
      const late = await order('둔산동');
      expect(late.status).toBe(422);
      expect(late.body).toMatchObject({ code: 'OUTSIDE_OPENING_HOURS', opensAt: '10:00', closesAt: '22:00' });
      expect(await wallet(buyer)).toMatchObject({ cashWon: 50_000 });
      expect((await buyer.get('/v1/me/orders')).body.items).toEqual([]);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('a rejected order returns the money at once and the stock', async () => {
      const appleListing = await list(market, apples);
      const buyer = await citizen(50_000);
      const placed = await buyer.post('/v1/me/orders', {
        items: [{ productId: appleListing.productId, quantity: 1 }],
      });
      const orderId = placed.body.orders[0].orderId;
      expect(await wallet(buyer)).toMatchObject({ cashWon: 20_000 });
      const rejected = await market.post(`/v1/merchant/orders/${orderId}/reject`, { reason: '품절' });
      expect(rejected.body).toMatchObject({ status: 'rejected', reason: '품절', heldWon: 0 });
      expect(await wallet(buyer)).toMatchObject({ cashWon: 50_000 });
      expect((await market.get(`/v1/shop/products/${appleListing.productId}`)).body.stock).toBe(10);
      expect(
        (
          await market.post(`/v1/merchant/orders/${orderId}/status`, {
            status: 'shipped',
            trackingNumber: 'X',
          })
        ).status,
      ).toBe(409);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it("an unanswered delivery order expires after the rule's 10 minutes and the hold is voided", async () => {
      await openDelivery();
      const soup = await list(restaurant, gukbap);
      const buyer = await citizen(50_000);
      const placed = await buyer.post('/v1/me/orders', {
        items: [{ productId: soup.productId, quantity: 2 }],
        deliveryDong: '둔산동',
      });
      const orderId = placed.body.orders[0].orderId;
      t.clock.advanceMs(9 * MINUTE_MS);
      expect(await t.platform.commerce.orders.expireDue(tenantId)).toBe(0);
      t.clock.advanceMs(MINUTE_MS);
      const late = await restaurant.post(`/v1/merchant/orders/${orderId}/accept`);
      expect(late.body.code).toBe('ORDER_EXPIRED');
      expect(await t.platform.commerce.orders.expireDue(tenantId)).toBe(1);
      expect((await buyer.get(`/v1/me/orders/${orderId}`)).body).toMatchObject({
        status: 'expired',
        heldWon: 0,
      });
      expect(await wallet(buyer)).toMatchObject({ cashWon: 50_000 });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('a member cancels before shipping; after delivery a return refunds the money and claws back the cashback', async () => {
      const appleListing = await list(market, apples);
      const buyer = await citizen(100_000);
      const first = await buyer.post('/v1/me/orders', {
        items: [{ productId: appleListing.productId, quantity: 1 }],
      });
      const cancelled = await buyer.post(`/v1/me/orders/${first.body.orders[0].orderId}/cancellation`, {
        reason: '변심',
      });
      expect(cancelled.body).toMatchObject({ status: 'cancelled', heldWon: 0 });
      expect(await wallet(buyer)).toMatchObject({ cashWon: 100_000 });

      const second = await buyer.post('/v1/me/orders', {
        items: [{ productId: appleListing.productId, quantity: 2 }],
      });
      const orderId = second.body.orders[0].orderId;
      await market.post(`/v1/merchant/orders/${orderId}/status`, {
        status: 'shipped',
        trackingNumber: 'T-1',
      });
      await market.post(`/v1/merchant/orders/${orderId}/status`, { status: 'delivered' });
      expect(await wallet(buyer)).toMatchObject({ cashWon: 40_000, cashbackWon: 4_800 });
      const asked = await buyer.post(`/v1/me/orders/${orderId}/cancellation`, { reason: '상함' });
      expect(asked.body.status).toBe('return_requested');
      const returned = await market.post(`/v1/merchant/orders/${orderId}/status`, { status: 'returned' });
      expect(returned.body.status).toBe('returned');
      expect(await wallet(buyer)).toMatchObject({ cashWon: 100_000, cashbackWon: 0 });
      expect((await market.get(`/v1/shop/products/${appleListing.productId}`)).body.stock).toBe(10);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it("answers someone else's order as not found and leaves it alone", async () => {
      const appleListing = await list(market, apples);
      const buyer = await citizen(50_000);
      const other = await citizen(0);
      const placed = await buyer.post('/v1/me/orders', {
        items: [{ productId: appleListing.productId, quantity: 1 }],
      });
      const orderId = placed.body.orders[0].orderId;
      expect((await other.get(`/v1/me/orders/${orderId}`)).status).toBe(404);
      expect((await other.post(`/v1/me/orders/${orderId}/cancellation`)).status).toBe(404);
      expect((await bookstore.post(`/v1/merchant/orders/${orderId}/reject`, { reason: 'x' })).status).toBe(
        404,
      );
      expect((await buyer.get(`/v1/me/orders/${orderId}`)).body).toMatchObject({
        status: 'placed',
        heldWon: 30_000,
      });
    });

    it('one Idempotency-Key makes one checkout; short funds refuse it whole', async () => {
      const appleListing = await list(market, apples);
      const buyer = await citizen(40_000);
      const body = { items: [{ productId: appleListing.productId, quantity: 1 }] };
      const first = await buyer.post('/v1/me/orders', body, 'checkout-1');
      const again = await buyer.post('/v1/me/orders', body, 'checkout-1');
      expect(again.body).toEqual(first.body);
      expect((await buyer.get('/v1/me/orders')).body.items).toHaveLength(1);
      const short = await buyer.post('/v1/me/orders', body);
      expect(short.status).toBe(422);
      expect(short.body.code).toBe('INSUFFICIENT_FUNDS');
      expect((await market.get(`/v1/shop/products/${appleListing.productId}`)).body.stock).toBe(9);
      expect(await wallet(buyer)).toMatchObject({ cashWon: 10_000 });
    });

    it('races accept against cancel: exactly one wins and the money follows it', async () => {
      await openDelivery();
      const soup = await list(restaurant, gukbap);
      for (let round = 0; round < 3; round += 1) {
        const buyer = await citizen(20_000);
        const placed = await buyer.post('/v1/me/orders', {
          items: [{ productId: soup.productId, quantity: 2 }],
          deliveryDong: '둔산동',
        });
        const orderId = placed.body.orders[0].orderId;
        const [accepted, cancelled] = await Promise.all([
          restaurant.post(`/v1/merchant/orders/${orderId}/accept`),
          buyer.post(`/v1/me/orders/${orderId}/cancellation`),
        ]);
        expect([accepted.status, cancelled.status].sort()).toEqual([200, 409]);
        const loser = accepted.status === 409 ? accepted : cancelled;
        expect(loser.body.code).toBe('ORDER_STATE_CONFLICT');
        const final = (await buyer.get(`/v1/me/orders/${orderId}`)).body;
        expect(final.status).toBe(accepted.status === 200 ? 'accepted' : 'cancelled');
        expect(await wallet(buyer)).toMatchObject({ cashWon: accepted.status === 200 ? 0 : 20_000 });
      }
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('never oversells: 50 concurrent buyers for 10 items make exactly 10 orders', async () => {
      const appleListing = await list(market, { ...apples, priceWon: 1_000, options: [] });
      const buyers = await Promise.all(Array.from({ length: 50 }, () => citizen(10_000)));
      const results = await Promise.all(
        buyers.map((buyer) =>
          buyer.post('/v1/me/orders', { items: [{ productId: appleListing.productId, quantity: 1 }] }),
        ),
      );
      const statuses = results.map((result) => result.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(10);
      expect(results.filter((result) => result.status === 409).map((result) => result.body.code)).toEqual(
        Array(40).fill('OUT_OF_STOCK'),
      );
      expect((await market.get(`/v1/shop/products/${appleListing.productId}`)).body.stock).toBe(0);
      expect((await market.get('/v1/merchant/orders?limit=100')).body.items).toHaveLength(10);
      await expectLedgerAuditGreen(t.platform, tenantId);
    }, 300_000);
  });
});
