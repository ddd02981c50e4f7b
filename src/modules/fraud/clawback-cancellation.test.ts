import fc from 'fast-check';
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
import { proportionalShare, uncancelledShare } from '../payments/split.js';

/**
 * One payment, three ways its cashback and grant money can go back: a fraud claw-back, the
 * merchant's cancellations (full or partial) and the programme's expiry sweep. Whatever the order,
 * and when a claw-back races a cancellation, each won goes back once and to the right place: cashback
 * to its pots, grant money to the member's live grant or else the programme's pool; the member's cash
 * pays only what they still owe, and the claw-back's receivables are settled by the cancellations.
 */
describe.each(databaseKinds())('claw-backs, cancellations and grant expiry of one payment on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let cafeOwner: ApiClient;
  let cafe: { merchantId: string; merchantCode: string };
  let phoneCount = 0;
  let alertCount = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    cafeOwner = await demoClient(t.app, tenantId, 'cafe');
    cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
  });
  afterAll(async () => {
    await t.close();
  });

  const postedOf = async (accountId: string) =>
    (await t.platform.ledger.getAccount(tenantId, accountId))?.postedWon ?? 0;
  const availableOf = async (accountId: string) =>
    (await t.platform.ledger.getAccount(tenantId, accountId))?.availableWon ?? 0;
  const sumOf = async (accountIds: readonly string[]) => {
    let won = 0;
    for (const id of accountIds) won += await postedOf(id);
    return won;
  };
  const receivableOf = async (merchantId: string) => {
    const merchant = await t.platform.merchants.getById(tenantId, merchantId);
    return availableOf(merchant?.receivableAccountId as string);
  };

  async function member(chargeWon: number) {
    phoneCount += 1;
    const phone = `010-7721-${String(phoneCount).padStart(4, '0')}`;
    const client = await newMember(t.app, tenantId, phone);
    if (chargeWon > 0)
      expect((await client.post('/v1/me/charges', { amountWon: chargeWon })).status).toBe(201);
    const found = await t.platform.members.findByPhone(tenantId, phone);
    return Object.assign(client, { phone, id: found?.id as string });
  }

  async function wallet(client: ApiClient) {
    const body = (await client.get('/v1/me/wallet')).body;
    const grantWon = body.grants.reduce((sum: number, g: { amountWon: number }) => sum + g.amountWon, 0);
    return { cashWon: body.cashWon as number, cashbackWon: body.cashbackWon as number, grantWon };
  }

  async function pay(client: ApiClient, amountWon: number, merchantCode = cafe.merchantCode) {
    const paid = await client.post('/v1/me/payments', { merchantCode, amountWon });
    expect(paid.status).toBe(201);
    return paid.body as {
      paymentId: string;
      cashback: { amountWon: number };
      paidFrom: { grantWon: number };
    };
  }

  async function potsOf(paymentId: string) {
    const payment = await t.platform.payments.getPayment(tenantId, paymentId);
    return payment?.cashback.draws.map((draw) => draw.accountId) ?? [];
  }

  async function cancel(paymentId: string, amountWon?: number, owner = cafeOwner) {
    return owner.post(
      `/v1/merchant/payments/${paymentId}/cancellations`,
      amountWon === undefined ? undefined : { amountWon },
    );
  }

  /** A case on an alert naming these payments (the fraud module's own table), opened through the API. */
  async function openCase(paymentIds: string[], memberId: string, merchantId: string): Promise<string> {
    alertCount += 1;
    const alertId = `falt_race${String(alertCount).padStart(9, '0')}`;
    await t.db.query(
      `insert into fraud_alerts (tenant_id, id, rule, subject_kind, subject_id, member_id, merchant_id, district, score, status,
         explanation_ko, explanation_en, evidence, first_seen_at, last_seen_at)
       values ($1, $2, 'repeated_pair', 'pair', $3, $4, $5, null, 60, 'open', '시험', 'test', $6, now(), now())`,
      [
        tenantId,
        alertId,
        `pair-${alertCount}`,
        memberId,
        merchantId,
        JSON.stringify({ paymentIds, transferIds: [], cycle: null }),
      ],
    );
    const opened = await operator.post('/v1/operator/fraud/cases', { alertIds: [alertId] });
    expect(opened.status).toBe(201);
    return opened.body.caseId;
  }

  const decide = (caseId: string) =>
    operator.post(`/v1/operator/fraud/cases/${caseId}/decision`, {
      decision: 'confirmed',
      reason: '깡 확인',
      actions: ['claw_back'],
    });

  async function clawBack(paymentIds: string[], memberId: string, merchantId = cafe.merchantId) {
    const decided = await decide(await openCase(paymentIds, memberId, merchantId));
    expect(decided.status).toBe(200);
    return decided.body;
  }

  const caseOf = async (caseId: string) => (await operator.get(`/v1/operator/fraud/cases/${caseId}`)).body;

  /**
   * A member who paid ₩50,000 in cash at the cafe (₩5,000 cashback) and then spent ₩3,000 of that
   * cashback: ₩47,000 cash and ₩2,000 cashback left, so a claw-back collects ₩2,000 and is owed ₩3,000.
   */
  async function spentMostOfTheCashback() {
    const citizen = await member(100_000);
    const paid = await pay(citizen, 50_000);
    expect(paid.cashback.amountWon).toBe(5_000);
    expect((await pay(citizen, 3_000)).cashback.amountWon).toBe(0);
    expect(await wallet(citizen)).toEqual({ cashWon: 50_000, cashbackWon: 2_000, grantWon: 0 });
    const pots = await potsOf(paid.paymentId);
    return { citizen, paymentId: paid.paymentId, pots, potsWon: await sumOf(pots) };
  }

  it('claw-back, then a full cancellation: the cancellation collects only the receivable, from the refund', async () => {
    const { citizen, paymentId, pots, potsWon } = await spentMostOfTheCashback();
    const decided = await clawBack([paymentId], citizen.id);
    expect(decided.effects.clawbacks).toEqual([
      { paymentId, memberId: citizen.id, owedWon: 5_000, clawedWon: 2_000, receivableWon: 3_000 },
    ]);
    expect(await wallet(citizen)).toEqual({ cashWon: 50_000, cashbackWon: 0, grantWon: 0 });
    expect(await sumOf(pots)).toBe(potsWon + 2_000);

    const cancelled = await cancel(paymentId);
    expect(cancelled.status).toBe(201);
    expect(cancelled.body.refunded).toEqual({ grantWon: 0, cashbackWon: 0, cashWon: 50_000 });
    expect(cancelled.body.cashbackClawback).toEqual({
      amountWon: 3_000,
      fromCashbackWon: 0,
      fromCashWon: 3_000,
      unrecoveredWon: 0,
    });
    expect(await wallet(citizen)).toEqual({ cashWon: 97_000, cashbackWon: 0, grantWon: 0 });
    expect(await sumOf(pots)).toBe(potsWon + 5_000);
    expect((await caseOf(decided.caseId)).effects.clawbacks[0].receivableWon).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('claw-back, then partial cancellations: each collects what the rest of the payment no longer covers', async () => {
    const { citizen, paymentId, pots, potsWon } = await spentMostOfTheCashback();
    const { caseId } = await clawBack([paymentId], citizen.id);
    const receivable = async () => (await caseOf(caseId)).effects.clawbacks[0].receivableWon;
    // ₩30,000 left carries ₩3,000 of cashback: the ₩3,000 still owed is covered, nothing is collected.
    const first = await cancel(paymentId, 20_000);
    expect([first.body.refunded.cashWon, first.body.cashbackClawback.amountWon]).toEqual([20_000, 0]);
    expect(await receivable()).toBe(3_000);
    // ₩20,000 left carries ₩2,000: ₩1,000 of the debt is collected.
    const second = await cancel(paymentId, 10_000);
    expect([second.body.refunded.cashWon, second.body.cashbackClawback.fromCashWon]).toEqual([10_000, 1_000]);
    expect(await receivable()).toBe(2_000);
    expect(await sumOf(pots)).toBe(potsWon + 3_000);
    const last = await cancel(paymentId);
    expect([last.body.refunded.cashWon, last.body.cashbackClawback.fromCashWon]).toEqual([20_000, 2_000]);
    expect(await receivable()).toBe(0);
    expect(await sumOf(pots)).toBe(potsWon + 5_000);
    expect(await wallet(citizen)).toEqual({ cashWon: 97_000, cashbackWon: 0, grantWon: 0 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('a cancellation, then a claw-back: the claw-back takes only what the cancellation left out', async () => {
    const { citizen, paymentId, pots, potsWon } = await spentMostOfTheCashback();
    const partial = await cancel(paymentId, 20_000);
    expect(partial.body.cashbackClawback).toMatchObject({ amountWon: 2_000, fromCashbackWon: 2_000 });
    expect(await wallet(citizen)).toEqual({ cashWon: 70_000, cashbackWon: 0, grantWon: 0 });
    const { caseId, effects } = await clawBack([paymentId], citizen.id);
    expect(effects.clawbacks).toEqual([
      { paymentId, memberId: citizen.id, owedWon: 3_000, clawedWon: 0, receivableWon: 3_000 },
    ]);
    expect(await sumOf(pots)).toBe(potsWon + 2_000);
    expect((await cancel(paymentId)).body.cashbackClawback.fromCashWon).toBe(3_000);
    expect(await wallet(citizen)).toEqual({ cashWon: 97_000, cashbackWon: 0, grantWon: 0 });
    expect(await sumOf(pots)).toBe(potsWon + 5_000);
    expect((await caseOf(caseId)).effects.clawbacks[0].receivableWon).toBe(0);

    // A payment cancelled in full owes nothing: the claw-back records it and moves nothing.
    const other = await spentMostOfTheCashback();
    expect((await cancel(other.paymentId)).status).toBe(201);
    const before = [await wallet(other.citizen), await sumOf(other.pots)];
    const nothing = await clawBack([other.paymentId], other.citizen.id);
    expect(nothing.effects.clawbacks[0]).toMatchObject({ owedWon: 0, clawedWon: 0, receivableWon: 0 });
    expect([await wallet(other.citizen), await sumOf(other.pots)]).toEqual(before);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('a claw-back racing a full cancellation has one outcome, whichever runs first', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { citizen, paymentId, pots, potsWon } = await spentMostOfTheCashback();
      const caseId = await openCase([paymentId], citizen.id, cafe.merchantId);
      const [decided, cancelled] = await Promise.all([decide(caseId), cancel(paymentId)]);
      expect([decided.status, cancelled.status]).toEqual([200, 201]);
      // Claw-back first: ₩2,000 from cashback, then ₩3,000 collected from the refund; cancellation
      // first: ₩2,000 from cashback and ₩3,000 from cash, and the claw-back finds nothing owed.
      expect(await wallet(citizen)).toEqual({ cashWon: 97_000, cashbackWon: 0, grantWon: 0 });
      expect(await sumOf(pots)).toBe(potsWon + 5_000);
      const [effect] = (await caseOf(caseId)).effects.clawbacks;
      expect([5_000, 0]).toContain(effect.owedWon);
      expect(effect.receivableWon).toBe(0);
    }
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  /** A programme of one ₩10,000 grant for a new member, usable now, expiring in `expiresInMs`. */
  async function grantProgram(expiresInMs: number) {
    const citizen = await member(0);
    const now = t.clock.now().getTime();
    const created = await operator.post('/v1/operator/programs', {
      name: `시험 지원금 ${phoneCount}`,
      budgetWon: 10_000,
      nationalShareBp: 5000,
      recipientAmountWon: 10_000,
      usableFrom: new Date(now - 60_000).toISOString(),
      expiresAt: new Date(now + expiresInMs).toISOString(),
    });
    expect(created.status).toBe(201);
    const programId = created.body.id as string;
    const imported = await operator.request(
      'POST',
      `/v1/operator/programs/${programId}/recipients`,
      `phone,memberId,amountWon\r\n${citizen.phone},,\r\n`,
      { 'content-type': 'text/csv' },
    );
    expect(imported.body).toMatchObject({ imported: true });
    expect((await operator.post(`/v1/operator/programs/${programId}/disbursements`)).status).toBe(202);
    await t.platform.programs.idle();
    const pool = `${programId}:pool`;
    const program = async () => (await operator.get(`/v1/operator/programs/${programId}`)).body;
    const report = async () => {
      const response = await operator.get(`/v1/operator/programs/${programId}/report`);
      expect(response.status).toBe(200);
      return response.body;
    };
    return { citizen, programId, pool, program, report };
  }

  async function expireGrants() {
    const job = t.platform.programs.jobs().find((j) => j.name === 'programs.expire_grants');
    await job?.run({ tenantId, now: t.clock.now() });
  }

  it('a grant payment cancelled after the expiry sweep goes back to the pool, not into the expired grant', async () => {
    const { citizen, pool, program, report } = await grantProgram(3_600_000);
    const paid = await pay(citizen, 6_000);
    expect(paid.paidFrom.grantWon).toBe(6_000);
    // While the grant is live, a cancelled share is the member's again.
    expect((await cancel(paid.paymentId, 1_000)).body.refunded.grantWon).toBe(1_000);
    expect(await wallet(citizen)).toEqual({ cashWon: 0, cashbackWon: 0, grantWon: 5_000 });

    t.clock.advanceMs(2 * 3_600_000);
    await expireGrants();
    expect(await postedOf(pool)).toBe(5_000);
    expect((await program()).reclaimedWon).toBe(5_000);

    const late = await cancel(paid.paymentId);
    expect(late.status).toBe(201);
    expect(late.body.refunded.grantWon).toBe(5_000);
    expect(await wallet(citizen)).toEqual({ cashWon: 0, cashbackWon: 0, grantWon: 0 });
    expect(await postedOf(pool)).toBe(10_000);
    expect(await report()).toMatchObject({
      disbursed: { count: 1, won: 10_000 },
      spent: { won: 0 },
      reclaimedWon: 10_000,
      outstandingWon: 0,
      poolRemainingWon: 10_000,
    });
    // Nothing is left for a later sweep, and a second sweep moves nothing.
    await expireGrants();
    expect(await postedOf(pool)).toBe(10_000);
    const lines = (await citizen.get('/v1/me/transactions?type=grant_expired')).body.items;
    expect(lines.map((line: { amountWon: number }) => line.amountWon).sort()).toEqual([-5_000, -5_000]);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('grant money clawed back from the merchant is not refunded again when the merchant cancels', async () => {
    const { citizen, pool, program, report } = await grantProgram(7 * 86_400_000);
    const payments = [await pay(citizen, 2_000), await pay(citizen, 2_000), await pay(citizen, 2_000)];
    const ids = payments.map((p) => p.paymentId);
    expect(await receivableOf(cafe.merchantId)).toBeGreaterThanOrEqual(6_000);
    const decided = await clawBack(ids, citizen.id);
    expect(
      decided.effects.grantClawbacks.map((g: { clawedWon: number; receivableWon: number }) => [
        g.clawedWon,
        g.receivableWon,
      ]),
    ).toEqual([
      [2_000, 0],
      [2_000, 0],
      [2_000, 0],
    ]);
    expect(await postedOf(pool)).toBe(6_000);
    expect((await program()).reclaimedWon).toBe(6_000);
    expect(await wallet(citizen)).toEqual({ cashWon: 0, cashbackWon: 0, grantWon: 4_000 });

    const merchantBefore = await receivableOf(cafe.merchantId);
    const cancelled = await cancel(ids[0] as string);
    expect(cancelled.status).toBe(201);
    expect(cancelled.body.refunded).toEqual({ grantWon: 0, cashbackWon: 0, cashWon: 0 });
    expect(await receivableOf(cafe.merchantId)).toBe(merchantBefore);
    expect(await postedOf(pool)).toBe(6_000);
    expect(await wallet(citizen)).toEqual({ cashWon: 0, cashbackWon: 0, grantWon: 4_000 });
    expect(await report()).toMatchObject({ spent: { won: 0 }, reclaimedWon: 6_000, outstandingWon: 4_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('property: any order of claw-back, cancellations and expiry returns each won once, to the right place', async () => {
    type Op =
      | { kind: 'claw' }
      | { kind: 'cancel'; part: number }
      | { kind: 'race'; part: number }
      | { kind: 'expire' };
    const part = fc.integer({ min: 1, max: 100 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.constant({ kind: 'claw' as const }),
      part.map((p) => ({ kind: 'cancel' as const, part: p })),
      part.map((p) => ({ kind: 'race' as const, part: p })),
      fc.constant({ kind: 'expire' as const }),
    );
    const scenario = fc.record({
      amountWon: fc.integer({ min: 12_000, max: 40_000 }),
      cashbackSpentBp: fc.integer({ min: 0, max: 10_000 }),
      ops: fc.array(op, { minLength: 1, maxLength: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ amountWon, cashbackSpentBp, ops }) => {
        // ₩10,000 of grant and the rest in cash, then some of the cashback spent elsewhere.
        const { citizen, pool, report } = await grantProgram(3_600_000);
        expect((await citizen.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
        const paid = await pay(citizen, amountWon);
        const grantWon = paid.paidFrom.grantWon;
        const cashbackWon = paid.cashback.amountWon;
        const spentWon = Math.floor((cashbackWon * cashbackSpentBp) / 10_000);
        if (spentWon > 0) await pay(citizen, spentWon);
        const pots = await potsOf(paid.paymentId);
        const start = {
          wallet: await wallet(citizen),
          pots: await sumOf(pots),
          merchant: await receivableOf(cafe.merchantId),
        };
        const state = { cancelledWon: 0, refundedWon: 0, clawed: false, caseId: '', expired: false };

        const applyCancel = (response: Awaited<ReturnType<typeof cancel>>) => {
          expect(response.status).toBe(201);
          state.cancelledWon = response.body.payment.cancelledWon;
          state.refundedWon += response.body.refunded.cashWon + response.body.refunded.cashbackWon;
        };
        const applyClaw = (response: Awaited<ReturnType<typeof decide>>) => {
          if (response.status === 400) return expect(response.body.code).toBe('FRAUD_NOTHING_TO_CLAW_BACK');
          expect(response.status).toBe(200);
          state.clawed = true;
        };
        const cancelAmount = (p: number) =>
          Math.max(1, Math.floor(((amountWon - state.cancelledWon) * p) / 100));

        for (const step of ops) {
          const remainingWon = amountWon - state.cancelledWon;
          if (step.kind === 'expire') {
            if (!state.expired) t.clock.advanceMs(2 * 3_600_000);
            state.expired = true;
            await expireGrants();
          } else if (step.kind === 'claw' || (step.kind === 'race' && (state.clawed || remainingWon === 0))) {
            const caseId = await openCase([paid.paymentId], citizen.id, cafe.merchantId);
            const response = await decide(caseId);
            if (state.clawed) expect(response.body.code).toBe('FRAUD_ALREADY_CLAWED_BACK');
            else {
              state.caseId = caseId;
              applyClaw(response);
            }
          } else if (remainingWon === 0) {
            expect((await cancel(paid.paymentId)).body.code).toBe('PAYMENT_ALREADY_CANCELLED');
          } else if (step.kind === 'cancel') {
            applyCancel(await cancel(paid.paymentId, cancelAmount(step.part)));
          } else {
            const caseId = await openCase([paid.paymentId], citizen.id, cafe.merchantId);
            state.caseId = caseId;
            const [decided, cancelled] = await Promise.all([
              decide(caseId),
              cancel(paid.paymentId, cancelAmount(step.part)),
            ]);
            applyClaw(decided);
            applyCancel(cancelled);
          }

          const effects = state.clawed
            ? (await caseOf(state.caseId)).effects
            : { clawbacks: [], grantClawbacks: [] };
          const owedCashbackWon = effects.clawbacks[0]?.receivableWon ?? 0;
          const owedGrantWon = effects.grantClawbacks[0]?.receivableWon ?? 0;
          const payment = await t.platform.payments.getPayment(tenantId, paid.paymentId);
          const draws = payment?.cashback.draws ?? [];
          const restCashbackWon = draws.reduce(
            (sum, d) => sum + uncancelledShare(state.cancelledWon, d.amountWon, amountWon),
            0,
          );
          const potsBackWon = (await sumOf(pots)) - start.pots;
          // Cashback: back in the pots, owed by the member, or still the member's on what stands.
          expect(potsBackWon + (state.clawed ? owedCashbackWon : restCashbackWon)).toBe(cashbackWon);
          expect(owedCashbackWon).toBeLessThanOrEqual(restCashbackWon);
          // The member lost exactly what the pots got back, beyond what the cancellations refunded.
          const now = await wallet(citizen);
          expect(now.cashWon + now.cashbackWon - start.wallet.cashWon - start.wallet.cashbackWon).toBe(
            state.refundedWon - potsBackWon,
          );
          // Grant money: in the member's grant or the pool, or still with the merchant (owed, or spent on what stands).
          const merchantHeldWon = state.clawed
            ? owedGrantWon
            : uncancelledShare(state.cancelledWon, grantWon, amountWon);
          expect(now.grantWon + (await postedOf(pool))).toBe(10_000 - merchantHeldWon);
          if (state.expired) expect(now.grantWon).toBe(0);
          const cancelledGrantWon = proportionalShare(state.cancelledWon, grantWon, amountWon);
          expect(start.merchant - (await receivableOf(cafe.merchantId))).toBe(
            state.cancelledWon - cancelledGrantWon + (grantWon - merchantHeldWon),
          );
          await report();
        }
        await expectLedgerAuditGreen(t.platform, tenantId);
      }),
      { numRuns: 12 },
    );
  }, 600_000);

  it('a claw-back the merchant could not pay is collected when the merchant cancels, into the pool', async () => {
    const bookstore = await demoMerchantCode(t.platform, tenantId, 'bookstore');
    const bookstoreOwner = await demoClient(t.app, tenantId, 'bookstore');
    const { citizen, pool, report } = await grantProgram(7 * 86_400_000);
    const ids = [
      (await pay(citizen, 2_000, bookstore.merchantCode)).paymentId,
      (await pay(citizen, 2_000, bookstore.merchantCode)).paymentId,
    ];
    // The day is settled: everything the bookstore took is paid out, its receivable holds nothing.
    const day = new Date(t.clock.now().getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
    t.clock.advanceMs(86_400_000);
    await t.platform.settlement.runPass(tenantId, day, 'test');
    expect(await receivableOf(bookstore.merchantId)).toBe(0);

    const decided = await clawBack(ids, citizen.id, bookstore.merchantId);
    expect(
      decided.effects.grantClawbacks.map(
        (g: { owedWon: number; clawedWon: number; receivableWon: number }) => [
          g.owedWon,
          g.clawedWon,
          g.receivableWon,
        ],
      ),
    ).toEqual([
      [2_000, 0, 2_000],
      [2_000, 0, 2_000],
    ]);
    expect(await postedOf(pool)).toBe(0);

    const cancelled = await cancel(ids[0] as string, undefined, bookstoreOwner);
    expect(cancelled.status).toBe(201);
    expect(await receivableOf(bookstore.merchantId)).toBe(-2_000);
    expect(await postedOf(pool)).toBe(2_000);
    expect(await wallet(citizen)).toEqual({ cashWon: 0, cashbackWon: 0, grantWon: 6_000 });
    const grantEffects = (await caseOf(decided.caseId)).effects.grantClawbacks;
    expect(
      grantEffects.map((g: { paymentId: string; receivableWon: number }) => [g.paymentId, g.receivableWon]),
    ).toEqual(
      expect.arrayContaining([
        [ids[0], 0],
        [ids[1], 2_000],
      ]),
    );
    expect(await report()).toMatchObject({
      spent: { won: 2_000 },
      reclaimedWon: 2_000,
      outstandingWon: 6_000,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
