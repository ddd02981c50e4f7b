import type { CashbackRuleApplied } from '../policy/types.js';
import type { WalletView } from '../wallets/types.js';
import type { PaidFrom } from './split.js';

export type PaymentChannel = 'merchant_presented' | 'customer_presented';

export interface CashbackOutcome {
  amountWon: number;
  /** What the rules granted before the budget was consulted. */
  requestedWon: number;
  rules: CashbackRuleApplied[];
  limitedBy: string[];
  /** Which budget accounts paid it, for returning a clawback to where it came from. */
  draws: Array<{ accountId: string; amountWon: number }>;
}

export interface Payment {
  tenantId: string;
  id: string;
  memberId: string;
  merchantId: string;
  channel: PaymentChannel;
  amountWon: number;
  paidFrom: PaidFrom;
  eligibleWon: number;
  cashback: CashbackOutcome;
  month: string;
  cancelledWon: number;
  createdAt: Date;
}

export interface PaymentReceipt {
  paymentId: string;
  merchantId: string;
  merchantName: string;
  amountWon: number;
  paidFrom: { grantWon: number; cashbackWon: number; cashWon: number };
  cashback: { amountWon: number; requestedWon: number; rules: CashbackRuleApplied[]; limitedBy: string[] };
  createdAt: string;
  wallet: WalletView;
}

/**
 * What a batched payment's receipt holds beyond its row (the merchant's name and the member's wallet
 * as they were, the auto-charge that preceded it), stored with the row so that a replay rebuilds
 * the same receipt.
 */
export interface ReceiptContext {
  merchantName: string;
  wallet: WalletView;
  extra?: Record<string, unknown>;
}

export interface CancellationBreakdown {
  refunded: {
    grantWon: number;
    cashbackWon: number;
    cashWon: number;
    /**
     * Of `cashbackWon`, what came back as cash: cashback the member had already repaid in cash when
     * an earlier cancellation clawed it back (wallets' usage.ts). Absent on cancellations before it.
     */
    cashbackAsCashWon?: number;
    grantParts: Array<{ accountId: string; amountWon: number }>;
  };
  /** Grant money refunded above that went on to its programme's pool (see cancellation.ts). */
  grantReclaimed: Array<{ accountId: string; amountWon: number }>;
  /** The cancelled share of grant money a fraud claw-back had already taken from the merchant: neither taken again nor refunded. */
  grantClawedBackWon: number;
  clawback: { amountWon: number; fromCashbackWon: number; fromCashWon: number; unrecoveredWon: number };
  returnedToBudget: Array<{ accountId: string; amountWon: number }>;
  eligibleRestoredWon: number;
  /** Of `eligibleRestoredWon`, what the budget had paid no cashback on (wallets' unearned spending). */
  unearnedRestoredWon?: number;
}

export interface CancellationReceipt {
  cancellationId: string;
  paymentId: string;
  amountWon: number;
  refunded: { grantWon: number; cashbackWon: number; cashWon: number };
  cashbackClawback: CancellationBreakdown['clawback'];
  payment: {
    amountWon: number;
    cancelledWon: number;
    remainingWon: number;
    status: 'completed' | 'partially_cancelled' | 'cancelled';
  };
  createdAt: string;
}
