export interface MonthlyUsage {
  month: string;
  chargedWon: number;
  /** All eligible spending of the month (the base of 동네사랑기부제). */
  eligibleSpendWon: number;
  /**
   * The part of it whose cashback the budget did not pay (an empty or short pot): it does not use
   * up the member's allowance (`allowanceSpentWon`).
   */
  unearnedSpendWon: number;
  cashbackWon: number;
}

export interface GrantBalance {
  programId: string;
  accountId: string;
  amountWon: number;
  expiresAt: string | null;
}

export interface WalletView {
  cashWon: number;
  cashbackWon: number;
  grants: GrantBalance[];
  totalWon: number;
  month: {
    month: string;
    chargedWon: number;
    chargeCapWon: number;
    eligibleSpendWon: number;
    eligibleCapWon: number;
    cashbackWon: number;
  };
}

export type ChargeStatus = 'pending' | 'succeeded' | 'failed';

export interface Charge {
  id: string;
  memberId: string;
  amountWon: number;
  status: ChargeStatus;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

/** Every type of line the member's history holds; a filter naming another is a client mistake. */
export const HISTORY_LINE_TYPES = [
  'charge',
  'auto_charge',
  'payment',
  'payment_cancellation',
  'transfer_sent',
  'transfer_received',
  'transfer_returned',
  'refund',
  'refund_returned',
  'grant_received',
  'grant_expired',
  'order',
  'order_released',
  'order_cashback',
  'order_returned',
  'donation',
  'cashback_clawed_back',
] as const;
export type HistoryLineType = (typeof HISTORY_LINE_TYPES)[number];

export interface ActivityEntry {
  tenantId: string;
  memberId: string;
  at: Date;
  type: HistoryLineType;
  month: string;
  /** Signed: what the member's total balance changed by. */
  amountWon: number;
  referenceId: string;
  merchantId?: string | null;
  details?: Record<string, unknown>;
}

export interface Activity extends Required<ActivityEntry> {
  seq: number;
}

export interface AutoChargeSetting {
  enabled: boolean;
  amountWon: number;
  /** Amounts are multiples of this (rule data). */
  unitWon: number;
}
