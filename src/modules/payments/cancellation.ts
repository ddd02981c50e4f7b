import type { Clock } from '../../clock.js';
import type { Sql } from '../../db/database.js';
import { recordId } from '../../ids.js';
import type { EventFeed } from '../events/event-feed.js';
import type { FraudReceivables, PaymentClawback } from '../fraud/receivables.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { memberAccountIds } from '../members/member-service.js';
import type { Merchant } from '../merchants/types.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { GrantReturns, GrantState } from '../programs/grant-returns.js';
import {
  addCashbackRepaidInCash,
  addMonthlyUsage,
  lockMonthlyUsage,
  recordActivity,
  takeCashbackRepaidInCash,
} from '../wallets/usage.js';
import { PaymentErrors } from './errors.js';
import { paymentCancelledEvent } from './events.js';
import { unearnedEligibleWon } from './payment-records.js';
import type { PaymentService } from './payment-service.js';
import { shareBetween, uncancelledShare } from './split.js';
import type { CancellationBreakdown, CancellationReceipt, Payment } from './types.js';

const DAY_MS = 86_400_000;

/**
 * Cancellation (결제취소), full or partial: the money goes back to the balances it came from, the
 * cashback it earned is clawed back and returned to the budget accounts that paid it. Every share is
 * a difference of cumulative round-downs, so partial cancellations add up exactly.
 *
 * A payment's cashback and grant money can also go back another way (a fraud claw-back, the grant's
 * expiry), so each part of the payment (each cashback draw, each grant part) is returned by one rule:
 * a cancellation returns what of the part is still out beyond the share of it that the payment's
 * uncancelled rest carries. Without a claw-back, what is out is exactly the uncancelled share, so
 * that is the cancelled share. After a claw-back, what is out is what the claw-back could not collect
 * (its receivable): the cancellation collects that, once the rest of the payment no longer covers it,
 * and nothing of what the claw-back took. So each won goes back once, whichever came first:
 * - cashback: to the pot it was drawn from, from the member's cashback and then cash (a cancellation
 *   refunds cash too, so a receivable is settled from the refund), settling the claw-back's receivable;
 * - grant money: the merchant gives back only what the claw-back did not already take from it; it
 *   goes to the member's grant while the grant is live, and on to the programme's pool at once when
 *   the programme has expired or begun its reclaim, or when a claw-back took the payment's grant money.
 * Cashback clawed back from cash (the member had spent it) is remembered as repaid in cash; when a
 * payment that spent cashback is cancelled, that much of its cashback comes back as cash, so the order
 * in which shops cancel never turns charged money into cashback (wallets' usage.ts).
 * The payment's row is locked first, then its programmes' rows, as the claw-back and the expiry sweep
 * lock them: a cancellation racing either runs before or after it, never beside it.
 */
export class CancellationService {
  constructor(
    private readonly clock: Clock,
    private readonly deps: {
      ledger: LedgerService;
      policy: PolicyService;
      payments: PaymentService;
      events: EventFeed;
      clawbacks: FraudReceivables;
      grantReturns: GrantReturns;
    },
  ) {}

  async cancel(
    tx: Sql,
    tenantId: string,
    merchant: Merchant,
    paymentId: string,
    amountWon?: number,
  ): Promise<CancellationReceipt> {
    const payment = await this.deps.payments.getPayment(tenantId, paymentId, tx, true);
    if (!payment || payment.merchantId !== merchant.id) throw PaymentErrors.paymentNotFound();
    const now = this.clock.now();
    await this.checkWindow(tenantId, payment, now, tx);
    const remainingWon = payment.amountWon - payment.cancelledWon;
    if (remainingWon === 0) throw PaymentErrors.alreadyCancelled();
    const cancelWon = amountWon ?? remainingWon;
    if (!Number.isSafeInteger(cancelWon) || cancelWon <= 0 || cancelWon > remainingWon) {
      throw PaymentErrors.cancelAmountInvalid(remainingWon);
    }
    const clawback = await this.deps.clawbacks.ofPayment(tx, tenantId, payment.id);
    const grantAccountIds = payment.paidFrom.grantParts.map((part) => part.accountId);
    const grants = await this.deps.grantReturns.lock(tx, tenantId, grantAccountIds, now);
    const usage = await lockMonthlyUsage(tx, tenantId, payment.memberId, payment.month);
    const plan = await this.plan(tx, payment, cancelWon, clawback, grants);
    // Payments made before the month kept its unearned spending have none recorded to give back.
    plan.breakdown.unearnedRestoredWon = Math.min(
      plan.breakdown.unearnedRestoredWon ?? 0,
      usage.unearnedSpendWon,
    );
    const { breakdown } = plan;
    const cancellationId = recordId('pcn');
    const posted = await this.post(tx, payment, merchant, cancellationId, cancelWon, breakdown);
    await this.record(tx, payment, merchant, cancellationId, cancelWon, plan, now, posted);
    await this.deps.grantReturns.takeBack(
      tx,
      tenantId,
      breakdown.grantReclaimed.map((part) => ({ grantAccountId: part.accountId, amountWon: part.amountWon })),
      now,
      { historyLines: true },
    );
    await this.deps.clawbacks.settle(tx, tenantId, payment.id, plan.settled);
    await this.deps.events.append(tx, tenantId, [
      paymentCancelledEvent(payment, cancellationId, cancelWon, breakdown, now),
    ]);
    const cancelledWon = payment.cancelledWon + cancelWon;
    return {
      cancellationId,
      paymentId,
      amountWon: cancelWon,
      refunded: {
        grantWon: breakdown.refunded.grantWon,
        cashbackWon: breakdown.refunded.cashbackWon,
        cashWon: breakdown.refunded.cashWon,
      },
      cashbackClawback: breakdown.clawback,
      payment: {
        amountWon: payment.amountWon,
        cancelledWon,
        remainingWon: payment.amountWon - cancelledWon,
        status: cancelledWon === payment.amountWon ? 'cancelled' : 'partially_cancelled',
      },
      createdAt: now.toISOString(),
    };
  }

