import { potAccountOf } from '../budgets/allocate.js';
import type { CashbackDrawn, NewEvent } from '../events/types.js';

/**
 * A confirmed case's claw-back of one member's cashback: what the ledger transfer
 * `fraud_clawback:<caseId>:<memberId>` took from the member's cashback and gave back to each pot.
 * Written only when it moved money; what the balance could not cover is a receivable, which a
 * later cancellation of the payment collects (its `payment.cancelled` says so in `returnedToBudget`).
 */
export interface CashbackClawedBackV1 {
  caseId: string;
  memberId: string;
  /** The transfer's total: the sum of `returnedToBudget` and of the payments' `clawedWon`. */
  amountWon: number;
  payments: Array<{ paymentId: string; clawedWon: number }>;
  /** Back to each pot account (positive), by pot and source as the payments drew it. */
  returnedToBudget: CashbackDrawn[];
}

/** type → [version, payload], spread into the feed's catalogue. */
export interface FraudEventCatalogue {
  'cashback.clawed_back': [1, CashbackClawedBackV1];
}

export const FRAUD_EVENT_VERSIONS: { [T in keyof FraudEventCatalogue]: 1 } = {
  'cashback.clawed_back': 1,
};

/** One per case and member (the subject of its ledger transfer), so the fact is one event. */
export function cashbackClawedBackEvent(
  clawback: {
    caseId: string;
    memberId: string;
    payments: ReadonlyArray<{ paymentId: string; clawedWon: number }>;
    toPots: ReadonlyArray<{ accountId: string; amountWon: number }>;
  },
  now: Date,
): NewEvent {
  const returnedToBudget = clawback.toPots
    .filter((pot) => pot.amountWon > 0)
    .map((pot) => {
      const drawn = potAccountOf(pot.accountId);
      if (!drawn) throw new Error(`claw-back event: ${pot.accountId} is no pot's account`);
      return { potId: drawn.potId, source: drawn.source, accountId: pot.accountId, amountWon: pot.amountWon };
    });
  return {
    type: 'cashback.clawed_back',
    subjectId: `${clawback.caseId}:${clawback.memberId}`,
    occurredAt: now,
    payload: {
      caseId: clawback.caseId,
      memberId: clawback.memberId,
      amountWon: returnedToBudget.reduce((sum, pot) => sum + pot.amountWon, 0),
      payments: clawback.payments
        .filter((payment) => payment.clawedWon > 0)
        .map((payment) => ({ paymentId: payment.paymentId, clawedWon: payment.clawedWon })),
      returnedToBudget,
    },
  };
}
