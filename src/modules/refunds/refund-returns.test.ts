import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * Charged money that was out of the wallet at a paid refund (a transfer not yet accepted, an order
 * held or delivered, a payment) and comes back after it is charged money again, from the day it
 * came back; money received from other members never is; a refusal's text is true.
 */
describe.each(databaseKinds())('refunds of charged money that came back after a refund on %s', (kind) => {
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
    '010-7700',
  );

  async function send(from: ApiClient, to: ApiClient & { phone: string }, amountWon: number) {
    const sent = await from.post('/v1/me/transfers', { recipientPhone: to.phone, amountWon });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    return sent.body.transferId as string;
  }

  async function refund(client: ApiClient) {
    t.clock.advanceMs(MINUTE_MS);
    const answer = await client.post('/v1/me/refunds');
    t.clock.advanceMs(MINUTE_MS);
    return answer;
  }

  async function cashOf(client: ApiClient): Promise<number> {
    return (await client.get('/v1/me/wallet')).body.cashWon;
  }

  describe('a transfer the member sent that comes back', () => {
    it('is refunded after the sender cancels it (the QA case)', async () => {
      const citizen = await member(100_000);
      const friend = await member();
      const transferId = await send(citizen, friend, 30_000);
      const first = await refund(citizen);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ amountWon: 70_000, status: 'paid' });
      // Nothing came back yet: the 30,000 is still held for the friend.
      const early = await refund(citizen);
      expect(early.status).toBe(422);
      expect(early.body).toMatchObject({
        code: 'REFUND_NOT_ALLOWED',
        detail: 'there is no charged money to refund',
        rule: { code: 'NOTHING_TO_REFUND' },
      });
      expect((await citizen.post(`/v1/me/transfers/${transferId}/cancel`)).status).toBe(200);
      expect(await cashOf(citizen)).toBe(30_000);
      const second = await refund(citizen);
      expect(second.status, JSON.stringify(second.body)).toBe(201);
      expect(second.body).toMatchObject({
        amountWon: 30_000,
        status: 'paid',
        rule: { code: 'WITHIN_FULL_REFUND_WINDOW', daysSinceLastCharge: 0 },
      });
      expect(second.body.wallet).toMatchObject({ cashWon: 0 });
      // And nothing more: the 30,000 was refunded once.
      expect((await refund(citizen)).body).toMatchObject({ rule: { code: 'NOTHING_TO_REFUND' } });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('is charged again on the day it came back: declined on day 2, refunded in full on day 8', async () => {
      const citizen = await member(100_000);
      const friend = await member();
      const transferId = await send(citizen, friend, 30_000);
      expect((await refund(citizen)).body).toMatchObject({ amountWon: 70_000 });
      t.clock.advanceMs(2 * DAY_MS);
      expect((await friend.post(`/v1/me/transfers/${transferId}/decline`)).status).toBe(200);
      t.clock.advanceMs(6 * DAY_MS);
      // Eight days after the charge, six after the money came back.
      const refunded = await refund(citizen);
      expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
      expect(refunded.body).toMatchObject({
        amountWon: 30_000,
        rule: { code: 'WITHIN_FULL_REFUND_WINDOW', daysSinceLastCharge: 6 },
      });
      expect(refunded.body.rule.descriptionEn).toContain('came back');
    });

    it('after the window from its return, needs 60% used like any charged money, and says so truly', async () => {
      const citizen = await member(100_000);
      const friend = await member();
      const transferId = await send(citizen, friend, 30_000);
      expect((await refund(citizen)).body).toMatchObject({ amountWon: 70_000 });
      t.clock.advanceMs(HOUR_MS);
      expect((await friend.post(`/v1/me/transfers/${transferId}/decline`)).status).toBe(200);
      t.clock.advanceMs(8 * DAY_MS);
      const refused = await refund(citizen);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        code: 'REFUND_NOT_ALLOWED',
        rule: { code: 'USED_TOO_LITTLE', usedBp: 0, daysSinceLastCharge: 8 },
      });
      expect(refused.body.detail).toMatch(/^with nothing charged in the last 7 days/);
      // Spent at merchants, 60% of it is enough: the rest is refunded.
      const paid = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 18_000 });
      expect(paid.status).toBe(201);
      const refunded = await refund(citizen);
      expect(refunded.body).toMatchObject({
        amountWon: 12_000,
        rule: { code: 'USED_ENOUGH', usedBp: 6_000 },
      });
    });

    it('comes back when nobody accepts it in time', async () => {
      const citizen = await member(100_000);
      const friend = await member();
      await send(citizen, friend, 30_000);
      expect((await refund(citizen)).body).toMatchObject({ amountWon: 70_000 });
      t.clock.advanceMs(73 * HOUR_MS);
      expect(await t.platform.transfers.expireDue(tenantId)).toBe(1);
      const refunded = await refund(citizen);
      expect(refunded.body).toMatchObject({
        amountWon: 30_000,
        rule: { code: 'WITHIN_FULL_REFUND_WINDOW', daysSinceLastCharge: 0 },
      });
    });
  });

  describe('money received from other members', () => {
    it('received after a refund stays non-refundable, next to charged money that came back', async () => {
      const citizen = await member(100_000);
      const friend = await member(50_000);
      const stranger = await member();
      const transferId = await send(citizen, stranger, 30_000);
      expect((await refund(citizen)).body).toMatchObject({ amountWon: 70_000 });
      const gift = await send(friend, citizen, 20_000);
      expect((await citizen.post(`/v1/me/transfers/${gift}/accept`)).status).toBe(200);
      const refused = await refund(citizen);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        code: 'REFUND_NOT_ALLOWED',
        detail:
          'nothing has been charged since your last refund (charged money that came back to your cash counts as charged on the day it came back); money received from other members cannot be refunded',
        rule: { code: 'NOTHING_TO_REFUND', usedBp: 0, daysSinceLastCharge: 0 },
      });
      expect(await cashOf(citizen)).toBe(20_000);
      expect((await stranger.post(`/v1/me/transfers/${transferId}/decline`)).status).toBe(200);
      const refunded = await refund(citizen);
      expect(refunded.body).toMatchObject({ amountWon: 30_000, rule: { code: 'WITHIN_FULL_REFUND_WINDOW' } });
      expect(refunded.body.wallet).toMatchObject({ cashWon: 20_000 });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('received before a refund, sent on and come back after it, is still not charged money', async () => {
      const citizen = await member();
      const friend = await member(50_000);
      const stranger = await member();
      const gift = await send(friend, citizen, 50_000);
      expect((await citizen.post(`/v1/me/transfers/${gift}/accept`)).status).toBe(200);
      expect((await citizen.post('/v1/me/charges', { amountWon: 1_000 })).status).toBe(201);
      const passedOn = await send(citizen, stranger, 50_000);
      expect((await refund(citizen)).body).toMatchObject({ amountWon: 1_000 });
      expect((await stranger.post(`/v1/me/transfers/${passedOn}/decline`)).status).toBe(200);
      const refused = await refund(citizen);
      expect(refused.status).toBe(422);
      expect(refused.body.rule).toMatchObject({ code: 'NOTHING_TO_REFUND' });
      expect(await cashOf(citizen)).toBe(50_000);
    });

    it('a second refund right after the first is refused with a true message', async () => {
      const citizen = await member(100_000);
      const friend = await member(20_000);
      const gift = await send(friend, citizen, 20_000);
      expect((await citizen.post(`/v1/me/transfers/${gift}/accept`)).status).toBe(200);
      expect((await refund(citizen)).body).toMatchObject({ amountWon: 100_000 });
      const again = await refund(citizen);
      expect(again.status).toBe(422);
      expect(again.body).toMatchObject({
        code: 'REFUND_NOT_ALLOWED',
        rule: { code: 'NOTHING_TO_REFUND', usedBp: 0, daysSinceLastCharge: 0 },
      });
      expect(again.body.detail).toMatch(/^nothing has been charged since your last refund/);
      expect(again.body.detail).not.toMatch(/in the last 7 days/);
      expect(await cashOf(citizen)).toBe(20_000);
    });
  });

  describe('a payment made before the refund and cancelled after it', () => {
    it('is refunded (500k charged, 300k paid, 200k refunded, 300k cancelled)', async () => {
      const citizen = await member(500_000);
      const paid = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 300_000 });
      expect(paid.body.paidFrom).toMatchObject({ cashWon: 300_000 });
      expect((await refund(citizen)).body).toMatchObject({ amountWon: 200_000 });
      const cafe = await demoClient(t.app, tenantId, 'cafe');
      const cancelled = await cafe.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {});
      expect(cancelled.status).toBe(201);
      expect(await cashOf(citizen)).toBe(300_000);
      const refunded = await refund(citizen);
      expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
      expect(refunded.body).toMatchObject({
        amountWon: 300_000,
        rule: { code: 'WITHIN_FULL_REFUND_WINDOW', usedBp: 0, daysSinceLastCharge: 0 },
      });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('counts once: not as a use undone of the payments made since', async () => {
      const citizen = await member(300_000);
      const old = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 200_000 });
      expect((await refund(citizen)).body).toMatchObject({ amountWon: 100_000 });
      expect((await citizen.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
      const recent = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 60_000 });
      expect(recent.body.paidFrom).toMatchObject({ cashWon: 40_000, cashbackWon: 20_000 });
      const cafe = await demoClient(t.app, tenantId, 'cafe');
      expect((await cafe.post(`/v1/merchant/payments/${old.body.paymentId}/cancellations`, {})).status).toBe(
        201,
      );
      // The cancellation takes back the old payment's 20,000 cashback: 4,000 from cashback, 16,000 from cash.
      expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 244_000, cashbackWon: 0 });
      // Charged since the refund: 100,000, plus the 184,000 back; used: the 40,000 of cash paid since.
      const refunded = await refund(citizen);
      expect(refunded.body).toMatchObject({
        amountWon: 244_000,
        rule: { code: 'WITHIN_FULL_REFUND_WINDOW', usedBp: 1_408 },
      });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });
  });

  describe('an order', () => {
    let market: ApiClient;
    let appleId: string;

    beforeEach(async () => {
      const operator = await demoClient(t.app, tenantId, 'operator');
      market = await demoClient(t.app, tenantId, 'marketStore');
      expect(
        (
          await operator.request('POST', '/v1/operator/commerce/categories', {
            categoryId: 'food',
            name: '식품',
            nameEn: 'Food',
          })
        ).status,
      ).toBe(201);
      const listed = await market.request('POST', '/v1/merchant/products', {
        channel: 'mall',
        name: '부사 사과 5kg',
        priceWon: 30_000,
        stock: 10,
        categoryId: 'food',
      });
      expect(listed.status).toBe(201);
      appleId = listed.body.productId;
    });

    async function order(citizen: ApiClient, quantity: number): Promise<string> {
      const placed = await citizen.post('/v1/me/orders', { items: [{ productId: appleId, quantity }] });
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);
      return placed.body.orders[0].orderId;
    }

    it('held at the refund and cancelled after it is refunded', async () => {
      const citizen = await member(100_000);
      const orderId = await order(citizen, 1);
      expect((await refund(citizen)).body).toMatchObject({ amountWon: 70_000 });
      const cancelled = await citizen.post(`/v1/me/orders/${orderId}/cancellation`, { reason: '변심' });
      expect(cancelled.body).toMatchObject({ status: 'cancelled', heldWon: 0 });
      expect(await cashOf(citizen)).toBe(30_000);
      const refunded = await refund(citizen);
      expect(refunded.body).toMatchObject({
        amountWon: 30_000,
        rule: { code: 'WITHIN_FULL_REFUND_WINDOW', daysSinceLastCharge: 0 },
      });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('delivered before the refund and returned after it is refunded, less nothing the cashback covered', async () => {
      const citizen = await member(100_000);
      const orderId = await order(citizen, 2);
      await market.post(`/v1/merchant/orders/${orderId}/status`, {
        status: 'shipped',
        trackingNumber: 'T-1',
      });
      await market.post(`/v1/merchant/orders/${orderId}/status`, { status: 'delivered' });
      expect((await refund(citizen)).body).toMatchObject({ amountWon: 40_000 });
      expect((await citizen.post(`/v1/me/orders/${orderId}/cancellation`, { reason: '상함' })).status).toBe(
        200,
      );
      t.clock.advanceMs(3 * DAY_MS);
      const returned = await market.post(`/v1/merchant/orders/${orderId}/status`, { status: 'returned' });
      expect(returned.body.status).toBe('returned');
      expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 60_000, cashbackWon: 0 });
      t.clock.advanceMs(6 * DAY_MS);
      const refunded = await refund(citizen);
      expect(refunded.body).toMatchObject({
        amountWon: 60_000,
        rule: { code: 'WITHIN_FULL_REFUND_WINDOW', daysSinceLastCharge: 6 },
      });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });
  });
});
