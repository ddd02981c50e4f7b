import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { recordId } from '../../ids.js';
import { FraudReceivables } from '../fraud/receivables.js';
import type { Account } from '../ledger/types.js';
import type { Merchant } from '../merchants/types.js';
import { type DayFigures, NO_SALES } from '../payments/sales.js';
import type { Job, JobOutcome } from '../scheduler/scheduler.js';
import { SYSTEM_ACCOUNTS } from '../wallets/wallet-service.js';
import { type BusinessDay, businessDay, previousBusinessDate } from './business-day.js';
import { SettlementErrors } from './errors.js';
import { feeWonFor, insertFeeRules, selectFeeRuleAt, selectFeeRules } from './fee-rules.js';
import { PayoutDesk, payeeAccountOf } from './payouts.js';
import {
  advanceRun,
  completeRun,
  countAttempts,
  ensureRun,
  hasPayoutPastHold,
  hasStatementSince,
  insertStatement,
  type StoredPayout,
  type StoredRun,
  selectDayStatements,
  selectDayTotals,
  selectMerchantStatements,
  selectOldestRunningDate,
  selectPayoutsOf,
  selectRetryableStatementIds,
  selectRun,
  selectStatement,
  setStatementOutcome,
} from './store.js';
import type {
  FeeRule,
  MerchantClawbackSource,
  NewFeeRule,
  PassReport,
  PresetFeeRule,
  RunReport,
  SettlementDeps,
  SettlementRun,
  Statement,
  StatementDetail,
} from './types.js';

const SCHEDULER_ACTOR = 'system:scheduler';
/** Per-pass bounds; tests shrink them to see a run resume. */
export interface SettlementLimits {
  /** Merchants looked at per pass; a run over more merchants continues from its cursor. */
  merchantsPerPassMax: number;
}

const DEFAULT_LIMITS: SettlementLimits = { merchantsPerPassMax: 200 };
const IN_FLIGHT_RESOLVED_PER_PASS_MAX = 200;
const RETRIES_PER_PASS_MAX = 100;
/** Failed payouts are tried this often per statement; after that the next day's statement brings them forward. */
const PAYOUT_ATTEMPTS_MAX = 3;
const PAYOUT_RETRY_DELAY_MS = 15 * 60_000;
/** The daily run settles yesterday once this long after local midnight: late payments have landed by then. */
const RUN_AFTER_MIDNIGHT_MS = 60 * 60_000;
const DAILY_JOB_EVERY_MS = 10 * 60_000;
const FEE_RATE_BP_MAX = 10_000;

/**
 * A day's figures as settlement reads them: the payments module's till figures, with `laterNetWon`
 * widened to everything that moved on the receivable since the day's end (till sales and
 * cancellations, fraud claw-backs, online order captures and returns).
 */
interface SettlementFigures extends DayFigures {
  /** Online orders captured or returned in the day: the statement carries their lines and commission. */
  commerceMovesCount: number;
}

const NOTHING_MOVED: SettlementFigures = { ...NO_SALES, commerceMovesCount: 0 };

type SettleOutcome =
  | { kind: 'created'; statement: Statement; payout: StoredPayout | null }
  | { kind: 'settled_already' }
  | { kind: 'blocked' };

/**
 * Merchant settlement (정산): once a business day is over, each merchant is paid what its ledger
 * receivable holds for sales up to the end of that day, less the fee of the tenant's fee rule, through
 * the bank. Runs are idempotent (one statement per merchant and day), bounded per pass and resumable.
 */
export class SettlementService {
  private readonly payouts: PayoutDesk;

  private readonly limits: SettlementLimits;

