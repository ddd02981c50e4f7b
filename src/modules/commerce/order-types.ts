import type { Channel } from './types.js';

export const DELIVERY_STATUSES = [
  'placed',
  'accepted',
  'cooking',
  'out_for_delivery',
  'delivered',
  'rejected',
  'cancelled',
  'expired',
] as const;
export const MALL_STATUSES = ['placed', 'shipped', 'delivered', 'return_requested', 'returned'] as const;
export type OrderStatus = (typeof DELIVERY_STATUSES)[number] | (typeof MALL_STATUSES)[number];
export const ORDER_STATUSES = [
  'placed',
  'accepted',
  'cooking',
  'out_for_delivery',
  'delivered',
  'rejected',
  'cancelled',
  'expired',
  'shipped',
  'return_requested',
  'returned',
] as const satisfies readonly OrderStatus[];

/** The steps a merchant takes with POST …/status, per channel: from → to. Accept and reject have their own routes. */
export const MERCHANT_STEPS: Record<Channel, Partial<Record<OrderStatus, OrderStatus>>> = {
  delivery: { accepted: 'cooking', cooking: 'out_for_delivery', out_for_delivery: 'delivered' },
  mall: { placed: 'shipped', shipped: 'delivered', return_requested: 'returned' },
};

export interface OrderLine {
  productId: string;
  name: string;
  quantity: number;
  optionIds: string[];
  unitPriceWon: number;
  lineWon: number;
}

export interface PaidFrom {
  cashbackWon: number;
  cashWon: number;
}

export interface Order {
  orderId: string;
  checkoutId: string;
  memberId: string;
  merchantId: string;
  channel: Channel;
  status: OrderStatus;
  items: OrderLine[];
  subtotalWon: number;
  deliveryFeeWon: number;
  totalWon: number;
  /** Still held in the ledger: the total while placed, 0 once captured or released. */
  heldWon: number;
  paidFrom: PaidFrom;
  cashbackWon: number;
  /**
   * What the shop is shown of `cashbackWon`: the share its own rules and the channel gave, without
   * the customer's own extras (a welfare recipient's), as at the till (payments/shop-view.ts).
   */
  shopCashbackWon: number;
  deliveryDong: string | null;
  trackingNumber: string | null;
  reason: string | null;
  holdExpiresAt: string;
  capturedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CheckoutInput {
  items: Array<{ productId: string; quantity: number; optionIds?: string[] }>;
  deliveryDong?: string;
}

/** The order as its member sees it: everything they earned (their own id is the caller's). */
export function memberView(order: Order): Omit<Order, 'memberId' | 'shopCashbackWon'> {
  const { memberId: _memberId, shopCashbackWon: _shown, ...view } = order;
  return view;
}

/** The order as the shop sees it: the cashback its own rules gave, never the customer's own extras. */
export function shopView(order: Order): Omit<Order, 'memberId' | 'shopCashbackWon'> {
  return { ...memberView(order), cashbackWon: order.shopCashbackWon };
}
