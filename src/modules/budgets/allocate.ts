import { FUNDING_SOURCES, potAccountId } from './store.js';
import type { CashbackDraw, FundingSource, PotBalances } from './types.js';

const BP_PER_WHOLE = 10_000n;

type PotAccount = PotBalances['accounts'][number];
type Posting = CashbackDraw['postings'][number];

/**
 * How much of `desiredWon` the pots can pay and from which accounts. Pure. Pots are drawn in order;
 * within a pot the national source pays floor(share) and the city the rest, and a source that runs
 * short is made up by the other source of the same pot before the next pot is touched. Never draws
 * more than an account holds, so the total is min(desiredWon, what the pots hold).
 */
export function allocateCashback(pots: readonly PotBalances[], desiredWon: number): CashbackDraw {
  if (!Number.isSafeInteger(desiredWon) || desiredWon < 0) {
    throw new Error(`allocateCashback: desiredWon must be a non-negative safe integer, got ${desiredWon}`);
  }
  const postings: Posting[] = [];
  let owedWon = desiredWon;
  for (const pot of pots) {
    if (owedWon === 0) break;
    const drawn = drawFromPot(pot, owedWon);
    postings.push(...drawn);
    owedWon += drawn.reduce((sum, posting) => sum + posting.amountWon, 0);
  }
  return { drawnWon: desiredWon - owedWon, postings, exhausted: owedWon > 0 };
}

/**
 * True when the first pot pays `desiredWon` in full at its plain national/city split. The draw then
 * depends on no balance, only on each source holding at least its share: any balances at least as
 * large give the same postings. A batch decided on unlocked balances stays valid if, under lock,
 * every pot account still holds what the batch draws from it.
 */
export function drawsInFull(pots: readonly PotBalances[], desiredWon: number): boolean {
  const [first] = pots;
  if (desiredWon === 0 || !first) return true;
  const nationalWon = Number((BigInt(desiredWon) * BigInt(first.nationalShareBp)) / BP_PER_WHOLE);
  const national = sourceAccount(first, 'national');
  const city = sourceAccount(first, 'city');
  return availableOf(national) >= nationalWon && availableOf(city) >= desiredWon - nationalWon;
}

/** Negative postings for up to `wantedWon` from one pot. */
function drawFromPot(pot: PotBalances, wantedWon: number): Posting[] {
  const national = sourceAccount(pot, 'national');
  const city = sourceAccount(pot, 'city');
  const takeWon = Math.min(wantedWon, availableOf(national) + availableOf(city));
  const nationalShareWon = Number((BigInt(takeWon) * BigInt(pot.nationalShareBp)) / BP_PER_WHOLE);
  let nationalWon = Math.min(nationalShareWon, availableOf(national));
  const cityWon = Math.min(takeWon - nationalWon, availableOf(city));
  nationalWon = takeWon - cityWon;
  return [
    { account: national, amountWon: nationalWon },
    { account: city, amountWon: cityWon },
  ].flatMap(({ account, amountWon }) =>
    account && amountWon > 0 ? [{ accountId: account.accountId, amountWon: -amountWon }] : [],
  );
}

function sourceAccount(pot: PotBalances, source: FundingSource): PotAccount | undefined {
  const matching = pot.accounts.filter((account) => account.source === source);
  if (matching.length > 1) throw new Error(`pot ${pot.potId} has ${matching.length} ${source} accounts`);
  return matching[0];
}

/** A locked balance below zero (never for a non-negative pot account) counts as empty. */
function availableOf(account: PotAccount | undefined): number {
  return account ? Math.max(0, account.availableWon) : 0;
}

/**
 * The pot and funding source a drawn account belongs to, from its id alone (`potAccountId`), so that
 * a draw can be told without the pots at hand. Null for any account that is no pot's.
 */
export function potAccountOf(accountId: string): { potId: string; source: FundingSource } | null {
  const at = accountId.lastIndexOf(':');
  if (at <= 0) return null;
  const potId = accountId.slice(0, at);
  const source = FUNDING_SOURCES.find((candidate) => potAccountId(potId, candidate) === accountId);
  return source && potId !== 'budget_source' ? { potId, source } : null;
}
