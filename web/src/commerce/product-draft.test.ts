import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PRODUCT_NAME_LENGTH_MAX,
  type ProductDraft,
  parseStock,
  STOCK_MAX,
  validateProduct,
} from './product-draft.js';

const spec = JSON.parse(readFileSync(new URL('../api/openapi.json', import.meta.url), 'utf8'));
const bodyOf = (path: string, method: string) =>
  spec.paths[path][method].requestBody.content['application/json'].schema.properties;

const valid: ProductDraft = {
  channel: 'mall',
  name: '한밭 쌀 10kg',
  price: '32,000',
  stock: '40',
  categoryId: 'food',
};

describe('a new listing, checked before it is sent', () => {
  it('uses the bounds of the API contract', () => {
    const created = bodyOf('/v1/merchant/products', 'post');
    expect(created.name.maxLength).toBe(PRODUCT_NAME_LENGTH_MAX);
    expect(created.stock.maximum).toBe(STOCK_MAX);
    expect(bodyOf('/v1/merchant/products/{productId}', 'patch').stock.maximum).toBe(STOCK_MAX);
  });

  it('passes a complete mall product', () => {
    expect(validateProduct(valid)).toEqual({ name: null, priceWon: null, stock: null, categoryId: null });
  });

  it('names each missing or malformed field by the API body’s name for it', () => {
    expect(
      validateProduct({ channel: 'mall', name: '  ', price: '0', stock: 'abc', categoryId: '' }),
    ).toEqual({
      name: 'required',
      priceWon: 'amount',
      stock: 'stock',
      categoryId: 'required',
    });
  });

  it('asks no stock of a delivery menu item', () => {
    expect(validateProduct({ ...valid, channel: 'delivery', stock: 'abc' }).stock).toBeNull();
  });

  it('reads stock as a whole number from 0 to the API’s maximum', () => {
    expect(parseStock('0')).toBe(0);
    expect(parseStock('1,000')).toBe(1000);
    expect(parseStock('1000000000')).toBe(1_000_000_000);
    expect(parseStock('1000000001')).toBeNull();
    expect(parseStock('-1')).toBeNull();
    expect(parseStock('2.5')).toBeNull();
    expect(parseStock('abc')).toBeNull();
    expect(parseStock('')).toBeNull();
  });
});
