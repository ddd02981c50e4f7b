import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { replayPayments } from './replay.js';

/** The replay is pure; one database kind is enough to feed it real payments. */
describe('what-if on the real engine', () => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let codes: string[];
  const owners = new Map<string, ApiClient>();
  let phones = 0;
  beforeAll(async () => {
    t = await openTestPlatform('pglite');
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    const who = ['marketStore', 'cafe', 'bookstore'] as const;
    codes = [];
    for (const name of who) {
      const merchant = await demoMerchantCode(t.platform, tenantId, name);
      codes.push(merchant.merchantCode);
      owners.set(merchant.merchantCode, await demoClient(t.app, tenantId, name));
    }
  });
  afterAll(async () => {
    await t.close();
  });

  async function rulesInForce() {
    const policy = await t.platform.policy.cashbackPolicyAt(tenantId, t.clock.now());
    if (!policy) throw new Error('the preset has a policy');
    return policy.rules;
  }

  it('replaying under the policy in force reproduces every payment’s cashback to the won (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            member: fc.integer({ min: 0, max: 2 }),
            merchant: fc.integer({ min: 0, max: 2 }),
            amountWon: fc.integer({ min: 1, max: 250_000 }),
            cancelBp: fc.option(fc.integer({ min: 1, max: 10_000 }), { freq: 4 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (orders) => {
          const members = [];
          for (let index = 0; index < 3; index += 1) {
            phones += 1;
            const member = await newMember(t.app, tenantId, `010-8${String(phones).padStart(3, '0')}-0000`);
            expect((await member.post('/v1/me/charges', { amountWon: 500_000 })).status).toBe(201);
            members.push(member);
          }
          const paymentIds: string[] = [];
          for (const order of orders) {
            const code = codes[order.merchant] as string;
            const paid = await members[order.member]?.post('/v1/me/payments', {
              merchantCode: code,
              amountWon: order.amountWon,
            });
            // A member who has spent their charge is refused: that payment never happened.
            if (paid?.status === 422 && paid.body.code === 'INSUFFICIENT_FUNDS') continue;
            expect(paid?.status).toBe(201);
            paymentIds.push(paid?.body.paymentId);
            if (order.cancelBp !== null) {
              const amountWon = Math.max(1, Math.floor((order.amountWon * order.cancelBp) / 10_000));
              const owner = owners.get(code) as ApiClient;
              expect(
                (
                  await owner.post(`/v1/merchant/payments/${paid?.body.paymentId}/cancellations`, {
                    amountWon,
                  })
                ).status,
              ).toBe(201);
            }
          }
          await t.platform.analytics.catchUp(tenantId);
          const period = { from: '2021-05-13', to: '2021-05-13' };
          const history = (await t.platform.analytics.paymentsForReplay(tenantId, period)).filter((payment) =>
            paymentIds.includes(payment.paymentId),
          );
          expect(history.map((payment) => payment.paymentId)).toEqual(paymentIds);
          const replay = replayPayments(history, await rulesInForce(), {
            monthlyPotWon: null,
            nationalShareBp: 0,
          });
          expect(replay.payments.map((payment) => payment.requestedWon)).toEqual(
            history.map((payment) => payment.requestedCashbackWon),
          );
          expect(replay.payments.map((payment) => payment.cashbackWon)).toEqual(
            history.map((payment) => payment.cashbackWon),
          );
        },
      ),
      { numRuns: 6 },
    );
  });

  it('shows draft and actual side by side: a doubled base rate costs more, a small monthly pot runs out', async () => {
    await t.platform.analytics.catchUp(tenantId);
    const rules = await rulesInForce();
    const period = { from: '2021-05-13', to: '2021-05-13' };
    const same = await operator.post('/v1/operator/policies/what-if', { ...period, rules });
    expect(same.status).toBe(200);
    expect(same.body.draft.cashbackWon).toBe(same.body.actual.cashbackWon);
    expect(same.body.deltaWon).toBe(0);
    expect(same.body.draft.byDistrict).toEqual(same.body.actual.byDistrict);
    // 20% flat with no extras or promotion: more than anything the preset grants.
    const doubled = {
      tiers: [{ upToWon: 1_000_000, rateBp: 2_000 }],
      extras: [],
      promotions: [],
      merchantRevenueCapWon: null,
    };
    const richer = await operator.post('/v1/operator/policies/what-if', {
      ...period,
      rules: doubled,
      monthlyPotWon: 10_000,
      nationalShareBp: 5_000,
      annualBudgetWon: 5_000,
    });
    expect(richer.status).toBe(200);
    expect(richer.body.draft.requestedWon).toBeGreaterThan(richer.body.actual.requestedWon);
    expect(richer.body.draft.cashbackWon).toBe(10_000);
    expect(richer.body.draft.pots).toEqual([
      { month: '2021-05', potWon: 10_000, spentWon: 10_000, exhaustedOn: '2021-05-13' },
    ]);
    expect(richer.body.forecast.replayedExhaustionDate).toBe('2021-05-13');
    // The same pot under what actually happened: it pays what the day's cashback was, up to the pot.
    expect(richer.body.actual.pots).toEqual([
      {
        month: '2021-05',
        potWon: 10_000,
        spentWon: Math.min(10_000, richer.body.actual.cashbackWon),
        exhaustedOn: richer.body.actual.cashbackWon > 10_000 ? '2021-05-13' : null,
      },
    ]);
    expect(same.body.actual.pots).toEqual([]);
  });

  it("replays a payment an owner made at their own shop as the engine paid it, nothing, under any draft; a neighbour's as usual", async () => {
    const cafeCode = codes[1] as string;
    const owner = owners.get(cafeCode) as ApiClient;
    const neighbour = await newMember(t.app, tenantId, '010-7832-0001');
    for (const member of [owner, neighbour])
      expect((await member.post('/v1/me/charges', { amountWon: 200_000 })).status).toBe(201);
    const own = await owner.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 100_000 });
    expect(own.body.cashback).toMatchObject({ amountWon: 0, limitedBy: ['SELF_DEALING'] });
    const other = await neighbour.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 100_000 });
    expect(other.body.cashback.amountWon).toBe(10_000);
    const paymentIds = [own.body.paymentId, other.body.paymentId];
    await t.platform.analytics.catchUp(tenantId);
    const period = { from: '2021-05-13', to: '2021-05-13' };
    const history = (await t.platform.analytics.paymentsForReplay(tenantId, period)).filter((payment) =>
      paymentIds.includes(payment.paymentId),
    );
    expect(history.map((payment) => payment.paymentId)).toEqual(paymentIds);
    const replayed = (rules: Awaited<ReturnType<typeof rulesInForce>>) =>
      replayPayments(history, rules, { monthlyPotWon: null, nationalShareBp: 0 }).payments;
    expect(replayed(await rulesInForce())).toEqual([
      { paymentId: paymentIds[0], requestedWon: 0, cashbackWon: 0 },
      { paymentId: paymentIds[1], requestedWon: 10_000, cashbackWon: 10_000 },
    ]);
    const doubled = {
      tiers: [{ upToWon: 1_000_000, rateBp: 2_000 }],
      extras: [],
      promotions: [],
      merchantRevenueCapWon: null,
    };
    expect(replayed(doubled)).toEqual([
      { paymentId: paymentIds[0], requestedWon: 0, cashbackWon: 0 },
      { paymentId: paymentIds[1], requestedWon: 20_000, cashbackWon: 20_000 },
    ]);
    // What the engine decided, from the payment's event: the owner's, self-dealing, made nothing eligible.
    expect(history.map((payment) => [payment.selfDealing, payment.eligibleWon])).toEqual([
      [true, 0],
      [false, 100_000],
    ]);
    // Over the whole day through the API: the policy in force pays what the engine paid.
    const same = await operator.post('/v1/operator/policies/what-if', {
      ...period,
      rules: await rulesInForce(),
    });
    expect(same.status).toBe(200);
    expect([same.body.deltaWon, same.body.draft.requestedWon]).toEqual([0, same.body.actual.requestedWon]);
  });

  it('refuses invalid rates, a future period and one over three years with 4xx, changing nothing', async () => {
    const rules = await rulesInForce();
    const head = await t.platform.events.head(tenantId);
    const tooHigh = { ...rules, tiers: [{ upToWon: 500_000, rateBp: 10_001 }] };
    const refused = [
      await operator.post('/v1/operator/policies/what-if', {
        from: '2021-05-01',
        to: '2021-05-13',
        rules: tooHigh,
      }),
      await operator.post('/v1/operator/policies/what-if', {
        from: '2021-05-01',
        to: '2021-05-13',
        rules: {
          ...rules,
          tiers: [
            { upToWon: 500_000, rateBp: 1000 },
            { upToWon: 100_000, rateBp: 500 },
          ],
        },
      }),
      await operator.post('/v1/operator/policies/what-if', { from: '2021-05-01', to: '2021-07-01', rules }),
      await operator.post('/v1/operator/policies/what-if', { from: '2018-01-01', to: '2021-05-01', rules }),
    ];
    expect(refused.map((response) => response.status)).toEqual([400, 400, 400, 400]);
    expect(refused.slice(1).map((response) => response.body.code)).toEqual([
      'INVALID_POLICY',
      'PERIOD_IN_FUTURE',
      'PERIOD_TOO_LONG',
    ]);
    expect(await t.platform.events.head(tenantId)).toBe(head);
  });
});
