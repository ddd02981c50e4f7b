import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

/**
 * A fraud freeze stops every way money leaves a frozen member or reaches a frozen shop: not only
 * payments, transfers and refunds, but mall and delivery orders (at checkout and at capture),
 * one-off donations and monthly gifts. A shop is told that its customer is frozen, never why.
 */
describe.each(databaseKinds())('a fraud freeze on every way money leaves on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let market: ApiClient;
  let restaurant: ApiClient;
  let freezeCount = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    // 12:00 KST: inside the demo's budget period and a lunch service.
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
      areas: ['둔산동'],
      minimumOrderWon: 0,
      deliveryFeeWon: 0,
      opensAt: '10:00',
      closesAt: '22:00',
    });
    expect(terms.status).toBe(200);
  });

  const member = memberMaker(
    () => t.app,
    () => tenantId,
    '010-7720',
  );

  async function list(merchant: ApiClient, product: Record<string, unknown>): Promise<string> {
    const created = await merchant.request('POST', '/v1/merchant/products', product);
    expect(created.status).toBe(201);
    return created.body.productId as string;
  }
  const apples = { channel: 'mall', name: '사과 5kg', priceWon: 30_000, stock: 10, categoryId: 'food' };
  const gukbap = { channel: 'delivery', name: '돼지국밥', priceWon: 9_000, categoryId: 'meals' };

  async function freeze(kindOfParty: 'member' | 'merchant' | 'settlement', partyId: string): Promise<string> {
    freezeCount += 1;
    const id = `frz-reach-${freezeCount}`;
    await t.platform.db.query(
      `insert into fraud_freezes (tenant_id, id, kind, party_id, case_id, reason, status, created_by, created_at)
       values ($1, $2, $3, $4, 'fcase-reach', '되돌려 보내기 반복', 'active', 'test', $5)`,
      [tenantId, id, kindOfParty, partyId, t.clock.now()],
    );
    return id;
  }
  const memberIdOf = async (client: ApiClient) => (await client.get('/v1/me')).body.memberId as string;
  const wallet = async (client: ApiClient) => (await client.get('/v1/me/wallet')).body;

  async function charity(): Promise<string> {
    const created = await operator.request('POST', '/v1/operator/charities', {
      name: '대전 사랑의열매',
      registrationNumber: '305-82-01234',
      bankAccount: { bankCode: 'SANDBOX', accountNumber: '100-200-300' },
      description: '사회복지공동모금회 대전지회',
    });
    expect(created.status).toBe(201);
    return created.body.charityId as string;
  }

  function expectFrozen(response: { status: number; body: Record<string, unknown> }) {
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('ACCOUNT_FROZEN');
  }

  it('refuses a frozen member’s mall and delivery orders and donations, moving and listing nothing', async () => {
    const appleId = await list(market, apples);
    const soupId = await list(restaurant, gukbap);
    const charityId = await charity();
    const buyer = await member(100_000);
    await freeze('member', await memberIdOf(buyer));
    const before = await wallet(buyer);

    expectFrozen(await buyer.post('/v1/me/orders', { items: [{ productId: appleId, quantity: 1 }] }));
    expectFrozen(
      await buyer.post('/v1/me/orders', {
        items: [{ productId: soupId, quantity: 2 }],
        deliveryDong: '둔산동',
      }),
    );
    const refusedOrder = await buyer.post('/v1/me/orders', { items: [{ productId: appleId, quantity: 1 }] });
    expect((refusedOrder.body.messages as { en: string }).en).toContain('Your account is frozen');
    expectFrozen(await buyer.post('/v1/me/donations', { charityId, amountWon: 5_000, source: 'cash' }));
    expectFrozen(
      await buyer.post('/v1/me/donations', { charityId, amountWon: 5_000, source: 'cash', monthlyDay: 20 }),
    );

    expect(await wallet(buyer)).toEqual(before);
    expect((await buyer.get('/v1/me/orders')).body.items).toEqual([]);
    expect((await buyer.get('/v1/me/donations')).body.items).toEqual([]);
    expect((await market.get(`/v1/shop/products/${appleId}`)).body.stock).toBe(10);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses a whole cart when one of its shops is frozen, and takes it once the freeze is released', async () => {
    const appleId = await list(market, apples);
    const soupId = await list(restaurant, gukbap);
    const buyer = await member(100_000);
    const soup = await restaurant.get(`/v1/shop/products/${soupId}`);
    const freezeId = await freeze('merchant', soup.body.merchantId as string);
    const cart = {
      items: [
        { productId: appleId, quantity: 1 },
        { productId: soupId, quantity: 1 },
      ],
      deliveryDong: '둔산동',
    };
    const refused = await buyer.post('/v1/me/orders', cart);
    expectFrozen(refused);
    // The buyer learns the shop cannot take payments, not the shop's case or its reason.
    expect((refused.body.messages as { en: string }).en).toContain('This shop cannot take payments');
    expect(JSON.stringify(refused.body)).not.toMatch(/fcase-reach|되돌려 보내기/);
    expect(await wallet(buyer)).toMatchObject({ cashWon: 100_000 });
    expect((await buyer.get('/v1/me/orders')).body.items).toEqual([]);
    expect((await market.get(`/v1/shop/products/${appleId}`)).body.stock).toBe(10);

    await t.platform.fraud.release(tenantId, 'test-operator', freezeId, '오탐');
    const placed = await buyer.post('/v1/me/orders', cart);
    expect(placed.status).toBe(201);
    expect(await wallet(buyer)).toMatchObject({ cashWon: 100_000 - 30_000 - 9_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('stops the capture of an order placed before the freeze; the shop learns no case, and a rejection returns the money', async () => {
    const soupId = await list(restaurant, gukbap);
    const appleId = await list(market, apples);
    const buyer = await member(100_000);
    const delivery = await buyer.post('/v1/me/orders', {
      items: [{ productId: soupId, quantity: 2 }],
      deliveryDong: '둔산동',
    });
    const mall = await buyer.post('/v1/me/orders', { items: [{ productId: appleId, quantity: 1 }] });
    expect([delivery.status, mall.status]).toEqual([201, 201]);
    expect(await wallet(buyer)).toMatchObject({ cashWon: 100_000 - 18_000 - 30_000 });
    await freeze('member', await memberIdOf(buyer));

    const deliveryId = delivery.body.orders[0].orderId as string;
    const mallId = mall.body.orders[0].orderId as string;
    const accepted = await restaurant.post(`/v1/merchant/orders/${deliveryId}/accept`);
    const shipped = await market.post(`/v1/merchant/orders/${mallId}/status`, {
      status: 'shipped',
      trackingNumber: 'CJ-1',
    });
    for (const refused of [accepted, shipped]) {
      expectFrozen(refused);
      const text = JSON.stringify(refused.body);
      expect(text).toContain("The customer's account is frozen");
      expect(text).toContain('고객 계정');
      expect(text).not.toContain('fcase-reach');
      expect(text).not.toContain('되돌려 보내기');
    }
    expect((await buyer.get(`/v1/me/orders/${deliveryId}`)).body.status).toBe('placed');
    expect((await buyer.get(`/v1/me/orders/${mallId}`)).body.status).toBe('placed');

    expect(
      (await restaurant.post(`/v1/merchant/orders/${deliveryId}/reject`, { reason: '정지' })).status,
    ).toBe(200);
    expect((await market.post(`/v1/merchant/orders/${mallId}/reject`, { reason: '정지' })).status).toBe(200);
    expect(await wallet(buyer)).toMatchObject({ cashWon: 100_000, cashbackWon: 0 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('tells a shop collecting a frozen customer’s payment code that the customer is frozen, not why', async () => {
    const buyer = await member(50_000);
    const { code } = (await buyer.request('POST', '/v1/me/payment-codes')).body;
    await freeze('member', await memberIdOf(buyer));
    const refused = await market.post('/v1/merchant/payments', { code, amountWon: 10_000 });
    expectFrozen(refused);
    const text = JSON.stringify(refused.body);
    expect(text).toContain("The customer's account is frozen");
    expect(text).not.toContain('fcase-reach');
    expect(text).not.toContain('되돌려 보내기');
    expect(await wallet(buyer)).toMatchObject({ cashWon: 50_000 });
  });

  it('refuses a frozen member a payment code as their own payment is refused, and issues one once released', async () => {
    const buyer = await member(50_000);
    const memberId = await memberIdOf(buyer);
    const freezeId = await freeze('member', memberId);
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'marketStore');
    const payment = await buyer.post('/v1/me/payments', { merchantCode, amountWon: 10_000 });
    expectFrozen(payment);
    const preview = await buyer.get(`/v1/me/payment-preview?merchantCode=${merchantCode}&amountWon=10000`);
    expectFrozen(preview);
    expect(preview.body.messages).toEqual(payment.body.messages);
    const issued = await buyer.request('POST', '/v1/me/payment-codes');
    expectFrozen(issued);
    const { code, messages, freezeId: refusedFreeze, caseId, kind: party, reason } = issued.body;
    expect({ code, messages, freezeId: refusedFreeze, caseId, kind: party, reason }).toEqual({
      code: payment.body.code,
      messages: payment.body.messages,
      freezeId,
      caseId: 'fcase-reach',
      kind: 'member',
      reason: '되돌려 보내기 반복',
    });
    const [stored] = await t.platform.db.query<{ n: number }>(
      'select count(*)::int as n from payment_codes where tenant_id = $1 and member_id = $2',
      [tenantId, memberId],
    );
    expect(stored?.n).toBe(0);

    await t.platform.fraud.release(tenantId, 'test-operator', freezeId, '오탐');
    const released = await buyer.request('POST', '/v1/me/payment-codes');
    expect(released.status).toBe(201);
    expect(
      (await market.post('/v1/merchant/payments', { code: released.body.code, amountWon: 10_000 })).status,
    ).toBe(201);
    expect(await wallet(buyer)).toMatchObject({ cashWon: 40_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('fails a frozen donor’s monthly gift as ACCOUNT_FROZEN, gives nothing, and gives once the freeze is released', async () => {
    const charityId = await charity();
    const donor = await member(100_000);
    const started = await donor.post('/v1/me/donations', {
      charityId,
      amountWon: 10_000,
      source: 'cash',
      monthlyDay: 20,
    });
    expect(started.status).toBe(201);
    const freezeId = await freeze('member', await memberIdOf(donor));

    t.clock.set('2021-05-20T03:00:00Z');
    await t.platform.giving.runMonthlyGifts(tenantId, t.clock.now());
    expect(await wallet(donor)).toMatchObject({ cashWon: 100_000 });
    const giving = (await donor.get('/v1/me/donations')).body;
    expect(giving.items).toEqual([]);
    expect(giving.monthlyGifts[0].lastFailure).toMatchObject({ month: '2021-05', code: 'ACCOUNT_FROZEN' });

    await t.platform.fraud.release(tenantId, 'test-operator', freezeId, '오탐');
    t.clock.set('2021-05-21T03:00:00Z');
    await t.platform.giving.runMonthlyGifts(tenantId, t.clock.now());
    await t.platform.giving.runMonthlyGifts(tenantId, t.clock.now());
    expect(await wallet(donor)).toMatchObject({ cashWon: 90_000 });
    expect((await donor.get('/v1/me/donations')).body.items).toHaveLength(1);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
  it('stops a transfer sent before the sender was frozen from being accepted; the recipient learns no case', async () => {
    const sender = await member(100_000);
    const recipient = await member(0);
    const sent = await sender.post('/v1/me/transfers', {
      recipientPhone: recipient.phone,
      amountWon: 50_000,
    });
    expect(sent.status).toBe(201);
    const transferId = sent.body.transferId as string;
    const freezeId = await freeze('member', await memberIdOf(sender));

    const refused = await recipient.post(`/v1/me/transfers/${transferId}/accept`);
    expectFrozen(refused);
    const text = JSON.stringify(refused.body);
    expect(text).toContain("The sender's account cannot send money");
    expect(text).not.toMatch(/fcase-reach|되돌려 보내기|frz-reach/);
    expect(await wallet(recipient)).toMatchObject({ cashWon: 0 });
    expect(await wallet(sender)).toMatchObject({ cashWon: 50_000 });
    const outgoing = (await sender.get('/v1/me/transfers?direction=outgoing')).body.items;
    expect(outgoing.find((item: { transferId: string }) => item.transferId === transferId)).toMatchObject({
      status: 'pending',
    });

    await t.platform.fraud.release(tenantId, 'test-operator', freezeId, '오탐');
    expect((await recipient.post(`/v1/me/transfers/${transferId}/accept`)).status).toBe(200);
    expect(await wallet(recipient)).toMatchObject({ cashWon: 50_000 });
    expect(await wallet(sender)).toMatchObject({ cashWon: 50_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('lets a frozen sender’s recipient decline, and the money goes back to the sender', async () => {
    const sender = await member(100_000);
    const recipient = await member(0);
    const sent = await sender.post('/v1/me/transfers', {
      recipientPhone: recipient.phone,
      amountWon: 30_000,
    });
    await freeze('member', await memberIdOf(sender));
    expect((await recipient.post(`/v1/me/transfers/${sent.body.transferId}/decline`)).status).toBe(200);
    expect(await wallet(sender)).toMatchObject({ cashWon: 100_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('tells a customer at a frozen shop only that it cannot take payments', async () => {
    const buyer = await member(50_000);
    const { merchantCode, merchantId } = await demoMerchantCode(t.platform, tenantId, 'marketStore');
    await freeze('merchant', merchantId);
    const preview = await buyer.get(`/v1/me/payment-preview?merchantCode=${merchantCode}&amountWon=10000`);
    const refused = await buyer.post('/v1/me/payments', { merchantCode, amountWon: 10_000 });
    expectFrozen(preview);
    expectFrozen(refused);
    expect(preview.body.messages).toEqual(refused.body.messages);
    const text = JSON.stringify(refused.body);
    expect(text).toContain('This shop cannot take payments');
    expect(text).toContain('이 가맹점은 지금 결제를 받을 수 없습니다');
    expect(text).not.toMatch(/fcase-reach|되돌려 보내기|frz-reach/);
    const shopView = await market.get('/v1/me/freezes');
    expect(JSON.stringify(shopView.body)).toContain('fcase-reach');
    expect(await wallet(buyer)).toMatchObject({ cashWon: 50_000 });
  });

  it('tells a shop whose payouts alone are held that payments are still taken', async () => {
    const buyer = await member(50_000);
    const { merchantCode, merchantId } = await demoMerchantCode(t.platform, tenantId, 'marketStore');
    await freeze('settlement', merchantId);
    const [held] = (await market.get('/v1/me/freezes')).body.items;
    expect(held).toMatchObject({ kind: 'settlement', caseId: 'fcase-reach' });
    expect(held.message.en).toContain('settlement payouts are held');
    expect(held.message.en).toContain('Payments are still taken');
    expect(held.message.en).not.toContain('Payments (shop orders included), transfers');
    expect(held.message.ko).toContain('결제는 계속 받을 수 있고');
    expect((await buyer.post('/v1/me/payments', { merchantCode, amountWon: 10_000 })).status).toBe(201);
  });
});
