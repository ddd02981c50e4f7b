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

export type BudgetPeriod = BudgetPot['period'];

export interface NewBudgetPot {
  name: string;
  period: BudgetPeriod;
  from: Date;
  to: Date;
  /** The first funding, moved in one ledger transfer. */
  amountWon: number;
  nationalShareBp: number;
  /** For presets: a fixed id makes creation idempotent. */
  id?: string;
  /** For retried requests: the same key from the same operator returns the same pot, funded once. */
  idempotencyKey?: string;
}

/** A pot with where its money went: fundedWon = spentWon + remainingWon + movedToMonthlyWon. */
export interface BudgetPotSummary extends BudgetPot {
  /** Annual pots only: what was carved out into monthly pots (spent there, not here). */
  movedToMonthlyWon: number;
  /** Cashback paid out of this pot, net of clawbacks; money held for pending payments counts as spent. */
  spentWon: number;
  /** What the pot can still pay. */
  remainingWon: number;
  /** The annual pot a monthly pot was carved out of. */
  annualPotId: string | null;
}

/** Spending of one tenant-local day or month. */
export interface SpentInPeriod {
  /** 'YYYY-MM-DD' for days, 'YYYY-MM' for months. */
  period: string;
  spentWon: number;
}

export interface BurnReport {
  potId: string;
  months: Array<{ month: string; spentWon: number }>;
  remainingWon: number;
  /** Average daily spending over the pace window (the last 30 days of the pot's life up to today). */
  averageDailySpentWon: number;
  /** Tenant-local date ('YYYY-MM-DD') the pot runs dry at that pace; null when nothing is being spent. */
  projectedExhaustionDate: string | null;
  /** True when that date falls before the pot's period ends: cashback would stop early. */
  exhaustsBeforePeriodEnd: boolean;
}
