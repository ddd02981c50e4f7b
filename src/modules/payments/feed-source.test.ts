import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  ApiClient,
  demoClient,
  demoMerchantCode,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import type { FeedEvent } from '../events/types.js';
import { merchantSnapshot } from './events.js';
import type { PaymentReceipt } from './types.js';

type PaymentMade = Extract<FeedEvent, { type: 'payment.made' }>;
type Receipt = PaymentReceipt & { createdAt: string };

/**
 * A batched payment's event is not stored apart from its row: the feed keeps its number and id, and
 * the payments module gives the event back from the row (feed-source.ts). These check that what the
 * feed says is what the payment decided, for every payment path.
 */
describe.each(databaseKinds())('payment.made given back from payment rows on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
  });
  afterAll(async () => {
    await t.close();
  });

  async function paymentEvents(): Promise<Map<string, PaymentMade>> {
    const events = await t.platform.events.read(tenantId, 0, 5_000);
    return new Map(
      events.flatMap((event) => (event.type === 'payment.made' ? [[event.payload.paymentId, event]] : [])),
    );
  }

  it("says what each payment decided: amounts, the month's spending before it, the welfare flag, the policy, the draws and the merchant as approved", async () => {
    const citizen = await newMember(t.app, tenantId, '010-8060-0001');
    expect((await citizen.post('/v1/me/charges', { amountWon: 300_000 })).status).toBe(201);
    const operator = await demoClient(t.app, tenantId, 'operator');
    const memberId = (await citizen.get('/v1/me')).body.memberId as string;
    const operatorId = (await operator.get('/v1/me')).body.memberId as string;
    const shops = [
      await demoMerchantCode(t.platform, tenantId, 'marketStore'),
      await demoMerchantCode(t.platform, tenantId, 'cafe'),
      await demoMerchantCode(t.platform, tenantId, 'bookstore'),
    ];
    const receipts: Array<{ body: Receipt; welfare: boolean; spentAfterWon: number }> = [];
    const spentNow = async () => (await citizen.get('/v1/me/wallet')).body.month.eligibleSpendWon as number;
    for (const [index, shop] of shops.entries()) {
      // The welfare flag as it was at the payment, not as it is when the event is read.
      const welfare = index === 1;
      await t.platform.members.setWelfareRecipient(tenantId, operatorId, memberId, welfare);
      const paid = await citizen.post('/v1/me/payments', {
        merchantCode: shop.merchantCode,
        amountWon: 40_000 + index,
      });
      expect(paid.status).toBe(201);
      receipts.push({ body: paid.body, welfare, spentAfterWon: await spentNow() });
    }
    // A one-time code collected at the till: the other payment path.
    const cafeOwner = await demoClient(t.app, tenantId, 'cafe');
    const posKey = (await cafeOwner.request('POST', '/v1/merchant/pos-keys', { label: 'till' })).body.key;
    const { code } = (await citizen.request('POST', '/v1/me/payment-codes')).body;
    const till = new ApiClient(t.app, tenantId);
    till.token = posKey;
    const collected = await till.post('/v1/merchant/payments', { code, amountWon: 12_345 });
    expect(collected.status).toBe(201);
    receipts.push({ body: collected.body, welfare: false, spentAfterWon: await spentNow() });

    const policy = await t.platform.policy.cashbackPolicyAt(tenantId, t.clock.now());
    const events = await paymentEvents();
    let spentBeforeWon = 0;
    for (const { body, welfare, spentAfterWon } of receipts) {
      const event = events.get(body.paymentId);
      if (!event) throw new Error(`no event for ${body.paymentId}`);
      const merchant = await t.platform.merchants.getById(tenantId, body.merchantId);
      if (!merchant) throw new Error('merchant');
      const eligibleWon = spentAfterWon - spentBeforeWon;
      expect(event.id).toBe(`payment.made:${body.paymentId}`);
      expect(event.occurredAt.toISOString()).toBe(body.createdAt);
      expect(event.payload).toEqual({
        paymentId: body.paymentId,
        memberId,
        channel: event.payload.channel,
        amountWon: body.amountWon,
        paidFrom: body.paidFrom,
        monthEligibleSpentBeforeWon: spentBeforeWon,
        month: '2021-05',
        eligibleWon,
        requestedCashbackWon: body.cashback.requestedWon,
        cashbackWon: body.cashback.amountWon,
        policyId: policy?.id ?? null,
        ruleCodes: body.cashback.rules.map((rule: { code: string }) => rule.code),
        draws: event.payload.draws,
        isWelfareRecipient: welfare,
        merchant: merchantSnapshot(merchant),
      });
      expect(event.payload.draws.reduce((sum, draw) => sum + draw.amountWon, 0)).toBe(
        body.cashback.amountWon,
      );
      for (const draw of event.payload.draws) expect(draw.accountId).toBe(`${draw.potId}:${draw.source}`);
      spentBeforeWon = spentAfterWon;
    }
    expect([...events.values()].map((event) => event.payload.channel).sort()).toEqual([
      'customer_presented',
      'merchant_presented',
      'merchant_presented',
      'merchant_presented',
    ]);
    expect(
      await t.platform.db.query(
        `select count(*)::int as n from event_page_bodies where tenant_id = $1 and source = 'payments'`,
        [tenantId],
      ),
    ).toEqual([{ n: 4 }]);
  });

  it('gives back the events of a burst of payments batched together, each once, in the order the batch wrote them', async () => {
    const before = (await paymentEvents()).size;
    const payers = await Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        const payer = await newMember(t.app, tenantId, `010-8060-1${String(index).padStart(3, '0')}`);
        expect((await payer.post('/v1/me/charges', { amountWon: 50_000 })).status).toBe(201);
        return payer;
      }),
    );
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    const paid = await Promise.all(
      payers.map((payer, index) => payer.post('/v1/me/payments', { merchantCode, amountWon: 1_000 + index })),
    );
    expect(paid.map((response) => response.status)).toEqual(payers.map(() => 201));
    const events = await t.platform.events.read(tenantId, 0, 5_000);
    const made = events.filter((event) => event.type === 'payment.made');
    expect(made).toHaveLength(before + payers.length);
    expect(new Set(made.map((event) => event.id)).size).toBe(made.length);
    for (const response of paid)
      expect(
        made.find((event) => event.id === `payment.made:${response.body.paymentId}`)?.payload,
      ).toMatchObject({
        amountWon: response.body.amountWon,
        cashbackWon: response.body.cashback.amountWon,
      });
    // The feed's order is the batches' commit order; inside a batch, the order the batch decided.
    const createdAt = made.map((event) => event.occurredAt.getTime());
    expect(createdAt).toEqual([...createdAt].sort((a, b) => a - b));
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  });
});
