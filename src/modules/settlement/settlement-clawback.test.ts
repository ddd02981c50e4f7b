import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
import { seedDaejeonSettlement } from './presets/daejeon.js';

/** Instants written as Korean local time, the tenant's time zone. */
const kst = (localTime: string) => `${localTime}+09:00`;

/**
 * A fraud claw-back takes a payment's grant money back from the merchant's receivable, and a later
 * cancellation of the payment then debits the merchant only what the claw-back left. Settlement pays
 * a business day what the receivable held at the day's end, whichever order and side of the day's
 * end the two fall on: never money of later sales, and a claw-back after the end is carried into the
 * next day's statement as a cancellation after the end is.
 *
 * Each scenario: on 5/13 a member spends a ₩6,000 programme grant at the cafe (grant money only) and
 * another pays ₩20,000 in cash; on 5/14 at 00:40 a ₩30,000 cash sale, then 5/13 is settled at 01:00
 * and 5/14 a day later. Claw-back and cancellation fall at the times each test gives.
 */
describe.each(databaseKinds())('settlement after fraud claw-backs of grant money on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let cafeOwner: ApiClient;
  let cafe: { merchantId: string; merchantCode: string };
  let phoneCount = 0;
  let alertCount = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set(kst('2021-05-13T12:00:00'));
    tenantId = await seedTestTenant(t.platform);
    await seedDaejeonSettlement(t.platform, tenantId);
    cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
    operator = await demoClient(t.app, tenantId, 'operator');
    cafeOwner = await demoClient(t.app, tenantId, 'cafe');
  });

  async function member(chargeWon: number) {
    phoneCount += 1;
    const phone = `010-6300-${String(phoneCount).padStart(4, '0')}`;
    const client = await newMember(t.app, tenantId, phone);
    if (chargeWon > 0)
      expect((await client.post('/v1/me/charges', { amountWon: chargeWon })).status).toBe(201);
    const found = await t.platform.members.findByPhone(tenantId, phone);
    return Object.assign(client, { phone, id: found?.id as string });
  }

  /** A member holding one live ₩10,000 grant of a new programme. */
  async function grantHolder() {
    const citizen = await member(0);
    const now = t.clock.now().getTime();
    const created = await operator.post('/v1/operator/programs', {
      name: `정산 시험 지원금 ${phoneCount}`,
      budgetWon: 10_000,
      nationalShareBp: 5000,
      recipientAmountWon: 10_000,
      usableFrom: new Date(now - 60_000).toISOString(),
      expiresAt: new Date(now + 30 * 86_400_000).toISOString(),
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
    return citizen;
  }

  async function pay(client: ApiClient, amountWon: number) {
    const paid = await client.post('/v1/me/payments', { merchantCode: cafe.merchantCode, amountWon });
    expect(paid.status).toBe(201);
    return paid.body as { paymentId: string; paidFrom: { grantWon: number } };
  }

  async function cancel(paymentId: string, amountWon?: number) {
    const cancelled = await cafeOwner.post(
      `/v1/merchant/payments/${paymentId}/cancellations`,
      amountWon === undefined ? undefined : { amountWon },
    );
    expect(cancelled.status).toBe(201);
    return cancelled.body;
  }

  /** A confirmed case with these actions on an alert naming the payment (the fraud module's table, as its tests do). */
  async function decideCase(paymentId: string, memberId: string, actions: string[]) {
    alertCount += 1;
    const alertId = `falt_stlc${String(alertCount).padStart(9, '0')}`;
    await t.db.query(
      `insert into fraud_alerts (tenant_id, id, rule, subject_kind, subject_id, member_id, merchant_id, district, score, status,
         explanation_ko, explanation_en, evidence, first_seen_at, last_seen_at)
       values ($1, $2, 'repeated_pair', 'pair', $3, $4, $5, null, 60, 'open', '시험', 'test', $6, now(), now())`,
      [
        tenantId,
        alertId,
        `pair-stl-${alertCount}`,
        memberId,
        cafe.merchantId,
        JSON.stringify({ paymentIds: [paymentId], transferIds: [], cycle: null }),
      ],
    );
    const opened = await operator.post('/v1/operator/fraud/cases', { alertIds: [alertId] });
    expect(opened.status).toBe(201);
    const decided = await operator.post(`/v1/operator/fraud/cases/${opened.body.caseId}/decision`, {
      decision: 'confirmed',
      reason: '깡 확인',
      actions,
    });
    expect(decided.status).toBe(200);
    return decided.body;
  }

  async function clawBack(paymentId: string, memberId: string) {
    const decided = await decideCase(paymentId, memberId, ['claw_back']);
    return decided.effects.grantClawbacks as Array<{ clawedWon: number; receivableWon: number }>;
  }

  async function settle(businessDate: string) {
    const response = await operator.post('/v1/operator/settlements/runs', { businessDate });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function statementOf(businessDate: string) {
    const page = await cafeOwner.get('/v1/merchant/settlements?limit=100');
    expect(page.status).toBe(200);
    const found = page.body.items.find(
      (item: { businessDate: string }) => item.businessDate === businessDate,
    );
    expect(found).toBeDefined();
    const detail = await cafeOwner.get(`/v1/merchant/settlements/${found.id}`);
    expect(detail.status).toBe(200);
    return detail.body;
  }

  async function receivableWon() {
    return (await t.platform.ledger.getAccount(tenantId, `${cafe.merchantId}:receivable`))?.availableWon;
  }

  /** The money lines of a statement, and the one payout it made. */
  function moneyOf(statement: Record<string, unknown> & { payouts: Array<{ amountWon: number }> }) {
    const { grossWon, cancelledWon, netWon, broughtForwardWon, dueWon, paidWon, carriedWon, status } =
      statement;
    return {
      status,
      grossWon,
      cancelledWon,
      netWon,
      broughtForwardWon,
      dueWon,
      paidWon,
      carriedWon,
      payouts: statement.payouts.map((payout) => payout.amountWon),
    };
  }

  /** 5/13: the ₩6,000 grant payment and a ₩20,000 cash sale at noon. */
  async function dayOneSales() {
    const holder = await grantHolder();
    const shopper = await member(200_000);
    const grantPayment = await pay(holder, 6_000);
    expect(grantPayment.paidFrom.grantWon).toBe(6_000);
    await pay(shopper, 20_000);
    return { holder, shopper, paymentId: grantPayment.paymentId };
  }

  /** 5/14 00:40: a ₩30,000 cash sale; then 5/13 is settled at 01:00. */
  async function laterSaleThenSettleDayOne(shopper: ApiClient) {
    t.clock.set(kst('2021-05-14T00:40:00'));
    await pay(shopper, 30_000);
    t.clock.set(kst('2021-05-14T01:00:00'));
    expect((await settle('2021-05-13')).pass).toMatchObject({ statementsCreated: 1, payoutsStarted: 1 });
    return moneyOf(await statementOf('2021-05-13'));
  }

  async function settleDayTwo() {
    t.clock.set(kst('2021-05-15T01:00:00'));
    await settle('2021-05-14');
    return moneyOf(await statementOf('2021-05-14'));
  }

  it('claw-back on the day, cancellation the next: the day is paid what the receivable held at its end', async () => {
    const { holder, shopper, paymentId } = await dayOneSales();
    t.clock.set(kst('2021-05-13T13:00:00'));
    expect(await clawBack(paymentId, holder.id)).toMatchObject([{ clawedWon: 6_000, receivableWon: 0 }]);
    expect(await receivableWon()).toBe(20_000);
    // The claw-back took the grant money: the cancellation debits the merchant nothing.
    t.clock.set(kst('2021-05-14T00:30:00'));
    expect((await cancel(paymentId)).refunded).toEqual({ grantWon: 0, cashbackWon: 0, cashWon: 0 });
    expect(await receivableWon()).toBe(20_000);

    // Counting the cancellation at its ₩6,000 would pay ₩26,000, ₩6,000 of it the 5/14 sale's money.
    expect(await laterSaleThenSettleDayOne(shopper)).toEqual({
      status: 'paid',
      grossWon: 26_000,
      cancelledWon: 0,
      netWon: 26_000,
      broughtForwardWon: -6_000,
      dueWon: 20_000,
      paidWon: 20_000,
      carriedWon: 0,
      payouts: [20_000],
    });
    expect(await receivableWon()).toBe(30_000);
    expect(await settleDayTwo()).toEqual({
      status: 'paid',
      grossWon: 30_000,
      cancelledWon: 6_000,
      netWon: 24_000,
      broughtForwardWon: 6_000,
      dueWon: 30_000,
      paidWon: 30_000,
      carriedWon: 0,
      payouts: [30_000],
    });
    expect(await receivableWon()).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('cancellation on the day, claw-back the next: the claw-back is carried to the next day like a cancellation', async () => {
    const { holder, shopper, paymentId } = await dayOneSales();
    t.clock.set(kst('2021-05-13T13:00:00'));
    await cancel(paymentId, 2_000);
    expect(await receivableWon()).toBe(24_000);
    t.clock.set(kst('2021-05-14T00:30:00'));
    expect(await clawBack(paymentId, holder.id)).toMatchObject([{ clawedWon: 4_000, receivableWon: 0 }]);
    expect(await receivableWon()).toBe(20_000);

    expect(await laterSaleThenSettleDayOne(shopper)).toEqual({
      status: 'paid',
      grossWon: 26_000,
      cancelledWon: 2_000,
      netWon: 24_000,
      broughtForwardWon: 0,
      dueWon: 24_000,
      paidWon: 24_000,
      carriedWon: 0,
      payouts: [24_000],
    });
    expect(await settleDayTwo()).toEqual({
      status: 'paid',
      grossWon: 30_000,
      cancelledWon: 0,
      netWon: 30_000,
      broughtForwardWon: -4_000,
      dueWon: 26_000,
      paidWon: 26_000,
      carriedWon: 0,
      payouts: [26_000],
    });
    expect(await receivableWon()).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('claw-back then cancellation, both the next day: the day is paid its sales in full', async () => {
    const { holder, shopper, paymentId } = await dayOneSales();
    t.clock.set(kst('2021-05-14T00:20:00'));
    expect(await clawBack(paymentId, holder.id)).toMatchObject([{ clawedWon: 6_000, receivableWon: 0 }]);
    t.clock.set(kst('2021-05-14T00:30:00'));
    await cancel(paymentId);
    expect(await receivableWon()).toBe(20_000);

    expect(await laterSaleThenSettleDayOne(shopper)).toEqual({
      status: 'paid',
      grossWon: 26_000,
      cancelledWon: 0,
      netWon: 26_000,
      broughtForwardWon: 0,
      dueWon: 26_000,
      paidWon: 26_000,
      carriedWon: 0,
      payouts: [26_000],
    });
    expect(await settleDayTwo()).toEqual({
      status: 'paid',
      grossWon: 30_000,
      cancelledWon: 6_000,
      netWon: 24_000,
      broughtForwardWon: 0,
      dueWon: 24_000,
      paidWon: 24_000,
      carriedWon: 0,
      payouts: [24_000],
    });
    expect(await receivableWon()).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('a partial cancellation then a claw-back, both the next day: each counts at what it took', async () => {
    const { holder, shopper, paymentId } = await dayOneSales();
    t.clock.set(kst('2021-05-14T00:20:00'));
    await cancel(paymentId, 2_000);
    t.clock.set(kst('2021-05-14T00:30:00'));
    expect(await clawBack(paymentId, holder.id)).toMatchObject([{ clawedWon: 4_000, receivableWon: 0 }]);
    expect(await receivableWon()).toBe(20_000);

    expect(await laterSaleThenSettleDayOne(shopper)).toEqual({
      status: 'paid',
      grossWon: 26_000,
      cancelledWon: 0,
      netWon: 26_000,
      broughtForwardWon: 0,
      dueWon: 26_000,
      paidWon: 26_000,
      carriedWon: 0,
      payouts: [26_000],
    });
    expect(await settleDayTwo()).toEqual({
      status: 'paid',
      grossWon: 30_000,
      cancelledWon: 2_000,
      netWon: 28_000,
      broughtForwardWon: -4_000,
      dueWon: 24_000,
      paidWon: 24_000,
      carriedWon: 0,
      payouts: [24_000],
    });
    expect(await receivableWon()).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it.each(['hold_settlement', 'freeze_merchant'])(
    'while a fraud case holds the payouts (%s), the day still gets its statement and fee; its due is paid after the release',
    async (action) => {
      const feeRule = { rateBp: 100, effectiveFrom: kst('2021-05-14T00:00:00') };
      expect((await operator.post('/v1/operator/settlements/fee-rules', feeRule)).status).toBe(201);
      const shopper = await member(200_000);
      t.clock.set(kst('2021-05-14T10:00:00'));
      const { paymentId } = await pay(shopper, 50_000);
      const decided = await decideCase(paymentId, shopper.id, [action]);
      const [freeze] = decided.effects.freezes;
      expect(freeze).toMatchObject({ partyId: cafe.merchantId });

      t.clock.set(kst('2021-05-15T01:00:00'));
      const heldRun = await settle('2021-05-14');
      expect(heldRun.pass).toMatchObject({
        statementsCreated: 1,
        payoutsStarted: 0,
        merchantsHeld: 1,
        merchantsBlocked: 0,
      });
      expect(heldRun.totals).toMatchObject({
        byStatus: { held: 1 },
        feeWon: 500,
        dueWon: 49_500,
        paidWon: 0,
      });
      const heldDay = await statementOf('2021-05-14');
      // The 1% fee is charged on the held day itself; before, the day had no statement and no fee.
      expect(heldDay.fee).toMatchObject({ rateBp: 100, feeWon: 500 });
      expect(moneyOf(heldDay)).toEqual({
        status: 'held',
        grossWon: 50_000,
        cancelledWon: 0,
        netWon: 49_500,
        broughtForwardWon: 0,
        dueWon: 49_500,
        paidWon: 0,
        carriedWon: 49_500,
        payouts: [],
      });
      expect(await receivableWon()).toBe(49_500);
      // A second pass while the hold lasts neither pays nor charges again.
      expect((await settle('2021-05-14')).pass).toMatchObject({ statementsCreated: 0, payoutsStarted: 0 });
      expect(await receivableWon()).toBe(49_500);

      t.clock.set(kst('2021-05-15T12:00:00'));
      const released = await operator.post(`/v1/operator/fraud/freezes/${freeze.freezeId}/release`, {
        reason: '소명 확인',
      });
      expect(released.status).toBe(200);
      // 5/15 had no sale: its statement brings the held day's due forward and pays it.
      t.clock.set(kst('2021-05-16T01:00:00'));
      expect((await settle('2021-05-15')).pass).toMatchObject({
        statementsCreated: 1,
        payoutsStarted: 1,
        merchantsHeld: 0,
      });
      expect(moneyOf(await statementOf('2021-05-15'))).toEqual({
        status: 'paid',
        grossWon: 0,
        cancelledWon: 0,
        netWon: 0,
        broughtForwardWon: 49_500,
        dueWon: 49_500,
        paidWon: 49_500,
        carriedWon: 0,
        payouts: [49_500],
      });
      expect(await receivableWon()).toBe(0);
      await expectLedgerAuditGreen(t.platform, tenantId);
    },
  );
  it('does not send a refused payout again while a fraud case holds the payouts; the retry pays it after the release', async () => {
    const shopper = await member(200_000);
    t.clock.set(kst('2021-05-14T10:00:00'));
    const { paymentId } = await pay(shopper, 40_000);
    t.clock.set(kst('2021-05-15T01:00:00'));
    t.bank.injectFaults('fail');
    expect((await settle('2021-05-14')).pass).toMatchObject({ statementsCreated: 1, payoutsStarted: 1 });
    expect(moneyOf(await statementOf('2021-05-14'))).toMatchObject({ status: 'failed', carriedWon: 40_000 });

    const decided = await decideCase(paymentId, shopper.id, ['hold_settlement']);
    const [freeze] = decided.effects.freezes;
    t.clock.set(kst('2021-05-15T02:00:00'));
    await t.platform.scheduler.tick([tenantId]);
    expect((await settle('2021-05-14')).pass).toMatchObject({ payoutsRetried: 0 });
    expect(moneyOf(await statementOf('2021-05-14'))).toMatchObject({ status: 'failed', paidWon: 0 });
    expect(await receivableWon()).toBe(40_000);

    const released = await operator.post(`/v1/operator/fraud/freezes/${freeze.freezeId}/release`, {
      reason: '소명 확인',
    });
    expect(released.status).toBe(200);
    expect((await settle('2021-05-14')).pass).toMatchObject({ payoutsRetried: 1 });
    expect(moneyOf(await statementOf('2021-05-14'))).toMatchObject({
      status: 'paid',
      paidWon: 40_000,
      carriedWon: 0,
      payouts: [40_000, 40_000],
    });
    expect(await receivableWon()).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
