import { roundedTogether } from '../policy/cashback.js';
import type { CashbackPolicy, CashbackRuleApplied } from '../policy/types.js';

interface CashbackShown {
  amountWon: number;
  requestedWon: number;
  rules: CashbackRuleApplied[];
  limitedBy: readonly string[];
}

interface ClawbackShown {
  amountWon: number;
  fromCashbackWon: number;
  fromCashWon: number;
  unrecoveredWon: number;
}

/** The policy's extras that follow from who the customer is (a welfare recipient's extra). */
export function memberFlagCodes(policy: CashbackPolicy | null): Set<string> {
  return new Set(
    (policy?.rules.extras ?? []).filter((extra) => 'memberFlag' in extra.when).map((extra) => extra.code),
  );
}

/**
 * What a shop's till is shown of a customer's cashback: what the shop's own rules and the rate give,
 * as if the customer had no extra of their own, and not that their month reached its cap. A total
 * that included a welfare extra would tell the clerk who receives welfare as plainly as its line
 * (₩2,000 on ₩10,000 where the shop's rules give ₩1,500). The member's own receipt keeps it all.
 */
export function shopCashback<T extends CashbackShown>(cashback: T, aboutMember: ReadonlySet<string>): T {
  const rules = roundedTogether(cashback.rules.filter((line) => !aboutMember.has(line.code)));
  const requestedWon = rules.reduce((sum, line) => sum + line.amountWon, 0);
  return {
    ...cashback,
    amountWon: shareOf(cashback.amountWon, requestedWon, cashback.requestedWon),
    requestedWon,
    rules,
    limitedBy: cashback.limitedBy.filter((reason) => reason !== 'MONTHLY_CAP_REACHED'),
  };
}

/**
 * A cancellation's claw-back as the shop is shown it: the shop-rule share of the payment's cashback
 * (`shownWon` of `paidWon`), taken first from what came from cashback, as the real one is.
 */
export function shopClawback<T extends ClawbackShown>(clawback: T, shownWon: number, paidWon: number): T {
  const amountWon = shareOf(clawback.amountWon, shownWon, paidWon);
  const fromCashbackWon = Math.min(clawback.fromCashbackWon, amountWon);
  const fromCashWon = Math.min(clawback.fromCashWon, amountWon - fromCashbackWon);
  return {
    ...clawback,
    amountWon,
    fromCashbackWon,
    fromCashWon,
    unrecoveredWon: amountWon - fromCashbackWon - fromCashWon,
  };
}

/** floor(won × part / whole), exact in BigInt; the whole of `won` when part and whole agree. */
function shareOf(won: number, partWon: number, wholeWon: number): number {
  if (wholeWon <= 0 || partWon >= wholeWon) return won;
  return Number((BigInt(won) * BigInt(partWon)) / BigInt(wholeWon));
}
