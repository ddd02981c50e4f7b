import { describe, expect, it } from 'vitest';
import { type CartLine, checkoutWon } from './cart.js';

const line = (merchantId: string, channel: CartLine['channel'], unitPriceWon: number, quantity: number) => ({
  productId: `prd_${merchantId}_${unitPriceWon}`,
  merchantId,
  channel,
  name: '상품',
  unitPriceWon,
  quantity,
  optionIds: [],
});

describe('what a checkout will hold, as the cart knows it', () => {
  it('is the items alone when nothing is delivered', () => {
    expect(checkoutWon([line('mer_market', 'mall', 40_000, 1)])).toEqual({
      itemsWon: 40_000,
      deliveryOrders: 0,
    });
  });

  it('adds one delivery fee for a shop, however many of its dishes are ordered', () => {
    const lines = [line('mer_cafe', 'delivery', 4_500, 2), line('mer_cafe', 'delivery', 6_000, 1)];
    expect(checkoutWon(lines)).toEqual({ itemsWon: 15_000, deliveryOrders: 1 });
  });

  it('adds a fee per delivering shop, and none for the mall lines beside them', () => {
    const lines = [
      line('mer_cafe', 'delivery', 5_000, 3),
      line('mer_bakery', 'delivery', 12_000, 1),
      line('mer_cafe', 'mall', 20_000, 1),
    ];
    expect(checkoutWon(lines)).toEqual({ itemsWon: 47_000, deliveryOrders: 2 });
  });

  it('holds nothing for an empty cart', () => {
    expect(checkoutWon([])).toEqual({ itemsWon: 0, deliveryOrders: 0 });
  });
});
