import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { restaurantApplication } from '../../../test/support/merchants-fixtures.js';
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
import { loadConfig } from '../../config.js';
import { createPlatform } from '../../platform.js';
import { DEMO_CREDENTIALS } from '../../presets/daejeon.js';
import type { BankTransferRequest } from '../bank/bank-gateway.js';
import type { InProcessSandboxBank } from '../bank/in-process-sandbox-bank.js';
import { seedDaejeonSettlement } from './presets/daejeon.js';
import { SettlementService } from './settlement-service.js';

const OPENING_BANK_BALANCE_WON = 10_000_000;

/** Instants written as Korean local time, the tenant's time zone. */
function kst(localTime: string): string {
  return `${localTime}+09:00`;
}

describe.each(databaseKinds())('merchant settlement on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let phoneCount = 0;
  let cafe: { merchantId: string; merchantCode: string };
  let market: { merchantId: string; merchantCode: string };
  let operator: ApiClient;
  let cafeOwner: ApiClient;
  let citizen: ApiClient;
  let deposits: MockInstance<InProcessSandboxBank['deposit']>;

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
    market = await demoMerchantCode(t.platform, tenantId, 'marketStore');
    operator = await demoClient(t.app, tenantId, 'operator');
    cafeOwner = await demoClient(t.app, tenantId, 'cafe');
    citizen = await chargedMember(500_000);
    deposits = vi.spyOn(t.bank, 'deposit');
  });
  afterEach(() => {
    deposits.mockRestore();
  });

  async function chargedMember(amountWon: number): Promise<ApiClient> {
    phoneCount += 1;
    const member = await newMember(t.app, tenantId, `010-6100-${String(phoneCount).padStart(4, '0')}`);
    expect((await member.post('/v1/me/charges', { amountWon })).status).toBe(201);
    return member;
  }

  async function pay(amountWon: number, merchantCode = cafe.merchantCode): Promise<string> {
    const paid = await citizen.post('/v1/me/payments', { merchantCode, amountWon });
    expect(paid.status).toBe(201);
    return paid.body.paymentId;
  }

  async function cancel(paymentId: string, amountWon: number): Promise<void> {
    const cancelled = await cafeOwner.post(`/v1/merchant/payments/${paymentId}/cancellations`, { amountWon });
    expect(cancelled.status).toBe(201);
  }

  async function settle(businessDate: string) {
    const response = await operator.post('/v1/operator/settlements/runs', { businessDate });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function statementOf(businessDate: string, owner = cafeOwner) {
    const page = await owner.get('/v1/merchant/settlements?limit=100');
    expect(page.status).toBe(200);
    const found = page.body.items.find(
      (item: { businessDate: string }) => item.businessDate === businessDate,
    );
    if (!found) return undefined;
    const detail = await owner.get(`/v1/merchant/settlements/${found.id}`);
    expect(detail.status).toBe(200);
    return detail.body;
  }

  function depositsTo(accountNumber: string): BankTransferRequest[] {
    return deposits.mock.calls
      .map(([request]) => request)
      .filter((r) => r.account.accountNumber === accountNumber);
  }

  function bankBalanceOf(merchantId: string): number {
    return t.bank.balanceOf({ bankCode: 'SANDBOX', accountNumber: merchantId });
  }

  async function receivableOf(merchantId: string) {
    const account = await t.platform.ledger.getAccount(tenantId, `${merchantId}:receivable`);
    return {
      postedWon: account?.postedWon,
      pendingDebitWon: account?.pendingDebitWon,
      availableWon: account?.availableWon,
    };
  }

  it('settles a business day once however often it is run, and only sales inside the day', async () => {
    const first = await pay(30_000);
    await pay(20_000);
    await cancel(first, 5_000);
    await pay(10_000, market.merchantCode);
    t.clock.set(kst('2021-05-13T23:59:59.999'));
    await pay(1_000);
    t.clock.set(kst('2021-05-14T00:00:00'));
    await pay(2_000);
    t.clock.set(kst('2021-05-14T01:00:00'));

    const run = await settle('2021-05-13');
    const again = await settle('2021-05-13');
    await t.platform.scheduler.tick([tenantId]);

    expect(run.run).toMatchObject({ businessDate: '2021-05-13', status: 'completed' });
    expect(run.pass).toMatchObject({ statementsCreated: 2, payoutsStarted: 2, more: false });
    expect(again.pass).toMatchObject({ statementsCreated: 0, payoutsStarted: 0 });
    expect(again.totals).toEqual({
      statements: 2,
      byStatus: { paying: 0, paid: 2, failed: 0, nothing_to_pay: 0, held: 0 },
      grossWon: 61_000,
      cancelledWon: 5_000,
      feeWon: 0,
      netWon: 56_000,
      broughtForwardWon: 0,
      dueWon: 56_000,
      paidWon: 56_000,
      carriedWon: 0,
    });
    expect(await statementOf('2021-05-13')).toMatchObject({
      status: 'paid',
      periodStart: '2021-05-12T15:00:00.000Z',
      periodEnd: '2021-05-13T15:00:00.000Z',
      paymentsCount: 3,
      grossWon: 51_000,
      cancellationsCount: 1,
      cancelledWon: 5_000,
      fee: { ruleId: 'fee_daejeon_2020', rateBp: 0, feeWon: 0 },
      netWon: 46_000,
      broughtForwardWon: 0,
      dueWon: 46_000,
      paidWon: 46_000,
      carriedWon: 0,
      payouts: [{ attempt: 1, amountWon: 46_000, status: 'succeeded', failure: null }],
    });
    expect(depositsTo(cafe.merchantId)).toHaveLength(1);
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 46_000);
    expect(bankBalanceOf(market.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 10_000);
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 2_000,
      pendingDebitWon: 0,
      availableWon: 2_000,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('pays each merchant once when two server processes run the same day at the same moment', async () => {
    await pay(30_000);
    await pay(10_000, market.merchantCode);
    t.clock.set(kst('2021-05-14T01:00:00'));
    const other = createPlatform(
      loadConfig({ SESSION_TTL_MINUTES: String(366 * 24 * 60) }),
      t.db,
      t.clock,
      t.bank,
    );

    await Promise.all([
      t.platform.settlement.runPass(tenantId, '2021-05-13', 'test:a'),
      other.settlement.runPass(tenantId, '2021-05-13', 'test:b'),
      other.settlement.runDue(tenantId, t.clock.now()),
    ]);

    expect(depositsTo(cafe.merchantId)).toHaveLength(1);
    expect(depositsTo(market.merchantId)).toHaveLength(1);
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 30_000);
    expect((await settle('2021-05-13')).totals).toMatchObject({ statements: 2, paidWon: 40_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('settles a day in bounded passes that resume where the last one stopped, finished by the job', async () => {
    const bookstore = await demoMerchantCode(t.platform, tenantId, 'bookstore');
    await pay(1_000);
    await pay(2_000, market.merchantCode);
    await pay(3_000, bookstore.merchantCode);
    t.clock.set(kst('2021-05-14T01:00:00'));
    const { ledger, tenants, merchants, payments, bank, operatorActions } = t.platform;
    const onePerPass = new SettlementService(
      t.db,
      t.clock,
      { ledger, tenants, merchants, payments, bank, operatorActions },
      { merchantsPerPassMax: 1 },
    );

    const passes = [];
    for (let pass = 0; pass < 2; pass += 1)
      passes.push(await onePerPass.runPass(tenantId, '2021-05-13', 'test'));
    const finished = await t.platform.settlement.runDue(tenantId, t.clock.now());

    expect(
      passes.map(({ run, pass }) => [run.status, pass.merchantsScanned, pass.statementsCreated, pass.more]),
    ).toEqual([
      ['running', 1, 1, true],
      ['running', 1, 1, true],
    ]);
    expect(finished).toMatchObject({ more: false, details: { runStatus: 'completed', merchantsScanned: 1 } });
    expect((await settle('2021-05-13')).totals).toMatchObject({ statements: 3, paidWon: 6_000 });
    expect(deposits).toHaveBeenCalledTimes(3);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('takes the fee of the rule in force on the day, rounded down, and none at or under the revenue threshold', async () => {
    const scheduleFee = (body: Record<string, unknown>) =>
      operator.post('/v1/operator/settlements/fee-rules', body);
    expect((await scheduleFee({ rateBp: 100, effectiveFrom: kst('2021-05-14T00:00:00') })).status).toBe(201);
    const thresholds = [
      { effectiveFrom: kst('2021-05-15T00:00:00'), feeFreeAnnualRevenueUpToWon: 180_000_000 },
      { effectiveFrom: kst('2021-05-16T00:00:00'), feeFreeAnnualRevenueUpToWon: 179_999_999 },
    ];
    for (const rule of thresholds) expect((await scheduleFee({ rateBp: 100, ...rule })).status).toBe(201);
    expect((await scheduleFee({ rateBp: 50, effectiveFrom: kst('2021-05-14T00:00:00') })).body.code).toBe(
      'FEE_RULE_PERIOD_CONFLICT',
    );
    expect((await scheduleFee({ rateBp: 50, effectiveFrom: kst('2021-05-13T11:59:59') })).body.code).toBe(
      'EFFECTIVE_DATE_IN_PAST',
    );

    await pay(33_333);
    for (const [day, amountWon] of [
      ['2021-05-14', 12_345],
      ['2021-05-15', 50_000],
      ['2021-05-16', 50_000],
    ] as const) {
      t.clock.set(kst(`${day}T12:00:00`));
      await pay(amountWon);
    }
    t.clock.set(kst('2021-05-17T01:00:00'));
    for (const day of ['2021-05-13', '2021-05-14', '2021-05-15', '2021-05-16']) await settle(day);

    const fees = [];
    for (const day of ['2021-05-13', '2021-05-14', '2021-05-15', '2021-05-16']) {
      const { grossWon, fee, netWon, paidWon } = await statementOf(day);
      fees.push({ day, grossWon, rateBp: fee.rateBp, feeWon: fee.feeWon, netWon, paidWon });
    }
    expect(fees).toEqual([
      { day: '2021-05-13', grossWon: 33_333, rateBp: 0, feeWon: 0, netWon: 33_333, paidWon: 33_333 },
      { day: '2021-05-14', grossWon: 12_345, rateBp: 100, feeWon: 123, netWon: 12_222, paidWon: 12_222 },
      { day: '2021-05-15', grossWon: 50_000, rateBp: 100, feeWon: 0, netWon: 50_000, paidWon: 50_000 },
      { day: '2021-05-16', grossWon: 50_000, rateBp: 100, feeWon: 500, netWon: 49_500, paidWon: 49_500 },
    ]);
    const feeIncome = await t.platform.ledger.getAccount(tenantId, 'fee_income');
    expect(feeIncome?.postedWon).toBe(623);
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 33_333 + 12_222 + 50_000 + 49_500);
    const rules = await operator.get('/v1/operator/settlements/fee-rules');
    expect(rules.body.inForce).toMatchObject({ rateBp: 100, feeFreeAnnualRevenueUpToWon: 179_999_999 });
    expect(rules.body.items).toHaveLength(4);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('keeps the money in the receivable when the bank refuses the payout, and pays it on the retry', async () => {
    await pay(40_000);
    t.clock.set(kst('2021-05-14T01:00:00'));
    t.bank.injectFaults('fail');
    await settle('2021-05-13');

    expect(await statementOf('2021-05-13')).toMatchObject({
      status: 'failed',
      dueWon: 40_000,
      paidWon: 0,
      carriedWon: 40_000,
      payouts: [{ attempt: 1, status: 'failed', failure: { code: 'REJECTED' } }],
    });
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 40_000,
      pendingDebitWon: 0,
      availableWon: 40_000,
    });
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON);
    await expectLedgerAuditGreen(t.platform, tenantId);
    const paidEvents = async () =>
      (await t.platform.events.read(tenantId, 0, 5_000)).filter((event) => event.type === 'settlement.paid');
    expect(await paidEvents()).toEqual([]);

    t.clock.set(kst('2021-05-14T01:14:59'));
    expect((await settle('2021-05-13')).pass.payoutsRetried).toBe(0);
    t.clock.set(kst('2021-05-14T01:15:00'));
    await t.platform.scheduler.tick([tenantId]);

    const paid = await statementOf('2021-05-13');
    expect(paid).toMatchObject({ status: 'paid', dueWon: 40_000, paidWon: 40_000, carriedWon: 0 });
    expect(paid.payouts.map((payout: { status: string }) => payout.status)).toEqual(['failed', 'succeeded']);
    // One event for the payout the bank paid, written with it; none for the refused attempt.
    const events = await paidEvents();
    expect(events.map((event) => event.payload)).toEqual([
      { payoutId: expect.any(String), merchantId: cafe.merchantId, amountWon: 40_000 },
    ]);
    const [event] = events as Array<{ id: string; payload: { payoutId: string } }>;
    expect(event?.id).toBe(`settlement.paid:${event?.payload.payoutId}`);
    expect(depositsTo(cafe.merchantId)).toHaveLength(2);
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 40_000);
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 0,
      pendingDebitWon: 0,
      availableWon: 0,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('brings a payout refused three times forward into the next day’s statement', async () => {
    await pay(40_000);
    t.bank.injectFaults('fail', 'fail', 'fail');
    for (const time of ['01:00', '01:15', '01:30', '01:45']) {
      t.clock.set(kst(`2021-05-14T${time}:00`));
      await settle('2021-05-13');
    }
    expect(depositsTo(cafe.merchantId)).toHaveLength(3);
    expect(await statementOf('2021-05-13')).toMatchObject({
      status: 'failed',
      paidWon: 0,
      carriedWon: 40_000,
    });

    t.clock.set(kst('2021-05-14T12:00:00'));
    await pay(5_000);
    t.clock.set(kst('2021-05-15T01:00:00'));
    const next = await settle('2021-05-14');

    expect(next.totals).toMatchObject({ netWon: 5_000, broughtForwardWon: 40_000, dueWon: 45_000 });
    expect(await statementOf('2021-05-14')).toMatchObject({
      status: 'paid',
      grossWon: 5_000,
      netWon: 5_000,
      broughtForwardWon: 40_000,
      dueWon: 45_000,
      paidWon: 45_000,
      carriedWon: 0,
    });
    expect(await statementOf('2021-05-13')).toMatchObject({ status: 'failed', carriedWon: 40_000 });
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 45_000);
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 0,
      pendingDebitWon: 0,
      availableWon: 0,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('holds a payout whose answer was lost, and completes it from the bank’s record without paying twice', async () => {
    await pay(40_000);
    t.clock.set(kst('2021-05-14T01:00:00'));
    t.bank.injectFaults('lost_response');
    await settle('2021-05-13');

    const pending = await statementOf('2021-05-13');
    expect(pending).toMatchObject({ status: 'paying', paidWon: 0, payouts: [{ status: 'pending' }] });
    expect(pending.payouts[0].unknownReason).toContain('lost');
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 40_000,
      pendingDebitWon: 40_000,
      availableWon: 0,
    });
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 40_000);
    await expectLedgerAuditGreen(t.platform, tenantId);

    const resolved = await settle('2021-05-13');
    expect(resolved.pass.payoutsResolved).toBe(1);
    expect(await statementOf('2021-05-13')).toMatchObject({ status: 'paid', paidWon: 40_000, carriedWon: 0 });
    expect(depositsTo(cafe.merchantId)).toHaveLength(1);
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 40_000);
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 0,
      pendingDebitWon: 0,
      availableWon: 0,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('sends a payout the bank never received again under the same key', async () => {
    await pay(40_000);
    t.clock.set(kst('2021-05-14T01:00:00'));
    t.bank.injectFaults('timeout');
    await settle('2021-05-13');
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON);

    await settle('2021-05-13');

    const sent = depositsTo(cafe.merchantId);
    expect(sent.map((request) => request.idempotencyKey)).toEqual([
      sent[0]?.idempotencyKey,
      sent[0]?.idempotencyKey,
    ]);
    expect(await statementOf('2021-05-13')).toMatchObject({ status: 'paid', paidWon: 40_000 });
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 40_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('records a payout confirmed only after its hold expired as paid, once', async () => {
    await pay(40_000);
    t.clock.set(kst('2021-05-14T01:00:00'));
    t.bank.injectFaults('lost_response');
    await settle('2021-05-13');
    t.clock.set(kst('2021-05-21T01:00:01'));
    expect(await t.platform.ledger.expirePending(tenantId)).toBe(1);
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 40_000,
      pendingDebitWon: 0,
      availableWon: 40_000,
    });

    await settle('2021-05-20');

    expect(await statementOf('2021-05-13')).toMatchObject({ status: 'paid', paidWon: 40_000 });
    expect(await statementOf('2021-05-20')).toBeUndefined();
    expect(depositsTo(cafe.merchantId)).toHaveLength(1);
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 40_000);
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 0,
      pendingDebitWon: 0,
      availableWon: 0,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('abandons a payout the bank never received once its hold expired, and pays the money in the next run', async () => {
    await pay(40_000);
    t.clock.set(kst('2021-05-14T01:00:00'));
    t.bank.injectFaults('timeout');
    await settle('2021-05-13');
    t.clock.set(kst('2021-05-21T01:00:01'));
    expect(await t.platform.ledger.expirePending(tenantId)).toBe(1);

    await settle('2021-05-20');

    expect(await statementOf('2021-05-13')).toMatchObject({
      status: 'failed',
      carriedWon: 40_000,
      payouts: [{ status: 'failed', failure: { code: 'REJECTED' } }],
    });
    expect(await statementOf('2021-05-20')).toMatchObject({
      status: 'paid',
      grossWon: 0,
      broughtForwardWon: 40_000,
      paidWon: 40_000,
    });
    expect(depositsTo(cafe.merchantId)).toHaveLength(2);
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 40_000);
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 0,
      pendingDebitWon: 0,
      availableWon: 0,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('pays a merchant nothing more while a payout past its hold cannot be looked up', async () => {
    await pay(40_000);
    t.clock.set(kst('2021-05-14T01:00:00'));
    t.bank.injectFaults('lost_response');
    await settle('2021-05-13');
    t.clock.set(kst('2021-05-21T01:00:01'));
    await t.platform.ledger.expirePending(tenantId);
    const lookups = vi.spyOn(t.bank, 'lookup').mockRejectedValue(new Error('bank unreachable'));

    const blocked = await settle('2021-05-20');

    expect(blocked.pass).toMatchObject({ merchantsBlocked: 1, statementsCreated: 0, payoutsResolved: 0 });
    expect(await statementOf('2021-05-20')).toBeUndefined();
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 40_000,
      pendingDebitWon: 0,
      availableWon: 40_000,
    });
    lookups.mockRestore();

    t.clock.set(kst('2021-05-22T01:00:00'));
    await settle('2021-05-21');

    expect(await statementOf('2021-05-13')).toMatchObject({ status: 'paid', paidWon: 40_000 });
    expect(await statementOf('2021-05-21')).toBeUndefined();
    expect(depositsTo(cafe.merchantId)).toHaveLength(1);
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 40_000);
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 0,
      pendingDebitWon: 0,
      availableWon: 0,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('nets a cancellation made after settlement against the following days', async () => {
    const settled = await pay(50_000);
    t.clock.set(kst('2021-05-14T01:00:00'));
    await settle('2021-05-13');
    t.clock.set(kst('2021-05-14T12:00:00'));
    await cancel(settled, 20_000);
    await pay(10_000);
    t.clock.set(kst('2021-05-15T01:00:00'));
    await settle('2021-05-14');

    expect(await statementOf('2021-05-14')).toMatchObject({
      status: 'nothing_to_pay',
      grossWon: 10_000,
      cancelledWon: 20_000,
      netWon: -10_000,
      broughtForwardWon: 0,
      dueWon: -10_000,
      paidWon: 0,
      carriedWon: -10_000,
      payouts: [],
    });
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: -10_000,
      pendingDebitWon: 0,
      availableWon: -10_000,
    });

    t.clock.set(kst('2021-05-15T12:00:00'));
    await pay(30_000);
    t.clock.set(kst('2021-05-16T01:00:00'));
    await settle('2021-05-15');

    expect(await statementOf('2021-05-15')).toMatchObject({
      status: 'paid',
      grossWon: 30_000,
      netWon: 30_000,
      broughtForwardWon: -10_000,
      dueWon: 20_000,
      paidWon: 20_000,
      carriedWon: 0,
    });
    expect(depositsTo(cafe.merchantId)).toHaveLength(2);
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 70_000);
    expect(await receivableOf(cafe.merchantId)).toEqual({
      postedWon: 0,
      pendingDebitWon: 0,
      availableWon: 0,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('pays only what the receivable holds when cancellations after the day took part of it', async () => {
    const first = await pay(50_000);
    t.clock.set(kst('2021-05-14T00:30:00'));
    await cancel(first, 45_000);
    t.clock.set(kst('2021-05-14T01:00:00'));
    await settle('2021-05-13');

    expect(await statementOf('2021-05-13')).toMatchObject({
      grossWon: 50_000,
      cancelledWon: 0,
      dueWon: 50_000,
      paidWon: 5_000,
      carriedWon: 45_000,
    });
    t.clock.set(kst('2021-05-15T01:00:00'));
    await settle('2021-05-14');
    expect(await statementOf('2021-05-14')).toMatchObject({
      status: 'nothing_to_pay',
      cancelledWon: 45_000,
      netWon: -45_000,
      broughtForwardWon: 45_000,
      dueWon: 0,
      carriedWon: 0,
    });
    expect(bankBalanceOf(cafe.merchantId)).toBe(OPENING_BANK_BALANCE_WON + 5_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('runs the previous business day from the schedule only after 01:00 local time', async () => {
    await pay(25_000);
    t.clock.set(kst('2021-05-14T00:59:59'));
    await t.platform.scheduler.tick([tenantId]);
    expect(await statementOf('2021-05-13')).toBeUndefined();

    t.clock.set(kst('2021-05-14T01:10:00'));
    const report = (await t.platform.scheduler.tick([tenantId])).find(
      (run) => run.name === 'settlement.daily',
    );

    expect(report?.outcome?.details).toMatchObject({ businessDate: '2021-05-13', runStatus: 'completed' });
    expect(await statementOf('2021-05-13')).toMatchObject({ status: 'paid', paidWon: 25_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('pays a merchant into its registered settlement account', async () => {
    const owner = await newMember(t.app, tenantId, '010-6199-0001');
    const ownerId = (await t.platform.members.findByPhone(tenantId, '010-6199-0001'))?.id ?? '';
    const operatorId =
      (await t.platform.members.findByPhone(tenantId, DEMO_CREDENTIALS.operator.phone))?.id ?? '';
    const applied = await t.platform.merchants.apply(tenantId, ownerId, restaurantApplication());
    const approved = await t.platform.merchants.approve(tenantId, applied.id, operatorId);
    await pay(15_000, approved.merchantCode ?? '');
    t.clock.set(kst('2021-05-14T01:00:00'));
    await settle('2021-05-13');

    expect(await statementOf('2021-05-13', owner)).toMatchObject({
      paidWon: 15_000,
      payouts: [{ bankAccount: { bankCode: '011', accountNumberMasked: '*********8901' } }],
    });
    expect(t.bank.balanceOf({ bankCode: '011', accountNumber: '123-4567-8901' })).toBe(
      OPENING_BANK_BALANCE_WON + 15_000,
    );
  });

  it('shows merchants their own statements page by page, and nobody else’s', async () => {
    for (const day of ['2021-05-13', '2021-05-14', '2021-05-15']) {
      t.clock.set(kst(`${day}T12:00:00`));
      await pay(1_000);
      await pay(2_000, market.merchantCode);
    }
    t.clock.set(kst('2021-05-16T01:00:00'));
    for (const day of ['2021-05-13', '2021-05-14', '2021-05-15']) await settle(day);

    const first = await cafeOwner.get('/v1/merchant/settlements?limit=2');
    expect(first.body.items.map((item: { businessDate: string }) => item.businessDate)).toEqual([
      '2021-05-15',
      '2021-05-14',
    ]);
    const second = await cafeOwner.get(`/v1/merchant/settlements?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((item: { businessDate: string }) => item.businessDate)).toEqual([
      '2021-05-13',
    ]);
    expect(second.body.nextCursor).toBeNull();
    const marketOwner = await demoClient(t.app, tenantId, 'marketStore');
    const marketStatement = (await marketOwner.get('/v1/merchant/settlements')).body.items[0];
    const foreign = await cafeOwner.get(`/v1/merchant/settlements/${marketStatement.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('STATEMENT_NOT_FOUND');
    expect((await citizen.get('/v1/merchant/settlements')).status).toBe(403);
  });

  it('lets policy admins run a day and auditors read it, and records every run in the audit trail', async () => {
    await pay(7_000);
    await pay(3_000, market.merchantCode);
    const auditor = await newMember(t.app, tenantId, '010-6199-0002');
    const auditorId = (await t.platform.members.findByPhone(tenantId, '010-6199-0002'))?.id ?? '';
    await t.platform.members.grantOperatorRoles(tenantId, auditorId, ['auditor']);
    await auditor.logIn('010-6199-0002', 'correct-horse-1');

    const notOver = await operator.post('/v1/operator/settlements/runs', { businessDate: '2021-05-13' });
    expect(notOver.status).toBe(422);
    expect(notOver.body.code).toBe('BUSINESS_DAY_NOT_OVER');
    const badDate = await operator.post('/v1/operator/settlements/runs', { businessDate: '2021-02-30' });
    expect(badDate.status).toBe(400);
    t.clock.set(kst('2021-05-14T01:00:00'));
    expect((await auditor.post('/v1/operator/settlements/runs', { businessDate: '2021-05-13' })).status).toBe(
      403,
    );
    expect((await citizen.get('/v1/operator/settlements?businessDate=2021-05-13')).status).toBe(403);
    await settle('2021-05-13');
    await settle('2021-05-13');

    const page = await auditor.get('/v1/operator/settlements?businessDate=2021-05-13&limit=1');
    expect(page.status).toBe(200);
    expect(page.body.run).toMatchObject({ status: 'completed', businessDate: '2021-05-13' });
    expect(page.body.totals).toMatchObject({ statements: 2, paidWon: 10_000 });
    expect(page.body.items).toHaveLength(1);
    const rest = await auditor.get(
      `/v1/operator/settlements?businessDate=2021-05-13&limit=1&cursor=${page.body.nextCursor}`,
    );
    const paid = [...page.body.items, ...rest.body.items].map((item: { paidWon: number }) => item.paidWon);
    expect(paid.sort((a, b) => a - b)).toEqual([3_000, 7_000]);
    // Operators read merchants by name and business number, not by id.
    const names = [...page.body.items, ...rest.body.items].map(
      (item: { merchantName: string; businessNumber: string }) => item.merchantName,
    );
    expect(names.sort()).toEqual(['중앙시장 한밭상회', '한밭 커피']);
    expect(page.body.items[0].businessNumber).toMatch(/^\d{10}$/);
    const trail = await operator.get('/v1/operator/audit-trail?limit=100');
    const runs = trail.body.items.filter((item: { action: string }) => item.action === 'settlement.run');
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({
      subjectType: 'settlement_run',
      subjectId: '2021-05-13',
      actorName: DEMO_CREDENTIALS.operator.name,
      subjectName: null,
    });
  });
});
