import { allocateCashback } from '../budgets/allocate.js';
import type { PotBalances } from '../budgets/types.js';
import { selfDealingQuote } from '../payments/self-dealing.js';
import { quoteCashback } from '../policy/cashback.js';
import type { CashbackPolicyRules } from '../policy/types.js';
import type { ReplayPayment } from './analytics-service.js';

/** A draft budget: one pot per calendar month of `monthlyPotWon`, or none (the rules alone decide). */
export interface DraftBudget {
  monthlyPotWon: number | null;
  nationalShareBp: number;
}

export interface ReplayedPayment {
  paymentId: string;
  /** What the draft rules grant, and what the draft budget pays of it. */
  requestedWon: number;
  cashbackWon: number;
}

export interface PotRun {
  month: string;
  potWon: number;
  spentWon: number;
  /** The local date of the first payment the pot could not pay in full; null if it lasted. */
  exhaustedOn: string | null;
}

export interface Replay {
  payments: ReplayedPayment[];
  pots: PotRun[];
  /** What actually happened drawn from the same draft pots: when they would have run out. */
  actualPots: PotRun[];
}

/**
 * Runs a period's actual payments, in feed order, through the real calculator (quoteCashback) and
 * the real budget allocation (allocateCashback) under draft rules. A member's eligible spending
 * earlier in the month is the actual figure the engine saw, corrected by how much more or less the
 * draft made eligible for the member's earlier payments that month; so under the rules that were
 * in force, the replay sees exactly what the engine saw (cancellations included) and pays the same.
 * A payment the engine held to be self-dealing earns nothing under any draft, as at the till.
 */
export function replayPayments(
  payments: readonly ReplayPayment[],
  rules: CashbackPolicyRules,
  budget: DraftBudget,
): Replay {
  const policy = { id: 'draft', rules };
  const eligibleDriftWon = new Map<string, number>();
  const pots = new Map<string, { pot: PotBalances; run: PotRun }>();
  const actualPots = new Map<string, { pot: PotBalances; run: PotRun }>();
  const replayed = payments.map((payment) => {
    const memberMonth = `${payment.memberId}|${payment.month}`;
    const driftWon = eligibleDriftWon.get(memberMonth) ?? 0;
    const ruleQuote = quoteCashback(policy, {
      at: payment.occurredAt,
      paidFromCashWon: payment.cashWon,
      monthEligibleSpentBeforeWon: Math.max(0, payment.monthEligibleBeforeWon + driftWon),
      merchant: {
        isTraditionalMarket: payment.isTraditionalMarket,
        isBookstore: payment.isBookstore,
        annualRevenueWon: payment.annualRevenueWon,
      },
      member: { isWelfareRecipient: payment.isWelfareRecipient },
    });
    // The engine's self-dealing rule, whatever the draft: an owner paying their own shop earns nothing.
    const quote = payment.selfDealing ? selfDealingQuote(ruleQuote) : ruleQuote;
    eligibleDriftWon.set(memberMonth, driftWon + quote.eligibleWon - payment.eligibleWon);
    const cashbackWon = drawFromMonthlyPot(pots, budget, payment, quote.cashbackWon);
    drawFromMonthlyPot(actualPots, budget, payment, payment.cashbackWon);
    return { paymentId: payment.paymentId, requestedWon: quote.cashbackWon, cashbackWon };
  });
  return {
    payments: replayed,
    pots: [...pots.values()].map(({ run }) => run),
    actualPots: [...actualPots.values()].map(({ run }) => run),
  };
}

function drawFromMonthlyPot(
  pots: Map<string, { pot: PotBalances; run: PotRun }>,
  budget: DraftBudget,
  payment: ReplayPayment,
  desiredWon: number,
): number {
  if (budget.monthlyPotWon === null) return desiredWon;
  let entry = pots.get(payment.month);
  if (!entry) {
    const nationalWon = Number((BigInt(budget.monthlyPotWon) * BigInt(budget.nationalShareBp)) / 10_000n);
    entry = {
      pot: {
        potId: `draft-${payment.month}`,
        nationalShareBp: budget.nationalShareBp,
        accounts: [
          { source: 'national', accountId: 'national', availableWon: nationalWon },
          { source: 'city', accountId: 'city', availableWon: budget.monthlyPotWon - nationalWon },
        ],
      },
      run: { month: payment.month, potWon: budget.monthlyPotWon, spentWon: 0, exhaustedOn: null },
    };
    pots.set(payment.month, entry);
  }
  const draw = allocateCashback([entry.pot], desiredWon);
  for (const posting of draw.postings) {
    const account = entry.pot.accounts.find((candidate) => candidate.accountId === posting.accountId);
    if (account) account.availableWon += posting.amountWon;
  }
  entry.run.spentWon += draw.drawnWon;
  if (draw.exhausted && entry.run.exhaustedOn === null) entry.run.exhaustedOn = payment.localDate;
  return draw.drawnWon;
}