  private readonly clawbacks: MerchantClawbackSource;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: SettlementDeps,
    limits: Partial<SettlementLimits> = {},
  ) {
    this.payouts = new PayoutDesk(db, clock, deps);
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.clawbacks = deps.clawbacks ?? new FraudReceivables();
    if (!Number.isSafeInteger(this.limits.merchantsPerPassMax) || this.limits.merchantsPerPassMax < 1)
      throw new Error(`merchantsPerPassMax must be a positive integer`);
  }

  jobs(): Job[] {
    return [
      {
        name: 'settlement.daily',
        everyMs: DAILY_JOB_EVERY_MS,
        run: ({ tenantId, now }) => this.runDue(tenantId, now),
      },
    ];
  }

  /** The job: finishes any unfinished run, else settles the previous business day; always resolves payouts. */
  async runDue(tenantId: string, now: Date): Promise<JobOutcome> {
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
    const date =
      (await selectOldestRunningDate(this.db, tenantId)) ??
      previousBusinessDate(now, timeZone, RUN_AFTER_MIDNIGHT_MS);
    const { run, pass } = await this.runPass(tenantId, date, SCHEDULER_ACTOR);
    return {
      processed: pass.statementsCreated + pass.payoutsResolved + pass.payoutsRetried,
      more: pass.more,
      details: { businessDate: date, runStatus: run.status, ...pass },
    };
  }

  /** An operator's request: recorded in the audit trail, then one pass of the run (idempotent by date). */
  async requestRun(tenantId: string, actorUserId: string, businessDate: string): Promise<RunReport> {
    const day = await this.closedBusinessDay(tenantId, businessDate);
    await this.db.transaction(async (tx) => {
      const run = await ensureRun(tx, tenantId, day.date, actorUserId, this.clock.now());
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'settlement.run',
        subjectType: 'settlement_run',
        subjectId: day.date,
        details: { businessDate: day.date, runStatus: run.status, startedBy: run.requestedBy },
      });
    });
    return this.runPass(tenantId, day.date, actorUserId);
  }

  /**
   * One bounded pass: settle payouts whose outcome was unknown, retry failed ones, then settle the next
   * page of merchants for the day. Safe to run in two processes at once.
   */
  async runPass(tenantId: string, businessDate: string, requestedBy: string): Promise<RunReport> {
    const day = await this.closedBusinessDay(tenantId, businessDate);
    const run = await ensureRun(this.db, tenantId, day.date, requestedBy, this.clock.now());
    const inFlight = await this.payouts.resolveInFlight(tenantId, IN_FLIGHT_RESOLVED_PER_PASS_MAX);
    const retried = await this.retryFailed(tenantId);
    const batch = run.status === 'running' ? await this.settleBatch(tenantId, day, run) : null;
    const pass: PassReport = {
      merchantsScanned: batch?.merchantsScanned ?? 0,
      statementsCreated: batch?.statementsCreated ?? 0,
      payoutsStarted: batch?.payoutsStarted ?? 0,
      payoutsResolved: inFlight.resolved,
      payoutsRetried: retried.count,
      merchantsBlocked: batch?.merchantsBlocked ?? 0,
      merchantsHeld: batch?.merchantsHeld ?? 0,
      more: inFlight.more || retried.more || (batch?.more ?? false),
    };
    return {
      run: publicRun(await this.requireRun(tenantId, day.date)),
      pass,
      totals: await this.totals(tenantId, day.date),
    };
  }

  private async closedBusinessDay(tenantId: string, businessDate: string): Promise<BusinessDay> {
    const day = await businessDay(this.db, businessDate, await this.deps.tenants.timeZoneOf(tenantId));
    if (day.end.getTime() > this.clock.now().getTime())
      throw SettlementErrors.businessDayNotOver(day.date, day.end);
    return day;
  }

  private async settleBatch(tenantId: string, day: BusinessDay, run: StoredRun) {
    const limit = this.limits.merchantsPerPassMax;
    const page = await this.deps.merchants.listDirectory(tenantId, {
      ...(run.cursor ? { after: run.cursor } : {}),
      limit,
    });
    const receivables = new Map(
      (
        await this.deps.ledger.getAccounts(
          tenantId,
          page.map((merchant) => merchant.receivableAccountId),
        )
      ).map((account) => [account.id, account]),
    );
    const figures = await this.dayFigures(
      tenantId,
      page.map((merchant) => merchant.id),
      day,
    );
    const counts = {
      merchantsScanned: page.length,
      statementsCreated: 0,
      payoutsStarted: 0,
      merchantsBlocked: 0,
      merchantsHeld: 0,
    };
    const held = (await this.deps.freezes?.settlementHeld(tenantId)) ?? new Set<string>();
    for (const merchant of page) {
      const receivable = receivables.get(merchant.receivableAccountId);
      if (!needsStatement(figures.get(merchant.id) ?? NOTHING_MOVED, receivable)) continue;
      const payoutHeld = held.has(merchant.id);
      const outcome = await this.settleMerchant(tenantId, merchant, day, payoutHeld);
      counts.merchantsBlocked += outcome.kind === 'blocked' ? 1 : 0;
      if (outcome.kind !== 'created') continue;
      counts.statementsCreated += 1;
      counts.merchantsHeld += payoutHeld ? 1 : 0;
      if (!outcome.payout) continue;
      counts.payoutsStarted += 1;
      await this.payouts.send(tenantId, outcome.payout);
    }
    const more = page.length === limit;
    const last = page.at(-1);
    const now = this.clock.now();
    if (last) await advanceRun(this.db, tenantId, day.date, { name: last.name, id: last.id }, !more, now);
    else await completeRun(this.db, tenantId, day.date, now);
    return { ...counts, more };
  }

  /**
   * The statement and its money in one transaction, with the merchant's accounts locked: the fee
   * transfer, then a hold for the payout. The bank is called after commit (PayoutDesk.send).
   * While a fraud case holds the merchant's payouts the day still gets its statement and its fee and
   * commission, so none goes uncharged; only the payout waits, and the first statement after the
   * release brings the due forward and pays it.
   */
  private async settleMerchant(
    tenantId: string,
    merchant: Merchant,
    day: BusinessDay,
    payoutHeld: boolean,
  ): Promise<SettleOutcome> {
    return transactionWithRetry(this.db, async (tx) => {
      await this.lockMerchantAccounts(tx, tenantId, merchant);
      const now = this.clock.now();
      if (await hasStatementSince(tx, tenantId, merchant.id, day.date, true))
        return { kind: 'settled_already' };
      if (await hasPayoutPastHold(tx, tenantId, merchant.id, now)) return { kind: 'blocked' };
      const figures =
        (await this.dayFigures(tenantId, [merchant.id], day, tx)).get(merchant.id) ?? NOTHING_MOVED;
      const rule = await selectFeeRuleAt(tx, tenantId, day.start);
      const feeWon = feeWonFor(rule, merchant.annualRevenueWon, figures.grossWon - figures.cancelledWon);
      const statementId = recordId('stl');
      if (feeWon > 0) await this.chargeFee(tx, tenantId, merchant, statementId, feeWon);
      const commerce = (await this.deps.commission?.linesFor(tx, tenantId, merchant.id, day)) ?? null;
      if (commerce && commerce.commissionWon > 0)
        await this.chargeFee(tx, tenantId, merchant, statementId, commerce.commissionWon, 'commission');
      const receivable = await this.requireReceivable(tx, tenantId, merchant);
      const statement = composeStatement({
        id: statementId,
        merchant,
        day,
        figures,
        rule,
        feeWon,
        commerce,
        now,
        receivable,
        payoutHeld,
      });
      await insertStatement(tx, statement);
      const payoutWon =
        statement.status === 'paying' ? payable(statement.dueWon, receivable.availableWon) : 0;
      const payout =
        payoutWon > 0
          ? await this.payouts.open(tx, statement, await this.payee(tx, merchant), 1, payoutWon)
          : null;
      return { kind: 'created', statement, payout };
    });
  }

  /**
   * The payments module's figures of the day, with `laterNetWon` less the grant money fraud
   * claw-backs took from each receivable since the day's end and plus online order captures less
   * returns since then (the commerce module's figures): so it is everything that moved on the
   * receivable since then, and what is due for the day is what the receivable held at its end,
   * whenever the run happens. A claw-back, capture or return before the end is in that balance
   * already; one after it is carried into the statement of the day it happened on, where a capture's
   * commission is taken.
   */
  private async dayFigures(
    tenantId: string,
    merchantIds: readonly string[],
    period: { start: Date; end: Date },
    tx?: Sql,
  ): Promise<Map<string, SettlementFigures>> {
    const sql = tx ?? this.db;
    const figures = new Map<string, SettlementFigures>(
      [...(await this.deps.payments.dayFiguresOfMerchants(tenantId, merchantIds, period, tx))].map(
        ([merchantId, known]) => [merchantId, { ...known, commerceMovesCount: 0 }],
      ),
    );
    const add = (merchantId: string, change: { laterNetWon: number; commerceMovesCount?: number }) => {
      const known = figures.get(merchantId) ?? NOTHING_MOVED;
      figures.set(merchantId, {
        ...known,
        laterNetWon: known.laterNetWon + change.laterNetWon,
        commerceMovesCount: known.commerceMovesCount + (change.commerceMovesCount ?? 0),
      });
    };
    const clawed = await this.clawbacks.grantClawedFromMerchantsSince(sql, tenantId, merchantIds, period.end);
    for (const [merchantId, clawedWon] of clawed) add(merchantId, { laterNetWon: -clawedWon });
    const orders = (await this.deps.commission?.receivableMovesOf(sql, tenantId, merchantIds, period)) ?? [];
    for (const [merchantId, moves] of orders)
      add(merchantId, { laterNetWon: moves.laterNetWon, commerceMovesCount: moves.movesCount });
    return figures;
  }

  /** Failed payouts of each merchant's latest statement, tried again after a delay, a bounded number of times. */
  private async retryFailed(tenantId: string): Promise<{ count: number; more: boolean }> {
    const now = this.clock.now();
    const ids = await selectRetryableStatementIds(
      this.db,
      tenantId,
      new Date(now.getTime() - PAYOUT_RETRY_DELAY_MS),
      PAYOUT_ATTEMPTS_MAX,
      RETRIES_PER_PASS_MAX,
    );
    let count = 0;
    for (const id of ids) {
      const payout = await this.reopen(tenantId, id);
      if (!payout) continue;
      count += 1;
      await this.payouts.send(tenantId, payout);
    }
    return { count, more: ids.length === RETRIES_PER_PASS_MAX };
  }

  private async reopen(tenantId: string, statementId: string): Promise<StoredPayout | null> {
    const unlocked = await selectStatement(this.db, tenantId, statementId);
    const merchant = unlocked && (await this.deps.merchants.getById(tenantId, unlocked.merchantId));
    if (!merchant) throw new Error(`statement ${statementId} has no merchant`);
    return transactionWithRetry(this.db, async (tx) => {
      await this.lockMerchantAccounts(tx, tenantId, merchant);
      const statement = (await selectStatement(tx, tenantId, statementId, true)) as Statement;
      if (statement.status !== 'failed') return null;
      // A payout held by a fraud case is not sent again until the hold is released.
      if ((await this.deps.freezes?.settlementHeld(tenantId, tx))?.has(merchant.id)) return null;
      if (await hasStatementSince(tx, tenantId, merchant.id, statement.businessDate, false)) return null;
      if (await hasPayoutPastHold(tx, tenantId, merchant.id, this.clock.now())) return null;
      const attempts = await countAttempts(tx, tenantId, statementId);
      if (attempts >= PAYOUT_ATTEMPTS_MAX) return null;
      const figures =
        (
          await this.dayFigures(
            tenantId,
            [merchant.id],
            { start: statement.periodStart, end: statement.periodEnd },
            tx,
          )
        ).get(merchant.id) ?? NOTHING_MOVED;
      const receivable = await this.requireReceivable(tx, tenantId, merchant);
      const payoutWon = Math.min(
        statement.dueWon - statement.paidWon,
        payable(receivable.availableWon - figures.laterNetWon, receivable.availableWon),
      );
      const now = this.clock.now();
      if (payoutWon <= 0) {
        await setStatementOutcome(tx, tenantId, statementId, 'nothing_to_pay', 0, now);
        return null;
      }
      await setStatementOutcome(tx, tenantId, statementId, 'paying', 0, now);
      return this.payouts.open(tx, statement, await this.payee(tx, merchant), attempts + 1, payoutWon);
    });
  }

  /** In the ledger's lock order (by id), so settlement never deadlocks with payments or charges. */
  private async lockMerchantAccounts(tx: Sql, tenantId: string, merchant: Merchant): Promise<void> {
    await this.deps.ledger.lockAccounts(tx, tenantId, [
      merchant.receivableAccountId,
      SYSTEM_ACCOUNTS.bankClearing,
      SYSTEM_ACCOUNTS.feeIncome,
    ]);
  }

  private async chargeFee(
    tx: Sql,
    tenantId: string,
    merchant: Merchant,
    statementId: string,
    feeWon: number,
    kind: 'fee' | 'commission' = 'fee',
  ): Promise<void> {
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
      {
        id: `settlement:${statementId}:${kind}`,
        action: 'transfer',
        code: kind === 'fee' ? 'settlement_fee' : 'commerce_commission',
        postings: [
          { accountId: merchant.receivableAccountId, amountWon: -feeWon },
          { accountId: SYSTEM_ACCOUNTS.feeIncome, amountWon: feeWon },
        ],
        metadata: { statementId, merchantId: merchant.id },
      },
    ]);
    // The receivable may go negative and fee income only grows: a refusal is a missing account, a bug.
    if (!result?.ok)
      throw new Error(`ledger refused the fee of ${statementId}: ${result?.ok === false ? result.code : ''}`);
  }

  private async requireReceivable(tx: Sql, tenantId: string, merchant: Merchant): Promise<Account> {
    const account = await this.deps.ledger.getAccount(tenantId, merchant.receivableAccountId, tx);
    if (!account) throw new Error(`merchant ${merchant.id} has no receivable account`);
    return account;
  }

  private async payee(tx: Sql, merchant: Merchant) {
    return {
      receivableAccountId: merchant.receivableAccountId,
      account: await payeeAccountOf(this.deps, merchant.tenantId, merchant.id, tx),
    };
  }

  private async requireRun(tenantId: string, date: string): Promise<StoredRun> {
    const run = await selectRun(this.db, tenantId, date);
    if (!run) throw new Error(`settlement run ${date} vanished`);
    return run;
  }

  async totals(tenantId: string, businessDate: string) {
    return selectDayTotals(this.db, tenantId, businessDate);
  }

  async run(tenantId: string, businessDate: string): Promise<SettlementRun | null> {
    const run = await selectRun(this.db, tenantId, businessDate);
    return run ? publicRun(run) : null;
  }

  async statementsOfDay(
    tenantId: string,
    businessDate: string,
    page: { afterMerchantId: string | null; limit: number },
  ): Promise<Statement[]> {
    return selectDayStatements(this.db, tenantId, businessDate, page.afterMerchantId, page.limit);
  }

  /** Newest business day first. */
  async statementsOfMerchant(
    tenantId: string,
    merchantId: string,
    page: { beforeDate: string | null; limit: number },
  ): Promise<Statement[]> {
    return selectMerchantStatements(this.db, tenantId, merchantId, page.beforeDate, page.limit);
  }

  /** Only the merchant's own statement; another merchant's is as absent as a missing one. */
  async statementOfMerchant(
    tenantId: string,
    merchantId: string,
    statementId: string,
  ): Promise<StatementDetail> {
    const statement = await selectStatement(this.db, tenantId, statementId);
    if (!statement || statement.merchantId !== merchantId) throw SettlementErrors.statementNotFound();
    return { ...statement, payouts: await selectPayoutsOf(this.db, tenantId, statementId) };
  }

  async feeRules(tenantId: string): Promise<FeeRule[]> {
    return selectFeeRules(this.db, tenantId);
  }

  async feeRuleAt(tenantId: string, at: Date): Promise<FeeRule | null> {
    return selectFeeRuleAt(this.db, tenantId, at);
  }

  /** A preset records what applied, so it may write past periods; rows already present are left alone. */
  async seedFeeRules(tenantId: string, rules: readonly PresetFeeRule[], tx?: Sql): Promise<void> {
    for (const rule of rules) assertFeeRule(rule);
    await insertFeeRules(tx ?? this.db, tenantId, rules, 'system:preset', this.clock.now());
  }

  /** An operator schedules a fee from now or later; what applied before is never rewritten. */
  async createFeeRule(tenantId: string, actorUserId: string, draft: NewFeeRule): Promise<FeeRule> {
    const now = this.clock.now();
    const rule: FeeRule = {
      tenantId,
      id: recordId('fee'),
      rateBp: draft.rateBp,
      feeFreeAnnualRevenueUpToWon: draft.feeFreeAnnualRevenueUpToWon ?? null,
      effectiveFrom: draft.effectiveFrom,
      effectiveTo: draft.effectiveTo ?? null,
      createdBy: actorUserId,
      createdAt: now,
    };
    assertFeeRule(rule);
    if (rule.effectiveFrom.getTime() < now.getTime())
      throw SettlementErrors.effectiveDateInPast(rule.effectiveFrom, now);
    return this.db.transaction(async (tx) => {
      const inserted = await insertFeeRules(tx, tenantId, [rule], actorUserId, now);
      if (inserted.length === 0) throw SettlementErrors.feeRulePeriodTaken(rule.effectiveFrom);
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'settlement.fee_rule_create',
        subjectType: 'settlement_fee_rule',
        subjectId: rule.id,
        details: {
          rateBp: rule.rateBp,
          feeFreeAnnualRevenueUpToWon: rule.feeFreeAnnualRevenueUpToWon,
          effectiveFrom: rule.effectiveFrom,
          effectiveTo: rule.effectiveTo,
        },
      });
      return rule;
    });
  }
}

