import { createHash, randomInt } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { monthKey } from '../../time.js';
import { allocateCashback } from '../budgets/allocate.js';
import type { BudgetService } from '../budgets/budget-service.js';
import type { EventFeed } from '../events/event-feed.js';
import type { FreezeService } from '../fraud/freeze-service.js';
import type { IdempotencyKeyOwner, KeyScope } from '../idempotency/idempotency.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { MemberService } from '../members/member-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { Merchant } from '../merchants/types.js';
import { quoteCashback } from '../policy/cashback.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { addMonthlyUsage, allowanceSpentWon, lockMonthlyUsage, readMonthlyUsage } from '../wallets/usage.js';
import type { WalletService } from '../wallets/wallet-service.js';
import { paymentRequestHashOf } from './batch-store.js';
import { BatchedPayments, type OrderOutcome, type PaymentOrder } from './batched-payments.js';
import { PaymentErrors } from './errors.js';
import type { PaymentContext } from './events.js';
import { PAYMENT_FEED_SOURCE, paymentFeedSource } from './feed-source.js';
import {
  decidedPayment,
  fundsOf,
  type PaymentRow,
  paymentTransfer,
  receiptOf,
  toPayment,
  unearnedEligibleWon,
} from './payment-records.js';
import { type DayFigures, dayFiguresOfMerchants } from './sales.js';
import {
  assertSelfDealingAllowed,
  isSelfDealing,
  selfDealingQuote,
  selfDealingRuleAt,
} from './self-dealing.js';
import { type Funds, splitPayment } from './split.js';
import { cashSpendingPage, memberCashSpending } from './tax-spending.js';
import type { Payment, PaymentChannel, PaymentReceipt } from './types.js';

export interface PaymentDeps {
  ledger: LedgerService;
  tenants: TenantService;
  policy: PolicyService;
  budgets: BudgetService;
  merchants: MerchantService;
  members: MemberService;
  wallets: WalletService;
  events: EventFeed;
  /** Fraud freezes: frozen members and merchants are refused (ACCOUNT_FROZEN). */
  freezes: FreezeService;
}

const PAYMENT_CODE_DIGITS = 20;

function hashCode(tenantId: string, code: string): string {
  return createHash('sha256').update(`${tenantId}|${code}`).digest('hex');
}

/**
 * Payments (결제): a member pays a merchant from grants, cashback and cash, and earns cashback from
 * the budget in the same transaction, with its idempotency record. Merchant-presented payments are
 * group-committed (BatchedPayments, which writes the idempotency record itself); a code payment runs
 * in the transaction its caller (the HTTP idempotency layer) passes.
 */
