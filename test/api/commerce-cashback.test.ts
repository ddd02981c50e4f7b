import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

/**
 * Order cashback through the policy engine: the mall's rate (5%) replaces the tiers' 10%, the
 * market's 3% extra adds to it, and the 2021 monthly cap (₩500,000 of eligible spending) is shared
 * with payments at the till. The demo cafe has no extras: payments there earn exactly 10%.
 */
describe.each(databaseKinds())('order cashback by the cashback policy on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let market: ApiClient;
  let cafe: ApiClient;
  let cafeCode: string;
  let phoneCount = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    // 12:00 KST in May 2021: the 2021 policy (10% up to ₩500,000 a month) and a lunch service.
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    market = await demoClient(t.app, tenantId, 'marketStore');
    cafe = await demoClient(t.app, tenantId, 'cafe');
    cafeCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
    const operator = await demoClient(t.app, tenantId, 'operator');
    const category = { categoryId: 'food', name: '식품', nameEn: 'Food' };
    expect((await operator.request('POST', '/v1/operator/commerce/categories', category)).status).toBe(201);
    // Room to charge past the monthly cashback cap (the 2021 charge cap is the cap itself).
    await t.platform.policy.createRule(tenantId, 'usr_test', {
      key: 'charge_monthly_cap_won',
      value: 2_000_000,
      effectiveFrom: t.clock.now(),
    });
  });

  async function citizen(chargeWon: number): Promise<ApiClient> {
    phoneCount += 1;
    const client = await newMember(t.app, tenantId, `010-7500-${String(phoneCount).padStart(4, '0')}`);
    expect((await client.post('/v1/me/charges', { amountWon: chargeWon })).status).toBe(201);
    return client;
  }

  async function listApples(priceWon = 30_000): Promise<string> {
    const created = await market.request('POST', '/v1/merchant/products', {
      channel: 'mall',
      name: '부사 사과 5kg',
      priceWon,
      stock: 10,
      categoryId: 'food',
    });
    expect(created.status).toBe(201);
    return created.body.productId;
  }

  async function order(buyer: ApiClient, productId: string, quantity: number): Promise<string> {
    const placed = await buyer.post('/v1/me/orders', { items: [{ productId, quantity }] });
    expect(placed.status).toBe(201);
    return placed.body.orders[0].orderId;
  }

  function ship(orderId: string) {
    return market.post(`/v1/merchant/orders/${orderId}/status`, {
      status: 'shipped',
      trackingNumber: `T-${orderId}`,
    });
  }

  /** The café delivers to 둔산동 on these terms and lists one dish; the dish's product id. */
  async function cafeDelivers(
    terms: { minimumOrderWon: number; deliveryFeeWon: number },
    name: string,
    priceWon: number,
  ): Promise<string> {
    const set = await cafe.request('PUT', '/v1/merchant/delivery-terms', {
      areas: ['둔산동'],
      ...terms,
      opensAt: '10:00',
      closesAt: '22:00',
    });
    expect(set.status).toBe(200);
    const dish = await cafe.request('POST', '/v1/merchant/products', {
      channel: 'delivery',
      name,
      priceWon,
      categoryId: 'food',
    });
    expect(dish.status).toBe(201);
    return dish.body.productId as string;
  }

  async function payCafe(buyer: ApiClient, amountWon: number): Promise<void> {
    const paid = await buyer.post('/v1/me/payments', { merchantCode: cafeCode, amountWon });
    expect(paid.status).toBe(201);
  }

  async function wallet(buyer: ApiClient) {
    const { cashWon, cashbackWon, month } = (await buyer.get('/v1/me/wallet')).body;
    return {
      cashWon,
      cashbackWon,
      eligibleSpendWon: month.eligibleSpendWon,
      monthCashbackWon: month.cashbackWon,
    };
  }

  it('an order crossing the monthly cap earns the mall rate and the market extra on the remainder only', async () => {
    const apples = await listApples();
    const buyer = await citizen(600_000);
    await payCafe(buyer, 480_000);
    expect(await wallet(buyer)).toEqual({
      cashWon: 120_000,
      cashbackWon: 48_000,
      eligibleSpendWon: 480_000,
      monthCashbackWon: 48_000,
    });
    // ₩90,000: ₩48,000 from cashback, ₩42,000 from cash, of which ₩20,000 is under the cap.
    const orderId = await order(buyer, apples, 3);
    const shipped = await ship(orderId);
    expect(shipped.status).toBe(200);
    // 5% and 3% of ₩20,000.
    expect(shipped.body.cashbackWon).toBe(1_600);
    expect(await wallet(buyer)).toEqual({
      cashWon: 78_000,
      cashbackWon: 1_600,
      eligibleSpendWon: 500_000,
      monthCashbackWon: 49_600,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it("the shop's owner earns nothing ordering from their own shop; under the refuse rule the checkout is refused, nothing held", async () => {
    const apples = await listApples();
    expect((await market.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
    const orderId = await order(market, apples, 1);
    const shipped = await ship(orderId);
    expect(shipped.body).toMatchObject({ status: 'shipped', cashbackWon: 0 });
    const afterFirst = await wallet(market);
    expect(afterFirst).toEqual({ cashWon: 70_000, cashbackWon: 0, eligibleSpendWon: 0, monthCashbackWon: 0 });

    await t.platform.policy.createRule(tenantId, 'usr_test', {
      key: 'self_dealing_payment_refused',
      value: 1,
      effectiveFrom: t.clock.now(),
    });
    const refused = await market.post('/v1/me/orders', { items: [{ productId: apples, quantity: 2 }] });
    expect([refused.status, refused.body.code]).toEqual([422, 'SELF_DEALING_REFUSED']);
    expect(await wallet(market)).toEqual(afterFirst);
    expect((await market.get(`/v1/shop/products/${apples}`)).body.stock).toBe(9);
    // Anyone else still buys there as before.
    const buyer = await citizen(100_000);
    expect((await buyer.post('/v1/me/orders', { items: [{ productId: apples, quantity: 2 }] })).status).toBe(
      201,
    );
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('a member already at the cap through payments earns nothing on an order', async () => {
    const apples = await listApples();
    const buyer = await citizen(600_000);
    await payCafe(buyer, 500_000);
    const orderId = await order(buyer, apples, 3);
    const shipped = await ship(orderId);
    expect(shipped.body).toMatchObject({ status: 'shipped', cashbackWon: 0 });
    expect(await wallet(buyer)).toEqual({
      cashWon: 60_000,
      cashbackWon: 0,
      eligibleSpendWon: 500_000,
      monthCashbackWon: 50_000,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it("shows the shop the cashback its own rules gave on an order, never a welfare recipient's extra", async () => {
    const apples = await listApples(30_000);
    const buyer = await citizen(100_000);
    const memberId = (await buyer.get('/v1/me')).body.memberId as string;
    await t.platform.members.setWelfareRecipient(tenantId, 'usr_operator_test', memberId, true);
    const orderId = await order(buyer, apples, 1);
    const shipped = await ship(orderId);
    expect(shipped.status).toBe(200);
    // Mall 5% + market 3% = ₩2,400 the shop's rules give; the member earns 5% more as a welfare recipient.
    expect(shipped.body.cashbackWon).toBe(2_400);
    const queue = (await market.get('/v1/merchant/orders')).body.items as Array<{
      orderId: string;
      cashbackWon: number;
    }>;
    expect(queue.find((item) => item.orderId === orderId)?.cashbackWon).toBe(2_400);
    expect(JSON.stringify(shipped.body)).not.toContain('shopCashbackWon');
    const own = await buyer.get(`/v1/me/orders/${orderId}`);
    expect(own.body.cashbackWon).toBe(3_900);
    expect(JSON.stringify(own.body)).not.toContain('shopCashbackWon');
    expect(await wallet(buyer)).toMatchObject({ cashbackWon: 3_900, monthCashbackWon: 3_900 });
  });

  it('refuses an order channel rate that with the extras of a policy in force passes 100%', async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    const from = new Date(t.clock.now().getTime() + 60_000).toISOString();
    // The 2021 policy's extras add up to 18% (market 3%, bookstore 10%, welfare 5%).
    const over = await operator.request('POST', '/v1/operator/policies/rules', {
      key: 'commerce_mall_cashback_bp',
      value: 8_201,
      effectiveFrom: from,
    });
    expect([over.status, over.body.code]).toEqual([400, 'RULE_VALUE_OUT_OF_RANGE']);
    expect(over.body).toMatchObject({ max: 8_200 });
    const within = await operator.request('POST', '/v1/operator/policies/rules', {
      key: 'commerce_mall_cashback_bp',
      value: 8_200,
      effectiveFrom: from,
    });
    expect(within.status).toBe(201);
  });

  it('a delivery order at the channel’s 0% rate uses none of the cashback allowance', async () => {
    const cateringId = await cafeDelivers({ minimumOrderWon: 0, deliveryFeeWon: 0 }, '단체 도시락', 450_000);
    const buyer = await citizen(600_000);
    const placed = await buyer.post('/v1/me/orders', {
      items: [{ productId: cateringId, quantity: 1 }],
      deliveryDong: '둔산동',
    });
    const accepted = await cafe.post(`/v1/merchant/orders/${placed.body.orders[0].orderId}/accept`);
    expect(accepted.body.cashbackWon).toBe(0);
    // The wallet's eligible spending is the allowance used: none.
    expect(await wallet(buyer)).toMatchObject({ eligibleSpendWon: 0, monthCashbackWon: 0 });
    // The whole ₩500,000 allowance is still there for the till: ₩100,000 earns its full 10%.
    await payCafe(buyer, 100_000);
    expect(await wallet(buyer)).toMatchObject({
      cashWon: 50_000,
      cashbackWon: 10_000,
      eligibleSpendWon: 100_000,
      monthCashbackWon: 10_000,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('a delivery promotion in the policy replaces the delivery rate for orders only, in its period', async () => {
    await t.platform.policy.createPolicy(tenantId, 'usr_test', {
      name: '배달 지역화폐 할인',
      effectiveFrom: t.clock.now(),
      rules: {
        tiers: [{ upToWon: 500_000, rateBp: 1000 }],
        extras: [],
        promotions: [
          {
            code: 'delivery_local_currency',
            nameKo: '배달 지역화폐 할인',
            nameEn: 'local-currency delivery discount',
            from: '2021-05-13T00:00:00+09:00',
            to: '2021-05-14T00:00:00+09:00',
            rateBp: 500,
            channel: 'delivery',
          },
        ],
        merchantRevenueCapWon: null,
      },
    });
    const soupId = await cafeDelivers({ minimumOrderWon: 10_000, deliveryFeeWon: 2_000 }, '돼지국밥', 9_000);
    const buyer = await citizen(100_000);
    const deliver = async () => {
      const placed = await buyer.post('/v1/me/orders', {
        items: [{ productId: soupId, quantity: 2 }],
        deliveryDong: '둔산동',
      });
      return cafe.post(`/v1/merchant/orders/${placed.body.orders[0].orderId}/accept`);
    };
    // ₩20,000 with the fee at the promotion's 5%; a payment at the till the same day keeps its 10%
    // (of the ₩9,000 paid in cash after the ₩1,000 cashback).
    expect((await deliver()).body.cashbackWon).toBe(1_000);
    await payCafe(buyer, 10_000);
    expect((await wallet(buyer)).monthCashbackWon).toBe(1_900);
    // The next day the delivery rate rule (0% by default) applies again.
    t.clock.set('2021-05-14T03:00:00Z');
    expect((await deliver()).body.cashbackWon).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('cashback held by an order and clawed back from cash meanwhile comes back as cash when the order is turned down', async () => {
    const apples = await listApples(10_000);
    const buyer = await citizen(100_000);
    const paid = await buyer.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 100_000 });
    expect(paid.body.cashback.amountWon).toBe(10_000);
    // The order holds the 10,000 of cashback; the cafe's cancellation then claws it back from cash.
    const orderId = await order(buyer, apples, 1);
    const cancelled = await cafe.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {});
    expect(cancelled.body.cashbackClawback).toMatchObject({ fromCashbackWon: 0, fromCashWon: 10_000 });
    expect((await market.post(`/v1/merchant/orders/${orderId}/reject`, { reason: '품절' })).status).toBe(200);
    expect(await wallet(buyer)).toMatchObject({ cashWon: 100_000, cashbackWon: 0 });
    const history = (await buyer.get('/v1/me/transactions?limit=50')).body.items as Array<{
      amountWon: number;
    }>;
    expect(history.reduce((sum, line) => sum + line.amountWon, 0)).toBe(100_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('a return after capture restores balances, pots and the month exactly, from cash if the cashback was spent', async () => {
    const apples = await listApples();
    const buyer = await citizen(100_000);
    const [pot] = await t.platform.budgets.listPots(tenantId, t.clock.now());
    const potBefore = await t.platform.budgets.getPot(tenantId, pot?.id ?? '');
    const orderId = await order(buyer, apples, 2);
    expect((await ship(orderId)).body.cashbackWon).toBe(4_800);
    expect((await market.post(`/v1/merchant/orders/${orderId}/status`, { status: 'delivered' })).status).toBe(
      200,
    );
    // The ₩4,800 cashback is spent at the cafe: nothing earned (no cash paid).
    const spent = await buyer.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 4_800 });
    expect(spent.body.paidFrom).toMatchObject({ cashbackWon: 4_800, cashWon: 0 });
    expect(await wallet(buyer)).toEqual({
      cashWon: 40_000,
      cashbackWon: 0,
      eligibleSpendWon: 60_000,
      monthCashbackWon: 4_800,
    });
    expect((await buyer.post(`/v1/me/orders/${orderId}/cancellation`, { reason: '상함' })).body.status).toBe(
      'return_requested',
    );
    const returned = await market.post(`/v1/merchant/orders/${orderId}/status`, { status: 'returned' });
    expect(returned.body.status).toBe('returned');
    // ₩60,000 back, less the ₩4,800 clawed back from cash.
    expect(await wallet(buyer)).toEqual({
      cashWon: 95_200,
      cashbackWon: 0,
      eligibleSpendWon: 0,
      monthCashbackWon: 0,
    });
    expect(await t.platform.budgets.getPot(tenantId, pot?.id ?? '')).toMatchObject({
      spentWon: potBefore.spentWon,
      remainingWon: potBefore.remainingWon,
    });
    // The cafe cancels the payment that spent that cashback: the member repaid it in cash, so it
    // comes back as cash, and the member holds all they charged.
    const cancelled = await cafe.post(`/v1/merchant/payments/${spent.body.paymentId}/cancellations`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(201);
    expect(await wallet(buyer)).toEqual({
      cashWon: 100_000,
      cashbackWon: 0,
      eligibleSpendWon: 0,
      monthCashbackWon: 0,
    });
    // A second order the shop turns down gives the held money back at once.
    const rejectedId = await order(buyer, apples, 1);
    expect((await market.post(`/v1/merchant/orders/${rejectedId}/reject`, { reason: '품절' })).status).toBe(
      200,
    );

    // The history names every step that moved the balance, and its lines add up to the balance.
    const history = (await buyer.get('/v1/me/transactions?limit=50')).body.items as Array<{
      type: string;
      amountWon: number;
      referenceId: string;
      details: { merchantName: string | null };
    }>;
    const lines = history
      .filter((line) => line.type.startsWith('order'))
      .map((line) => [line.type, line.referenceId, line.amountWon])
      .reverse();
    expect(lines).toEqual([
      ['order', orderId, -60_000],
      ['order_cashback', orderId, 4_800],
      ['order_returned', orderId, 55_200],
      ['order', rejectedId, -30_000],
      ['order_released', rejectedId, 30_000],
    ]);
    expect(
      history.filter((line) => line.type.startsWith('order')).every((line) => line.details.merchantName),
    ).toBe(true);
    const { cashWon, cashbackWon } = await wallet(buyer);
    expect(history.reduce((sum, line) => sum + line.amountWon, 0)).toBe(cashWon + cashbackWon);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('concurrent captures pay exactly what a nearly empty pot holds, and not a won more', async () => {
    const pot = await t.platform.budgets.createPot(tenantId, 'usr_test', {
      name: 'May pot with room for two and a half cashbacks',
      period: 'monthly',
      from: new Date('2021-05-01T00:00:00+09:00'),
      to: new Date('2021-06-01T00:00:00+09:00'),
      amountWon: 5_000,
      nationalShareBp: 4000,
    });
    // ₩25,000 each: 5% and 3% make ₩2,000.
    const apples = await listApples(25_000);
    const buyers = await Promise.all(Array.from({ length: 8 }, () => citizen(25_000)));
    const orderIds: string[] = [];
    for (const buyer of buyers) orderIds.push(await order(buyer, apples, 1));
    const shipped = await Promise.all(orderIds.map(ship));
    expect(shipped.map((result) => result.status)).toEqual(Array(8).fill(200));
    const cashbacks = shipped.map((result) => result.body.cashbackWon as number).sort((a, b) => a - b);
    expect(cashbacks).toEqual([0, 0, 0, 0, 0, 1_000, 2_000, 2_000]);
    expect(await t.platform.budgets.getPot(tenantId, pot.id)).toMatchObject({
      spentWon: 5_000,
      remainingWon: 0,
    });
    const months = await Promise.all(buyers.map(async (buyer) => (await wallet(buyer)).monthCashbackWon));
    expect(months.sort((a, b) => a - b)).toEqual(cashbacks);
    // Each buyer's history line says what the rules gave (₩2,000), what the pot paid and, when it
    // paid less, that the budget ran out; one that earned nothing is told so, at ₩0.
    const lines = await Promise.all(
      buyers.map(async (buyer) => {
        const items = (await buyer.get('/v1/me/transactions?limit=50')).body.items as Array<{
          type: string;
          amountWon: number;
          details: {
            cashback: {
              amountWon: number;
              requestedWon: number;
              limitedBy: string[];
              rules: Array<{ amountWon: number }>;
            };
          };
        }>;
        return items.filter((line) => line.type === 'order_cashback');
      }),
    );
    expect(lines.map((found) => found.length)).toEqual(Array(8).fill(1));
    for (const [line] of lines) {
      const { cashback } = line?.details ?? { cashback: null };
      expect(cashback?.amountWon).toBe(line?.amountWon);
      expect(cashback?.requestedWon).toBe(2_000);
      expect(cashback?.rules.reduce((sum, rule) => sum + rule.amountWon, 0)).toBe(2_000);
      expect(cashback?.limitedBy.includes('BUDGET_EXHAUSTED')).toBe((line?.amountWon ?? 0) < 2_000);
    }
    await expectLedgerAuditGreen(t.platform, tenantId);
  }, 300_000);
});
