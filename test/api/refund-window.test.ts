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

const DAY_MS = 86_400_000;

/**
 * Issue 10, item 8: the 7-day full-refund window covers only money charged within it, and only
 * money paid to merchants counts as used for the 60% rule (transfers sent away do not).
 */
describe.each(databaseKinds())('the refund window and what counts as used on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let cafeCode: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    cafeCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
  });

  const member = memberMaker(
    () => t.app,
    () => tenantId,
    '010-7600',
  );

  async function transfer(from: ApiClient, to: ApiClient & { phone: string }, amountWon: number) {
    const sent = await from.post('/v1/me/transfers', { recipientPhone: to.phone, amountWon });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect((await to.post(`/v1/me/transfers/${sent.body.transferId}/accept`)).status).toBe(200);
  }

  it('refunds only the ₩1 charged, not ₩50,000 received by transfer before it', async () => {
    const sender = await member(50_000);
    const receiver = await member();
    await transfer(sender, receiver, 50_000);
    expect((await receiver.post('/v1/me/charges', { amountWon: 1 })).status).toBe(201);
    const refund = await receiver.post('/v1/me/refunds');
    expect(refund.body).toMatchObject({ amountWon: 1, rule: { code: 'WITHIN_FULL_REFUND_WINDOW' } });
    expect(refund.body.wallet).toMatchObject({ cashWon: 50_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('does not count money sent away by transfer as used', async () => {
    const citizen = await member(100_000);
    const accomplice = await member();
    await transfer(citizen, accomplice, 70_000);
    t.clock.advanceMs(8 * DAY_MS);
    const refused = await citizen.post('/v1/me/refunds');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'REFUND_NOT_ALLOWED',
      rule: { code: 'USED_TOO_LITTLE', usedBp: 0 },
    });
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 30_000 });
  });

  it('after spending 60% at merchants refunds the charged money not used, not money received', async () => {
    const citizen = await member(100_000);
    const friend = await member(20_000);
    await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 60_000 });
    await transfer(friend, citizen, 20_000);
    t.clock.advanceMs(8 * DAY_MS);
    const refund = await citizen.post('/v1/me/refunds');
    expect(refund.body).toMatchObject({ amountWon: 40_000, rule: { code: 'USED_ENOUGH', usedBp: 6_000 } });
    expect(refund.body.wallet).toMatchObject({ cashWon: 20_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('does not reopen the window for older charges with a new small charge', async () => {
    const citizen = await member(100_000);
    t.clock.advanceMs(8 * DAY_MS);
    expect((await citizen.post('/v1/me/charges', { amountWon: 1_000 })).status).toBe(201);
    const refund = await citizen.post('/v1/me/refunds');
    expect(refund.body).toMatchObject({ amountWon: 1_000, rule: { code: 'WITHIN_FULL_REFUND_WINDOW' } });
    expect(refund.body.wallet).toMatchObject({ cashWon: 100_000 });
  });

  it('counts a cancelled payment as not used', async () => {
    const citizen = await member(100_000);
    const paid = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 60_000 });
    const cafe = await demoClient(t.app, tenantId, 'cafe');
    expect((await cafe.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {})).status).toBe(
      201,
    );
    t.clock.advanceMs(8 * DAY_MS);
    const refused = await citizen.post('/v1/me/refunds');
    expect(refused.body).toMatchObject({
      code: 'REFUND_NOT_ALLOWED',
      rule: { code: 'USED_TOO_LITTLE', usedBp: 0 },
    });
  });
  it('previews exactly what the refund then pays or refuses, and moves nothing', async () => {
    const sender = await member(50_000);
    const receiver = await member();
    await transfer(sender, receiver, 50_000);
    expect((await receiver.post('/v1/me/charges', { amountWon: 5_000 })).status).toBe(201);
    const walletBefore = (await receiver.get('/v1/me/wallet')).body;
    const preview = await receiver.get('/v1/me/refund-preview');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      allowed: true,
      amountWon: 5_000,
      rule: { code: 'WITHIN_FULL_REFUND_WINDOW' },
    });
    expect((await receiver.get('/v1/me/wallet')).body).toEqual(walletBefore);
    const refund = await receiver.post('/v1/me/refunds');
    expect(refund.body).toMatchObject({ amountWon: preview.body.amountWon, rule: preview.body.rule });

    const spender = await member(100_000);
    await spender.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 10_000 });
    t.clock.advanceMs(8 * DAY_MS);
    const refusedPreview = await spender.get('/v1/me/refund-preview');
    expect(refusedPreview.body).toEqual({
      allowed: false,
      amountWon: 0,
      rule: expect.objectContaining({ code: 'USED_TOO_LITTLE', usedBp: 1_000 }),
    });
    const refused = await spender.post('/v1/me/refunds');
    expect(refused.status).toBe(422);
    expect(refused.body.rule).toEqual(refusedPreview.body.rule);
    expect(await receiver.get('/v1/me/refund-preview')).toMatchObject({
      body: { allowed: false, amountWon: 0, rule: { code: 'NOTHING_TO_REFUND' } },
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses a frozen member’s refund preview as the refund is refused', async () => {
    const citizen = await member(10_000);
    const memberId = (await citizen.get('/v1/me')).body.memberId as string;
    await t.platform.db.query(
      `insert into fraud_freezes (tenant_id, id, kind, party_id, case_id, reason, status, created_by, created_at)
       values ($1, 'frz-refund-preview', 'member', $2, 'fcase-rp', '시험', 'active', 'test', $3)`,
      [tenantId, memberId, t.clock.now()],
    );
    const preview = await citizen.get('/v1/me/refund-preview');
    expect(preview.status).toBe(403);
    expect(preview.body.code).toBe('ACCOUNT_FROZEN');
  });
  /** A mall order of `amountWon` at the market, shipped (so captured); its order id. */
  async function mallOrder(buyer: ApiClient, amountWon: number): Promise<string> {
    const operator = await demoClient(t.app, tenantId, 'operator');
    const market = await demoClient(t.app, tenantId, 'marketStore');
    await operator.post('/v1/operator/commerce/categories', {
      categoryId: 'food',
      name: '식품',
      nameEn: 'Food',
    });
    const product = await market.post('/v1/merchant/products', {
      channel: 'mall',
      name: `사과 ${amountWon}`,
      priceWon: amountWon,
      stock: 5,
      categoryId: 'food',
    });
    expect(product.status).toBe(201);
    const placed = await buyer.post('/v1/me/orders', {
      items: [{ productId: product.body.productId, quantity: 1 }],
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const orderId = placed.body.orders[0].orderId as string;
    const shipped = await market.post(`/v1/merchant/orders/${orderId}/status`, {
      status: 'shipped',
      trackingNumber: 'CJ-1',
    });
    expect(shipped.status).toBe(200);
    return orderId;
  }

  it('counts cash paid to shops by mall orders as used, like payments at the till', async () => {
    const citizen = await member(100_000);
    await mallOrder(citizen, 70_000);
    t.clock.advanceMs(8 * DAY_MS);
    const preview = await citizen.get('/v1/me/refund-preview');
    expect(preview.body).toMatchObject({
      allowed: true,
      amountWon: 30_000,
      rule: { code: 'USED_ENOUGH', usedBp: 7_000 },
    });
    const refund = await citizen.post('/v1/me/refunds');
    expect(refund.body).toMatchObject({ amountWon: 30_000, rule: { code: 'USED_ENOUGH', usedBp: 7_000 } });
    expect(refund.body.wallet).toMatchObject({ cashWon: 0 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('does not count a returned mall order as used', async () => {
    const citizen = await member(100_000);
    const orderId = await mallOrder(citizen, 70_000);
    const market = await demoClient(t.app, tenantId, 'marketStore');
    await market.post(`/v1/merchant/orders/${orderId}/status`, { status: 'delivered' });
    expect((await citizen.post(`/v1/me/orders/${orderId}/cancellation`, { reason: '상함' })).status).toBe(
      200,
    );
    const returned = await market.post(`/v1/merchant/orders/${orderId}/status`, { status: 'returned' });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    t.clock.advanceMs(8 * DAY_MS);
    const refused = await citizen.post('/v1/me/refunds');
    expect(refused.body).toMatchObject({
      code: 'REFUND_NOT_ALLOWED',
      rule: { code: 'USED_TOO_LITTLE', usedBp: 0 },
    });
  });
});
