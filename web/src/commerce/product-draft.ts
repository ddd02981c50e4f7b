import { parseWon } from '../i18n/format.js';
import type { Channel } from './types.js';

/** The API's bounds on a listing (POST /v1/merchant/products); a test holds them to openapi.json. */
export const PRODUCT_NAME_LENGTH_MAX = 100;
export const STOCK_MAX = 1_000_000_000;

export interface ProductDraft {
  channel: Channel;
  name: string;
  price: string;
  stock: string;
  categoryId: string;
}

/** Why a field cannot be sent, keyed as the API body names it. */
export type ProductProblem = 'required' | 'amount' | 'stock';
export type ProductErrors = Record<'name' | 'priceWon' | 'stock' | 'categoryId', ProductProblem | null>;

/** Items in stock as typed ("40", "1,000"): a whole number from 0 to STOCK_MAX, else null. */
export function parseStock(text: string): number | null {
  const digits = text.replace(/[,\s]/g, '');
  if (!/^\d{1,10}$/.test(digits)) return null;
  const stock = Number(digits);
  return stock <= STOCK_MAX ? stock : null;
}

export function validateProduct(draft: ProductDraft): ProductErrors {
  const priceWon = parseWon(draft.price);
  return {
    name: draft.name.trim() ? null : 'required',
    priceWon: priceWon === null || priceWon < 1 ? 'amount' : null,
    stock: draft.channel === 'mall' && parseStock(draft.stock) === null ? 'stock' : null,
    categoryId: draft.categoryId ? null : 'required',
  };
}