  private async checkWindow(tenantId: string, payment: Payment, now: Date, tx: Sql): Promise<void> {
    const windowDays = await this.deps.policy.ruleValue(tenantId, 'payment_cancel_window_days', now, tx);
    if (now.getTime() - payment.createdAt.getTime() > windowDays * DAY_MS)
      throw PaymentErrors.cancelWindowClosed(windowDays);
  }

  /** The cancellation's money, decided on the member's accounts locked here (before the rest the ledger locks). */
  private async plan(
    tx: Sql,
    payment: Payment,
    cancelWon: number,
    clawback: PaymentClawback,
    grants: ReadonlyMap<string, GrantState>,
  ): Promise<CancellationPlan> {
    const previousWon = payment.cancelledWon;
    const nextWon = previousWon + cancelWon;
    const share = (partWon: number) => shareBetween(previousWon, nextWon, partWon, payment.amountWon);
    // What of a part still out (`outWon`) exceeds the share of it the uncancelled rest carries.
    const beyondRest = (partWon: number, outWon: number) =>
      Math.max(0, outWon - uncancelledShare(nextWon, partWon, payment.amountWon));
    const owedOf = (accountId: string) => clawback.owedWon.get(accountId) ?? 0;

    const grantParts = payment.paidFrom.grantParts.map((part) => {
      const grant = grants.get(part.accountId);
      const clawedBack = grant !== undefined && clawback.grantPrograms.has(grant.programId);
      const shareWon = share(part.amountWon);
      const backWon = clawedBack ? beyondRest(part.amountWon, owedOf(part.accountId)) : shareWon;
      return {
        accountId: part.accountId,
        shareWon,
        backWon,
        clawedBack,
        toPool: clawedBack || !!grant?.closed,
      };
    });
    const grantShareWon = grantParts.reduce((sum, part) => sum + part.shareWon, 0);
    const cashbackRefundWon = share(payment.paidFrom.cashbackWon);
    const cashRefundWon = cancelWon - grantShareWon - cashbackRefundWon;
    const owedBack = payment.cashback.draws.map((drawn) => ({
      accountId: drawn.accountId,
      amountWon: clawback.cashback
        ? beyondRest(drawn.amountWon, owedOf(drawn.accountId))
        : share(drawn.amountWon),
    }));
    const clawbackWon = owedBack.reduce((sum, drawn) => sum + drawn.amountWon, 0);
    const ids = memberAccountIds(payment.memberId);
    // The member's accounts, grants included, before anything else the ledger locks: the batch's order.
    const balances = await this.deps.ledger.lockAccounts(tx, payment.tenantId, [
      ids.cash,
      ids.cashback,
      ...grantParts.map((part) => part.accountId),
    ]);
    const availableOf = (id: string) => balances.find((account) => account.id === id)?.availableWon ?? 0;
    const fromCashbackWon = Math.min(clawbackWon, availableOf(ids.cashback) + cashbackRefundWon);
    const fromCashWon = Math.min(clawbackWon - fromCashbackWon, availableOf(ids.cash) + cashRefundWon);
    const recoveredWon = fromCashbackWon + fromCashWon;
    const returnedToBudget = returnInOrder(owedBack, recoveredWon);
    // Cashback coming back that the member already repaid in cash comes back as cash; cashback this
    // cancellation claws back from cash is such a repayment.
    const cashbackAsCashWon = await takeCashbackRepaidInCash(
      tx,
      payment.tenantId,
      payment.memberId,
      cashbackRefundWon - fromCashbackWon,
    );
    await addCashbackRepaidInCash(tx, payment.tenantId, payment.memberId, fromCashWon);
    const backs = grantParts.filter((part) => part.backWon > 0);
    const breakdown: CancellationBreakdown = {
      refunded: {
        grantWon: backs.reduce((sum, part) => sum + part.backWon, 0),
        cashbackWon: cashbackRefundWon,
        cashWon: cashRefundWon,
        cashbackAsCashWon,
        grantParts: backs.map((part) => ({ accountId: part.accountId, amountWon: part.backWon })),
      },
      grantReclaimed: backs
        .filter((part) => part.toPool)
        .map((part) => ({ accountId: part.accountId, amountWon: part.backWon })),
      grantClawedBackWon: grantShareWon - backs.reduce((sum, part) => sum + part.backWon, 0),
      clawback: {
        amountWon: clawbackWon,
        fromCashbackWon,
        fromCashWon,
        unrecoveredWon: clawbackWon - recoveredWon,
      },
      returnedToBudget,
      eligibleRestoredWon: share(payment.eligibleWon),
      unearnedRestoredWon:
        share(payment.eligibleWon) - share(payment.eligibleWon - unearnedEligibleWon(payment)),
    };
    const cashbackShareWon = payment.cashback.draws.reduce((sum, drawn) => sum + share(drawn.amountWon), 0);
    return {
      breakdown,
      settled: [
        ...(clawback.cashback ? returnedToBudget : []),
        ...backs
          .filter((part) => part.clawedBack)
          .map((part) => ({ accountId: part.accountId, amountWon: part.backWon })),
      ],
      cashbackReversedWon: cashbackShareWon - breakdown.clawback.unrecoveredWon,
    };
  }

