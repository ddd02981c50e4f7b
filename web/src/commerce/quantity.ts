import type { CartLine } from './cart.js';

/** The most of one order line the API takes (POST /v1/me/orders items[].quantity); a test holds it to openapi.json. */
export const LINE_QUANTITY_MAX = 99;

/** Why a quantity was lowered: the stock left (less what the cart holds already), or the line limit. */
export type CapReason = 'stock' | 'line';

export interface QuantityLimit {
  max: number;
  reason: CapReason;
}

/**
 * How many more of a product the cart can take: one line holds at most LINE_QUANTITY_MAX of the same
 * choice, and a mall product no more than its stock, counting every line of it already in the cart.
 */
export function quantityLimit(
  product: { productId: string; stock: number | null },
  optionIds: readonly string[],
  lines: readonly CartLine[],
): QuantityLimit {
  const choice = [...optionIds].sort().join(',');
  const ofProduct = lines.filter((line) => line.productId === product.productId);
  const inCart = ofProduct.reduce((sum, line) => sum + line.quantity, 0);
  const inLine = ofProduct.find((line) => line.optionIds.join(',') === choice)?.quantity ?? 0;
  const byLine = LINE_QUANTITY_MAX - inLine;
  const byStock = product.stock === null ? byLine : product.stock - inCart;
  return byStock < byLine
    ? { max: Math.max(0, byStock), reason: 'stock' }
    : { max: Math.max(0, byLine), reason: 'line' };
}

/** The quantity typed, capped at the limit; null when it is not a whole number of at least 1. */
export function cappedQuantity(
  text: string,
  limit: QuantityLimit,
): { quantity: number; cappedBy: CapReason | null } | null {
  const digits = text.trim();
  if (!/^\d{1,6}$/.test(digits) || Number(digits) < 1) return null;
  const typed = Number(digits);
  return typed > limit.max
    ? { quantity: limit.max, cappedBy: limit.reason }
    : { quantity: typed, cappedBy: null };
}
