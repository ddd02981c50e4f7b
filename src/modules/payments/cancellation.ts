import type { Clock } from '../../clock.js';
import type { Sql } from '../../db/database.js';
import { recordId } from '../../ids.js';
import type { EventFeed } from '../events/event-feed.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { memberAccountIds } from '../members/member-service.js';
import type { Merchant } from '../merchants/types.js';
import type { PolicyService } from '../policy/policy-service.js';
import { addMonthlyUsage, lockMonthlyUsage, recordActivity } from '../wallets/usage.js';
import { PaymentErrors } from './errors.js';
import { paymentCancelledEvent } from './events.js';
import type { PaymentService } from './payment-service.js';
import { shareBetween } from './split.js';
import type { CancellationBreakdown, CancellationReceipt, Payment } from './types.js';

const DAY_MS = 86_400_000;

/**
 * Cancellation (결제취소), full or partial: the money goes back to the balances it came from, the
 * cashback it earned is clawed back in proportion and returned to the budget accounts that paid it.
 * Every share is a difference of cumulative round-downs, so partial cancellations add up exactly.
 */
export class CancellationService {
  constructor(
    private readonly clock: Clock,
    private readonly deps: {
      ledger: LedgerService;
      policy: PolicyService;
      payments: PaymentService;
      events: EventFeed;
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
    await lockMonthlyUsage(tx, tenantId, payment.memberId, payment.month);
    const breakdown = await this.breakdown(tx, payment, cancelWon);
    const cancellationId = recordId('pcn');
    await this.post(tx, payment, merchant, cancellationId, cancelWon, breakdown);
    await this.record(tx, payment, merchant, cancellationId, cancelWon, breakdown, now);
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

  private async breakdown(tx: Sql, payment: Payment, cancelWon: number): Promise<CancellationBreakdown> {
    const previousWon = payment.cancelledWon;
    const nextWon = previousWon + cancelWon;
    const share = (partWon: number) => shareBetween(previousWon, nextWon, partWon, payment.amountWon);
    const grantParts = payment.paidFrom.grantParts
      .map((part) => ({ accountId: part.accountId, amountWon: share(part.amountWon) }))
      .filter((part) => part.amountWon > 0);
    const grantWon = grantParts.reduce((sum, part) => sum + part.amountWon, 0);
    const cashbackRefundWon = share(payment.paidFrom.cashbackWon);
    const cashRefundWon = cancelWon - grantWon - cashbackRefundWon;
    const owedBack = payment.cashback.draws.map((drawn) => ({
      accountId: drawn.accountId,
      amountWon: share(drawn.amountWon),
    }));
    const clawbackWon = owedBack.reduce((sum, drawn) => sum + drawn.amountWon, 0);
    const ids = memberAccountIds(payment.memberId);
    const balances = await this.deps.ledger.lockAccounts(tx, payment.tenantId, [ids.cash, ids.cashback]);
    const availableOf = (id: string) => balances.find((account) => account.id === id)?.availableWon ?? 0;
    const fromCashbackWon = Math.min(clawbackWon, availableOf(ids.cashback) + cashbackRefundWon);
    const fromCashWon = Math.min(clawbackWon - fromCashbackWon, availableOf(ids.cash) + cashRefundWon);
    const recoveredWon = fromCashbackWon + fromCashWon;
    return {
      refunded: { grantWon, cashbackWon: cashbackRefundWon, cashWon: cashRefundWon, grantParts },
      clawback: {
        amountWon: clawbackWon,
        fromCashbackWon,
        fromCashWon,
        unrecoveredWon: clawbackWon - recoveredWon,
      },
      returnedToBudget: returnInOrder(owedBack, recoveredWon),
      eligibleRestoredWon: share(payment.eligibleWon),
    };
  }

  private async post(
    tx: Sql,
    payment: Payment,
    merchant: Merchant,
    cancellationId: string,
    cancelWon: number,
    breakdown: CancellationBreakdown,
  ): Promise<void> {
    const ids = memberAccountIds(payment.memberId);
    const postings = [
      { accountId: merchant.receivableAccountId, amountWon: -cancelWon },
      { accountId: ids.cash, amountWon: breakdown.refunded.cashWon - breakdown.clawback.fromCashWon },
      {
        accountId: ids.cashback,
        amountWon: breakdown.refunded.cashbackWon - breakdown.clawback.fromCashbackWon,
      },
      ...breakdown.refunded.grantParts,
      ...breakdown.returnedToBudget,
    ].filter((posting) => posting.amountWon !== 0);
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
  }

  private async record(
    tx: Sql,
    payment: Payment,
    merchant: Merchant,
    cancellationId: string,
    cancelWon: number,
    breakdown: CancellationBreakdown,
    now: Date,
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
    const recoveredWon = breakdown.clawback.fromCashbackWon + breakdown.clawback.fromCashWon;
    await addMonthlyUsage(tx, payment.tenantId, payment.memberId, payment.month, {
      eligibleSpendWon: -breakdown.eligibleRestoredWon,
      cashbackWon: -recoveredWon,
    });
    await recordActivity(tx, {
      tenantId: payment.tenantId,
      memberId: payment.memberId,
      at: now,
      type: 'payment_cancellation',
      month: payment.month,
      amountWon: cancelWon - recoveredWon,
      referenceId: cancellationId,
      merchantId: merchant.id,
      details: { paymentId: payment.id, merchantName: merchant.name, amountWon: cancelWon, ...breakdown },
    });
  }
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