  private async post(
    tx: Sql,
    payment: Payment,
    merchant: Merchant,
    cancellationId: string,
    cancelWon: number,
    breakdown: CancellationBreakdown,
  ): Promise<boolean> {
    const ids = memberAccountIds(payment.memberId);
    const asCashWon = breakdown.refunded.cashbackAsCashWon ?? 0;
    const postings = [
      { accountId: merchant.receivableAccountId, amountWon: breakdown.grantClawedBackWon - cancelWon },
      {
        accountId: ids.cash,
        amountWon: breakdown.refunded.cashWon + asCashWon - breakdown.clawback.fromCashWon,
      },
      {
        accountId: ids.cashback,
        amountWon: breakdown.refunded.cashbackWon - asCashWon - breakdown.clawback.fromCashbackWon,
      },
      ...breakdown.refunded.grantParts,
      ...breakdown.returnedToBudget,
    ].filter((posting) => posting.amountWon !== 0);
    // A share of grant money a claw-back already took, and nothing else: no money moves.
    if (postings.length === 0) return false;
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, payment.tenantId, [
      {
        id: `cancel:${cancellationId}`,
        action: 'transfer',
        code: 'payment_cancel',
        postings,
        metadata: { paymentId: payment.id, cancellationId },
      },
    ]);
    // Every amount was computed from balances locked in this transaction: a refusal is a bug.
    if (!result?.ok)
      throw new Error(
        `ledger refused cancellation ${cancellationId}: ${result?.ok === false ? result.code : ''}`,
      );
    return true;
  }

  private async record(
    tx: Sql,
    payment: Payment,
    merchant: Merchant,
    cancellationId: string,
    cancelWon: number,
    { breakdown, cashbackReversedWon }: CancellationPlan,
    now: Date,
    posted: boolean,
  ): Promise<void> {
    await tx.query(
      `insert into payment_cancellations (tenant_id, id, payment_id, amount_won, breakdown, created_at)
       values ($1, $2, $3, $4, $5, $6)`,
      [payment.tenantId, cancellationId, payment.id, cancelWon, JSON.stringify(breakdown), now],
    );
    await tx.query(
      'update payments set cancelled_won = cancelled_won + $3 where tenant_id = $1 and id = $2',
      [payment.tenantId, payment.id, cancelWon],
    );
    await addMonthlyUsage(tx, payment.tenantId, payment.memberId, payment.month, {
      eligibleSpendWon: -breakdown.eligibleRestoredWon,
      unearnedSpendWon: -(breakdown.unearnedRestoredWon ?? 0),
      cashbackWon: -cashbackReversedWon,
    });
    // The member's history line is the transfer's (its proof is the transfer): none when nothing moved.
    if (!posted) return;
    const recoveredWon = breakdown.clawback.fromCashbackWon + breakdown.clawback.fromCashWon;
    await recordActivity(tx, {
      tenantId: payment.tenantId,
      memberId: payment.memberId,
      at: now,
      type: 'payment_cancellation',
      month: payment.month,
      amountWon: cancelWon - breakdown.grantClawedBackWon - recoveredWon,
      referenceId: cancellationId,
      merchantId: merchant.id,
      details: { paymentId: payment.id, merchantName: merchant.name, amountWon: cancelWon, ...breakdown },
    });
  }
}

/**
 * A cancellation's decision: its breakdown, what it settled of a claw-back's receivables (per pot
 * account or grant account), and how much of the payment's cashback no longer counts in the month.
 */
interface CancellationPlan {
  breakdown: CancellationBreakdown;
  settled: Array<{ accountId: string; amountWon: number }>;
  cashbackReversedWon: number;
}

/** What was recovered goes back to the budget accounts in the order they paid, never more than each gave. */
function returnInOrder(owed: Array<{ accountId: string; amountWon: number }>, recoveredWon: number) {
  let leftWon = recoveredWon;
  return owed
    .map((drawn) => {
      const backWon = Math.min(drawn.amountWon, leftWon);
      leftWon -= backWon;
      return { accountId: drawn.accountId, amountWon: backWon };
    })
    .filter((drawn) => drawn.amountWon > 0);
}
