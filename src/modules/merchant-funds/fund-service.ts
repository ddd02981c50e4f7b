import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { DomainError, invalidInput } from '../../errors.js';
import { recordId } from '../../ids.js';
import { isCalendarDate, localIsoDate } from '../../time.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { BankGateway, BankOutcome } from '../bank/bank-gateway.js';
import { FreezeService } from '../fraud/freeze-service.js';
import {
  idempotencyKeyReused,
  idempotencyRequestInProgress,
  type KeyClaim,
  type KeyClaims,
} from '../idempotency/idempotency.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { TransferRequest } from '../ledger/types.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { Job } from '../scheduler/scheduler.js';
import { payeeAccountOf } from '../settlement/payouts.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { judgeFundApplication, wholeMonthsBetween } from './eligibility.js';
import { FundErrors } from './errors.js';
import { FUND_RULE_KEYS, type FundRules } from './rules.js';
import { equalPrincipalSchedule } from './schedule.js';
import { type FundApplicationJson, fundApplicationJson } from './schemas.js';
import {
  insertApplication,
  insertSchedule,
  overdueOfMerchant,
  owedOrAppliedOfMerchant,
  type StoredApplication,
  selectApplication,
  selectApplicationIdsWithStatus,
  selectApplications,
  selectCollectable,
  selectInstallment,
  selectPoolTotals,
  selectSchedules,
  updateApplication,
} from './store.js';
import {
  FUND_ACCOUNTS,
  FUND_CURRENCY,
  type FundApplication,
  type FundApplicationInput,
  type FundApplicationStatus,
  type FundApplicationWithSchedule,
  type FundPoolReport,
} from './types.js';

const DAY_MS = 86_400_000;
/** The disbursement hold outlives any bank outage we reconcile through, as for settlement payouts. */
const DISBURSEMENT_HOLD_DAYS = 30;
const RECONCILE_AFTER_MS = 30_000;
const BATCH_MAX = 100;
const LIST_MAX = 200;
const PURPOSE_LENGTH_MAX = 500;
const NOTE_LENGTH_MAX = 500;
const TERM_MONTHS_MAX = 600;
const BP_WHOLE = 10_000;

export interface MerchantFundDeps {
  ledger: LedgerService;
  policy: PolicyService;
  merchants: MerchantService;
  tenants: TenantService;
  bank: BankGateway;
  operatorActions: OperatorActionLog;
  /** A funding and an approval answer from their own rows, and claim their keys in the shared key space. */
  keys: KeyClaims;
  /**
   * Fraud freezes: a frozen merchant, or one whose payouts are held, gets no loan approved
   * (FUND_MERCHANT_FROZEN). The fraud module's FreezeService on this database unless given.
   */
  freezes?: FreezeService;
}

const holdIdOf = (applicationId: string, attempt: number) => `fund-disburse:${applicationId}:${attempt}`;
const disbursementKeyOf = (tenantId: string, applicationId: string, attempt: number) =>
  `${tenantId}:fund:${applicationId}:${attempt}`;
const repaymentKeyOf = (tenantId: string, applicationId: string, seq: number, attempt: number) =>
  `${tenantId}:fund-repay:${applicationId}:${seq}:${attempt}`;

/**
 * 소상공인 경영안정자금: a pool of bank money (currency KRWBANK, apart from local currency) lent to
 * merchants under rules that are policy data. An application is judged by the rules at once and then
 * reviewed; approval holds the amount in the pool and asks the bank to pay the merchant's settlement
 * account (the same key on every retry, so a loan is paid once), and the bank's answer posts or voids
 * the hold. The loan is repaid in equal monthly principal, collected from the same account.
 */
