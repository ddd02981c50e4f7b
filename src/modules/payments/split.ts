/** Pure money arithmetic of payments: the spending order and proportional refunds. */

export interface Funds {
  grants: Array<{ accountId: string; availableWon: number; expiresAt: string | null }>;
  cashbackWon: number;
  cashWon: number;
}

export interface PaidFrom {
  grantWon: number;
  cashbackWon: number;
  cashWon: number;
  grantParts: Array<{ accountId: string; amountWon: number }>;
}

/**
 * Spending order: grants usable here (soonest expiry first), then cashback, then cash.
 * Returns the split, or the shortfall when the funds do not cover the amount.
 */
export function splitPayment(
  amountWon: number,
  funds: Funds,
): { ok: true; paidFrom: PaidFrom } | { ok: false; shortfallWon: number } {
  let remainingWon = amountWon;
  const take = (availableWon: number) => {
    const takenWon = Math.min(Math.max(availableWon, 0), remainingWon);
    remainingWon -= takenWon;
    return takenWon;
  };
  const grantParts = [...funds.grants]
    .sort((a, b) => (a.expiresAt ?? '9999').localeCompare(b.expiresAt ?? '9999'))
    .map((grant) => ({ accountId: grant.accountId, amountWon: take(grant.availableWon) }))
    .filter((part) => part.amountWon > 0);
  const cashbackWon = take(funds.cashbackWon);
  const cashWon = take(funds.cashWon);
  if (remainingWon > 0) return { ok: false, shortfallWon: remainingWon };
  const grantWon = grantParts.reduce((sum, part) => sum + part.amountWon, 0);
  return { ok: true, paidFrom: { grantWon, cashbackWon, cashWon, grantParts } };
}

/**
 * The part of `partWon` that belongs to the first `cumulativeWon` of a `totalWon` payment, rounded
 * down. Refunds are differences of this, so any series of partial cancellations adds up exactly to
 * the full amounts once the payment is fully cancelled.
 */
export function proportionalShare(cumulativeWon: number, partWon: number, totalWon: number): number {
  if (totalWon <= 0) throw new Error('total must be positive');
  return Number((BigInt(cumulativeWon) * BigInt(partWon)) / BigInt(totalWon));
}

/** What of `partWon` (a cashback draw, a grant part) the payment still carries once `cancelledWon` of it is cancelled. */
export function uncancelledShare(cancelledWon: number, partWon: number, totalWon: number): number {
  return partWon - proportionalShare(cancelledWon, partWon, totalWon);
}

export function shareBetween(
  previousWon: number,
  nextWon: number,
  partWon: number,
  totalWon: number,
): number {
  return proportionalShare(nextWon, partWon, totalWon) - proportionalShare(previousWon, partWon, totalWon);
}

/**
 * `totalWon` split over `partsWon` in proportion to them, each rounded down on the running total, so
 * the shares add up to `totalWon` exactly and none exceeds its part (`totalWon` ≤ their sum).
 */
export function splitInProportion(totalWon: number, partsWon: readonly number[]): number[] {
  const sumWon = partsWon.reduce((sum, partWon) => sum + partWon, 0);
  if (!Number.isSafeInteger(totalWon) || totalWon < 0 || totalWon > sumWon)
    throw new Error(`cannot split ${totalWon} over parts summing to ${sumWon}`);
  let cumulativeWon = 0;
  let givenWon = 0;
  return partsWon.map((partWon) => {
    cumulativeWon += partWon;
    const upToHereWon = sumWon === 0 ? 0 : proportionalShare(cumulativeWon, totalWon, sumWon);
    const shareWon = upToHereWon - givenWon;
    givenWon = upToHereWon;
    return shareWon;
  });
}
