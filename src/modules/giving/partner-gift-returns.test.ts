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
import { businessNumberCheckDigit } from '../merchants/business-number.js';
import { proportionalShare, uncancelledShare } from '../payments/split.js';
import { partnerDepositAccountId, partnerGrantAccountId } from './partners.js';

const HOUR_MS = 3_600_000;
const DEPOSIT_WON = 100_000;
const GIFT_WON = 10_000;
const COMPANY_BANK = { bankCode: 'SANDBOX', accountNumber: '777-000-0031' };

/** A valid 사업자등록번호 from nine digits (the tenth is the check digit). */
function businessNumber(nine: string): string {
  return `${nine.slice(0, 3)}-${nine.slice(3, 5)}-${nine.slice(5)}${businessNumberCheckDigit(nine)}`;
}

/**
 * A partner's gift (동행협약) spent at a shop comes back three ways: the shop's cancellations, a fraud
 * claw-back (from the shop, through the gift) and the gift's expiry sweep. Whatever the order, each
 * won goes back once: to the employee's grant while the gift is live, else to the partner's deposit,
 * where the sweep sends an expired gift's leftover; never into an expired grant that nobody can spend
 * or sweep. Every scenario: a ₩100,000 deposit, a ₩10,000 gift to one employee, so the deposit, the
 * grant and what the shop still holds of the gift always add up to ₩100,000.
 */
