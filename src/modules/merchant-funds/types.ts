import type { BankAccountRef } from '../bank/bank-gateway.js';

export type FundApplicationStatus =
  | 'refused'
  | 'pending_review'
  | 'approved'
  | 'disbursed'
  | 'disbursement_failed'
  | 'rejected';

/** One rule's verdict on an application, in words the applicant reads. */
export interface FundReason {
  rule:
    | 'approved_merchant'
    | 'months_in_business'
    | 'revenue_band'
    | 'no_overdue'
    | 'max_per_merchant'
    | 'term';
  passed: boolean;
  messageKo: string;
  messageEn: string;
}

/** The rule values in force when the merchant applied: the loan keeps them for its whole life. */
export interface FundTerms {
  interestRateBp: number;
  interestSubsidyBp: number;
  guaranteeFeeBp: number;
  guaranteeFeeReliefBp: number;
}

export interface FundApplicationInput {
  amountWon: number;
  purpose: string;
  termMonths: number;
  /** The opening date on the business registration (YYYY-MM-DD); else the merchant's approval date counts. */
  openedOn?: string;
}

export type InstallmentStatus = 'due' | 'collecting' | 'paid';

export interface FundInstallment {
  seq: number;
  dueOn: string;
  principalWon: number;
  interestWon: number;
  subsidyWon: number;
  /** What the merchant pays this month: principal and its share of the interest. */
  merchantPaysWon: number;
  status: InstallmentStatus;
  overdue: boolean;
  attempts: number;
  lastFailureCode: string | null;
  paidAt: Date | null;
}

export interface FundApplication {
  id: string;
  merchantId: string;
  amountWon: number;
  purpose: string;
  termMonths: number;
  openedOn: string | null;
  status: FundApplicationStatus;
  reasons: FundReason[];
  terms: FundTerms;
  bankAccount: BankAccountRef;
  appliedAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  reviewNote: string | null;
  bankTransactionId: string | null;
  bankFailureCode: string | null;
  disbursedAt: Date | null;
  /** The guarantee fee the city pays for the merchant (fee − relief) on the amount. */
  feeReliefWon: number;
}

export interface FundApplicationWithSchedule extends FundApplication {
  schedule: FundInstallment[];
  repaidWon: number;
  outstandingWon: number;
  overdue: boolean;
}

export interface FundPoolReport {
  fundedWon: number;
  availableWon: number;
  /** Approved (being paid out or paid out): what the city has promised to lend. */
  committedWon: number;
  disbursedWon: number;
  repaidWon: number;
  outstandingWon: number;
  pendingReviewWon: number;
  subsidyPaidWon: number;
  interestSubsidyWon: number;
  feeReliefWon: number;
  overdueInstallments: number;
  overduePrincipalWon: number;
  applications: Record<FundApplicationStatus, number>;
}

/**
 * The fund's ledger accounts, in bank money (currency FUND_CURRENCY), never mixed with local currency:
 * the city's contribution (negative), the pool's cash, the loans outstanding, the fee relief paid
 * for merchants, and the merchants' interest received.
 */
export const FUND_CURRENCY = 'KRWBANK';
export const FUND_ACCOUNTS = {
  city: 'fund:city',
  pool: 'fund:pool',
  loans: 'fund:loans',
  feeRelief: 'fund:fee_relief',
  interest: 'fund:interest',
} as const;
