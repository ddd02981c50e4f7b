import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { sendTogetherOnOneKey } from '../../../test/support/idempotency-keys.js';
import {
  ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  TEST_RESPONSE_CHECK,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { loadConfig } from '../../config.js';
import { buildApp } from '../../http/app.js';
import { createPlatform } from '../../platform.js';
import { canonicalJson, sha256Hex } from '../ledger/hashing.js';

describe.each(databaseKinds())('charging and paying on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let phoneCount = 0;
  let market: { merchantId: string; merchantCode: string };
  let cafe: { merchantId: string; merchantCode: string };
  let bookstore: { merchantId: string; merchantCode: string };

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    market = await demoMerchantCode(t.platform, tenantId, 'marketStore');
    cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
    bookstore = await demoMerchantCode(t.platform, tenantId, 'bookstore');
  });

  async function member(): Promise<ApiClient> {
    phoneCount += 1;
    return newMember(t.app, tenantId, `010-5555-${String(phoneCount).padStart(4, '0')}`);
  }

  async function charged(amountWon: number): Promise<ApiClient> {
    const client = await member();
    const charge = await client.post('/v1/me/charges', { amountWon });
    expect(charge.status).toBe(201);
    return client;
  }

  it('charges ₩100,000 and pays ₩100,000 from cash at a traditional-market store, earning ₩13,000', async () => {
    const citizen = await charged(100_000);
    const paid = await citizen.post('/v1/me/payments', {
      merchantCode: market.merchantCode,
      amountWon: 100_000,
    });
    expect(paid.status).toBe(201);
    expect(paid.body.paidFrom).toEqual({ grantWon: 0, cashbackWon: 0, cashWon: 100_000 });
    expect(paid.body.cashback.amountWon).toBe(13_000);
    expect(paid.body.cashback.rules.map((rule: { amountWon: number }) => rule.amountWon)).toEqual([
      10_000, 3_000,
    ]);
    expect(paid.body.wallet).toMatchObject({ cashWon: 0, cashbackWon: 13_000, totalWon: 13_000 });
    expect(paid.body.wallet.month).toMatchObject({
      chargedWon: 100_000,
      eligibleSpendWon: 100_000,
      cashbackWon: 13_000,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('spends cashback before cash, and earns cashback only on the cash part', async () => {
    const citizen = await charged(100_000);
    await citizen.post('/v1/me/payments', { merchantCode: cafe.merchantCode, amountWon: 50_000 });
    const second = await citizen.post('/v1/me/payments', {
      merchantCode: cafe.merchantCode,
      amountWon: 20_000,
    });
    expect(second.body.paidFrom).toEqual({ grantWon: 0, cashbackWon: 5_000, cashWon: 15_000 });
    expect(second.body.cashback.amountWon).toBe(1_500);
    expect(second.body.wallet).toMatchObject({ cashWon: 35_000, cashbackWon: 1_500 });
  });

  it('pays bookstore cashback at 20% in total', async () => {
    const citizen = await charged(50_000);
    const paid = await citizen.post('/v1/me/payments', {
      merchantCode: bookstore.merchantCode,
      amountWon: 30_000,
    });
    expect(paid.body.cashback.amountWon).toBe(6_000);
    // 20% of 12,345 is 2,469: rounded down once, not as two 10% lines of 1,234 each.
    const other = await charged(50_000);
    const preview = await other.get(
      `/v1/me/payment-preview?merchantCode=${bookstore.merchantCode}&amountWon=12345`,
    );
    expect(preview.body.expectedCashbackWon).toBe(2_469);
    const odd = await other.post('/v1/me/payments', {
      merchantCode: bookstore.merchantCode,
      amountWon: 12_345,
    });
    expect(odd.body.cashback.amountWon).toBe(2_469);
    expect(odd.body.cashback.rules.map((line: { amountWon: number }) => line.amountWon)).toEqual([
      1_234, 1_235,
    ]);
  });

  it('earns cashback only up to the monthly eligible cap, across payments and a month boundary', async () => {
    t.clock.set('2021-04-30T03:00:00Z');
    const citizen = await member();
    expect((await citizen.post('/v1/me/charges', { amountWon: 300_000 })).status).toBe(201);
    t.clock.set('2021-05-13T03:00:00Z');
    expect((await citizen.post('/v1/me/charges', { amountWon: 500_000 })).status).toBe(201);
    const pay = (amountWon: number) =>
      citizen.post('/v1/me/payments', { merchantCode: cafe.merchantCode, amountWon });

    expect((await pay(300_000)).body.cashback.amountWon).toBe(30_000);
    const second = await pay(180_000);
    expect(second.body.paidFrom).toEqual({ grantWon: 0, cashbackWon: 30_000, cashWon: 150_000 });
    expect(second.body.cashback.amountWon).toBe(15_000);
    const third = await pay(115_000);
    expect(third.body.paidFrom).toEqual({ grantWon: 0, cashbackWon: 15_000, cashWon: 100_000 });
    expect(third.body.cashback.amountWon).toBe(5_000);
    expect(third.body.cashback.limitedBy).toContain('MONTHLY_CAP_REACHED');
    expect(third.body.wallet.month).toMatchObject({
      eligibleSpendWon: 500_000,
      eligibleCapWon: 500_000,
      cashbackWon: 50_000,
    });
    expect((await citizen.post('/v1/me/charges', { amountWon: 10_000 })).body.code).toBe(
      'MONTHLY_CHARGE_CAP_EXCEEDED',
    );

    t.clock.set('2021-05-31T14:59:59Z');
    const lastSecondOfMay = await pay(20_000);
    expect(lastSecondOfMay.body.paidFrom.cashWon).toBe(15_000);
    expect(lastSecondOfMay.body.cashback.amountWon).toBe(0);

    t.clock.set('2021-05-31T15:00:00Z');
    const june = await pay(10_000);
    expect(june.body.paidFrom.cashWon).toBe(10_000);
    expect(june.body.cashback.amountWon).toBe(1_000);
    expect(june.body.wallet.month).toMatchObject({
      month: '2021-06',
      chargedWon: 0,
      eligibleSpendWon: 10_000,
    });
    expect(june.body.wallet).toMatchObject({ cashWon: 225_000, cashbackWon: 1_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses a charge over the monthly cap, stating the allowance left, and charges nothing', async () => {
    const citizen = await charged(450_000);
    const over = await citizen.post('/v1/me/charges', { amountWon: 60_000 });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({
      code: 'MONTHLY_CHARGE_CAP_EXCEEDED',
      capWon: 500_000,
      remainingWon: 50_000,
    });
    const wallet = await citizen.get('/v1/me/wallet');
    expect(wallet.body).toMatchObject({
      cashWon: 450_000,
      month: { chargedWon: 450_000, chargeCapWon: 500_000 },
    });
  });

  it('applies the April 2021 cap change: ₩1,000,000 in March, ₩500,000 from April (KST)', async () => {
    t.clock.set('2021-03-31T14:00:00Z');
    const citizen = await member();
    expect((await citizen.get('/v1/me/wallet')).body.month.chargeCapWon).toBe(1_000_000);
    t.clock.set('2021-03-31T15:00:00Z');
    expect((await citizen.get('/v1/me/wallet')).body.month.chargeCapWon).toBe(500_000);
  });

  it('refuses a charge over the holding cap of ₩2,000,000', async () => {
    const citizen = await charged(500_000);
    for (const month of ['2021-06-01T00:00:00Z', '2021-07-01T00:00:00Z', '2021-08-01T00:00:00Z']) {
      t.clock.set(month);
      expect((await citizen.post('/v1/me/charges', { amountWon: 500_000 })).status).toBe(201);
    }
    t.clock.set('2021-09-01T00:00:00Z');
    const over = await citizen.post('/v1/me/charges', { amountWon: 1 });
    expect(over.body).toMatchObject({ code: 'HOLDING_CAP_EXCEEDED', remainingWon: 0 });
  });

  it('refuses a payment beyond the balance and moves nothing', async () => {
    const citizen = await charged(10_000);
    const refused = await citizen.post('/v1/me/payments', {
      merchantCode: cafe.merchantCode,
      amountWon: 10_001,
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_FUNDS', shortfallWon: 1 });
    expect((await citizen.get('/v1/me/wallet')).body.cashWon).toBe(10_000);
  });

  it('returns the same payment for the same Idempotency-Key and moves money once', async () => {
    const citizen = await charged(100_000);
    const body = { merchantCode: cafe.merchantCode, amountWon: 40_000 };
    const first = await citizen.post('/v1/me/payments', body, 'lunch-1');
    const again = await citizen.post('/v1/me/payments', body, 'lunch-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.paymentId).toBe(first.body.paymentId);
    const conflict = await citizen.post('/v1/me/payments', { ...body, amountWon: 40_001 }, 'lunch-1');
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await citizen.get('/v1/me/wallet')).body.cashWon).toBe(60_000);
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () =>
        citizen.post('/v1/me/payments', { ...body, amountWon: 1_000 }, 'coffee-9'),
      ),
    );
    expect(concurrent.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(concurrent.map((response) => response.body.paymentId)).size).toBe(1);
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 60_000, cashbackWon: 3_000 });
  });

  it('replays a receipt exactly as first answered, after the wallet has moved on', async () => {
    const citizen = await charged(100_000);
    const body = { merchantCode: market.merchantCode, amountWon: 30_000 };
    const first = await citizen.post('/v1/me/payments', body, 'receipt-1');
    expect(first.status).toBe(201);
    const later = await citizen.post('/v1/me/payments', { ...body, amountWon: 5_000 }, 'receipt-2');
    expect(later.body.wallet.cashWon).not.toBe(first.body.wallet.cashWon);
    const again = await citizen.post('/v1/me/payments', body, 'receipt-1');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    expect(again.body.wallet).toMatchObject({ cashWon: 70_000, cashbackWon: 3_900 });
  });

  it('replays a payment answered before migration 804, whose receipt is in idempotency_keys', async () => {
    const citizen = await charged(50_000);
    const memberId = (await citizen.get('/v1/me')).body.memberId as string;
    const body = { merchantCode: cafe.merchantCode, amountWon: 20_000 };
    const requestHash = sha256Hex(canonicalJson({ method: 'POST', url: '/v1/me/payments', body }));
    // A receipt of the route's shape, as the batch stored it before 804 (its own row in idempotency_keys).
    const template = await citizen.post('/v1/me/payments', { ...body, amountWon: 1_000 }, 'template');
    const storedReceipt = { ...template.body, paymentId: 'pay_before804', amountWon: 20_000 };
    await t.db.query(
      `insert into idempotency_keys (tenant_id, principal_id, key, request_hash, status_code, response, created_at)
       values ($1, $2, 'before-804', $3, 201, $4, now())`,
      [tenantId, memberId, requestHash, JSON.stringify(storedReceipt)],
    );
    const replayed = await citizen.post('/v1/me/payments', body, 'before-804');
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(storedReceipt);
    const changed = await citizen.post('/v1/me/payments', { ...body, amountWon: 2_000 }, 'before-804');
    expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await citizen.get('/v1/me/wallet')).body.cashWon).toBe(49_000);
  });

  it('keeps one Idempotency-Key to one request across payments and transfers', async () => {
    const payer = await charged(100_000);
    const recipientPhone = '010-5554-0001';
    await newMember(t.app, tenantId, recipientPhone);
    const pay = { merchantCode: cafe.merchantCode, amountWon: 10_000 };
    const send = { recipientPhone, amountWon: 10_000 };
    expect((await payer.post('/v1/me/payments', pay, 'shared-1')).status).toBe(201);
    const sentOnPaymentKey = await payer.post('/v1/me/transfers', send, 'shared-1');
    expect(sentOnPaymentKey.status).toBe(409);
    expect(sentOnPaymentKey.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await payer.post('/v1/me/transfers', send, 'shared-2')).status).toBe(201);
    const paidOnTransferKey = await payer.post('/v1/me/payments', pay, 'shared-2');
    expect(paidOnTransferKey.status).toBe(409);
    expect(paidOnTransferKey.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // One payment and one transfer moved money: 100,000 − 10,000 − 10,000 (cashback 1,000 kept aside).
    expect((await payer.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 80_000, cashbackWon: 1_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  // PostgreSQL only: on the embedded database one connection runs one transaction at a time.
  it.skipIf(kind !== 'postgres')(
    'keeps one key to one request when a payment and a transfer with it arrive together',
    async () => {
      const payer = await charged(100_000);
      const memberId = (await payer.get('/v1/me')).body.memberId as string;
      const recipientPhone = '010-5554-0002';
      await newMember(t.app, tenantId, recipientPhone);
      const pay = { merchantCode: cafe.merchantCode, amountWon: 10_000 };
      const send = { recipientPhone, amountWon: 10_000 };
      for (const round of [1, 2, 3]) {
        const key = `together-${round}`;
        const answers = await sendTogetherOnOneKey(t.db, { tenantId, principalId: memberId, key }, () => [
          payer.post('/v1/me/payments', pay, key),
          payer.post('/v1/me/transfers', send, key),
        ]);
        const statuses = answers.map((answer) => answer.status).sort();
        expect(statuses).toEqual([201, 409]);
        expect(answers.find((answer) => answer.status === 409)?.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      }
      // One request a round moved money: three lines of ₩10,000 in the history, beside the charge.
      const history = (await payer.get('/v1/me/transactions')).body.items as Array<{
        type: string;
        amountWon: number;
      }>;
      const spent = history.filter((item) => item.type === 'payment' || item.type === 'transfer_sent');
      expect(spent.map((item) => Math.abs(item.amountWon))).toEqual([10_000, 10_000, 10_000]);
      await expectLedgerAuditGreen(t.platform, tenantId);
    },
  );

  it('charges once for a retried Idempotency-Key', async () => {
    const citizen = await member();
    const first = await citizen.post('/v1/me/charges', { amountWon: 30_000 }, 'charge-1');
    const again = await citizen.post('/v1/me/charges', { amountWon: 30_000 }, 'charge-1');
    expect(again.body.chargeId).toBe(first.body.chargeId);
    expect((await citizen.get('/v1/me/wallet')).body.cashWon).toBe(30_000);
  });

  it('leaves a charge pending when the bank does not answer, and completes it on retry', async () => {
    const citizen = await member();
    t.bank.injectFaults('lost_response');
    const first = await citizen.post('/v1/me/charges', { amountWon: 30_000 }, 'charge-lost');
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'pending', wallet: { cashWon: 0 } });
    const retry = await citizen.post('/v1/me/charges', { amountWon: 30_000 }, 'charge-lost');
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({
      chargeId: first.body.chargeId,
      status: 'succeeded',
      wallet: { cashWon: 30_000 },
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('reports a bank refusal and releases the cap it reserved', async () => {
    const citizen = await member();
    t.bank.injectFaults('fail');
    const refused = await citizen.post('/v1/me/charges', { amountWon: 30_000 });
    expect(refused.status).toBe(502);
    expect(refused.body.code).toBe('BANK_DECLINED');
    expect((await citizen.get('/v1/me/wallet')).body.month.chargedWon).toBe(0);
  });

  it("never tells the shop's till that a customer receives welfare", async () => {
    phoneCount += 1;
    const phone = `010-5555-${String(phoneCount).padStart(4, '0')}`;
    const citizen = await newMember(t.app, tenantId, phone);
    expect((await citizen.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
    const memberId = (await t.platform.members.findByPhone(tenantId, phone))?.id as string;
    await t.platform.members.setWelfareRecipient(tenantId, 'usr_operator_test', memberId, true);
    const owner = await demoClient(t.app, tenantId, 'cafe');
    const code = (await citizen.post('/v1/me/payment-codes')).body.code;
    const paid = await owner.post('/v1/merchant/payments', { code, amountWon: 20_000 });
    expect(paid.status).toBe(201);
    // The member earned 10% + 5% = ₩3,000. The till sees what the shop's rules give (10%), so the
    // total does not give the 5% away either; nor does a cancellation's claw-back.
    expect(paid.body.cashback).toMatchObject({ amountWon: 2_000, requestedWon: 2_000, limitedBy: [] });
    expect(paid.body.cashback.rules.map((line: { code: string }) => line.code)).toEqual(['base']);
    expect(JSON.stringify(paid.body)).not.toContain('복지');
    const mine = await citizen.get(`/v1/me/payment-codes/${code}`);
    expect(mine.body.receipt.cashback).toMatchObject({ amountWon: 3_000 });
    expect(mine.body.receipt.cashback.rules.map((line: { code: string }) => line.code)).toEqual([
      'base',
      'welfare_recipient',
    ]);
    const cancelled = await owner.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {
      amountWon: 10_000,
    });
    expect(cancelled.status).toBe(201);
    expect(cancelled.body.cashbackClawback).toEqual({
      amountWon: 1_000,
      fromCashbackWon: 1_000,
      fromCashWon: 0,
      unrecoveredWon: 0,
    });
    // The member's own money moved by the real claw-back: half of ₩3,000.
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 90_000, cashbackWon: 1_500 });
  });

  it('pays with a one-time code at the POS; the code works once and expires after 60 s', async () => {
    const citizen = await charged(100_000);
    const owner = await demoClient(t.app, tenantId, 'cafe');
    const code = (await citizen.post('/v1/me/payment-codes')).body.code;
    expect(code).toMatch(/^\d{20}$/);
    const paid = await owner.post('/v1/merchant/payments', { code, amountWon: 25_000 });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({
      amountWon: 25_000,
      merchantId: cafe.merchantId,
      cashback: { amountWon: 2_500 },
    });
    expect(paid.body.wallet).toBeUndefined();
    expect((await owner.post('/v1/merchant/payments', { code, amountWon: 1_000 })).body.code).toBe(
      'PAYMENT_CODE_USED',
    );
    const late = (await citizen.post('/v1/me/payment-codes')).body.code;
    t.clock.advanceMs(60_000);
    expect((await owner.post('/v1/merchant/payments', { code: late, amountWon: 1_000 })).body.code).toBe(
      'PAYMENT_CODE_EXPIRED',
    );
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 75_000, cashbackWon: 2_500 });
  });

  it("tells a merchant a code is short of funds without telling them the customer's balance", async () => {
    const citizen = await charged(100_000);
    const owner = await demoClient(t.app, tenantId, 'cafe');
    const code = (await citizen.post('/v1/me/payment-codes')).body.code;
    const short = await owner.post('/v1/merchant/payments', { code, amountWon: 9_007_199_254_740_991 });
    expect(short.status).toBe(422);
    expect(short.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(short.body.shortfallWon).toBeUndefined();
    expect(JSON.stringify(short.body)).not.toMatch(/9007199254|100000|100,000/);
    expect(short.body.messages.ko).toBe('고객의 잔액이 부족합니다');
    // The code is still good for an amount the balance covers.
    expect((await owner.post('/v1/merchant/payments', { code, amountWon: 10_000 })).status).toBe(201);
  });

  it('cancels in part and then in full, restoring every balance and the budget', async () => {
    const citizen = await charged(100_000);
    const owner = await demoClient(t.app, tenantId, 'marketStore');
    const budgetBefore = await budgetRemainingWon();
    const paid = await citizen.post('/v1/me/payments', {
      merchantCode: market.merchantCode,
      amountWon: 100_000,
    });
    expect(paid.body.cashback.amountWon).toBe(13_000);
    expect(await budgetRemainingWon()).toBe(budgetBefore - 13_000);

    const half = await owner.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {
      amountWon: 50_000,
    });
    expect(half.status).toBe(201);
    expect(half.body).toMatchObject({
      amountWon: 50_000,
      refunded: { grantWon: 0, cashbackWon: 0, cashWon: 50_000 },
      cashbackClawback: { amountWon: 6_500, fromCashbackWon: 6_500, fromCashWon: 0, unrecoveredWon: 0 },
      payment: { cancelledWon: 50_000, remainingWon: 50_000, status: 'partially_cancelled' },
    });
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({
      cashWon: 50_000,
      cashbackWon: 6_500,
      month: { eligibleSpendWon: 50_000, cashbackWon: 6_500 },
    });
    expect(await budgetRemainingWon()).toBe(budgetBefore - 6_500);

    const rest = await owner.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {});
    expect(rest.body).toMatchObject({ amountWon: 50_000, payment: { remainingWon: 0, status: 'cancelled' } });
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({
      cashWon: 100_000,
      cashbackWon: 0,
      month: { eligibleSpendWon: 0, cashbackWon: 0 },
    });
    expect(await budgetRemainingWon()).toBe(budgetBefore);
    const again = await owner.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {});
    expect(again.body.code).toBe('PAYMENT_ALREADY_CANCELLED');
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('claws back spent cashback from the refunded cash, never leaving a balance negative', async () => {
    const citizen = await charged(100_000);
    const owner = await demoClient(t.app, tenantId, 'cafe');
    const paid = await citizen.post('/v1/me/payments', {
      merchantCode: cafe.merchantCode,
      amountWon: 100_000,
    });
    const spent = await citizen.post('/v1/me/payments', {
      merchantCode: market.merchantCode,
      amountWon: 10_000,
    });
    expect(spent.body.paidFrom).toMatchObject({ cashbackWon: 10_000, cashWon: 0 });
    const cancelled = await owner.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {});
    expect(cancelled.body).toMatchObject({
      refunded: { cashWon: 100_000 },
      cashbackClawback: { amountWon: 10_000, fromCashbackWon: 0, fromCashWon: 10_000, unrecoveredWon: 0 },
    });
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 90_000, cashbackWon: 0 });

    // The payment that spent that cashback is cancelled too: the member repaid it in cash, so it
    // comes back as cash. Every payment cancelled, the member holds what they charged, all refundable.
    const marketOwner = await demoClient(t.app, tenantId, 'marketStore');
    const second = await marketOwner.post(`/v1/merchant/payments/${spent.body.paymentId}/cancellations`, {});
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 100_000, cashbackWon: 0 });
    const lines = (await citizen.get('/v1/me/transactions')).body.items as Array<{
      type: string;
      amountWon: number;
      details: { refunded?: { cashbackAsCashWon?: number } };
    }>;
    expect(lines.reduce((sum, line) => sum + line.amountWon, 0)).toBe(100_000);
    expect(lines.find((line) => line.type === 'payment_cancellation')?.details.refunded).toMatchObject({
      cashbackWon: 10_000,
      cashbackAsCashWon: 10_000,
    });
    const refund = await citizen.post('/v1/me/refunds', {});
    expect(refund.body).toMatchObject({ amountWon: 100_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('gives cashback back as cash only up to what the member repaid in cash', async () => {
    const citizen = await charged(200_000);
    const cafeOwner = await demoClient(t.app, tenantId, 'cafe');
    const marketOwner = await demoClient(t.app, tenantId, 'marketStore');
    const pay = (merchantCode: string, amountWon: number) =>
      citizen.post('/v1/me/payments', { merchantCode, amountWon });
    const first = await pay(cafe.merchantCode, 50_000); // earns 5,000
    const spend = await pay(market.merchantCode, 8_000); // 5,000 cashback + 3,000 cash
    expect(spend.body.paidFrom).toMatchObject({ cashbackWon: 5_000, cashWon: 3_000 });
    // 5,000 clawed back; the member holds the 390 cashback the market payment earned: 4,610 from cash.
    const clawed = await cafeOwner.post(`/v1/merchant/payments/${first.body.paymentId}/cancellations`, {});
    expect(clawed.body.cashbackClawback).toMatchObject({
      amountWon: 5_000,
      fromCashbackWon: 390,
      fromCashWon: 4_610,
    });
    const back = await marketOwner.post(`/v1/merchant/payments/${spend.body.paymentId}/cancellations`, {});
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    // 5,000 of cashback comes back, 4,610 of it as cash; the market payment's own 390 is clawed back.
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 200_000, cashbackWon: 0 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it.each([
    ['no body and no content type', {}],
    ['an empty body sent as JSON', { 'content-type': 'application/json' }],
  ])('cancels in full with %s, as the summary promises', async (_name, headers) => {
    const citizen = await charged(30_000);
    const owner = await demoClient(t.app, tenantId, 'cafe');
    const paid = await citizen.post('/v1/me/payments', {
      merchantCode: cafe.merchantCode,
      amountWon: 30_000,
    });
    const response = await t.app.inject({
      method: 'POST',
      url: `/v1/merchant/payments/${paid.body.paymentId}/cancellations`,
      headers: {
        authorization: `Bearer ${owner.token}`,
        'idempotency-key': `no-body-${paid.body.paymentId}`,
        ...headers,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ amountWon: 30_000, refunded: { cashWon: 30_000 } });
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 30_000, cashbackWon: 0 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it("refuses to cancel another merchant's payment, past the window, or for more than is left", async () => {
    const citizen = await charged(100_000);
    const paid = await citizen.post('/v1/me/payments', {
      merchantCode: cafe.merchantCode,
      amountWon: 20_000,
    });
    const otherOwner = await demoClient(t.app, tenantId, 'bookstore');
    const foreign = await otherOwner.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {});
    expect(foreign.body.code).toBe('PAYMENT_NOT_FOUND');
    const owner = await demoClient(t.app, tenantId, 'cafe');
    const tooMuch = await owner.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {
      amountWon: 20_001,
    });
    expect(tooMuch.body).toMatchObject({ code: 'CANCEL_AMOUNT_INVALID', remainingWon: 20_000 });
    t.clock.advanceMs(31 * 86_400_000);
    const late = await owner.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, {});
    expect(late.body.code).toBe('CANCEL_WINDOW_CLOSED');
  });

  it('shows the merchant its own sales with daily totals, and the member the history with cashback rules', async () => {
    const citizen = await charged(100_000);
    await citizen.post('/v1/me/payments', { merchantCode: cafe.merchantCode, amountWon: 12_000 });
    t.clock.advanceMs(86_400_000);
    const second = await citizen.post('/v1/me/payments', {
      merchantCode: cafe.merchantCode,
      amountWon: 8_000,
    });
    const owner = await demoClient(t.app, tenantId, 'cafe');
    const sales = await owner.get('/v1/merchant/sales');
    expect(sales.body.items.map((sale: { amountWon: number }) => sale.amountWon)).toEqual([8_000, 12_000]);
    expect(sales.body.dailyTotals).toEqual([
      { date: '2021-05-14', count: 1, grossWon: 8_000, cancelledWon: 0, netWon: 8_000 },
      { date: '2021-05-13', count: 1, grossWon: 12_000, cancelledWon: 0, netWon: 12_000 },
    ]);
    const history = await citizen.get('/v1/me/transactions?type=payment');
    expect(history.body.items).toHaveLength(2);
    expect(history.body.items[0].details.cashback.rules[0]).toMatchObject({
      rateBp: 1000,
      baseWon: 6_800,
      amountWon: 680,
    });
    // The line stores the merchant's name; the rest is read from the payment's row.
    expect(Object.keys(history.body.items[0].details)).toEqual([
      'merchantName',
      'amountWon',
      'paidFrom',
      'cashback',
    ]);
    expect(history.body.items[0].details).toMatchObject({
      merchantName: second.body.merchantName,
      amountWon: 8_000,
      paidFrom: { grantWon: 0, cashbackWon: 1_200, cashWon: 6_800 },
      cashback: { amountWon: 680, rules: second.body.cashback.rules, limitedBy: [] },
    });
    const all = await citizen.get('/v1/me/transactions?limit=2');
    expect(all.body.items.map((item: { type: string }) => item.type)).toEqual(['payment', 'payment']);
    const next = await citizen.get(`/v1/me/transactions?limit=2&cursor=${all.body.nextCursor}`);
    expect(next.body.items.map((item: { type: string }) => item.type)).toEqual(['charge']);
  });

  it('pays and charges on a freshly started platform whose caches are cold', async () => {
    const citizen = await charged(20_000);
    const restarted = createPlatform(loadConfig({ SESSION_TTL_MINUTES: '600000' }), t.db, t.clock, t.bank);
    const app = await buildApp(restarted, { logLevel: false, responseCheck: TEST_RESPONSE_CHECK });
    try {
      const afterRestart = new ApiClient(app, tenantId);
      afterRestart.token = citizen.token;
      expect((await afterRestart.post('/v1/me/charges', { amountWon: 1_000 })).status).toBe(201);
      const paid = await afterRestart.post('/v1/me/payments', {
        merchantCode: cafe.merchantCode,
        amountWon: 5_000,
      });
      expect(paid.status).toBe(201);
      expect(paid.body.wallet).toMatchObject({ cashWon: 16_000, cashbackWon: 500 });
    } finally {
      await app.close();
    }
  });

  it('pays once when the same key reaches two servers at once (their batches race on the stored response)', async () => {
    const citizen = await charged(100_000);
    const other = createPlatform(loadConfig({}), t.db, t.clock, t.bank);
    const memberId = (await citizen.get('/v1/me')).body.memberId as string;
    const order = {
      memberId,
      merchantCode: cafe.merchantCode,
      amountWon: 40_000,
      idempotency: { principalId: memberId, key: 'till-7', requestHash: 'same-request' },
    };

    const outcomes = await Promise.all(
      [t.platform, other, t.platform, other].map((platform) =>
        platform.payments.payAtMerchant(tenantId, order),
      ),
    );

    const paymentIds = outcomes.map((outcome) => (outcome.body as { paymentId: string }).paymentId);
    expect(new Set(paymentIds).size).toBe(1);
    expect(outcomes.map((outcome) => outcome.statusCode)).toEqual([201, 201, 201, 201]);
    expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
    expect((await citizen.get('/v1/me/wallet')).body.cashWon).toBe(60_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  async function budgetRemainingWon(): Promise<number> {
    const pots = await t.platform.budgets.listPots(tenantId);
    return pots.reduce((sum, pot) => sum + pot.remainingWon, 0);
  }
});
