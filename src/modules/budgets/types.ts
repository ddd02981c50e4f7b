export type FundingSource = 'national' | 'city';

export interface BudgetPot {
  tenantId: string;
  id: string;
  name: string;
  period: 'annual' | 'monthly';
  /** [from, to) in UTC instants, usually tenant-local year or month boundaries. */
  from: Date;
  to: Date;
  /** Total funded so far, all sources. */
  fundedWon: number;
  /** Share of each cashback drawn from the national source, in basis points. */
  nationalShareBp: number;
  /** One ledger account per funding source. */
  accounts: Array<{ source: FundingSource; accountId: string }>;
  createdAt: Date;
}

/** A pot's accounts with their locked balances, as the payment path sees them. */
export interface PotBalances {
  potId: string;
  nationalShareBp: number;
  accounts: Array<{ source: FundingSource; accountId: string; availableWon: number }>;
}

export interface CashbackDraw {
  /** What the budget can pay of what was asked: never more than it holds. */
  drawnWon: number;
  /** Negative postings on pot accounts; the member's cashback account takes +drawnWon. */
  postings: Array<{ accountId: string; amountWon: number }>;
  exhausted: boolean;
}