export class MerchantFundService {
  private readonly freezes: FreezeService;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: MerchantFundDeps,
  ) {
    this.freezes = deps.freezes ?? new FreezeService(db);
  }

  async ensureAccounts(tenantId: string, tx?: Sql): Promise<void> {
    await this.deps.ledger.createAccounts(
      tenantId,
      [
        { id: FUND_ACCOUNTS.city, kind: 'fund_city', currencyCode: FUND_CURRENCY, allowNegative: true },
        { id: FUND_ACCOUNTS.pool, kind: 'fund_pool', currencyCode: FUND_CURRENCY },
        { id: FUND_ACCOUNTS.loans, kind: 'fund_loans', currencyCode: FUND_CURRENCY },
        { id: FUND_ACCOUNTS.feeRelief, kind: 'fund_fee_relief', currencyCode: FUND_CURRENCY },
        {
          id: FUND_ACCOUNTS.interest,
          kind: 'fund_interest',
          currencyCode: FUND_CURRENCY,
          allowNegative: true,
        },
      ],
      tx,
    );
  }

  /**
   * The city puts bank money into the pool; `fundingId` makes a repeat of the same funding a no-op.
   * `idempotencyKey` is the request's, claimed in the shared key space (a preset's funding has none).
   */
  async fundPool(
    tenantId: string,
    actorUserId: string,
    fundingId: string,
    amountWon: number,
    idempotencyKey?: string,
  ): Promise<void> {
    if (!Number.isSafeInteger(amountWon) || amountWon <= 0)
      throw invalidInput(
        'amountWon must be a whole number of won > 0',
        '금액은 0보다 큰 정수(원)여야 합니다',
      );
    await this.ensureAccounts(tenantId);
    await transactionWithRetry(this.db, async (tx) => {
      if (idempotencyKey !== undefined)
        await this.deps.keys.claim(tx, {
          tenantId,
          principalId: actorUserId,
          key: idempotencyKey,
          claimant: 'fund_pool_funding',
          request: { amountWon },
        });
      const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
        {
          id: `fund-pool:${fundingId}`,
          action: 'transfer',
          code: 'fund_pool_funding',
          postings: [
            { accountId: FUND_ACCOUNTS.city, amountWon: -amountWon },
            { accountId: FUND_ACCOUNTS.pool, amountWon },
          ],
        },
      ]);
      if (result?.ok === false && result.code === 'IDEMPOTENCY_CONFLICT') throw idempotencyKeyReused();
      // The ledger refuses what the request asked for (an amount it cannot move, an id it cannot take): the caller's 4xx.
      if (!result?.ok)
        throw new DomainError({
          code: 'FUND_POOL_FUNDING_REFUSED',
          httpStatus: 409,
          message: `the ledger refused this funding (${result?.code ?? 'unknown'}); nothing moved`,
          messageKo: `원장이 이 출연을 받지 않았습니다 (${result?.code ?? 'unknown'}). 아무것도 옮겨지지 않았습니다`,
          details: { ledgerCode: result?.code ?? null },
        });
      if (result.replayed) return;
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'merchant_funds.fund_pool',
        subjectType: 'fund_pool',
        subjectId: fundingId,
        details: { amountWon },
      });
    });
  }

  /** Every fund rule in force at `at`; a missing one is a configuration fault (503), never a guess. */
  async rulesAt(tenantId: string, at: Date, tx?: Sql): Promise<FundRules> {
    const rules = {} as FundRules;
    for (const key of FUND_RULE_KEYS) rules[key] = await this.deps.policy.ruleValue(tenantId, key, at, tx);
    return rules;
  }

  /** Judged by the rules in force now; eligible applications wait for review, others are recorded as refused. */
  async apply(
    tx: Sql,
    tenantId: string,
    userId: string,
    merchantId: string,
    input: FundApplicationInput,
  ): Promise<FundApplication> {
    const now = this.clock.now();
    const today = localIsoDate(now, await this.deps.tenants.timeZoneOf(tenantId, tx));
    const checked = checkInput(input, today);
    // One merchant's applications are judged one at a time, so two at once cannot both fit under the cap.
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`${tenantId}:fund:${merchantId}`]);
    const merchant = await this.deps.merchants.getApplication(tenantId, merchantId, tx);
    if (!merchant) throw new Error(`merchant ${merchantId} passed the guard but does not exist`);
    const rules = await this.rulesAt(tenantId, now, tx);
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId, tx);
    const startedOn = checked.openedOn ?? localIsoDate(merchant.reviewedAt ?? merchant.createdAt, timeZone);
    const reasons = judgeFundApplication(
      {
        merchantApproved: merchant.status === 'approved',
        monthsInBusiness: wholeMonthsBetween(startedOn, today),
        annualRevenueWon: merchant.annualRevenueWon,
        overdueInstallments: await overdueOfMerchant(tx, tenantId, merchantId, today),
        alreadyOwedOrAppliedWon: await owedOrAppliedOfMerchant(tx, tenantId, merchantId),
        amountWon: checked.amountWon,
        termMonths: checked.termMonths,
      },
      rules,
    );
    const application: FundApplication & { applicantUserId: string } = {
      id: recordId('fap'),
      merchantId,
      applicantUserId: userId,
      ...checked,
      openedOn: checked.openedOn ?? null,
      status: reasons.every((reason) => reason.passed) ? 'pending_review' : 'refused',
      reasons,
      terms: {
        interestRateBp: rules.fund_interest_rate_bp,
        interestSubsidyBp: Math.min(rules.fund_interest_subsidy_bp, rules.fund_interest_rate_bp),
        guaranteeFeeBp: rules.fund_guarantee_fee_bp,
        guaranteeFeeReliefBp: Math.min(rules.fund_guarantee_fee_relief_bp, rules.fund_guarantee_fee_bp),
      },
      bankAccount: await payeeAccountOf(this.deps, tenantId, merchantId, tx),
      appliedAt: now,
      reviewedBy: null,
      reviewedAt: null,
      reviewNote: null,
      bankTransactionId: null,
      bankFailureCode: null,
      disbursedAt: null,
      feeReliefWon: 0,
    };
    await insertApplication(tx, tenantId, application);
    const { applicantUserId: _, ...view } = application;
    return view;
  }

  async applicationsOfMerchant(tenantId: string, merchantId: string): Promise<FundApplicationWithSchedule[]> {
    return this.withSchedules(
      tenantId,
      await selectApplications(this.db, tenantId, { merchantId }, LIST_MAX),
    );
  }

  async applicationsForReview(
    tenantId: string,
    status: FundApplicationStatus | undefined,
  ): Promise<FundApplicationWithSchedule[]> {
    return this.withSchedules(tenantId, await selectApplications(this.db, tenantId, { status }, LIST_MAX));
  }

  async application(tenantId: string, applicationId: string): Promise<FundApplicationWithSchedule> {
    const found = await selectApplication(this.db, tenantId, applicationId);
    if (!found) throw FundErrors.applicationNotFound(applicationId);
    const [withSchedule] = await this.withSchedules(tenantId, [found]);
    return withSchedule as FundApplicationWithSchedule;
  }

  private async withSchedules(
    tenantId: string,
    applications: StoredApplication[],
  ): Promise<FundApplicationWithSchedule[]> {
    const today = localIsoDate(this.clock.now(), await this.deps.tenants.timeZoneOf(tenantId));
    const installments = await selectSchedules(
      this.db,
      tenantId,
      applications.map((application) => application.id),
      today,
    );
    return applications.map(({ disbursementAttempt: _, ...application }) => {
      const schedule = installments
        .filter((row) => row.applicationId === application.id)
        .map(({ applicationId: __, ...row }) => row);
      const repaidWon = schedule
        .filter((row) => row.status === 'paid')
        .reduce((sum, row) => sum + row.principalWon, 0);
      return {
        ...application,
        schedule,
        repaidWon,
        outstandingWon: application.status === 'disbursed' ? application.amountWon - repaidWon : 0,
        overdue: schedule.some((row) => row.overdue),
      };
    });
  }

  /**
   * Approves once, and answers one request (one Idempotency-Key) the same every time. The hold is
   * taken from the pool in the same transaction as the status change; then the bank is asked. An
   * approval that finds the disbursement open (another approval, or this one sent again, while the
   * first waits for the bank; or an answer that was lost) asks the bank again under the same key,
   * which it applies at most once, so every approval in flight ends on the bank's one answer. A loan
   * paid is final: the answer is kept with the key's claim, and every request with the key answers
   * the one kept. A refusal by the bank is not (the hold is voided and nothing moved): like any
   * refusal it is not kept, and approving again opens a new attempt. While the bank's answer is
   * unknown nothing is final, and the approval is told to retry (IDEMPOTENCY_REQUEST_IN_PROGRESS;
   * the job reconciles it meanwhile), so no request answers a body that differs from the final one.
   */
  async approve(
    tenantId: string,
    applicationId: string,
    reviewerUserId: string,
    idempotencyKey: string,
  ): Promise<{ body: FundApplicationJson; replayed: boolean }> {
    const claim: KeyClaim = {
      tenantId,
      principalId: reviewerUserId,
      key: idempotencyKey,
      claimant: 'fund_approval',
      request: { applicationId },
    };
    const opened = await transactionWithRetry(this.db, async (tx) => {
      const answered = await this.deps.keys.claim(tx, claim);
      if (answered) return { answered };
      return { attempt: await this.openDisbursement(tx, tenantId, applicationId, reviewerUserId) };
    });
    if (opened.answered) return { body: opened.answered.body as FundApplicationJson, replayed: true };
    if (opened.attempt !== null)
      await this.completeDisbursement(
        tenantId,
        applicationId,
        opened.attempt,
        await this.deposit(tenantId, applicationId, opened.attempt),
      );
    const body = fundApplicationJson(await this.application(tenantId, applicationId));
    if (body.status === 'approved') throw idempotencyRequestInProgress();
    if (body.status !== 'disbursed') return { body, replayed: false };
    const kept = await this.deps.keys.answerClaim(claim, { statusCode: 200, body });
    return { body: kept.body as FundApplicationJson, replayed: false };
  }

  /**
   * The disbursement attempt this approval is to see through: a new one (a hold on the pool), the
   * open one when the application is already approved and waiting for the bank, or none when it is
   * paid.
   */
  private async openDisbursement(
    tx: Sql,
    tenantId: string,
    applicationId: string,
    reviewerUserId: string,
  ): Promise<number | null> {
    const found = await selectApplication(tx, tenantId, applicationId, 'for update');
    if (!found) throw FundErrors.applicationNotFound(applicationId);
    if (found.status === 'disbursed') return null;
    if (found.status === 'approved') return found.disbursementAttempt;
    if (found.status !== 'pending_review' && found.status !== 'disbursement_failed')
      throw FundErrors.notReviewable(applicationId, found.status);
    await this.assertMerchantNotFrozen(tx, tenantId, found);
    const now = this.clock.now();
    const attempt = found.disbursementAttempt + 1;
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
      {
        id: holdIdOf(applicationId, attempt),
        action: 'pending',
        code: 'fund_disbursement',
        timeoutAt: new Date(now.getTime() + DISBURSEMENT_HOLD_DAYS * DAY_MS),
        postings: [
          { accountId: FUND_ACCOUNTS.pool, amountWon: -found.amountWon },
          { accountId: FUND_ACCOUNTS.loans, amountWon: found.amountWon },
        ],
        metadata: { applicationId, merchantId: found.merchantId },
      },
    ]);
    if (!result?.ok) {
      if (result?.code === 'INSUFFICIENT_FUNDS' || result?.code === 'ACCOUNT_NOT_FOUND') {
        const pool = await this.deps.ledger.getAccount(tenantId, FUND_ACCOUNTS.pool, tx);
        throw FundErrors.poolExhausted(found.amountWon, pool?.availableWon ?? 0);
      }
      throw new Error(`ledger refused fund disbursement hold ${applicationId}: ${result?.code}`);
    }
    await updateApplication(tx, tenantId, applicationId, {
      status: 'approved',
      reviewed_by: reviewerUserId,
      reviewed_at: now,
      disbursement_attempt: attempt,
      disbursement_started_at: now,
      bank_failure_code: null,
    });
    await this.deps.operatorActions.record(tx, {
      tenantId,
      actorUserId: reviewerUserId,
      action: 'merchant_funds.approve',
      subjectType: 'fund_application',
      subjectId: applicationId,
      details: { amountWon: found.amountWon, attempt },
    });
    return attempt;
  }

  /**
   * A new disbursement is a decision to pay the merchant: refused while a fraud case freezes it or
   * holds its payouts, as settlement pays it nothing then. A disbursement already with the bank is
   * seen through under its key (the bank may have paid it); only opening one is refused.
   */
  private async assertMerchantNotFrozen(tx: Sql, tenantId: string, found: StoredApplication): Promise<void> {
    const freeze = await this.merchantFreezeOf(tx, tenantId, found.merchantId);
    if (!freeze || freeze.kind === 'member') return;
    throw FundErrors.merchantFrozen(found, { id: freeze.id, caseId: freeze.caseId, kind: freeze.kind });
  }

  private async merchantFreezeOf(sql: Sql, tenantId: string, merchantId: string) {
    const frozen = await this.freezes.frozenAmong(tenantId, [], sql);
    return frozen.get(`merchant:${merchantId}`) ?? frozen.get(`settlement:${merchantId}`);
  }

  async reject(
    tenantId: string,
    applicationId: string,
    reviewerUserId: string,
    note: string,
  ): Promise<FundApplicationWithSchedule> {
    const reviewNote = note.trim();
    if (reviewNote.length === 0 || reviewNote.length > NOTE_LENGTH_MAX)
      throw invalidInput(
        `a rejection needs a reason of 1-${NOTE_LENGTH_MAX} characters`,
        `반려 사유(1~${NOTE_LENGTH_MAX}자)를 적어 주세요`,
      );
    await transactionWithRetry(this.db, async (tx) => {
      const found = await selectApplication(tx, tenantId, applicationId, 'for update');
      if (!found) throw FundErrors.applicationNotFound(applicationId);
      if (found.status === 'rejected') return;
      if (found.status !== 'pending_review' && found.status !== 'disbursement_failed')
        throw FundErrors.notReviewable(applicationId, found.status);
      await updateApplication(tx, tenantId, applicationId, {
        status: 'rejected',
        reviewed_by: reviewerUserId,
        reviewed_at: this.clock.now(),
        review_note: reviewNote,
      });
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId: reviewerUserId,
        action: 'merchant_funds.reject',
        subjectType: 'fund_application',
        subjectId: applicationId,
        details: { note: reviewNote },
      });
    });
    return this.application(tenantId, applicationId);
  }

  private async deposit(tenantId: string, applicationId: string, attempt: number): Promise<BankOutcome> {
    const found = await selectApplication(this.db, tenantId, applicationId);
    if (!found) throw new Error(`fund application ${applicationId} vanished`);
    return this.deps.bank.deposit({
      idempotencyKey: disbursementKeyOf(tenantId, applicationId, attempt),
      account: found.bankAccount,
      amountWon: found.amountWon,
      memo: `Hanbat merchant fund ${applicationId}`,
      tenantId,
    });
  }

  /** Applies the bank's answer once: the hold is posted and the schedule starts, or the hold is voided. */
  async completeDisbursement(
    tenantId: string,
    applicationId: string,
    attempt: number,
    outcome: BankOutcome,
  ): Promise<void> {
    if (outcome.status === 'unknown') return;
    await transactionWithRetry(this.db, async (tx) => {
      const found = await selectApplication(tx, tenantId, applicationId, 'for update');
      if (found?.status !== 'approved' || found.disbursementAttempt !== attempt) return;
      if (outcome.status === 'succeeded')
        await this.disbursed(tx, tenantId, found, outcome.bankTransactionId);
      else await this.disbursementFailed(tx, tenantId, found, outcome.code);
    });
  }

  private async disbursed(
    tx: Sql,
    tenantId: string,
    found: StoredApplication,
    bankTransactionId: string,
  ): Promise<void> {
    const now = this.clock.now();
    const { terms } = found;
    const feeReliefWon = Math.floor(
      (found.amountWon * (terms.guaranteeFeeBp - terms.guaranteeFeeReliefBp)) / BP_WHOLE,
    );
    const commands: TransferRequest[] = [
      {
        id: `fund-disbursed:${found.id}:${found.disbursementAttempt}`,
        action: 'post_pending',
        pendingId: holdIdOf(found.id, found.disbursementAttempt),
      },
    ];
    if (feeReliefWon > 0)
      commands.push({
        id: `fund-fee-relief:${found.id}`,
        action: 'transfer',
        code: 'fund_fee_relief',
        postings: [
          { accountId: FUND_ACCOUNTS.city, amountWon: -feeReliefWon },
          { accountId: FUND_ACCOUNTS.feeRelief, amountWon: feeReliefWon },
        ],
        metadata: { applicationId: found.id },
      });
    await this.postAll(tx, tenantId, commands);
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId, tx);
    await insertSchedule(
      tx,
      tenantId,
      found.id,
      equalPrincipalSchedule({
        amountWon: found.amountWon,
        termMonths: found.termMonths,
        interestRateBp: terms.interestRateBp,
        interestSubsidyBp: terms.interestSubsidyBp,
        disbursedOn: localIsoDate(now, timeZone),
      }),
    );
    await updateApplication(tx, tenantId, found.id, {
      status: 'disbursed',
      bank_transaction_id: bankTransactionId,
      disbursed_at: now,
      fee_relief_won: feeReliefWon,
    });
  }

  private async disbursementFailed(
    tx: Sql,
    tenantId: string,
    found: StoredApplication,
    code: string,
  ): Promise<void> {
    await this.postAll(tx, tenantId, [
      {
        id: `fund-undisbursed:${found.id}:${found.disbursementAttempt}`,
        action: 'void_pending',
        pendingId: holdIdOf(found.id, found.disbursementAttempt),
      },
    ]);
    await updateApplication(tx, tenantId, found.id, {
      status: 'disbursement_failed',
      bank_failure_code: code,
    });
  }

  private async postAll(tx: Sql, tenantId: string, commands: TransferRequest[]): Promise<void> {
    const results = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, commands);
    const refused = results.find((result) => !result.ok);
    if (refused && !refused.ok) throw new Error(`ledger refused ${refused.id}: ${refused.code}`);
  }

  /**
   * Disbursements left open by an unknown bank answer: the bank's record decides, else the same key is
   * sent again, unless a fraud case has frozen the merchant or held its payouts since the approval:
   * a disbursement the bank never received is then not sent but failed (MERCHANT_FROZEN, the pool's
   * hold voided), and the operator may approve it again after the release.
   */
  async reconcileDisbursements(tenantId: string, now: Date): Promise<number> {
    const ids = await selectApplicationIdsWithStatus(
      this.db,
      tenantId,
      'approved',
      new Date(now.getTime() - RECONCILE_AFTER_MS),
      BATCH_MAX,
    );
    for (const id of ids) {
      const found = await selectApplication(this.db, tenantId, id);
      if (!found) continue;
      const key = disbursementKeyOf(tenantId, id, found.disbursementAttempt);
      const known = await this.deps.bank.lookup(key);
      if (!known && (await this.merchantFreezeOf(this.db, tenantId, found.merchantId))) {
        await this.abandonForFreeze(tenantId, id, found.disbursementAttempt);
        continue;
      }
      const outcome = known ?? (await this.deposit(tenantId, id, found.disbursementAttempt));
      await this.completeDisbursement(tenantId, id, found.disbursementAttempt, outcome);
    }
    return ids.length;
  }

  private async abandonForFreeze(tenantId: string, applicationId: string, attempt: number): Promise<void> {
    await transactionWithRetry(this.db, async (tx) => {
      const found = await selectApplication(tx, tenantId, applicationId, 'for update');
      if (found?.status !== 'approved' || found.disbursementAttempt !== attempt) return;
      await this.disbursementFailed(tx, tenantId, found, 'MERCHANT_FROZEN');
    });
  }

  /**
   * Collects installments due by today from the merchant's account, at most one attempt a day each;
   * an installment still unpaid after its due date is overdue.
   */
  async collectDue(
    tenantId: string,
    now: Date,
  ): Promise<{ collected: number; failed: number; waiting: number }> {
    const today = localIsoDate(now, await this.deps.tenants.timeZoneOf(tenantId));
    const tally = { collected: 0, failed: 0, waiting: 0 };
    for (const { applicationId, seq } of await selectCollectable(this.db, tenantId, today, BATCH_MAX)) {
      const outcome = await this.collectOne(tenantId, applicationId, seq, today);
      if (outcome === 'succeeded') tally.collected += 1;
      else if (outcome === 'failed') tally.failed += 1;
      else if (outcome === 'unknown') tally.waiting += 1;
    }
    return tally;
  }

  private async collectOne(
    tenantId: string,
    applicationId: string,
    seq: number,
    today: string,
  ): Promise<BankOutcome['status'] | null> {
    const claim = await transactionWithRetry(this.db, async (tx) => {
      const installment = await selectInstallment(tx, tenantId, applicationId, seq, today);
      if (!installment || installment.status === 'paid') return null;
      if (installment.status === 'collecting')
        return { attempt: installment.attempts, resumed: true, installment };
      await tx.query(
        `update fund_installments set status = 'collecting', attempts = attempts + 1, last_attempt_on = $4::date,
           collecting_since = $5 where tenant_id = $1 and application_id = $2 and seq = $3`,
        [tenantId, applicationId, seq, today, this.clock.now()],
      );
      return { attempt: installment.attempts + 1, resumed: false, installment };
    });
    if (!claim) return null;
    const found = await selectApplication(this.db, tenantId, applicationId);
    if (!found) throw new Error(`fund application ${applicationId} vanished`);
    const key = repaymentKeyOf(tenantId, applicationId, seq, claim.attempt);
    const request = {
      idempotencyKey: key,
      account: found.bankAccount,
      amountWon: claim.installment.merchantPaysWon,
      memo: `Hanbat merchant fund ${applicationId} #${seq}`,
      tenantId,
    };
    const outcome =
      (claim.resumed ? await this.deps.bank.lookup(key) : null) ?? (await this.deps.bank.withdraw(request));
    await this.completeRepayment(tenantId, applicationId, seq, claim.attempt, outcome, today);
    return outcome.status;
  }

  private async completeRepayment(
    tenantId: string,
    applicationId: string,
    seq: number,
    attempt: number,
    outcome: BankOutcome,
    today: string,
  ): Promise<void> {
    if (outcome.status === 'unknown') return;
    await transactionWithRetry(this.db, async (tx) => {
      const installment = await selectInstallment(tx, tenantId, applicationId, seq, today);
      if (installment?.status !== 'collecting' || installment.attempts !== attempt) return;
      if (outcome.status === 'failed') {
        await tx.query(
          `update fund_installments set status = 'due', last_failure_code = $4
           where tenant_id = $1 and application_id = $2 and seq = $3`,
          [tenantId, applicationId, seq, outcome.code],
        );
        return;
      }
      await this.postAll(tx, tenantId, repaymentTransfers(applicationId, installment));
      await tx.query(
        `update fund_installments set status = 'paid', paid_at = $4, bank_transaction_id = $5, last_failure_code = null
         where tenant_id = $1 and application_id = $2 and seq = $3`,
        [tenantId, applicationId, seq, this.clock.now(), outcome.bankTransactionId],
      );
    });
  }

  /** The pool's figures; the outstanding principal is checked against the ledger's loans account. */
  async poolReport(tenantId: string): Promise<FundPoolReport> {
    const today = localIsoDate(this.clock.now(), await this.deps.tenants.timeZoneOf(tenantId));
    const totals = await selectPoolTotals(this.db, tenantId, today);
    const [city, pool, loans] = await this.deps.ledger.getAccounts(tenantId, [
      FUND_ACCOUNTS.city,
      FUND_ACCOUNTS.pool,
      FUND_ACCOUNTS.loans,
    ]);
    const byId = new Map([city, pool, loans].filter((a) => a !== undefined).map((a) => [a.id, a]));
    const outstandingWon = totals.disbursedWon - totals.repaidWon;
    const loansWon = byId.get(FUND_ACCOUNTS.loans)?.postedWon ?? 0;
    if (loansWon !== outstandingWon)
      throw new Error(`fund loans in the ledger (${loansWon}) differ from the schedules (${outstandingWon})`);
    const applications = Object.fromEntries(
      (
        ['refused', 'pending_review', 'approved', 'disbursed', 'disbursement_failed', 'rejected'] as const
      ).map((status) => [status, totals.counts.find((row) => row.status === status)?.count ?? 0]),
    ) as FundPoolReport['applications'];
    const subsidyPaidWon = totals.feeReliefWon + totals.interestSubsidyWon;
    return {
      fundedWon: -(byId.get(FUND_ACCOUNTS.city)?.postedWon ?? 0) - subsidyPaidWon,
      availableWon: byId.get(FUND_ACCOUNTS.pool)?.availableWon ?? 0,
      committedWon: totals.committedWon,
      disbursedWon: totals.disbursedWon,
      repaidWon: totals.repaidWon,
      outstandingWon,
      pendingReviewWon: totals.pendingReviewWon,
      subsidyPaidWon,
      interestSubsidyWon: totals.interestSubsidyWon,
      feeReliefWon: totals.feeReliefWon,
      overdueInstallments: totals.overdueInstallments,
      overduePrincipalWon: totals.overduePrincipalWon,
      applications,
    };
  }

  jobs(): Job[] {
    return [
      {
        name: 'merchant_funds.reconcile_disbursements',
        everyMs: 5 * 60_000,
        run: async ({ tenantId, now }) => {
          const processed = await this.reconcileDisbursements(tenantId, now);
          return { processed, more: processed === BATCH_MAX };
        },
      },
      {
        name: 'merchant_funds.collect_repayments',
        everyMs: 60 * 60_000,
        run: async ({ tenantId, now }) => {
          const tally = await this.collectDue(tenantId, now);
          const processed = tally.collected + tally.failed + tally.waiting;
          return { processed, more: processed === BATCH_MAX, details: tally };
        },
      },
    ];
  }
}