/**
 * The day's figures and what is due: everything the receivable holds for sales up to the day's end
 * (what it holds now, less what sales, cancellations, fraud claw-backs and online order captures and
 * returns since the end moved on it), with no payout yet.
 */
function composeStatement(input: {
  id: string;
  merchant: Merchant;
  day: BusinessDay;
  figures: DayFigures;
  rule: FeeRule | null;
  feeWon: number;
  commerce: Statement['commerce'];
  receivable: Account;
  now: Date;
  payoutHeld: boolean;
}): Statement {
  const { merchant, day, figures, feeWon, now } = input;
  const netWon = figures.grossWon - figures.cancelledWon - feeWon;
  const dueWon = input.receivable.availableWon - figures.laterNetWon;
  const payableWon = payable(dueWon, input.receivable.availableWon);
  return {
    tenantId: merchant.tenantId,
    id: input.id,
    merchantId: merchant.id,
    businessDate: day.date,
    periodStart: day.start,
    periodEnd: day.end,
    status: payableWon === 0 ? 'nothing_to_pay' : input.payoutHeld ? 'held' : 'paying',
    paymentsCount: figures.paymentsCount,
    grossWon: figures.grossWon,
    cancellationsCount: figures.cancellationsCount,
    cancelledWon: figures.cancelledWon,
    feeRuleId: input.rule?.id ?? null,
    feeRateBp: input.rule?.rateBp ?? 0,
    feeWon,
    netWon,
    commerce: input.commerce,
    broughtForwardWon: dueWon - netWon - (input.commerce?.netWon ?? 0),
    dueWon,
    paidWon: 0,
    carriedWon: dueWon,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A merchant is settled for a day when it sold or cancelled that day at the till, captured or had
 * returned an online order that day (whose commission and lines only that day's statement carries),
 * or money is due to it.
 */
function needsStatement(figures: SettlementFigures, receivable: Account | undefined): boolean {
  if (!receivable) return false;
  if (figures.paymentsCount > 0 || figures.cancellationsCount > 0 || figures.commerceMovesCount > 0)
    return true;
  return payable(receivable.availableWon - figures.laterNetWon, receivable.availableWon) > 0;
}

/** Never more than the receivable holds, never less than nothing: a negative due is carried. */
function payable(dueWon: number, availableWon: number): number {
  return Math.max(0, Math.min(dueWon, availableWon));
}

function publicRun(run: StoredRun): SettlementRun {
  const { cursor: _cursor, ...rest } = run;
  return rest;
}

function assertFeeRule(rule: PresetFeeRule): void {
  const { rateBp, feeFreeAnnualRevenueUpToWon: thresholdWon } = rule;
  if (!Number.isSafeInteger(rateBp) || rateBp < 0 || rateBp > FEE_RATE_BP_MAX) {
    throw SettlementErrors.invalidFeeRule(
      `rateBp must be a whole number from 0 to ${FEE_RATE_BP_MAX}`,
      `수수료율은 0~${FEE_RATE_BP_MAX} bp의 정수여야 합니다`,
    );
  }
  if (thresholdWon !== null && (!Number.isSafeInteger(thresholdWon) || thresholdWon < 0)) {
    throw SettlementErrors.invalidFeeRule(
      'feeFreeAnnualRevenueUpToWon must be a whole number of won, 0 or more',
      '면제 기준 매출액은 0원 이상의 정수여야 합니다',
    );
  }
  if (Number.isNaN(rule.effectiveFrom.getTime())) {
    throw SettlementErrors.invalidFeeRule(
      'effectiveFrom is not a valid instant',
      '시행일이 올바르지 않습니다',
    );
  }
  if (rule.effectiveTo && !(rule.effectiveTo.getTime() > rule.effectiveFrom.getTime())) {
    throw SettlementErrors.invalidFeeRule(
      'effectiveTo must be after effectiveFrom',
      '종료일은 시행일보다 뒤여야 합니다',
    );
  }
}
