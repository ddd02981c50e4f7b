import type { BudgetPotSummary } from '../budgets/types.js';
import type { SealableTransfer } from '../ledger/index.js';
import { MERCHANT_RECEIVABLE_KIND } from '../merchants/types.js';
import type { PublicFigures, SourceFigures } from './types.js';

/** Account kinds whose balances are currency held by people and shops (not yet redeemed). */
const CIRCULATING_KINDS = new Set([
  'member_cash',
  'member_cashback',
  'member_grant',
  MERCHANT_RECEIVABLE_KIND,
]);
/** The budgets module's pot accounts, one per pot and funding source. */
const POT_ACCOUNT_KIND = 'cashback_budget';

type PotAccountTotals = Omit<SourceFigures, 'source' | 'accountId' | 'spentWon'>;

/** What a tally has counted so far, as the integrator keeps it between pages (JSON). */
export interface TallyState {
  circulationWon: number;
  potAccounts: Array<[accountId: string, totals: PotAccountTotals]>;
}

/**
 * The public figures, tallied from the very transfers a checkpoint seals, so they are exact as of its
 * last transfer: later payments do not leak in, and the audit recomputes them the same way. Each
 * checkpoint starts from the totals of the one before.
 */
export class FigureTally {
  circulationWon: number;
  private readonly potAccounts = new Map<string, PotAccountTotals>();

  constructor(
    previous: PublicFigures | undefined,
    private readonly isFundingCode: (code: string) => boolean,
  ) {
    this.circulationWon = previous?.circulationWon ?? 0;
    // Checkpoints sealed before per-source totals existed carry no account id: they start at zero.
    for (const source of previous?.budgetPots.flatMap((pot) => pot.sources) ?? [])
      if (source.accountId)
        this.potAccounts.set(source.accountId, {
          fundedWon: source.fundedWon,
          movedToMonthlyWon: source.movedToMonthlyWon,
          remainingWon: source.remainingWon,
        });
  }

  static fromState(state: TallyState | undefined, isFundingCode: (code: string) => boolean): FigureTally {
    const tally = new FigureTally(undefined, isFundingCode);
    tally.circulationWon = state?.circulationWon ?? 0;
    for (const [accountId, totals] of state?.potAccounts ?? [])
      tally.potAccounts.set(accountId, { ...totals });
    return tally;
  }

  state(): TallyState {
    return {
      circulationWon: this.circulationWon,
      potAccounts: [...this.potAccounts].map(([accountId, totals]) => [accountId, { ...totals }]),
    };
  }

  add(transfer: SealableTransfer, kinds: ReadonlyMap<string, string>): void {
    for (const entry of transfer.entries) {
      const kind = kinds.get(entry.accountId);
      if (kind === undefined) throw new Error(`public books: no kind known for account ${entry.accountId}`);
      if (CIRCULATING_KINDS.has(kind)) this.circulationWon += entry.postedDeltaWon;
      if (kind === POT_ACCOUNT_KIND) this.addToPot(transfer.code, entry);
    }
  }

  private addToPot(code: string, entry: SealableTransfer['entries'][number]): void {
    const totals = this.potAccounts.get(entry.accountId) ?? {
      fundedWon: 0,
      movedToMonthlyWon: 0,
      remainingWon: 0,
    };
    if (this.isFundingCode(code) && entry.postedDeltaWon > 0) totals.fundedWon += entry.postedDeltaWon;
    if (this.isFundingCode(code) && entry.postedDeltaWon < 0)
      totals.movedToMonthlyWon -= entry.postedDeltaWon;
    // What a pot can still pay: money held for a pending payment is already spent (as budgets count it).
    totals.remainingWon += entry.postedDeltaWon - entry.pendingDebitDeltaWon;
    this.potAccounts.set(entry.accountId, totals);
  }

  /** One pot account's totals so far (zero when the tally has not met it). */
  totalsOf(accountId: string): Omit<SourceFigures, 'source' | 'accountId'> {
    const totals = this.potAccounts.get(accountId) ?? { fundedWon: 0, movedToMonthlyWon: 0, remainingWon: 0 };
    return { ...totals, spentWon: totals.fundedWon - totals.movedToMonthlyWon - totals.remainingWon };
  }

  /** The figures for these pots (names and periods from the budgets service, amounts from the tally). */
  figures(pots: readonly BudgetPotSummary[]): PublicFigures {
    return {
      circulationWon: this.circulationWon,
      budgetPots: pots.map((pot) => {
        const sources = pot.accounts.map(({ source, accountId }) => ({
          source,
          accountId,
          ...this.totalsOf(accountId),
        }));
        const sum = (field: keyof PotAccountTotals | 'spentWon') =>
          sources.reduce((total, source) => total + source[field], 0);
        return {
          potId: pot.id,
          name: pot.name,
          period: pot.period,
          from: pot.from.toISOString(),
          to: pot.to.toISOString(),
          nationalShareBp: pot.nationalShareBp,
          fundedWon: sum('fundedWon'),
          spentWon: sum('spentWon'),
          remainingWon: sum('remainingWon'),
          movedToMonthlyWon: sum('movedToMonthlyWon'),
          sources,
        };
      }),
    };
  }
}
