import { useCallback, useEffect, useState } from 'react';
import { LINE_QUANTITY_MAX } from './quantity.js';
import type { Channel } from './types.js';

/** One cart line: what the citizen chose, with the listing's name and price when they chose it (for display only). */
export interface CartLine {
  productId: string;
  merchantId: string;
  channel: Channel;
  name: string;
  unitPriceWon: number;
  quantity: number;
  optionIds: string[];
}

const STORAGE_KEY = 'hanbat.cart.v1';
/** The checkout takes at most 20 lines. */
export const CART_LINES_MAX = 20;
const CHANGED = 'hanbat-cart-changed';

function read(): CartLine[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as CartLine[]).slice(0, CART_LINES_MAX) : [];
  } catch {
    return [];
  }
}

function write(lines: CartLine[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(lines));
  window.dispatchEvent(new Event(CHANGED));
}

const sameChoice = (a: CartLine, b: CartLine) =>
  a.productId === b.productId && a.optionIds.join(',') === b.optionIds.join(',');

/** The cart lives in this browser (it holds no money); every tab sees the same cart. */
export function useCart() {
  const [lines, setLines] = useState<CartLine[]>(read);
  useEffect(() => {
    const refresh = () => setLines(read());
    window.addEventListener(CHANGED, refresh);
    window.addEventListener('storage', refresh);
    return () => {
      window.removeEventListener(CHANGED, refresh);
      window.removeEventListener('storage', refresh);
    };
  }, []);
  const add = useCallback((line: CartLine) => {
    const current = read();
    const existing = current.find((candidate) => sameChoice(candidate, line));
    if (existing) existing.quantity = Math.min(LINE_QUANTITY_MAX, existing.quantity + line.quantity);
    else if (current.length < CART_LINES_MAX) current.push(line);
    write(current);
  }, []);
  const remove = useCallback(
    (line: CartLine) => write(read().filter((other) => !sameChoice(other, line))),
    [],
  );
  const clear = useCallback(() => write([]), []);
  return { lines, add, remove, clear };
}

/** The lines of one shop and channel: checkout makes one order of them. */
export interface CartGroup {
  key: string;
  merchantId: string;
  channel: Channel;
  lines: CartLine[];
}

/** The cart's lines by shop: checkout makes one order per shop and channel. */
export function groupByMerchant(lines: CartLine[]): CartGroup[] {
  const groups = new Map<string, CartGroup>();
  for (const line of lines) {
    const key = `${line.merchantId}:${line.channel}`;
    const group = groups.get(key) ?? { key, merchantId: line.merchantId, channel: line.channel, lines: [] };
    group.lines.push(line);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export const lineWon = (line: CartLine) => line.unitPriceWon * line.quantity;

export const itemsWonOf = (lines: CartLine[]) => lines.reduce((sum, line) => sum + lineWon(line), 0);

/** How far a shop's items fall short of its minimum order (0 when they reach it): the server refuses less. */
export const shortOfMinimumWon = (lines: CartLine[], minimumOrderWon: number) =>
  Math.max(0, minimumOrderWon - itemsWonOf(lines));

/** The delivery fees the cart has learned, by merchant id; a delivering shop missing from it has a fee not yet known. */
export type DeliveryFeesWon = ReadonlyMap<string, number>;

/**
 * What a checkout will hold: the items, plus one delivery fee per delivering shop. `heldWon` is that
 * sum once every delivering shop's fee is known and null before, so that no total reads as less
 * than is held.
 */
export function checkoutWon(
  lines: CartLine[],
  feesWon: DeliveryFeesWon,
): { itemsWon: number; deliveryOrders: number; heldWon: number | null } {
  const itemsWon = itemsWonOf(lines);
  const fees = groupByMerchant(lines)
    .filter((group) => group.channel === 'delivery')
    .map((group) => feesWon.get(group.merchantId));
  const heldWon = fees.every((fee): fee is number => fee !== undefined)
    ? fees.reduce((sum, fee) => sum + fee, itemsWon)
    : null;
  return { itemsWon, deliveryOrders: fees.length, heldWon };
}
