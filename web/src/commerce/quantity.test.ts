import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CartLine } from './cart.js';
import { cappedQuantity, LINE_QUANTITY_MAX, quantityLimit } from './quantity.js';

const spec = JSON.parse(readFileSync(new URL('../api/openapi.json', import.meta.url), 'utf8'));

const rice = { productId: 'prd_rice', stock: 40 };
const line = (quantity: number, optionIds: string[] = []): CartLine => ({
  productId: 'prd_rice',
  merchantId: 'mer_1',
  channel: 'mall',
  name: '한밭 쌀',
  unitPriceWon: 32_000,
  quantity,
  optionIds,
});

describe('how many of a product the cart can take', () => {
  it('uses the line limit of the API contract', () => {
    const order = spec.paths['/v1/me/orders'].post.requestBody.content['application/json'].schema;
    expect(order.properties.items.items.properties.quantity.maximum).toBe(LINE_QUANTITY_MAX);
  });

  it('caps 150 of a product with 40 left at 40, and says it was the stock', () => {
    const limit = quantityLimit(rice, [], []);
    expect(limit).toEqual({ max: 40, reason: 'stock' });
    expect(cappedQuantity('150', limit)).toEqual({ quantity: 40, cappedBy: 'stock' });
    expect(cappedQuantity('40', limit)).toEqual({ quantity: 40, cappedBy: null });
    expect(cappedQuantity('3', limit)).toEqual({ quantity: 3, cappedBy: null });
  });

  it('counts what the cart already holds of the product, whatever its options', () => {
    expect(quantityLimit(rice, ['gift_wrap'], [line(15), line(10, ['gift_wrap'])])).toEqual({
      max: 15,
      reason: 'stock',
    });
    expect(quantityLimit(rice, [], [line(40)])).toEqual({ max: 0, reason: 'stock' });
  });

  it('caps an item without stock (a delivery menu) at the line limit, less that line in the cart', () => {
    const soup = { productId: 'prd_rice', stock: null };
    expect(quantityLimit(soup, [], [])).toEqual({ max: 99, reason: 'line' });
    expect(quantityLimit(soup, [], [line(60)])).toEqual({ max: 39, reason: 'line' });
    expect(cappedQuantity('150', { max: 99, reason: 'line' })).toEqual({ quantity: 99, cappedBy: 'line' });
  });

  it('takes no quantity that is not a whole number of at least 1', () => {
    const limit = { max: 40, reason: 'stock' } as const;
    expect(cappedQuantity('0', limit)).toBeNull();
    expect(cappedQuantity('abc', limit)).toBeNull();
    expect(cappedQuantity('2.5', limit)).toBeNull();
    expect(cappedQuantity('', limit)).toBeNull();
  });
});