/** Principal back to the pool, the merchant's interest and the city's interest subsidy (이차보전) into it. */
function repaymentTransfers(
  applicationId: string,
  installment: { seq: number; principalWon: number; interestWon: number; subsidyWon: number },
): TransferRequest[] {
  const { seq, principalWon, interestWon, subsidyWon } = installment;
  const merchantInterestWon = interestWon - subsidyWon;
  const commands: TransferRequest[] = [
    {
      id: `fund-repaid:${applicationId}:${seq}`,
      action: 'transfer',
      code: 'fund_repayment',
      postings: [
        { accountId: FUND_ACCOUNTS.loans, amountWon: -principalWon },
        { accountId: FUND_ACCOUNTS.pool, amountWon: principalWon },
      ],
      metadata: { applicationId, seq },
    },
  ];
  if (merchantInterestWon > 0)
    commands.push({
      id: `fund-interest:${applicationId}:${seq}`,
      action: 'transfer',
      code: 'fund_interest',
      postings: [
        { accountId: FUND_ACCOUNTS.interest, amountWon: -merchantInterestWon },
        { accountId: FUND_ACCOUNTS.pool, amountWon: merchantInterestWon },
      ],
      metadata: { applicationId, seq },
    });
  if (subsidyWon > 0)
    commands.push({
      id: `fund-subsidy:${applicationId}:${seq}`,
      action: 'transfer',
      code: 'fund_interest_subsidy',
      postings: [
        { accountId: FUND_ACCOUNTS.city, amountWon: -subsidyWon },
        { accountId: FUND_ACCOUNTS.pool, amountWon: subsidyWon },
      ],
      metadata: { applicationId, seq },
    });
  return commands;
}