export class PaymentService implements IdempotencyKeyOwner {
  private readonly batched: BatchedPayments;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: PaymentDeps,
  ) {
    this.batched = new BatchedPayments(db, clock, deps);
    deps.events.serve(paymentFeedSource(deps.merchants));
  }

  /** The payment group commit, for metrics. */
  get batching(): BatchedPayments['batching'] {
    return this.batched.batching;
  }

  /** Merchant-presented payments go through group commit; see BatchedPayments. */
  async payAtMerchant(tenantId: string, order: PaymentOrder): Promise<OrderOutcome> {
    return this.batched.pay(tenantId, order);
  }

  /**
   * What a payment would do, without locks and without moving money: the split over grants, cashback
   * and cash and the cashback the policy in force would give (on the cash part), or, when the payment
   * could not go through, the shortfall and no cashback. A shortfall the member's auto-charge would
   * cover (its amount, the monthly charge cap, the holding cap) is charged first, as the payment does:
   * `autoChargeWon` is what it would take from the bank, and the split and cashback are those after it.
   * The confirm step shows it; the payment itself decides again under lock (and a budget running low
   * can give less).
   */
  async preview(tenantId: string, memberId: string, merchantCode: string, amountWon: number) {
    const merchant = await this.deps.merchants.getByCode(tenantId, merchantCode);
    if (merchant?.status !== 'approved') throw PaymentErrors.merchantNotFound();
    // Refused as the payment would be, so the confirm screen never promises a payment a freeze stops.
    await this.deps.freezes.assertNotFrozen(tenantId, { memberId, merchantId: merchant.id });
    const now = this.clock.now();
    const selfDealing = isSelfDealing(merchant, memberId);
    if (selfDealing) assertSelfDealingAllowed(await selfDealingRuleAt(this.deps.policy, tenantId, now));
    const month = monthKey(now, await this.deps.tenants.timeZoneOf(tenantId));
    const [usage, accounts, member, policy] = await Promise.all([
      readMonthlyUsage(this.db, tenantId, memberId, month),
      this.deps.ledger.accountsOwnedBy(tenantId, memberId),
      this.deps.members.getMember(tenantId, memberId),
      this.deps.policy.cashbackPolicyAt(tenantId, now),
    ]);
    const funds = fundsOf(accounts, memberId, merchant, now);
    const split = splitPayment(amountWon, funds);
    const shortfallWon = split.ok ? 0 : split.shortfallWon;
    // As the payment route does (payCoveringShortfall): only a shortfall is charged for, in whole amounts.
    const autoCharge = split.ok
      ? null
      : await this.deps.wallets.autoChargeCovering(tenantId, memberId, shortfallWon);
    const paid = autoCharge
      ? splitPayment(amountWon, { ...funds, cashWon: funds.cashWon + autoCharge.amountWon })
      : split;
    if (!paid.ok)
      return { merchant, paidFrom: null, shortfallWon, autoChargeWon: 0, quote: null, validUntil: null };
    const ruleQuote = quoteCashback(policy, {
      at: now,
      paidFromCashWon: paid.paidFrom.cashWon,
      monthEligibleSpentBeforeWon: allowanceSpentWon(usage),
      merchant,
      member: { isWelfareRecipient: member?.isWelfareRecipient ?? false },
    });
    const quote = selfDealing ? selfDealingQuote(ruleQuote) : ruleQuote;
    return {
      merchant,
      paidFrom: paid.paidFrom,
      shortfallWon,
      autoChargeWon: autoCharge?.amountWon ?? 0,
      quote,
      validUntil: await this.deps.policy.nextPolicyChangeAfter(tenantId, now),
    };
  }

  /**
   * Cash the member paid to merchants after `since` (all time when null), less the cash that
   * cancellations after `since` gave back: what the refund rule counts as used.
   */
  async cashSpentSince(tenantId: string, memberId: string, since: Date | null, tx?: Sql): Promise<number> {
    const [row] = await (tx ?? this.db).query<{ used_won: number }>(
      `select
         (select coalesce(sum((paid_from ->> 'cashWon')::bigint), 0) from payments
           where tenant_id = $1 and member_id = $2 and ($3::timestamptz is null or created_at > $3))
         - (select coalesce(sum((c.breakdown -> 'refunded' ->> 'cashWon')::bigint
                                + coalesce((c.breakdown -> 'refunded' ->> 'cashbackAsCashWon')::bigint, 0)
                                - (c.breakdown -> 'clawback' ->> 'fromCashWon')::bigint), 0)
              from payment_cancellations c
              join payments p on p.tenant_id = c.tenant_id and p.id = c.payment_id
             where c.tenant_id = $1 and p.member_id = $2 and ($3::timestamptz is null or c.created_at > $3))
         as used_won`,
      [tenantId, memberId, since],
    );
    return Number(row?.used_won ?? 0);
  }

  /**
   * A single-use code the member shows at the till; unguessable and short-lived. A frozen member gets
   * none: refused as their own payment is (ACCOUNT_FROZEN), not later at every till.
   */
  async issuePaymentCode(tenantId: string, memberId: string): Promise<{ code: string; expiresAt: Date }> {
    await this.deps.freezes.assertNotFrozen(tenantId, { memberId });
    const now = this.clock.now();
    const ttlSeconds = await this.deps.policy.ruleValue(tenantId, 'payment_code_ttl_seconds', now);
    const code = Array.from({ length: PAYMENT_CODE_DIGITS }, () => randomInt(10)).join('');
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    await this.db.query(
      `insert into payment_codes (code_hash, tenant_id, member_id, created_at, expires_at) values ($1, $2, $3, $4, $5)`,
      [hashCode(tenantId, code), tenantId, memberId, now, expiresAt],
    );
    return { code, expiresAt };
  }

  /**
   * What became of a code the member issued: still waiting at the till, paid (with the payment, so the
   * customer's screen can show its receipt), or expired unused; a paid code whose payment the shop has
   * since cancelled says so (`partially_cancelled`, `cancelled`). Another member's code is unknown.
   */
  async paymentCodeStatus(
    tenantId: string,
    memberId: string,
    code: string,
  ): Promise<{ status: PaymentCodeStatus; payment: Payment | null } | undefined> {
    const [row] = await this.db.query<{ member_id: string; expires_at: Date; payment_id: string | null }>(
      'select member_id, expires_at, payment_id from payment_codes where code_hash = $1 and tenant_id = $2',
      [hashCode(tenantId, code), tenantId],
    );
    if (!row || row.member_id !== memberId) return undefined;
    if (row.payment_id) {
      const payment = await this.getPayment(tenantId, row.payment_id);
      if (!payment) throw new Error(`payment ${row.payment_id} of a used code is missing`);
      const status =
        payment.cancelledWon === 0
          ? 'paid'
          : payment.cancelledWon < payment.amountWon
            ? 'partially_cancelled'
            : 'cancelled';
      return { status, payment };
    }
    const expired = row.expires_at.getTime() <= this.clock.now().getTime();
    return { status: expired ? 'expired' : 'waiting', payment: null };
  }

  async payWithCode(
    tx: Sql,
    tenantId: string,
    merchantId: string,
    code: string,
    amountWon: number,
  ): Promise<PaymentReceipt> {
    const [row] = await tx.query<{ member_id: string; expires_at: Date; used_at: Date | null }>(
      `select member_id, expires_at, used_at from payment_codes where code_hash = $1 and tenant_id = $2 for update`,
      [hashCode(tenantId, code), tenantId],
    );
    if (!row) throw PaymentErrors.codeInvalid();
    if (row.used_at) throw PaymentErrors.codeUsed();
    if (row.expires_at.getTime() <= this.clock.now().getTime()) throw PaymentErrors.codeExpired();
    const merchant = await this.deps.merchants.getById(tenantId, merchantId, tx);
    if (!merchant) throw PaymentErrors.merchantNotFound();
    const receipt = await this.pay(
      tx,
      tenantId,
      row.member_id,
      merchant,
      amountWon,
      'customer_presented',
    ).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'INSUFFICIENT_FUNDS')
        throw PaymentErrors.customerShortOfFunds();
      throw error;
    });
    await tx.query(`update payment_codes set used_at = $2, payment_id = $3 where code_hash = $1`, [
      hashCode(tenantId, code),
      this.clock.now(),
      receipt.paymentId,
    ]);
    return receipt;
  }

  private async pay(
    tx: Sql,
    tenantId: string,
    memberId: string,
    merchant: Merchant,
    amountWon: number,
    channel: PaymentChannel,
  ): Promise<PaymentReceipt> {
    if (!Number.isSafeInteger(amountWon) || amountWon <= 0) throw PaymentErrors.invalidAmount();
    if (merchant.status !== 'approved') throw PaymentErrors.merchantNotActive();
    // The shop presents the customer's code: it is told the customer is frozen, not why.
    await this.deps.freezes.assertNotFrozen(tenantId, { memberId, merchantId: merchant.id }, tx, 'shop');
    const now = this.clock.now();
    const selfDealing = isSelfDealing(merchant, memberId);
    if (selfDealing) assertSelfDealingAllowed(await selfDealingRuleAt(this.deps.policy, tenantId, now, tx));
    const month = monthKey(now, await this.deps.tenants.timeZoneOf(tenantId, tx));
    const usage = await lockMonthlyUsage(tx, tenantId, memberId, month);
    const funds = await this.lockFunds(tx, tenantId, memberId, merchant, now);
    const pots = await this.deps.budgets.lockPotsAt(tx, tenantId, now);
    const split = splitPayment(amountWon, funds);
    if (!split.ok) throw PaymentErrors.insufficientFunds(split.shortfallWon);
    const member = await this.deps.members.getMember(tenantId, memberId, tx);
    const ruleQuote = quoteCashback(await this.deps.policy.cashbackPolicyAt(tenantId, now, tx), {
      at: now,
      paidFromCashWon: split.paidFrom.cashWon,
      monthEligibleSpentBeforeWon: allowanceSpentWon(usage),
      merchant,
      member: { isWelfareRecipient: member?.isWelfareRecipient ?? false },
    });
    const quote = selfDealing ? selfDealingQuote(ruleQuote) : ruleQuote;
    const payment = decidedPayment({
      tenantId,
      memberId,
      merchant,
      channel,
      amountWon,
      paidFrom: split.paidFrom,
      quote,
      draw: allocateCashback(pots, quote.cashbackWon),
      month,
      now,
    });
    await this.postPayment(tx, payment, merchant);
    await this.recordPayment(tx, payment, merchant, {
      monthEligibleSpentBeforeWon: allowanceSpentWon(usage),
      isWelfareRecipient: member?.isWelfareRecipient ?? false,
      policyId: quote.policyId,
    });
    const wallet = await this.deps.wallets.wallet(tenantId, memberId, tx);
    await this.deps.events.appendServed(tx, tenantId, PAYMENT_FEED_SOURCE, [payment.id]);
    return receiptOf(payment, merchant, wallet);
  }

  /** Locks the member's spendable accounts and returns what can be spent at this merchant now. */
  private async lockFunds(
    tx: Sql,
    tenantId: string,
    memberId: string,
    merchant: Merchant,
    now: Date,
  ): Promise<Funds> {
    const owned = await this.deps.ledger.accountsOwnedBy(tenantId, memberId, tx);
    const locked = await this.deps.ledger.lockAccounts(
      tx,
      tenantId,
      owned.map((account) => account.id),
    );
    return fundsOf(locked, memberId, merchant, now);
  }

  private async postPayment(tx: Sql, payment: Payment, merchant: Merchant): Promise<void> {
    const results = await this.deps.ledger.postTransfersInTransaction(tx, payment.tenantId, [
      paymentTransfer(payment, merchant),
    ]);
    const refused = results.find((result) => !result.ok);
    // The balances were checked under lock, so a refusal here is a broken invariant, not a user error.
    if (refused && !refused.ok) throw new Error(`ledger refused ${refused.id}: ${refused.code}`);
  }

  private async recordPayment(
    tx: Sql,
    payment: Payment,
    merchant: Merchant,
    event: PaymentContext,
  ): Promise<void> {
    await tx.query(
      `insert into payments (tenant_id, id, member_id, merchant_id, channel, amount_won, paid_from, eligible_won,
         cashback_won, cashback, month, created_at, receipt_context, month_eligible_spent_before_won,
         is_welfare_recipient, policy_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        payment.tenantId,
        payment.id,
        payment.memberId,
        payment.merchantId,
        payment.channel,
        payment.amountWon,
        JSON.stringify(payment.paidFrom),
        payment.eligibleWon,
        payment.cashback.amountWon,
        JSON.stringify(payment.cashback),
        payment.month,
        payment.createdAt,
        // The merchant's name as it was, for the payment's line in the member's history.
        JSON.stringify({ merchantName: merchant.name }),
        event.monthEligibleSpentBeforeWon,
        event.isWelfareRecipient,
        event.policyId,
      ],
    );
    await addMonthlyUsage(tx, payment.tenantId, payment.memberId, payment.month, {
      eligibleSpendWon: payment.eligibleWon,
      unearnedSpendWon: unearnedEligibleWon(payment),
      cashbackWon: payment.cashback.amountWon,
    });
  }

  /** Which request a batched payment's key answered (payments keep their keys in their rows). */
  requestHashOfKey(tx: Sql, scope: KeyScope, key: string): Promise<string | null> {
    return paymentRequestHashOf(tx, scope, key);
  }

  async getPayment(
    tenantId: string,
    paymentId: string,
    tx?: Sql,
    forUpdate = false,
  ): Promise<Payment | undefined> {
    const [row] = await (tx ?? this.db).query<PaymentRow>(
      `select * from payments where tenant_id = $1 and id = $2 ${forUpdate ? 'for update' : ''}`,
      [tenantId, paymentId],
    );
    return row ? toPayment(row) : undefined;
  }

  /** These payments' rows, locked for the rest of `tx` in id order, as a cancellation locks its payment's. */
  async lockPayments(tx: Sql, tenantId: string, paymentIds: readonly string[]): Promise<Payment[]> {
    if (paymentIds.length === 0) return [];
    const rows = await tx.query<PaymentRow>(
      'select * from payments where tenant_id = $1 and id = any($2::text[]) order by id for update',
      [tenantId, [...new Set(paymentIds)]],
    );
    return rows.map(toPayment);
  }

  /**
   * Merchants' sales figures for one period (a settlement's business day): payments and
   * cancellations in [start, end), and the net after `end`; a merchant with neither has no entry.
   * `tx` when the caller reads it under its own locks.
   */
  async dayFiguresOfMerchants(
    tenantId: string,
    merchantIds: readonly string[],
    period: { start: Date; end: Date },
    tx?: Sql,
  ): Promise<Map<string, DayFigures>> {
    return dayFiguresOfMerchants(tx ?? this.db, tenantId, merchantIds, period);
  }

  /** One member's cash spending by month and merchant, cancellations netted (for the tax statement). */
  async memberCashSpending(tenantId: string, memberId: string, fromMonth: string, toMonth: string) {
    return memberCashSpending(this.db, tenantId, memberId, fromMonth, toMonth);
  }

  /** Every member's cash spending, a page of members at a time in id order (for the tax office export). */
  async cashSpendingPage(
    tenantId: string,
    period: { fromMonth: string; toMonth: string },
    afterMemberId: string,
    memberLimit: number,
  ) {
    return cashSpendingPage(this.db, tenantId, period.fromMonth, period.toMonth, afterMemberId, memberLimit);
  }
}

/** What became of a one-time payment code; a paid one whose payment was cancelled says how much. */
export type PaymentCodeStatus = 'waiting' | 'paid' | 'partially_cancelled' | 'cancelled' | 'expired';

export interface Sale {
  paymentId: string;
  at: string;
  channel: string;
  amountWon: number;
  cancelledWon: number;
  netWon: number;
}

export interface DailyTotal {
  date: string;
  count: number;
  grossWon: number;
  cancelledWon: number;
  netWon: number;
}
