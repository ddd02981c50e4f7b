import type { Sql } from '../../db/database.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { BankGateway } from '../bank/bank-gateway.js';
import type { CommerceReceivableMoves, CommerceSettlementLines } from '../commerce/commission.js';
import type { EventFeed } from '../events/event-feed.js';
import type { FreezeService } from '../fraud/freeze-service.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { TenantService } from '../tenants/tenant-service.js';

export interface SettlementDeps {
  ledger: LedgerService;
  tenants: TenantService;
  merchants: MerchantService;
  /** A merchant's sales figures for a business day. */
  payments: PaymentService;
  bank: BankGateway;
  operatorActions: OperatorActionLog;
  /** Fraud holds: a held or frozen merchant gets no statement or payout until released. */
  freezes?: FreezeService;
  /** settlement.paid goes to the event feed in the payout's transaction (optional for tools and tests). */
  events?: EventFeed;
  /** Online mall and delivery sales: commission lines taken at settlement (the commerce module). */
  commission?: CommissionSource;
  /** Grant money fraud claw-backs took back out of each merchant's receivable; the fraud module's FraudReceivables unless given. */
  clawbacks?: MerchantClawbackSource;
}

/** The fraud module's record of what its claw-backs debited each merchant's receivable. */
export interface MerchantClawbackSource {
  /** Per merchant (absent when none), what claw-backs took from its receivable at or after `since`. */
  grantClawedFromMerchantsSince(
    sql: Sql,
    tenantId: string,
    merchantIds: readonly string[],
    since: Date,
  ): Promise<Map<string, number>>;
}

export interface CommissionSource {
  /** The period's online sales and returns with their commission, or null without any. */
  linesFor(
    tx: Sql,
    tenantId: string,
    merchantId: string,
    period: { start: Date; end: Date },
  ): Promise<CommerceSettlementLines | null>;
  /**
   * Per merchant (absent when none): how many orders were captured or returned in the period, and
   * what captures less returns moved on the receivable from the period's end on.
   */
  receivableMovesOf(
    sql: Sql,
    tenantId: string,
    merchantIds: readonly string[],
    period: { start: Date; end: Date },
  ): Promise<Map<string, CommerceReceivableMoves>>;
}

/**
 * The merchant fee (가맹점 수수료) as data with a period [effectiveFrom, effectiveTo); the latest start
 * in force wins. Merchants whose declared annual revenue is at or under the threshold pay 0%.
 */
export interface FeeRule {
  tenantId: string;
  id: string;
  rateBp: number;
  feeFreeAnnualRevenueUpToWon: number | null;
  effectiveFrom: Date;
  effectiveTo: Date | null;
  createdBy: string;
  createdAt: Date;
}

export interface NewFeeRule {
  rateBp: number;
  feeFreeAnnualRevenueUpToWon?: number | null;
  effectiveFrom: Date;
  effectiveTo?: Date | null;
}

/** What a preset installs: a fixed id, so seeding twice adds nothing. */
export type PresetFeeRule = Omit<FeeRule, 'tenantId' | 'createdBy' | 'createdAt'>;

/**
 * paying: a payout is with the bank (outcome not yet known) · paid: the payout succeeded ·
 * failed: the last payout was refused; the money stayed in the receivable and is paid again later ·
 * nothing_to_pay: nothing was payable (no money due, or cancellations took it), the balance is carried.
 */
/** `held`: a fraud case holds the merchant's payouts; the due is carried to the first statement after release. */
export type StatementStatus = 'paying' | 'paid' | 'failed' | 'nothing_to_pay' | 'held';

/**
 * A merchant's settlement (정산) for one business day. The day's figures add up as
 * gross − cancelled − fee = net; the money adds up as broughtForward + net = due = paid + carried.
 */
export interface Statement {
  tenantId: string;
  id: string;
  merchantId: string;
  /** YYYY-MM-DD in the tenant's time zone. */
  businessDate: string;
  periodStart: Date;
  periodEnd: Date;
  status: StatementStatus;
  paymentsCount: number;
  grossWon: number;
  cancellationsCount: number;
  cancelledWon: number;
  feeRuleId: string | null;
  feeRateBp: number;
  feeWon: number;
  netWon: number;
  /** Online mall and delivery sales of the day with their commission, or null without any. */
  commerce: CommerceSettlementLines | null;
  /** Owed from earlier days and not paid then (a failed payout, a negative day carried), at the cut-off. */
  broughtForwardWon: number;
  /** Everything owed to the merchant for sales up to the end of the day, not yet paid or in flight. */
  dueWon: number;
  paidWon: number;
  carriedWon: number;
  createdAt: Date;
  updatedAt: Date;
}

export type PayoutStatus = 'pending' | 'succeeded' | 'failed';

/** One attempt to pay a statement through the bank; its id is the bank's idempotency key. */
export interface Payout {
  id: string;
  statementId: string;
  attempt: number;
  amountWon: number;
  bankCode: string;
  accountNumber: string;
  status: PayoutStatus;
  bankTransactionId: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  /** Why the outcome is not known yet (a timeout, a lost answer). */
  unknownReason: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface StatementDetail extends Statement {
  payouts: Payout[];
}

export type RunStatus = 'running' | 'completed';

export interface SettlementRun {
  tenantId: string;
  businessDate: string;
  status: RunStatus;
  requestedBy: string;
  startedAt: Date;
  completedAt: Date | null;
}

/** Sums over one business day's statements. */
export interface RunTotals {
  statements: number;
  byStatus: Record<StatementStatus, number>;
  grossWon: number;
  cancelledWon: number;
  feeWon: number;
  netWon: number;
  /** What earlier days left unpaid, counted into this day's due (as on each statement). */
  broughtForwardWon: number;
  dueWon: number;
  paidWon: number;
  carriedWon: number;
}

/** What one bounded pass of work did. */
export interface PassReport {
  merchantsScanned: number;
  statementsCreated: number;
  payoutsStarted: number;
  payoutsResolved: number;
  payoutsRetried: number;
  merchantsBlocked: number;
  merchantsHeld: number;
  /** A bound was hit: call again to continue. */
  more: boolean;
}

export interface RunReport {
  run: SettlementRun;
  pass: PassReport;
  totals: RunTotals;
}
