import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/**
 * Analytics' cashback agrees with the budget pots (GET /v1/operator/budgets) whichever way cashback
 * leaves or comes back to a pot: a payment at the till, a delivery order accepted and a mall order
 * shipped (each drawn from the pots at capture), the mall order returned (its cashback back to the
 * pots) and a fraud case's claw-back (back to the pots it came from). All from the event feed.
 *
 * On 2021-05-13 (the 2021 policy, 10% at the cafe): ₩50,000 at the cafe earns ₩5,000; a ₩20,000
 * delivery order at 10% (a rule value set here) ₩2,000; a ₩30,000 mall order at the market earns the
 * mall's 5% and the market's 3%, ₩2,400, all given back by its return; a second ₩50,000 at the cafe
 * earns ₩5,000, all clawed back. The pots paid ₩7,000 net.
 */
describe.each(databaseKinds())('analytics cashback against the budget pots on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let phones = 0;
  const day = 'from=2021-05-13&to=2021-05-13';

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    const market = await demoClient(t.app, tenantId, 'marketStore');
    const cafe = await demoClient(t.app, tenantId, 'cafe');
    const cafeShop = await demoMerchantCode(t.platform, tenantId, 'cafe');
    for (const category of [
      { categoryId: 'food', name: '식품', nameEn: 'Food' },
      { categoryId: 'meals', name: '음식', nameEn: 'Meals' },
    ])
      expect((await operator.request('POST', '/v1/operator/commerce/categories', category)).status).toBe(201);
    await t.platform.policy.createRule(tenantId, 'usr_test', {
      key: 'commerce_delivery_cashback_bp',
      value: 1_000,
      effectiveFrom: t.clock.now(),
    });
    const terms = await cafe.request('PUT', '/v1/merchant/delivery-terms', {
      areas: ['둔산동'],
      minimumOrderWon: 15_000,
      deliveryFeeWon: 2_000,
      opensAt: '10:00',
      closesAt: '22:00',
    });
    expect(terms.status).toBe(200);
    const list = async (merchant: ApiClient, product: Record<string, unknown>) => {
      const created = await merchant.request('POST', '/v1/merchant/products', product);
      expect(created.status).toBe(201);
      return created.body.productId as string;
    };
    const soup = await list(cafe, {
      channel: 'delivery',
      name: '돼지국밥',
      priceWon: 9_000,
      categoryId: 'meals',
    });
    const apples = await list(market, {
      channel: 'mall',
      name: '부사 사과 5kg',
      priceWon: 30_000,
      stock: 10,
      categoryId: 'food',
    });
    const citizen = async () => {
      phones += 1;
      const phone = `010-7831-${String(phones).padStart(4, '0')}`;
      const client = await newMember(t.app, tenantId, phone);
      expect((await client.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
      return Object.assign(client, {
        id: (await t.platform.members.findByPhone(tenantId, phone))?.id as string,
      });
    };
    const payCafe = async (client: ApiClient) => {
      const paid = await client.post('/v1/me/payments', {
        merchantCode: cafeShop.merchantCode,
        amountWon: 50_000,
      });
      expect([paid.status, paid.body.cashback.amountWon]).toEqual([201, 5_000]);
      return paid.body.paymentId as string;
    };

    await payCafe(await citizen());

    const hungry = await citizen();
    const delivery = await hungry.post('/v1/me/orders', {
      items: [{ productId: soup, quantity: 2 }],
      deliveryDong: '둔산동',
    });
    expect(delivery.status).toBe(201);
    const accepted = await cafe.post(`/v1/merchant/orders/${delivery.body.orders[0].orderId}/accept`);
    expect(accepted.body).toMatchObject({ status: 'accepted', totalWon: 20_000, cashbackWon: 2_000 });

    const buyer = await citizen();
    const placed = await buyer.post('/v1/me/orders', { items: [{ productId: apples, quantity: 1 }] });
    const orderId = placed.body.orders[0].orderId as string;
    const shipped = await market.post(`/v1/merchant/orders/${orderId}/status`, {
      status: 'shipped',
      trackingNumber: 'T-1',
    });
    expect(shipped.body).toMatchObject({ status: 'shipped', cashbackWon: 2_400 });
    await market.post(`/v1/merchant/orders/${orderId}/status`, { status: 'delivered' });
    expect((await buyer.post(`/v1/me/orders/${orderId}/cancellation`, { reason: '상함' })).body.status).toBe(
      'return_requested',
    );
    const returned = await market.post(`/v1/merchant/orders/${orderId}/status`, { status: 'returned' });
    expect(returned.body.status).toBe('returned');
    expect((await buyer.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 100_000, cashbackWon: 0 });

    const ring = await citizen();
    const flagged = await payCafe(ring);
    // A case on an alert naming the payment (the fraud module's own table), decided through the API.
    await t.db.query(
      `insert into fraud_alerts (tenant_id, id, rule, subject_kind, subject_id, member_id, merchant_id, district, score, status,
         explanation_ko, explanation_en, evidence, first_seen_at, last_seen_at)
       values ($1, 'falt_analytics00001', 'repeated_pair', 'pair', 'pair-analytics', $2, $3, null, 60, 'open', '시험', 'test', $4, now(), now())`,
      [
        tenantId,
        ring.id,
        cafeShop.merchantId,
        JSON.stringify({ paymentIds: [flagged], transferIds: [], cycle: null }),
      ],
    );
    const opened = await operator.post('/v1/operator/fraud/cases', { alertIds: ['falt_analytics00001'] });
    expect(opened.status).toBe(201);
    const decided = await operator.post(`/v1/operator/fraud/cases/${opened.body.caseId}/decision`, {
      decision: 'confirmed',
      reason: '깡 확인',
      actions: ['claw_back'],
    });
    expect(decided.status).toBe(200);
    expect((await ring.get('/v1/me/wallet')).body.cashbackWon).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
  afterAll(async () => {
    await t.close();
  });

  /** What each pot paid net of what came back, as the budgets module reads its ledger accounts. */
  async function spentByPot(): Promise<Array<{ potId: string; amountWon: number }>> {
    const pots = await operator.get('/v1/operator/budgets');
    expect(pots.status).toBe(200);
    return pots.body.items
      .filter((pot: { spentWon: number }) => pot.spentWon !== 0)
      .map((pot: { id: string; spentWon: number }) => ({ potId: pot.id, amountWon: pot.spentWon }))
      .sort((a: { potId: string }, b: { potId: string }) => a.potId.localeCompare(b.potId));
  }

  const sumOf = (rows: ReadonlyArray<{ amountWon: number }>) =>
    rows.reduce((sum, row) => sum + row.amountWon, 0);

  it('the overview counts order cashback and takes off returns and claw-backs, pot by pot as the budgets do', async () => {
    await t.platform.analytics.catchUp(tenantId);
    const budgets = await spentByPot();
    expect(sumOf(budgets)).toBe(7_000);
    const overview = (await operator.get(`/v1/operator/analytics/overview?${day}`)).body;
    expect(overview.cashback.totalWon).toBe(7_000);
    expect(overview.cashback.bySource.national + overview.cashback.bySource.city).toBe(7_000);
    expect(overview.cashback.byPot).toEqual(budgets);
  });

  it('the dashboard and its CSV say the same, by month and by pot, and a rebuild from zero gives them again', async () => {
    await t.platform.analytics.catchUp(tenantId);
    const budgets = await spentByPot();
    const read = async () => (await operator.get(`/v1/operator/analytics/dashboard?${day}`)).body;
    const dashboard = await read();
    expect(dashboard.byMonth).toEqual([
      expect.objectContaining({ month: '2021-05', spentWon: 100_000, cashbackWon: 7_000 }),
    ]);
    const byPot = new Map<string, number>();
    for (const row of dashboard.cashbackByPot as Array<{ potId: string; amountWon: number }>)
      byPot.set(row.potId, (byPot.get(row.potId) ?? 0) + row.amountWon);
    expect([...byPot].map(([potId, amountWon]) => ({ potId, amountWon }))).toEqual(budgets);
    const csv = await t.app.inject({
      method: 'GET',
      url: `/v1/operator/analytics/dashboard/cashbackByPot.csv?${day}`,
      headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${operator.token}` },
    });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('potId,source,amountWon');
    expect(lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[2]), 0)).toBe(7_000);

    await t.platform.analytics.rebuild(tenantId);
    await t.platform.analytics.catchUp(tenantId);
    expect(await read()).toEqual(dashboard);
  });

  it("takes the claw-back off the clawed member's month, as a cancellation's clawback is", async () => {
    await t.platform.analytics.catchUp(tenantId);
    const dashboard = (await operator.get(`/v1/operator/analytics/dashboard?${day}`)).body;
    // Two members paid ₩50,000 each at the till; one keeps ₩5,000, the other's was clawed back.
    const cashback = (dashboard.byDecile as Array<{ cashbackWon: number }>).map(
      (decile) => decile.cashbackWon,
    );
    expect(cashback.reduce((sum, won) => sum + won, 0)).toBe(5_000);
    expect(cashback.sort((a, b) => a - b)).toEqual([0, 5_000]);
  });
});