function checkInput(
  input: FundApplicationInput,
  today: string,
): Required<Omit<FundApplicationInput, 'openedOn'>> & {
  openedOn?: string;
} {
  if (!Number.isSafeInteger(input.amountWon) || input.amountWon <= 0)
    throw invalidInput(
      'amountWon must be a whole number of won > 0',
      '신청 금액은 0보다 큰 정수(원)여야 합니다',
    );
  const purpose = input.purpose.trim();
  if (purpose.length === 0 || purpose.length > PURPOSE_LENGTH_MAX)
    throw invalidInput(
      `purpose must be 1-${PURPOSE_LENGTH_MAX} characters`,
      `자금 용도는 1~${PURPOSE_LENGTH_MAX}자여야 합니다`,
    );
  if (!Number.isInteger(input.termMonths) || input.termMonths <= 0 || input.termMonths > TERM_MONTHS_MAX)
    throw invalidInput(
      `termMonths must be a whole number of months from 1 to ${TERM_MONTHS_MAX}`,
      `상환 기간은 1~${TERM_MONTHS_MAX}개월이어야 합니다`,
    );
  if (input.termMonths > input.amountWon)
    throw invalidInput('the amount must be at least 1 won a month', '월 상환 원금이 1원 이상이어야 합니다');
  if (input.openedOn !== undefined && (!isCalendarDate(input.openedOn) || input.openedOn > today))
    throw invalidInput(
      'openedOn must be a past date YYYY-MM-DD',
      '개업일은 오늘 이전의 날짜(YYYY-MM-DD)여야 합니다',
    );
  return {
    amountWon: input.amountWon,
    purpose,
    termMonths: input.termMonths,
    ...(input.openedOn ? { openedOn: input.openedOn } : {}),
  };
}