describe.each(databaseKinds())(
  'partner gift money back by cancellation, claw-back and expiry on %s',
  (kind) => {
    let t: TestPlatform;
    let tenantId: string;
    let operator: ApiClient;
    let cafeOwner: ApiClient;
    let cafe: { merchantId: string; merchantCode: string };
    let count = 0;

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

    const next = () => {
      count += 1;
      return count;
    };
    const postedOf = async (accountId: string) =>
      (await t.platform.ledger.getAccount(tenantId, accountId))?.postedWon ?? 0;
    const receivableOf = async (merchantId: string) => {
      const merchant = await t.platform.merchants.getById(tenantId, merchantId);
      return (await t.platform.ledger.getAccount(tenantId, merchant?.receivableAccountId as string))
        ?.availableWon as number;
    };

    /** A partner with ₩100,000 deposited that gives one new employee ₩10,000, usable now, expiring in an hour. */
    async function giftedEmployee(chargeWon = 0) {
      const n = next();
      const created = await operator.request('POST', '/v1/operator/partners', {
        name: `한밭기계 ${n}`,
        businessNumber: businessNumber(`30583${String(n).padStart(4, '0')}`),
        contact: '총무팀 042-000-0000',
      });
      expect(created.status).toBe(201);
      const partnerId = created.body.partnerId as string;
      const deposited = await operator.post(`/v1/operator/partners/${partnerId}/deposits`, {
        amountWon: DEPOSIT_WON,
        bankAccount: COMPANY_BANK,
      });
      expect(deposited.status).toBe(201);
      const phone = `010-6600-${String(n).padStart(4, '0')}`;
      const employee = await newMember(t.app, tenantId, phone);
      if (chargeWon > 0)
        expect((await employee.post('/v1/me/charges', { amountWon: chargeWon })).status).toBe(201);
      const memberId = (await t.platform.members.findByPhone(tenantId, phone))?.id as string;
      const expiresAt = new Date(t.clock.now().getTime() + HOUR_MS).toISOString();
      const given = await operator.request(
        'POST',
        `/v1/operator/partners/${partnerId}/gifts?expiresAt=${encodeURIComponent(expiresAt)}`,
        `전화번호,금액\r\n${phone},${GIFT_WON}\r\n`,
        { 'content-type': 'text/csv', 'idempotency-key': `gift-${n}` },
      );
      expect(given.status).toBe(201);
      const giftId = given.body.giftId as string;
      const deposit = partnerDepositAccountId(partnerId);
      const grant = partnerGrantAccountId(memberId, giftId);
      const statement = async () => (await operator.get(`/v1/operator/partners/${partnerId}`)).body;
      return { employee, memberId, partnerId, giftId, deposit, grant, statement };
    }

    async function pay(client: ApiClient, amountWon: number, merchantCode = cafe.merchantCode) {
      const paid = await client.post('/v1/me/payments', { merchantCode, amountWon });
      expect(paid.status).toBe(201);
      return paid.body as {
        paymentId: string;
        paidFrom: { grantWon: number };
        cashback: { amountWon: number };
      };
    }

    const cancel = (paymentId: string, amountWon?: number, owner = cafeOwner) =>
      owner.post(
        `/v1/merchant/payments/${paymentId}/cancellations`,
        amountWon === undefined ? undefined : { amountWon },
      );

    /** Every partner gift due its sweep is swept (the job's pages, to the end). */
    async function sweep() {
      let reclaimedWon = 0;
      for (;;) {
        const run = await t.platform.giving.partners.reclaimExpiredGifts(tenantId, t.clock.now());
        reclaimedWon += run.details.reclaimedWon;
        if (!run.more) return reclaimedWon;
      }
    }

    /** A case on an alert naming these payments (the fraud module's own table), opened through the API. */
    async function openCase(paymentIds: string[], memberId: string, merchantId = cafe.merchantId) {
      const n = next();
      const alertId = `falt_gift${String(n).padStart(9, '0')}`;
      await t.db.query(
        `insert into fraud_alerts (tenant_id, id, rule, subject_kind, subject_id, member_id, merchant_id, district, score, status,
         explanation_ko, explanation_en, evidence, first_seen_at, last_seen_at)
       values ($1, $2, 'repeated_pair', 'pair', $3, $4, $5, null, 60, 'open', '시험', 'test', $6, now(), now())`,
        [
          tenantId,
          alertId,
          `gift-pair-${n}`,
          memberId,
          merchantId,
          JSON.stringify({ paymentIds, transferIds: [], cycle: null }),
        ],
      );
      const opened = await operator.post('/v1/operator/fraud/cases', { alertIds: [alertId] });
      expect(opened.status).toBe(201);
      return opened.body.caseId as string;
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

    const grantEffects = async (caseId: string) =>
      (
        (await operator.get(`/v1/operator/fraud/cases/${caseId}`)).body.effects.grantClawbacks as Array<{
          paymentId: string;
          programId: string;
          owedWon: number;
          clawedWon: number;
          receivableWon: number;
        }>
      ).map((g) => [g.paymentId, g.programId, g.owedWon, g.clawedWon, g.receivableWon]);

    /** The member's history adds up to their wallet: every movement is a line. */
    async function expectHistoryAddsUp(client: ApiClient) {
      const wallet = (await client.get('/v1/me/wallet')).body;
      const lines = (await client.get('/v1/me/transactions?limit=100')).body.items as Array<{
        amountWon: number;
      }>;
      expect(lines.reduce((sum, line) => sum + line.amountWon, 0)).toBe(wallet.totalWon);
    }

    it('expire → cancel: a refund after the sweep goes on to the deposit with the cancellation, not into the expired grant', async () => {
      const g = await giftedEmployee();
      const paid = await pay(g.employee, 6_000);
      expect(paid.paidFrom.grantWon).toBe(6_000);
      // While the gift is live, a cancelled share is the employee's again.
      expect((await cancel(paid.paymentId, 1_000)).body.refunded.grantWon).toBe(1_000);
      expect(await postedOf(g.grant)).toBe(5_000);

      t.clock.advanceMs(2 * HOUR_MS);
      expect(await sweep()).toBeGreaterThanOrEqual(5_000);
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([0, 95_000]);

      const late = await cancel(paid.paymentId);
      expect(late.status).toBe(201);
      expect(late.body.refunded).toEqual({ grantWon: 5_000, cashbackWon: 0, cashWon: 0 });
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([0, DEPOSIT_WON]);
      expect(await g.statement()).toMatchObject({
        giftedWon: GIFT_WON,
        reclaimedWon: GIFT_WON,
        paidWon: 0,
        depositBalanceWon: DEPOSIT_WON,
        gifts: [expect.objectContaining({ reclaimedWon: GIFT_WON })],
      });
      // Nothing is left for a later sweep, and one moves nothing.
      await sweep();
      expect(await postedOf(g.deposit)).toBe(DEPOSIT_WON);
      const expired = (await g.employee.get('/v1/me/transactions?type=grant_expired')).body.items;
      expect(
        expired.map((line: { amountWon: number; referenceId: string }) => [line.amountWon, line.referenceId]),
      ).toEqual([
        [-5_000, `partner_gift_expiry:${g.giftId}:${g.memberId}:2`],
        [-5_000, `partner_gift_expiry:${g.giftId}:${g.memberId}`],
      ]);
      await expectHistoryAddsUp(g.employee);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('expired, not yet swept → cancel: the refund goes to the deposit, and the sweep takes only what was left', async () => {
      const g = await giftedEmployee();
      const paid = await pay(g.employee, 7_000);
      t.clock.advanceMs(2 * HOUR_MS);
      expect((await cancel(paid.paymentId, 3_000)).body.refunded.grantWon).toBe(3_000);
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([3_000, 93_000]);
      expect((await g.statement()).reclaimedWon).toBe(3_000);
      await sweep();
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([0, 96_000]);
      expect(await g.statement()).toMatchObject({
        reclaimedWon: 6_000,
        paidWon: 4_000,
        depositBalanceWon: 96_000,
      });
      expect((await cancel(paid.paymentId)).body.refunded.grantWon).toBe(4_000);
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([0, DEPOSIT_WON]);
      await expectHistoryAddsUp(g.employee);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('cancel → expire: a refund while the gift is live is the employee’s, and the sweep takes it back once', async () => {
      const g = await giftedEmployee();
      const paid = await pay(g.employee, 6_000);
      expect((await cancel(paid.paymentId)).body.refunded.grantWon).toBe(6_000);
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([GIFT_WON, 90_000]);
      t.clock.advanceMs(2 * HOUR_MS);
      await sweep();
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([0, DEPOSIT_WON]);
      expect((await g.statement()).reclaimedWon).toBe(GIFT_WON);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('claw-back → cancel: the shop gives the gift money back through the gift to the deposit, and a cancellation refunds none of it again', async () => {
      const g = await giftedEmployee();
      const ids = [
        (await pay(g.employee, 2_000)).paymentId,
        (await pay(g.employee, 2_000)).paymentId,
        (await pay(g.employee, 2_000)).paymentId,
      ];
      const shopBefore = await receivableOf(cafe.merchantId);
      const decided = await clawBack(ids, g.memberId);
      expect(await grantEffects(decided.caseId)).toEqual(
        [...ids].sort().map((id) => [id, g.giftId, 2_000, 2_000, 0]),
      );
      expect(await receivableOf(cafe.merchantId)).toBe(shopBefore - 6_000);
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([4_000, 96_000]);
      expect(await g.statement()).toMatchObject({
        reclaimedWon: 6_000,
        paidWon: 4_000,
        depositBalanceWon: 96_000,
      });

      const cancelled = await cancel(ids[0] as string);
      expect(cancelled.status).toBe(201);
      expect(cancelled.body.refunded).toEqual({ grantWon: 0, cashbackWon: 0, cashWon: 0 });
      expect(await receivableOf(cafe.merchantId)).toBe(shopBefore - 6_000);
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([4_000, 96_000]);
      // The claw-back passed through the grant without being the employee's: no history line.
      expect((await g.employee.get('/v1/me/transactions?type=grant_expired')).body.items).toEqual([]);
      await expectHistoryAddsUp(g.employee);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('cancel → claw-back: the claw-back takes only what the cancellation left with the shop', async () => {
      const g = await giftedEmployee();
      const paid = await pay(g.employee, 6_000);
      expect((await cancel(paid.paymentId, 2_000)).body.refunded.grantWon).toBe(2_000);
      const decided = await clawBack([paid.paymentId], g.memberId);
      expect(await grantEffects(decided.caseId)).toEqual([[paid.paymentId, g.giftId, 4_000, 4_000, 0]]);
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([6_000, 94_000]);
      // The rest cancelled: the claw-back already took it, nothing moves.
      expect((await cancel(paid.paymentId)).body.refunded).toEqual({
        grantWon: 0,
        cashbackWon: 0,
        cashWon: 0,
      });
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([6_000, 94_000]);
      t.clock.advanceMs(2 * HOUR_MS);
      await sweep();
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([0, DEPOSIT_WON]);
      expect(await g.statement()).toMatchObject({ reclaimedWon: GIFT_WON, paidWon: 0 });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('claw-back → expire: the sweep takes only the unspent rest; a late cancellation moves nothing', async () => {
      const g = await giftedEmployee();
      const paid = await pay(g.employee, 6_000);
      await clawBack([paid.paymentId], g.memberId);
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([4_000, 96_000]);
      t.clock.advanceMs(2 * HOUR_MS);
      expect(await sweep()).toBeGreaterThanOrEqual(4_000);
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([0, DEPOSIT_WON]);
      expect((await cancel(paid.paymentId)).body.refunded).toEqual({
        grantWon: 0,
        cashbackWon: 0,
        cashWon: 0,
      });
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([0, DEPOSIT_WON]);
      expect(await g.statement()).toMatchObject({
        reclaimedWon: GIFT_WON,
        paidWon: 0,
        depositBalanceWon: DEPOSIT_WON,
      });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('a claw-back the shop could not pay is collected by a cancellation after expiry, into the deposit', async () => {
      const bookstore = await demoMerchantCode(t.platform, tenantId, 'bookstore');
      const bookstoreOwner = await demoClient(t.app, tenantId, 'bookstore');
      const g = await giftedEmployee();
      const ids = [
        (await pay(g.employee, 2_000, bookstore.merchantCode)).paymentId,
        (await pay(g.employee, 2_000, bookstore.merchantCode)).paymentId,
      ];
      // The day is settled: everything the bookstore took is paid out, its receivable holds nothing.
      const day = new Date(t.clock.now().getTime() + 9 * HOUR_MS).toISOString().slice(0, 10);
      t.clock.advanceMs(86_400_000);
      await t.platform.settlement.runPass(tenantId, day, 'test');
      expect(await receivableOf(bookstore.merchantId)).toBe(0);

      const decided = await clawBack(ids, g.memberId, bookstore.merchantId);
      expect(await grantEffects(decided.caseId)).toEqual(
        [...ids].sort().map((id) => [id, g.giftId, 2_000, 0, 2_000]),
      );
      // The gift expired meanwhile; its sweep takes the unspent ₩6,000.
      await sweep();
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([0, 96_000]);

      expect((await cancel(ids[0] as string, undefined, bookstoreOwner)).status).toBe(201);
      expect(await receivableOf(bookstore.merchantId)).toBe(-2_000);
      expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([0, 98_000]);
      const after = await grantEffects(decided.caseId);
      expect(after).toEqual(
        expect.arrayContaining([
          [ids[0], g.giftId, 2_000, 0, 0],
          [ids[1], g.giftId, 2_000, 0, 2_000],
        ]),
      );
      expect(await g.statement()).toMatchObject({ reclaimedWon: 8_000, paidWon: 2_000 });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('a claw-back racing a cancellation, and a sweep racing a cancellation, each have one outcome', async () => {
      for (let round = 0; round < 2; round += 1) {
        const g = await giftedEmployee();
        const paid = await pay(g.employee, 6_000);
        const shopBefore = await receivableOf(cafe.merchantId);
        const caseId = await openCase([paid.paymentId], g.memberId);
        const [decided, cancelled] = await Promise.all([decide(caseId), cancel(paid.paymentId)]);
        expect(cancelled.status).toBe(201);
        // Claw-back first: ₩6,000 to the deposit, the cancellation refunds nothing; cancellation first:
        // ₩6,000 back to the live grant, and nothing is left to claw back.
        if (decided.status === 200) {
          expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([4_000, 96_000]);
          expect(cancelled.body.refunded.grantWon).toBe(0);
        } else {
          expect(decided.body.code).toBe('FRAUD_NOTHING_TO_CLAW_BACK');
          expect([await postedOf(g.grant), await postedOf(g.deposit)]).toEqual([GIFT_WON, 90_000]);
        }
        expect(await receivableOf(cafe.merchantId)).toBe(shopBefore - 6_000);

        const again = await giftedEmployee();
        const spent = await pay(again.employee, 6_000);
        t.clock.advanceMs(2 * HOUR_MS);
        const [, late] = await Promise.all([sweep(), cancel(spent.paymentId)]);
        expect(late.body.refunded.grantWon).toBe(6_000);
        expect([await postedOf(again.grant), await postedOf(again.deposit)]).toEqual([0, DEPOSIT_WON]);
      }
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('property: any order of claw-back, cancellations, expiry and sweeps returns each won of the gift once', async () => {
      type Op =
        | { kind: 'claw' }
        | { kind: 'cancel'; part: number }
        | { kind: 'race'; part: number }
        | { kind: 'expire' }
        | { kind: 'sweep' };
      const part = fc.integer({ min: 1, max: 100 });
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.constant({ kind: 'claw' as const }),
        part.map((p) => ({ kind: 'cancel' as const, part: p })),
        part.map((p) => ({ kind: 'race' as const, part: p })),
        fc.constant({ kind: 'expire' as const }),
        fc.constant({ kind: 'sweep' as const }),
      );
      const scenario = fc.record({
        // Up to the whole gift, or the gift and some cash (which earns cashback).
        amountWon: fc.integer({ min: 1_000, max: 16_000 }),
        ops: fc.array(op, { minLength: 1, maxLength: 4 }),
      });
      await fc.assert(
        fc.asyncProperty(scenario, async ({ amountWon, ops }) => {
          const g = await giftedEmployee(20_000);
          const paid = await pay(g.employee, amountWon);
          const grantWon = paid.paidFrom.grantWon;
          expect(grantWon).toBe(Math.min(amountWon, GIFT_WON));
          const shopStart = await receivableOf(cafe.merchantId);
          const state = { cancelledWon: 0, clawed: false, caseId: '', expired: false, swept: false };
          const applyCancel = (response: Awaited<ReturnType<typeof cancel>>) => {
            expect(response.status).toBe(201);
            state.cancelledWon = response.body.payment.cancelledWon;
          };
          const applyClaw = (caseId: string, response: Awaited<ReturnType<typeof decide>>) => {
            if (response.status === 400) return expect(response.body.code).toBe('FRAUD_NOTHING_TO_CLAW_BACK');
            expect(response.status).toBe(200);
            state.clawed = true;
            state.caseId = caseId;
          };
          const cancelAmount = (p: number) =>
            Math.max(1, Math.floor(((amountWon - state.cancelledWon) * p) / 100));

          for (const step of ops) {
            const remainingWon = amountWon - state.cancelledWon;
            if (step.kind === 'expire') {
              if (!state.expired) t.clock.advanceMs(2 * HOUR_MS);
              state.expired = true;
            } else if (step.kind === 'sweep') {
              await sweep();
              state.swept = state.expired;
            } else if (
              step.kind === 'claw' ||
              (step.kind === 'race' && (state.clawed || remainingWon === 0))
            ) {
              const caseId = await openCase([paid.paymentId], g.memberId);
              const response = await decide(caseId);
              if (state.clawed) expect(response.body.code).toBe('FRAUD_ALREADY_CLAWED_BACK');
              else applyClaw(caseId, response);
            } else if (remainingWon === 0) {
              expect((await cancel(paid.paymentId)).body.code).toBe('PAYMENT_ALREADY_CANCELLED');
            } else if (step.kind === 'cancel') {
              applyCancel(await cancel(paid.paymentId, cancelAmount(step.part)));
            } else {
              const caseId = await openCase([paid.paymentId], g.memberId);
              const [decided, cancelled] = await Promise.all([
                decide(caseId),
                cancel(paid.paymentId, cancelAmount(step.part)),
              ]);
              applyClaw(caseId, decided);
              applyCancel(cancelled);
            }

            const owedWon = state.clawed
              ? (((await grantEffects(state.caseId))[0]?.[4] as number | undefined) ?? 0)
              : 0;
            // The gift's money: in the grant, back in the deposit, or still with the shop (owed after a
            // claw-back, else spent on what stands of the payment). Never more, never less.
            const shopHeldWon = state.clawed
              ? owedWon
              : uncancelledShare(state.cancelledWon, grantWon, amountWon);
            const grantNowWon = await postedOf(g.grant);
            const depositNowWon = await postedOf(g.deposit);
            expect(grantNowWon + depositNowWon + shopHeldWon).toBe(DEPOSIT_WON);
            // Once swept, the expired grant stays empty: later returns go straight on to the deposit.
            if (state.swept) expect(grantNowWon).toBe(0);
            // The partner's statement counts what came back into the deposit as reclaimed.
            const statement = await g.statement();
            expect(statement.reclaimedWon).toBe(depositNowWon - (DEPOSIT_WON - GIFT_WON));
            expect(statement.depositBalanceWon).toBe(depositNowWon);
            // The shop gave back what was cancelled (less gift money a claw-back already took) and what a claw-back took.
            const cancelledGrantWon = proportionalShare(state.cancelledWon, grantWon, amountWon);
            expect(shopStart - (await receivableOf(cafe.merchantId))).toBe(
              state.cancelledWon - cancelledGrantWon + (grantWon - shopHeldWon),
            );
          }
          // In the end the gift expires and is swept: nothing is left in the grant, and the employee's
          // history adds up to their wallet (an expired grant not yet swept counts in neither).
          if (!state.expired) t.clock.advanceMs(2 * HOUR_MS);
          await sweep();
          expect(await postedOf(g.grant)).toBe(0);
          // (A claw-back of cashback writes no history line yet, so only without one.)
          if (!state.clawed || paid.cashback.amountWon === 0) await expectHistoryAddsUp(g.employee);
          await expectLedgerAuditGreen(t.platform, tenantId);
        }),
        { numRuns: 5 },
      );
    }, 300_000);
  },
);
