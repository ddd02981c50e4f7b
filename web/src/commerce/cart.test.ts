import { describe, expect, it } from 'vitest';
import { type CartLine, checkoutWon, shortOfMinimumWon } from './cart.js';

const line = (merchantId: string, channel: CartLine['channel'], unitPriceWon: number, quantity: number) => ({
  productId: `prd_${merchantId}_${unitPriceWon}`,
  merchantId,
  channel,
  name: '상품',
  unitPriceWon,
  quantity,
  optionIds: [],
});

const NO_FEES_KNOWN = new Map<string, number>();

describe('what a checkout will hold, as the cart knows it', () => {
  it('is the items alone when nothing is delivered', () => {
    expect(checkoutWon([line('mer_market', 'mall', 40_000, 1)], NO_FEES_KNOWN)).toEqual({
      itemsWon: 40_000,
      deliveryOrders: 0,
      heldWon: 40_000,
    });
  });

  it("adds the shop's fee once, however many of its dishes are ordered", () => {
    const lines = [line('mer_cafe', 'delivery', 4_500, 2), line('mer_cafe', 'delivery', 6_000, 1)];
    expect(checkoutWon(lines, new Map([['mer_cafe', 1_500]]))).toEqual({
      itemsWon: 15_000,
      deliveryOrders: 1,
      heldWon: 16_500,
    });
  });

  it('adds each delivering shop its own fee, and none for the mall lines beside them', () => {
    const lines = [
      line('mer_cafe', 'delivery', 5_000, 3),
      line('mer_bakery', 'delivery', 12_000, 1),
      line('mer_cafe', 'mall', 20_000, 1),
    ];
    const fees = new Map([
      ['mer_cafe', 1_500],
      ['mer_bakery', 2_000],
    ]);
    expect(checkoutWon(lines, fees)).toEqual({ itemsWon: 47_000, deliveryOrders: 2, heldWon: 50_500 });
  });

  it('holds the items alone for a shop that delivers free', () => {
    const lines = [line('mer_cafe', 'delivery', 5_000, 2)];
    expect(checkoutWon(lines, new Map([['mer_cafe', 0]])).heldWon).toBe(10_000);
  });

  it('gives no total while any delivering shop’s fee is unknown, not one smaller than is held', () => {
    const lines = [line('mer_cafe', 'delivery', 5_000, 3), line('mer_bakery', 'delivery', 12_000, 1)];
    expect(checkoutWon(lines, NO_FEES_KNOWN)).toEqual({ itemsWon: 27_000, deliveryOrders: 2, heldWon: null });
    expect(checkoutWon(lines, new Map([['mer_cafe', 1_500]])).heldWon).toBeNull();
  });

  it('ignores a fee learned for a shop the cart orders from only by mall', () => {
    const lines = [line('mer_cafe', 'mall', 20_000, 1)];
    expect(checkoutWon(lines, new Map([['mer_cafe', 1_500]])).heldWon).toBe(20_000);
  });

  it('holds nothing for an empty cart', () => {
    expect(checkoutWon([], NO_FEES_KNOWN)).toEqual({ itemsWon: 0, deliveryOrders: 0, heldWon: 0 });
  });
});

describe("how far a shop's items fall short of its minimum order", () => {
  it('is the difference below the minimum', () => {
    expect(shortOfMinimumWon([line('mer_cafe', 'delivery', 3_500, 2)], 10_000)).toBe(3_000);
  });

  it('is nothing at exactly the minimum, or above it', () => {
    expect(shortOfMinimumWon([line('mer_cafe', 'delivery', 5_000, 2)], 10_000)).toBe(0);
    expect(shortOfMinimumWon([line('mer_cafe', 'delivery', 3_500, 3)], 10_000)).toBe(0);
  });

  it('is nothing for a shop with no minimum', () => {
    expect(shortOfMinimumWon([line('mer_cafe', 'delivery', 1_000, 1)], 0)).toBe(0);
  });
});
