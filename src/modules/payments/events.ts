import { potAccountOf } from '../budgets/allocate.js';
import type { CashbackDrawn, MerchantSnapshot, NewEvent } from '../events/types.js';
import type { Merchant } from '../merchants/types.js';
import { isSelfDealing } from './self-dealing.js';
import type { CancellationBreakdown, Payment } from './types.js';

/** What the payment path knew when it decided, beyond the payment record. */
export interface PaymentContext {
  monthEligibleSpentBeforeWon: number;
  isWelfareRecipient: boolean;
  policyId: string | null;
}

/** What the calculator needs to replay a payment, and what analytics groups it by. */
export function paymentMadeEvent(payment: Payment, merchant: Merchant, context: PaymentContext): NewEvent {
  return {
    type: 'payment.made',
    subjectId: payment.id,
    occurredAt: payment.createdAt,
    payload: {
      paymentId: payment.id,
      memberId: payment.memberId,
      channel: payment.channel,
      amountWon: payment.amountWon,
      paidFrom: {
        grantWon: payment.paidFrom.grantWon,
        cashbackWon: payment.paidFrom.cashbackWon,
        cashWon: payment.paidFrom.cashWon,
      },
      monthEligibleSpentBeforeWon: context.monthEligibleSpentBeforeWon,
      month: payment.month,
      eligibleWon: payment.eligibleWon,
      requestedCashbackWon: payment.cashback.requestedWon,
      cashbackWon: payment.cashback.amountWon,
      policyId: context.policyId,
      ruleCodes: payment.cashback.rules.map((rule) => rule.code),
      draws: drawsByPot(payment.cashback.draws),
      isWelfareRecipient: context.isWelfareRecipient,
      merchant: merchantSnapshot(merchant),
      ...(isSelfDealing(merchant, payment.memberId) ? { selfDealing: true as const } : {}),
    },
  };
}

export function paymentCancelledEvent(
  payment: Payment,
  cancellationId: string,
  cancelWon: number,
  breakdown: CancellationBreakdown,
  now: Date,
): NewEvent {
  return {
    type: 'payment.cancelled',
    subjectId: cancellationId,
    occurredAt: now,
    payload: {
      cancellationId,
      paymentId: payment.id,
      memberId: payment.memberId,
      merchantId: payment.merchantId,
      amountWon: cancelWon,
      eligibleRestoredWon: breakdown.eligibleRestoredWon,
      cashbackRecoveredWon: breakdown.clawback.fromCashbackWon + breakdown.clawback.fromCashWon,
      returnedToBudget: breakdown.returnedToBudget,
    },
  };
}

export function merchantSnapshot(merchant: Merchant): MerchantSnapshot {
  return {
    merchantId: merchant.id,
    district: merchant.district,
    dong: merchant.dong,
    industryCode: merchant.industryCode,
    marketId: merchant.marketId,
    isTraditionalMarket: merchant.isTraditionalMarket,
    isBookstore: merchant.isBookstore,
    annualRevenueWon: merchant.annualRevenueWon,
  };
}

function drawsByPot(draws: ReadonlyArray<{ accountId: string; amountWon: number }>): CashbackDrawn[] {
  return draws.map((drawn) => {
    const pot = potAccountOf(drawn.accountId);
    if (!pot) throw new Error(`payment event: draw from ${drawn.accountId}, which is no pot's account`);
    return { potId: pot.potId, source: pot.source, accountId: drawn.accountId, amountWon: drawn.amountWon };
  });
}
