import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { seedDaejeonSettlement } from './presets/daejeon.js';

/** Instants written as Korean local time, the tenant's time zone. */
const kst = (localTime: string) => `${localTime}+09:00`;

/**
 * Online mall orders move the merchant's receivable when captured (shipped) and when returned, on
 * whichever side of a business day's end that falls. Settlement pays a day what the receivable held
 * at its end: a capture after the end is paid, less its commission, on the statement of the day it was
 * captured (and only there), and a day with a capture or a return has a statement even without a till
 * sale.
 *
 * The cafe sells one mall product at ₩60,000; the mall commission is 8.5% with no commission-free
 * allowance from 5/13 (₩5,100 of a ₩60,000 sale), and the cafe pays no settlement fee (Daejeon).
 */
interface ChannelFigures {
  ordersCount: number;
  grossWon: number;
  returnedWon: number;
}

describe.each(databaseKinds())('settlement of online mall captures and returns on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let cafeOwner: ApiClient;
  let cafe: { merchantId: string; merchantCode: string };
  let productId: string;
  let phoneCount = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    // Rules change from now on: the allowance is scheduled the evening before.
    t.clock.set(kst('2021-05-12T23:00:00'));
    tenantId = await seedTestTenant(t.platform);
    await seedDaejeonSettlement(t.platform, tenantId);
    cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
    operator = await demoClient(t.app, tenantId, 'operator');
    cafeOwner = await demoClient(t.app, tenantId, 'cafe');
    const rule = await operator.post('/v1/operator/commerce/commission-rules', {
      key: 'commerce_commission_free_monthly_won',
      value: 0,
      effectiveFrom: kst('2021-05-13T00:00:00'),
    });
    expect(rule.status).toBe(201);
    t.clock.set(kst('2021-05-13T12:00:00'));
    const category = await operator.post('/v1/operator/commerce/categories', {
      categoryId: 'food',
      name: '식품',
      nameEn: 'Food',
    });
    expect(category.status).toBe(201);
    const listed = await cafeOwner.post('/v1/merchant/products', {
      channel: 'mall',
      name: '원두 선물세트',
      priceWon: 60_000,
      stock: 10,
      categoryId: 'food',
    });
    expect(listed.status).toBe(201);
    productId = listed.body.productId;
  });

  async function member(chargeWon: number) {
    phoneCount += 1;
    const client = await newMember(t.app, tenantId, `010-6400-${String(phoneCount).padStart(4, '0')}`);
    expect((await client.post('/v1/me/charges', { amountWon: chargeWon })).status).toBe(201);
    return client;
  }

  async function pay(client: ApiClient, amountWon: number) {
    const paid = await client.post('/v1/me/payments', { merchantCode: cafe.merchantCode, amountWon });
    expect(paid.status).toBe(201);
  }

  async function order(client: ApiClient): Promise<string> {
    const placed = await client.post('/v1/me/orders', { items: [{ productId, quantity: 1 }] });
    expect(placed.status).toBe(201);
    expect(placed.body.orders).toMatchObject([{ merchantId: cafe.merchantId, totalWon: 60_000 }]);
    return placed.body.orders[0].orderId;
  }

  async function ship(orderId: string) {
    const shipped = await cafeOwner.post(`/v1/merchant/orders/${orderId}/status`, {
      status: 'shipped',
      trackingNumber: 'CJ-0001',
    });
    expect(shipped.status).toBe(200);
  }

  /** Delivered, the member asks for a return, the cafe takes it back: ₩60,000 leaves the receivable. */
  async function returned(client: ApiClient, orderId: string) {
    expect(
      (await cafeOwner.post(`/v1/merchant/orders/${orderId}/status`, { status: 'delivered' })).status,
    ).toBe(200);
    expect((await client.post(`/v1/me/orders/${orderId}/cancellation`, { reason: '파손' })).body.status).toBe(
      'return_requested',
    );
    const done = await cafeOwner.post(`/v1/merchant/orders/${orderId}/status`, { status: 'returned' });
    expect(done.body.status).toBe('returned');
  }

  async function settle(businessDate: string) {
    const response = await operator.post('/v1/operator/settlements/runs', { businessDate });
    expect(response.status).toBe(200);
    return response.body.pass as { statementsCreated: number };
  }

  async function statementOf(businessDate: string) {
    const page = await cafeOwner.get('/v1/merchant/settlements?limit=100');
    expect(page.status).toBe(200);
    const found = page.body.items.find(
      (item: { businessDate: string }) => item.businessDate === businessDate,
    );
    expect(found).toBeDefined();
    const detail = await cafeOwner.get(`/v1/merchant/settlements/${found.id}`);
    expect(detail.status).toBe(200);
    const { grossWon, netWon, commerce, broughtForwardWon, dueWon, paidWon, carriedWon, status } =
      detail.body;
    return {
      status,
      grossWon,
      netWon,
      commerce,
      broughtForwardWon,
      dueWon,
      paidWon,
      carriedWon,
      payouts: detail.body.payouts.map((payout: { amountWon: number }) => payout.amountWon),
    };
  }

  async function statementCount() {
    return (await cafeOwner.get('/v1/merchant/settlements?limit=100')).body.items.length as number;
  }

  async function receivableWon() {
    return (await t.platform.ledger.getAccount(tenantId, `${cafe.merchantId}:receivable`))?.availableWon;
  }

  /** The statement's online lines from each channel's orders, gross and returned (none when absent). */
  function linesOf(figures: { delivery?: ChannelFigures; mall?: ChannelFigures }) {
    const none = { ordersCount: 0, grossWon: 0, returnedWon: 0 };
    const channels = (['delivery', 'mall'] as const).map((channel) => {
      const figure = figures[channel] ?? none;
      const commissionRateBp = channel === 'delivery' ? 200 : 850;
      const baseWon = Math.max(0, figure.grossWon - figure.returnedWon);
      const commissionWon = Math.floor((baseWon * commissionRateBp) / 10_000);
      return { channel, ...figure, commissionFreeWon: 0, commissionRateBp, commissionWon };
    });
    const commissionWon = channels.reduce((sum, line) => sum + line.commissionWon, 0);
    const salesWon = channels.reduce((sum, line) => sum + line.grossWon - line.returnedWon, 0);
    const privateAppCostWon = Math.floor(
      (channels.reduce((sum, line) => sum + Math.max(0, line.grossWon - line.returnedWon), 0) * 2_700) /
        10_000,
    );
    return {
      channels,
      commissionWon,
      netWon: salesWon - commissionWon,
      privateAppRateBp: 2_700,
      privateAppCostWon,
      savingWon: privateAppCostWon - commissionWon,
    };
  }

  const mallLines = (mall: ChannelFigures) => linesOf({ mall });

  it('a sale shipped after the day ends: the day pays none of it, the next day pays it less its commission', async () => {
    const buyer = await member(200_000);
    await pay(buyer, 20_000);
    const orderId = await order(buyer);
    // 5/14 10:00 KST (01:00 UTC): shipped, so captured, the next business day.
    t.clock.set(kst('2021-05-14T10:00:00'));
    await ship(orderId);
    expect(await receivableWon()).toBe(80_000);

    t.clock.set(kst('2021-05-14T11:00:00'));
    expect(await settle('2021-05-13')).toMatchObject({ statementsCreated: 1 });
    expect(await statementOf('2021-05-13')).toEqual({
      status: 'paid',
      grossWon: 20_000,
      netWon: 20_000,
      commerce: null,
      broughtForwardWon: 0,
      dueWon: 20_000,
      paidWon: 20_000,
      carriedWon: 0,
      payouts: [20_000],
    });
    expect(await receivableWon()).toBe(60_000);

    t.clock.set(kst('2021-05-15T01:00:00'));
    expect(await settle('2021-05-14')).toMatchObject({ statementsCreated: 1 });
    expect(mallLines({ ordersCount: 1, grossWon: 60_000, returnedWon: 0 })).toMatchObject({
      commissionWon: 5_100,
      netWon: 54_900,
    });
    expect(await statementOf('2021-05-14')).toEqual({
      status: 'paid',
      grossWon: 0,
      netWon: 0,
      commerce: mallLines({ ordersCount: 1, grossWon: 60_000, returnedWon: 0 }),
      broughtForwardWon: 0,
      dueWon: 54_900,
      paidWon: 54_900,
      carriedWon: 0,
      payouts: [54_900],
    });
    expect(await receivableWon()).toBe(0);
    // Run again: nothing new, and the commission was taken once.
    expect(await settle('2021-05-14')).toMatchObject({ statementsCreated: 0 });
    expect(await statementCount()).toBe(2);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('a return on a day with nothing else: the day has a statement carrying the return, paid back by later sales', async () => {
    const buyer = await member(200_000);
    const orderId = await order(buyer);
    await ship(orderId);
    t.clock.set(kst('2021-05-14T01:00:00'));
    expect(await settle('2021-05-13')).toMatchObject({ statementsCreated: 1 });
    expect(await statementOf('2021-05-13')).toMatchObject({
      status: 'paid',
      commerce: mallLines({ ordersCount: 1, grossWon: 60_000, returnedWon: 0 }),
      broughtForwardWon: 0,
      dueWon: 54_900,
      payouts: [54_900],
    });

    t.clock.set(kst('2021-05-14T15:00:00'));
    await returned(buyer, orderId);
    expect(await receivableWon()).toBe(-60_000);
    t.clock.set(kst('2021-05-15T01:00:00'));
    expect(await settle('2021-05-14')).toMatchObject({ statementsCreated: 1 });
    expect(await statementOf('2021-05-14')).toEqual({
      status: 'nothing_to_pay',
      grossWon: 0,
      netWon: 0,
      commerce: mallLines({ ordersCount: 0, grossWon: 0, returnedWon: 60_000 }),
      broughtForwardWon: 0,
      dueWon: -60_000,
      paidWon: 0,
      carriedWon: -60_000,
      payouts: [],
    });

    // 5/15: ₩70,000 at the till pays the return back first.
    t.clock.set(kst('2021-05-15T12:00:00'));
    await pay(buyer, 70_000);
    t.clock.set(kst('2021-05-16T01:00:00'));
    expect(await settle('2021-05-15')).toMatchObject({ statementsCreated: 1 });
    expect(await statementOf('2021-05-15')).toEqual({
      status: 'paid',
      grossWon: 70_000,
      netWon: 70_000,
      commerce: null,
      broughtForwardWon: -60_000,
      dueWon: 10_000,
      paidWon: 10_000,
      carriedWon: 0,
      payouts: [10_000],
    });
    expect(await receivableWon()).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('captured and returned on the same later day: the day before pays its own sales, the later day nets to nothing', async () => {
    const buyer = await member(200_000);
    await pay(buyer, 20_000);
    const orderId = await order(buyer);
    t.clock.set(kst('2021-05-14T10:00:00'));
    await ship(orderId);
    // 5/13 settled between the capture and the return: the capture is not its money.
    t.clock.set(kst('2021-05-14T11:00:00'));
    expect(await settle('2021-05-13')).toMatchObject({ statementsCreated: 1 });
    expect(await statementOf('2021-05-13')).toMatchObject({
      status: 'paid',
      commerce: null,
      broughtForwardWon: 0,
      dueWon: 20_000,
      payouts: [20_000],
    });
    t.clock.set(kst('2021-05-14T15:00:00'));
    await returned(buyer, orderId);
    expect(await receivableWon()).toBe(0);

    t.clock.set(kst('2021-05-15T01:00:00'));
    expect(await settle('2021-05-14')).toMatchObject({ statementsCreated: 1 });
    expect(await statementOf('2021-05-14')).toEqual({
      status: 'nothing_to_pay',
      grossWon: 0,
      netWon: 0,
      commerce: mallLines({ ordersCount: 1, grossWon: 60_000, returnedWon: 60_000 }),
      broughtForwardWon: 0,
      dueWon: 0,
      paidWon: 0,
      carriedWon: 0,
      payouts: [],
    });
    expect(await receivableWon()).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('shipped on the day, returned after its end but before the run: the return is carried to its own day', async () => {
    const buyer = await member(200_000);
    await pay(buyer, 20_000);
    const orderId = await order(buyer);
    await ship(orderId);
    t.clock.set(kst('2021-05-14T00:30:00'));
    await returned(buyer, orderId);
    expect(await receivableWon()).toBe(20_000);

    // The day's end held ₩80,000; less the ₩5,100 commission: ₩74,900 due, ₩14,900 of it paid now.
    t.clock.set(kst('2021-05-14T01:00:00'));
    expect(await settle('2021-05-13')).toMatchObject({ statementsCreated: 1 });
    expect(await statementOf('2021-05-13')).toEqual({
      status: 'paid',
      grossWon: 20_000,
      netWon: 20_000,
      commerce: mallLines({ ordersCount: 1, grossWon: 60_000, returnedWon: 0 }),
      broughtForwardWon: 0,
      dueWon: 74_900,
      paidWon: 14_900,
      carriedWon: 60_000,
      payouts: [14_900],
    });
    expect(await receivableWon()).toBe(0);

    t.clock.set(kst('2021-05-15T01:00:00'));
    expect(await settle('2021-05-14')).toMatchObject({ statementsCreated: 1 });
    expect(await statementOf('2021-05-14')).toEqual({
      status: 'nothing_to_pay',
      grossWon: 0,
      netWon: 0,
      commerce: mallLines({ ordersCount: 0, grossWon: 0, returnedWon: 60_000 }),
      broughtForwardWon: 60_000,
      dueWon: 0,
      paidWon: 0,
      carriedWon: 0,
      payouts: [],
    });
    expect(await receivableWon()).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('a late-night delivery order accepted after midnight: no statement for the day it was placed, the next day pays it less 2%', async () => {
    const terms = await cafeOwner.request('PUT', '/v1/merchant/delivery-terms', {
      areas: ['둔산동'],
      minimumOrderWon: 15_000,
      deliveryFeeWon: 2_000,
      opensAt: '10:00',
      closesAt: '24:00',
    });
    expect(terms.status).toBe(200);
    const listed = await cafeOwner.post('/v1/merchant/products', {
      channel: 'delivery',
      name: '돼지국밥',
      priceWon: 9_000,
      categoryId: 'food',
    });
    expect(listed.status).toBe(201);
    const buyer = await member(100_000);
    t.clock.set(kst('2021-05-13T23:55:00'));
    const placed = await buyer.post('/v1/me/orders', {
      items: [{ productId: listed.body.productId, quantity: 2 }],
      deliveryDong: '둔산동',
    });
    expect(placed.status).toBe(201);
    expect(placed.body.orders).toMatchObject([{ channel: 'delivery', totalWon: 20_000 }]);
    t.clock.set(kst('2021-05-14T00:02:00'));
    const accepted = await cafeOwner.post(`/v1/merchant/orders/${placed.body.orders[0].orderId}/accept`);
    expect(accepted.status).toBe(200);
    expect(await receivableWon()).toBe(20_000);

    t.clock.set(kst('2021-05-14T01:00:00'));
    expect(await settle('2021-05-13')).toMatchObject({ statementsCreated: 0 });
    expect(await receivableWon()).toBe(20_000);
    t.clock.set(kst('2021-05-15T01:00:00'));
    expect(await settle('2021-05-14')).toMatchObject({ statementsCreated: 1 });
    expect(linesOf({ delivery: { ordersCount: 1, grossWon: 20_000, returnedWon: 0 } })).toMatchObject({
      commissionWon: 400,
      netWon: 19_600,
    });
    expect(await statementOf('2021-05-14')).toEqual({
      status: 'paid',
      grossWon: 0,
      netWon: 0,
      commerce: linesOf({ delivery: { ordersCount: 1, grossWon: 20_000, returnedWon: 0 } }),
      broughtForwardWon: 0,
      dueWon: 19_600,
      paidWon: 19_600,
      carriedWon: 0,
      payouts: [19_600],
    });
    expect(await statementCount()).toBe(1);
    expect(await receivableWon()).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
