import type { ProductOption } from './types.js';

/** The most items of one listing a checkout line may hold; the checkout schema reads it from here. */
export const LINE_QUANTITY_MAX = 99;

/**
 * The dearest unit price (options included) a listing may have: a line of `LINE_QUANTITY_MAX` of
 * them must still be a whole number of won that JavaScript counts exactly.
 */
export const UNIT_PRICE_WON_MAX = Math.floor(Number.MAX_SAFE_INTEGER / LINE_QUANTITY_MAX);

/** Whether checkout can charge a line of this many won: positive and counted exactly. */
export function isPayableLineWon(lineWon: number): boolean {
  return Number.isSafeInteger(lineWon) && lineWon > 0;
}

/**
 * The cheapest and dearest unit prices a checkout can make of a listing: any set of its options may
 * be chosen, so the cheapest takes every discount and the dearest every surcharge.
 */
export function unitPriceRangeWon(
  priceWon: number,
  options: readonly ProductOption[],
): { lowestWon: number; highestWon: number } {
  let lowestWon = priceWon;
  let highestWon = priceWon;
  for (const { priceDeltaWon } of options) {
    if (priceDeltaWon < 0) lowestWon += priceDeltaWon;
    else highestWon += priceDeltaWon;
  }
  return { lowestWon, highestWon };
}

/** Whether every order checkout accepts for this listing has a price it can charge. */
export function isPayableListing(priceWon: number, options: readonly ProductOption[]): boolean {
  const wholeWon = [priceWon, ...options.map((option) => option.priceDeltaWon)];
  if (!wholeWon.every((won) => Number.isSafeInteger(won))) return false;
  const { lowestWon, highestWon } = unitPriceRangeWon(priceWon, options);
  return isPayableLineWon(lowestWon) && isPayableLineWon(highestWon * LINE_QUANTITY_MAX);
}

/** A shop's delivery fee at most (the checkout's totals are checked against it). */
export const DELIVERY_FEE_WON_MAX = 1_000_000;
