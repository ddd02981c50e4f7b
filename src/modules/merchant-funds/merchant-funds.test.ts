import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { installPreset, PRESET_NAMES } from '../../presets/catalog.js';
import type { BankOutcome, BankTransferRequest } from '../bank/bank-gateway.js';
import { FUND_RULE_KEYS } from './rules.js';
import { FUND_ACCOUNTS } from './types.js';

const kst = (localTime: string) => `${localTime}+09:00`;
const POOL_WON = 10_000_000_000;

describe.each(databaseKinds())('merchant funds (소상공인 경영안정자금) on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let bookstore: ApiClient;
  let bookstoreId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set(kst('2021-05-13T12:00:00'));
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    bookstore = await demoClient(t.app, tenantId, 'bookstore');
    bookstoreId = (await demoMerchantCode(t.platform, tenantId, 'bookstore')).merchantId;
  });

  const apply = (client: ApiClient, body: Record<string, unknown>) =>
    client.post('/v1/merchant/fund-applications', body);
  const approve = (applicationId: string) =>
    operator.post(`/v1/operator/fund-applications/${applicationId}/approve`);
  const bankBalanceOf = (merchantId: string) =>
    t.bank.balanceOf({ bankCode: 'SANDBOX', accountNumber: merchantId });
  const pool = async () => (await operator.get('/v1/operator/fund-pool')).body;
  const loansWon = async () => (await t.platform.ledger.getAccount(tenantId, FUND_ACCOUNTS.loans))?.postedWon;

  afterEach(() => {
    vi.restoreAllMocks();
  });

  const approveWith = (applicationId: string, key: string) =>
    operator.post(`/v1/operator/fund-applications/${applicationId}/approve`, undefined, key);

  async function pendingApplication(amountWon = 3_000_000): Promise<string> {
    const applied = await apply(bookstore, {
      amountWon,
      purpose: '운영자금',
      termMonths: 24,
      openedOn: '2015-04-01',
    });
    expect(applied.body.status).toBe('pending_review');
    return applied.body.applicationId;
  }

  /**
   * The bank holds every deposit until `release()`, and answers a copy of a deposit it is still
   * holding with `unknown`, as a bank answers "still processing" for a key in flight.
   */
  function holdDeposits() {
    const deposit = t.bank.deposit.bind(t.bank);
    const held = new Set<string>();
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = () => {};
    const firstArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const spy = vi.spyOn(t.bank, 'deposit').mockImplementation(async (request: BankTransferRequest) => {
      if (held.has(request.idempotencyKey))
        return { status: 'unknown', reason: 'still processing' } satisfies BankOutcome;
      held.add(request.idempotencyKey);
      arrived();
      await released;
      held.delete(request.idempotencyKey);
      return deposit(request);
    });
    return { firstArrived, release, calls: () => spy.mock.calls.length };
  }

  function expectInProgress(answer: { status: number; body: { code: string }; headers: object }) {
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
    expect(answer.headers).toMatchObject({ 'retry-after': '1' });
  }

  async function appliedAndApproved(amountWon = 12_000_000, termMonths = 12) {
    const applied = await apply(bookstore, {
      amountWon,
      purpose: '도서 구입',
      termMonths,
      openedOn: '2015-04-01',
    });
    expect(applied.status).toBe(201);
    expect(applied.body.status).toBe('pending_review');
    const approved = await approve(applied.body.applicationId);
    expect(approved.status).toBe(200);
    return approved.body;
  }

  it('judges at once, then disburses the approved amount to the settlement account with an exact schedule', async () => {
    const before = bankBalanceOf(bookstoreId);
    const loan = await appliedAndApproved();
    expect(loan).toMatchObject({
      status: 'disbursed',
      amountWon: 12_000_000,
      feeReliefWon: 60_000,
      outstandingWon: 12_000_000,
      terms: { interestRateBp: 450, interestSubsidyBp: 200, guaranteeFeeBp: 100, guaranteeFeeReliefBp: 50 },
    });
    expect(loan.reasons.every((reason: { passed: boolean }) => reason.passed)).toBe(true);
    expect(bankBalanceOf(bookstoreId)).toBe(before + 12_000_000);
    expect(loan.schedule).toHaveLength(12);
    expect(loan.schedule[0]).toMatchObject({
      seq: 1,
      dueOn: '2021-06-13',
      principalWon: 1_000_000,
      interestWon: 45_000,
      subsidyWon: 20_000,
      merchantPaysWon: 1_025_000,
      status: 'due',
      overdue: false,
    });
    // ₩11,000,000 owed: 4.5% is ₩41,250 a month, the city's 2%p ₩18,333 (rounded down).
    expect(loan.schedule[1]).toMatchObject({ dueOn: '2021-07-13', interestWon: 41_250, subsidyWon: 18_333 });
    expect(loan.schedule[11]).toMatchObject({ dueOn: '2022-05-13', interestWon: 3_750, subsidyWon: 1_666 });
    expect(await pool()).toMatchObject({
      fundedWon: POOL_WON,
      availableWon: POOL_WON - 12_000_000,
      committedWon: 12_000_000,
      disbursedWon: 12_000_000,
      repaidWon: 0,
      outstandingWon: 12_000_000,
      subsidyPaidWon: 60_000,
      feeReliefWon: 60_000,
      pendingReviewWon: 30_000_000,
    });
    const mine = (await bookstore.get('/v1/merchant/fund-applications')).body.items;
    expect(mine.map((item: { applicationId: string }) => item.applicationId)).toEqual([loan.applicationId]);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('keeps fund money in its own currency, apart from local currency', async () => {
    await appliedAndApproved();
    const accounts = await t.platform.ledger.getAccounts(tenantId, Object.values(FUND_ACCOUNTS));
    expect(new Set(accounts.map((account) => account.currencyCode))).toEqual(new Set(['KRWBANK']));
  });

  it('disburses once however often and however concurrently it is approved', async () => {
    const before = bankBalanceOf(bookstoreId);
    const applied = await apply(bookstore, {
      amountWon: 5_000_000,
      purpose: '운영자금',
      termMonths: 12,
      openedOn: '2015-04-01',
    });
    const id = applied.body.applicationId;
    const answers = await Promise.all([approve(id), approve(id), approve(id)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect((await approve(id)).body.status).toBe('disbursed');
    expect(bankBalanceOf(bookstoreId)).toBe(before + 5_000_000);
    expect(await loansWon()).toBe(5_000_000);
    expect((await pool()).availableWon).toBe(POOL_WON - 5_000_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('answers a same-key approval sent while the first waits for the bank as in progress, then as the first', async () => {
    const id = await pendingApplication();
    const before = bankBalanceOf(bookstoreId);
    const bank = holdDeposits();
    const first = approveWith(id, 'approve-1');
    await bank.firstArrived;
    const during = await approveWith(id, 'approve-1');
    expectInProgress(during);
    expect(await loansWon()).toBe(0);
    bank.release();
    const answered = await first;
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: 'disbursed', bankTransactionId: expect.any(String) });
    expect(answered.body.schedule).toHaveLength(24);
    const retried = await approveWith(id, 'approve-1');
    expect(retried.status).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(answered.body);
    expect(bankBalanceOf(bookstoreId)).toBe(before + 3_000_000);
    expect(await loansWon()).toBe(3_000_000);
    expect((await pool()).availableWon).toBe(POOL_WON - 3_000_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it.each([
    ['a bank that answers at once', false],
    ['a bank still processing the first', true],
  ])(
    'answers eight same-key approvals at once with the one final body or in progress, with %s',
    async (_bank, holding) => {
      const id = await pendingApplication();
      const before = bankBalanceOf(bookstoreId);
      const bank = holding ? holdDeposits() : null;
      const sent = Promise.all(Array.from({ length: 8 }, () => approveWith(id, 'approve-race')));
      if (bank) {
        await bank.firstArrived;
        await new Promise((resolve) => setTimeout(resolve, 50));
        bank.release();
      }
      const answers = await sent;
      const final = (await approveWith(id, 'approve-race')).body;
      expect(final).toMatchObject({ status: 'disbursed', bankTransactionId: expect.any(String) });
      expect(final.schedule).toHaveLength(24);
      for (const answer of answers) {
        if (answer.status === 200) expect(answer.body).toEqual(final);
        else expectInProgress(answer);
      }
      expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(1);
      expect(bankBalanceOf(bookstoreId)).toBe(before + 3_000_000);
      expect(await loansWon()).toBe(3_000_000);
      await expectLedgerAuditGreen(t.platform, tenantId);
    },
  );

  it('replays the approval as first answered after the loan is partly repaid; the key names one application', async () => {
    const id = await pendingApplication();
    const answered = await approveWith(id, 'approve-2');
    expect(answered.body.status).toBe('disbursed');
    t.clock.set(kst('2021-06-13T09:00:00'));
    expect(await t.platform.merchantFunds.collectDue(tenantId, t.clock.now())).toMatchObject({
      collected: 1,
    });
    const replayed = await approveWith(id, 'approve-2');
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(answered.body);
    expect(replayed.body.schedule[0].status).toBe('due');
    // Another approval (another key) answers the application as it is now.
    expect((await approveWith(id, 'approve-3')).body.schedule[0].status).toBe('paid');
    const other = await pendingApplication(1_000_000);
    const reused = await approveWith(other, 'approve-2');
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await operator.get('/v1/operator/fund-applications?status=pending_review')).body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ applicationId: other })]),
    );
    expect(await loansWon()).toBe(3_000_000 - 125_000);
  });

  it('settles a lost bank answer by a same-key retry: in progress while unknown, then paid once', async () => {
    const id = await pendingApplication();
    const before = bankBalanceOf(bookstoreId);
    t.bank.injectFaults('lost_response');
    expectInProgress(await approveWith(id, 'approve-4'));
    const [waiting] = (await operator.get('/v1/operator/fund-applications?status=approved')).body.items;
    expect(waiting).toMatchObject({ applicationId: id, bankTransactionId: null, schedule: [] });
    const unknown = vi
      .spyOn(t.bank, 'deposit')
      .mockResolvedValueOnce({ status: 'unknown', reason: 'the bank timed out' });
    expectInProgress(await approveWith(id, 'approve-4'));
    unknown.mockRestore();
    const settled = await approveWith(id, 'approve-4');
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({ status: 'disbursed', bankTransactionId: expect.any(String) });
    expect((await approveWith(id, 'approve-4')).body).toEqual(settled.body);
    expect(bankBalanceOf(bookstoreId)).toBe(before + 3_000_000);
    expect(await loansWon()).toBe(3_000_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('keeps no answer for a disbursement the bank refused: the same key approves again and pays once', async () => {
    const id = await pendingApplication();
    const before = bankBalanceOf(bookstoreId);
    t.bank.injectFaults('fail');
    const refused = await approveWith(id, 'approve-5');
    expect(refused.body).toMatchObject({ status: 'disbursement_failed', bankFailureCode: 'REJECTED' });
    expect(bankBalanceOf(bookstoreId)).toBe(before);
    const again = await approveWith(id, 'approve-5');
    expect(again.body).toMatchObject({ status: 'disbursed' });
    expect((await approveWith(id, 'approve-5')).body).toEqual(again.body);
    expect(bankBalanceOf(bookstoreId)).toBe(before + 3_000_000);
    expect(await loansWon()).toBe(3_000_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses by rule at once: over the per-merchant maximum, a term out of range, too young a business', async () => {
    const over = await apply(bookstore, {
      amountWon: 50_000_001,
      purpose: '확장',
      termMonths: 24,
      openedOn: '2015-04-01',
    });
    expect(over.status).toBe(201);
    expect(over.body.status).toBe('refused');
    const failed = (body: { reasons: Array<{ rule: string; passed: boolean }> }) =>
      body.reasons.filter((reason) => !reason.passed).map((reason) => reason.rule);
    expect(failed(over.body)).toEqual(['max_per_merchant']);
    const young = await apply(bookstore, {
      amountWon: 1_000_000,
      purpose: '개업',
      termMonths: 6,
      openedOn: '2021-03-01',
    });
    expect(failed(young.body)).toEqual(['months_in_business', 'term']);
    const refusedApproval = await approve(over.body.applicationId);
    expect(refusedApproval.status).toBe(409);
    expect(refusedApproval.body.code).toBe('FUND_APPLICATION_NOT_REVIEWABLE');
    expect((await pool()).availableWon).toBe(POOL_WON);
  });

  it('answers bad input with 4xx and changes nothing', async () => {
    const countBefore = (await bookstore.get('/v1/merchant/fund-applications')).body.items.length;
    for (const body of [
      { amountWon: -1_000_000, purpose: '운영', termMonths: 12 },
      { amountWon: 0, purpose: '운영', termMonths: 12 },
      { amountWon: 1_000_000, purpose: '', termMonths: 12 },
      { amountWon: 1_000_000, purpose: '운영', termMonths: 0 },
      { amountWon: 1.5, purpose: '운영', termMonths: 12 },
      { amountWon: 1_000_000, purpose: '운영', termMonths: 12, openedOn: '2099-01-01' },
    ]) {
      const answer = await apply(bookstore, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect(
      (
        await bookstore.request('POST', '/v1/merchant/fund-applications', {
          amountWon: 1_000_000,
          purpose: '운영',
          termMonths: 12,
        })
      ).body.code,
    ).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect((await bookstore.get('/v1/merchant/fund-applications')).body.items).toHaveLength(countBefore);
    expect((await approve('fap_nothing')).status).toBe(404);
    const reject = await operator.request('POST', '/v1/operator/fund-applications/fap_nothing/reject', {
      note: '',
    });
    expect(reject.status).toBe(400);
    expect((await pool()).availableWon).toBe(POOL_WON);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it("keeps merchants away from someone else's application and from the review routes", async () => {
    const cafe = await demoClient(t.app, tenantId, 'cafe');
    const [demoApplication] = (await cafe.get('/v1/merchant/fund-applications')).body.items;
    expect(demoApplication.status).toBe('pending_review');
    const mine = (await bookstore.get('/v1/merchant/fund-applications')).body.items;
    expect(
      mine.some((item: { applicationId: string }) => item.applicationId === demoApplication.applicationId),
    ).toBe(false);
    const byMerchant = await bookstore.post(
      `/v1/operator/fund-applications/${demoApplication.applicationId}/approve`,
    );
    expect(byMerchant.status).toBe(403);
    const citizen = await newMember(t.app, tenantId, '010-6340-0001');
    expect((await apply(citizen, { amountWon: 1_000_000, purpose: '운영', termMonths: 12 })).status).toBe(
      403,
    );
    expect((await cafe.get('/v1/merchant/fund-applications')).body.items[0].status).toBe('pending_review');
    expect(await loansWon()).toBe(0);
  });

  it('rejects with a reason; a rejected application cannot then be approved', async () => {
    const applied = await apply(bookstore, {
      amountWon: 3_000_000,
      purpose: '운영',
      termMonths: 12,
      openedOn: '2015-04-01',
    });
    const id = applied.body.applicationId;
    const rejected = await operator.request('POST', `/v1/operator/fund-applications/${id}/reject`, {
      note: '서류 미비',
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', reviewNote: '서류 미비' });
    expect((await approve(id)).status).toBe(409);
    expect(await loansWon()).toBe(0);
  });

  /** A confirmed fraud case on the bookstore with one action; returns the freeze it made. */
  let alertCount = 0;
  async function fraudCaseOnBookstore(action: 'freeze_merchant' | 'hold_settlement') {
    alertCount += 1;
    const alertId = `falt_fund${String(alertCount).padStart(9, '0')}`;
    await t.db.query(
      `insert into fraud_alerts (tenant_id, id, rule, subject_kind, subject_id, member_id, merchant_id, district, score, status,
         explanation_ko, explanation_en, evidence, first_seen_at, last_seen_at)
       values ($1, $2, 'repeated_pair', 'pair', $3, null, $4, null, 60, 'open', '시험', 'test', $5, now(), now())`,
      [
        tenantId,
        alertId,
        `pair-fund-${alertCount}`,
        bookstoreId,
        JSON.stringify({ paymentIds: [], transferIds: [], cycle: null }),
      ],
    );
    const opened = await operator.post('/v1/operator/fraud/cases', { alertIds: [alertId] });
    expect(opened.status).toBe(201);
    const decided = await operator.post(`/v1/operator/fraud/cases/${opened.body.caseId}/decision`, {
      decision: 'confirmed',
      reason: '깡 확인',
      actions: [action],
    });
    expect(decided.status).toBe(200);
    const freezes = (await operator.get('/v1/operator/fraud/freezes?status=active')).body.items;
    const freeze = freezes.find((f: { caseId: string }) => f.caseId === opened.body.caseId);
    expect(freeze).toBeDefined();
    return { caseId: opened.body.caseId as string, freezeId: freeze.freezeId as string };
  }

  const release = async (freezeId: string) =>
    expect(
      (await operator.post(`/v1/operator/fraud/freezes/${freezeId}/release`, { reason: '해제' })).status,
    ).toBe(200);

  it('approves no loan for a frozen merchant: 409 FUND_MERCHANT_FROZEN, nothing moves, approvable once released', async () => {
    const waiting = await pendingApplication(3_000_000);
    // An application the bank refused once is approved again only while the merchant is not frozen.
    const refusedOnce = await pendingApplication(2_000_000);
    t.bank.injectFaults('fail');
    expect((await approve(refusedOnce)).body.status).toBe('disbursement_failed');
    const before = bankBalanceOf(bookstoreId);
    const { caseId, freezeId } = await fraudCaseOnBookstore('freeze_merchant');

    const refused = await approve(waiting);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'FUND_MERCHANT_FROZEN',
      applicationId: waiting,
      merchantId: bookstoreId,
      applicationStatus: 'pending_review',
      freezeId,
      caseId,
      kind: 'merchant',
    });
    expect(refused.body.messages.en).toContain('₩3,000,000 loan cannot be approved or paid');
    expect(refused.body.messages.ko).toContain('3,000,000원 대출을 승인·지급할 수 없습니다');
    const again = await approve(refusedOnce);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'FUND_MERCHANT_FROZEN',
      applicationStatus: 'disbursement_failed',
    });
    expect((await operator.get(`/v1/operator/fund-applications?status=pending_review`)).body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ applicationId: waiting })]),
    );
    expect(await pool()).toMatchObject({ availableWon: POOL_WON, committedWon: 0, disbursedWon: 0 });
    expect(await loansWon()).toBe(0);
    expect(bankBalanceOf(bookstoreId)).toBe(before);

    await release(freezeId);
    expect((await approve(waiting)).body.status).toBe('disbursed');
    expect((await approve(refusedOnce)).body.status).toBe('disbursed');
    expect(bankBalanceOf(bookstoreId)).toBe(before + 5_000_000);
    expect(await loansWon()).toBe(5_000_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('approves no loan while a fraud case holds the merchant payouts (hold_settlement), as settlement pays nothing', async () => {
    const waiting = await pendingApplication(1_500_000);
    const { freezeId } = await fraudCaseOnBookstore('hold_settlement');
    const refused = await approve(waiting);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'FUND_MERCHANT_FROZEN', kind: 'settlement', freezeId });
    expect(refused.body.messages.en).toContain("merchant's payouts are held");
    expect(await loansWon()).toBe(0);
    await release(freezeId);
    expect((await approve(waiting)).body.status).toBe('disbursed');
    expect(await loansWon()).toBe(1_500_000);
  });

  it('sees through a disbursement already with the bank when the merchant is frozen meanwhile: paid once', async () => {
    const id = await pendingApplication(1_000_000);
    const before = bankBalanceOf(bookstoreId);
    // The bank paid, but its answer was lost: the application waits, approved, for the same key again.
    t.bank.injectFaults('lost_response');
    expectInProgress(await approveWith(id, 'fund-frozen-meanwhile'));
    await fraudCaseOnBookstore('freeze_merchant');
    expect((await approveWith(id, 'fund-frozen-meanwhile')).body.status).toBe('disbursed');
    expect(bankBalanceOf(bookstoreId)).toBe(before + 1_000_000);
    expect(await loansWon()).toBe(1_000_000);
  });

  it('sends no disbursement the bank never received once the merchant is frozen: failed, the pool whole, approvable after release', async () => {
    const id = await pendingApplication(1_200_000);
    const before = bankBalanceOf(bookstoreId);
    // The request timed out before the bank saw it: reconciliation would send it again under its key.
    t.bank.injectFaults('timeout');
    expectInProgress(await approve(id));
    expect((await pool()).availableWon).toBe(POOL_WON - 1_200_000);
    const { freezeId } = await fraudCaseOnBookstore('hold_settlement');
    t.clock.set(kst('2021-05-13T12:05:00'));
    expect(await t.platform.merchantFunds.reconcileDisbursements(tenantId, t.clock.now())).toBe(1);
    const [loan] = (await bookstore.get('/v1/merchant/fund-applications')).body.items;
    expect(loan).toMatchObject({
      applicationId: id,
      status: 'disbursement_failed',
      bankFailureCode: 'MERCHANT_FROZEN',
    });
    expect(bankBalanceOf(bookstoreId)).toBe(before);
    expect(await pool()).toMatchObject({ availableWon: POOL_WON, disbursedWon: 0 });
    expect(await loansWon()).toBe(0);
    // The job again finds nothing to send.
    expect(await t.platform.merchantFunds.reconcileDisbursements(tenantId, t.clock.now())).toBe(0);
    expect(bankBalanceOf(bookstoreId)).toBe(before);

    await release(freezeId);
    expect((await approve(id)).body.status).toBe('disbursed');
    expect(bankBalanceOf(bookstoreId)).toBe(before + 1_200_000);
    expect(await loansWon()).toBe(1_200_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('voids the hold when the bank refuses, and pays once when approved again', async () => {
    const applied = await apply(bookstore, {
      amountWon: 2_000_000,
      purpose: '운영',
      termMonths: 12,
      openedOn: '2015-04-01',
    });
    t.bank.injectFaults('fail');
    const refused = await approve(applied.body.applicationId);
    expect(refused.body).toMatchObject({ status: 'disbursement_failed', bankFailureCode: 'REJECTED' });
    expect((await pool()).availableWon).toBe(POOL_WON);
    const before = bankBalanceOf(bookstoreId);
    expect((await approve(applied.body.applicationId)).body.status).toBe('disbursed');
    expect(bankBalanceOf(bookstoreId)).toBe(before + 2_000_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('reconciles a disbursement whose bank answer was lost, paying once', async () => {
    const applied = await apply(bookstore, {
      amountWon: 2_000_000,
      purpose: '운영',
      termMonths: 12,
      openedOn: '2015-04-01',
    });
    const before = bankBalanceOf(bookstoreId);
    t.bank.injectFaults('lost_response');
    expectInProgress(await approve(applied.body.applicationId));
    expect(bankBalanceOf(bookstoreId)).toBe(before + 2_000_000);
    expect((await pool()).availableWon).toBe(POOL_WON - 2_000_000);
    t.clock.set(kst('2021-05-13T12:05:00'));
    expect(await t.platform.merchantFunds.reconcileDisbursements(tenantId, t.clock.now())).toBe(1);
    const [loan] = (await bookstore.get('/v1/merchant/fund-applications')).body.items;
    expect(loan.status).toBe('disbursed');
    expect(bankBalanceOf(bookstoreId)).toBe(before + 2_000_000);
    expect(await loansWon()).toBe(2_000_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('collects monthly, flags an unpaid month overdue the day after, and refuses new applications while overdue', async () => {
    const loan = await appliedAndApproved();
    const id = loan.applicationId;
    const funds = t.platform.merchantFunds;
    t.clock.set(kst('2021-06-13T09:00:00'));
    expect(await funds.collectDue(tenantId, t.clock.now())).toEqual({ collected: 1, failed: 0, waiting: 0 });
    // A second run the same day collects nothing twice.
    expect(await funds.collectDue(tenantId, t.clock.now())).toEqual({ collected: 0, failed: 0, waiting: 0 });
    let report = await pool();
    expect(report).toMatchObject({
      repaidWon: 1_000_000,
      outstandingWon: 11_000_000,
      interestSubsidyWon: 20_000,
    });
    // Principal back, plus the merchant's ₩25,000 and the city's ₩20,000 of interest.
    expect(report.availableWon).toBe(POOL_WON - 12_000_000 + 1_045_000);

    t.clock.set(kst('2021-07-13T09:00:00'));
    t.bank.injectFaults('fail');
    expect(await funds.collectDue(tenantId, t.clock.now())).toEqual({ collected: 0, failed: 1, waiting: 0 });
    t.clock.set(kst('2021-07-14T09:00:00'));
    let [mine] = (await bookstore.get('/v1/merchant/fund-applications')).body.items;
    expect(mine.overdue).toBe(true);
    expect(mine.schedule[1]).toMatchObject({
      status: 'due',
      overdue: true,
      attempts: 1,
      lastFailureCode: 'REJECTED',
    });
    expect((await pool()).overdueInstallments).toBe(1);
    const another = await apply(bookstore, {
      amountWon: 1_000_000,
      purpose: '운영',
      termMonths: 12,
      openedOn: '2015-04-01',
    });
    expect(another.body.reasons.find((reason: { rule: string }) => reason.rule === 'no_overdue').passed).toBe(
      false,
    );

    expect(await funds.collectDue(tenantId, t.clock.now())).toEqual({ collected: 1, failed: 0, waiting: 0 });
    [mine] = (await bookstore.get('/v1/merchant/fund-applications')).body.items.filter(
      (item: { applicationId: string }) => item.applicationId === id,
    );
    expect(mine).toMatchObject({ overdue: false, repaidWon: 2_000_000, outstandingWon: 10_000_000 });
    report = await pool();
    expect(report).toMatchObject({
      repaidWon: 2_000_000,
      overdueInstallments: 0,
      interestSubsidyWon: 38_333,
    });
    expect(await loansWon()).toBe(10_000_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});

describe.each(databaseKinds())('every preset carries the fund, tax and giving rules on %s', (kind) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await openTestPlatform(kind);
    t.clock.set(kst('2025-07-01T12:00:00'));
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(PRESET_NAMES)('%s answers the fund routes without a missing rule', async (preset) => {
    const tenantId = `fund-${preset.replace(/[^a-z0-9]/g, '')}`;
    await t.platform.tenants.ensure({
      id: tenantId,
      name: '테스트시',
      currencyCode: 'KRW',
      timeZone: 'Asia/Seoul',
    });
    await installPreset(t.platform, tenantId, preset);
    const rules = await t.platform.merchantFunds.rulesAt(tenantId, t.clock.now());
    expect(Object.keys(rules).sort()).toEqual([...FUND_RULE_KEYS].sort());
    const keys = (await t.platform.policy.rulesInForce(tenantId, t.clock.now())).map((rule) => rule.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'tax_deduction_market_rate_bp',
        'tax_deduction_general_rate_bp',
        'neighbourhood_giving_rate_bp',
      ]),
    );
    const report = await t.platform.merchantFunds.poolReport(tenantId);
    expect(report.availableWon).toBe(preset.startsWith('daejeon') ? POOL_WON : 0);
    // Installing again changes nothing: the pool is funded once.
    await installPreset(t.platform, tenantId, preset);
    expect((await t.platform.merchantFunds.poolReport(tenantId)).fundedWon).toBe(report.fundedWon);
    if (!preset.startsWith('daejeon')) {
      // A city without a pool refuses approvals until it funds one through the operator route.
      const operator = await t.platform.members.signUp(
        tenantId,
        {
          phone: '010-6341-0001',
          password: 'Hanbat-test-9f2k',
          name: '운영자',
          birthDate: '1980-01-01',
          district: (await t.platform.reference.listDistricts(tenantId))[0]?.code ?? '',
          dong: '읍내',
        },
        'demo',
      );
      await t.platform.members.grantOperatorRoles(tenantId, operator.id, ['policy_admin']);
      const client = await new ApiClient(t.app, tenantId).logIn('010-6341-0001', 'Hanbat-test-9f2k');
      const funded = await client.post(
        '/v1/operator/fund-pool/fundings',
        { amountWon: 1_000_000_000 },
        'fund-1',
      );
      expect(funded.status).toBe(201);
      expect(funded.body).toMatchObject({ fundedWon: 1_000_000_000, availableWon: 1_000_000_000 });
      expect(
        (await client.post('/v1/operator/fund-pool/fundings', { amountWon: 1_000_000_000 }, 'fund-1')).status,
      ).toBe(201);
      const reused = await client.post('/v1/operator/fund-pool/fundings', { amountWon: 5 }, 'fund-1');
      expect([reused.status, reused.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      expect((await client.post('/v1/operator/fund-pool/fundings', { amountWon: -5 })).status).toBe(400);
      // Over the per-request bound on public money (₩1조 in the preset), as a programme's budget is.
      const limitWon = await t.platform.policy.ruleValue(
        tenantId,
        'public_funding_per_request_max_won',
        t.clock.now(),
      );
      const over = await client.post(
        '/v1/operator/fund-pool/fundings',
        { amountWon: limitWon + 1 },
        'fund-2',
      );
      expect([over.status, over.body.code]).toEqual([422, 'AMOUNT_OVER_LIMIT']);
      expect((await t.platform.merchantFunds.poolReport(tenantId)).fundedWon).toBe(1_000_000_000);
    }
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
