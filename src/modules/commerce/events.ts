import type { NewEvent } from '../events/types.js';
import type { Order, OrderStatus } from './order-types.js';

/** One payload for every step of an order; the type names the status it reached. */
export interface OrderEventV1 {
  orderId: string;
  memberId: string;
  merchantId: string;
  channel: 'mall' | 'delivery';
  status: OrderStatus;
  totalWon: number;
  heldWon: number;
  /** Captured money earns commission at settlement; 0 until accepted (delivery) or shipped (mall). */
  capturedWon: number;
  cashbackWon: number;
}

/** type → [version, payload], spread into the feed's catalogue. */
export interface CommerceEventCatalogue {
  'order.placed': [1, OrderEventV1];
  'order.accepted': [1, OrderEventV1];
  'order.cooking': [1, OrderEventV1];
  'order.out_for_delivery': [1, OrderEventV1];
  'order.delivered': [1, OrderEventV1];
  'order.rejected': [1, OrderEventV1];
  'order.cancelled': [1, OrderEventV1];
  'order.expired': [1, OrderEventV1];
  'order.shipped': [1, OrderEventV1];
  'order.return_requested': [1, OrderEventV1];
  'order.returned': [1, OrderEventV1];
}

export const COMMERCE_EVENT_VERSIONS: { [T in keyof CommerceEventCatalogue]: 1 } = {
  'order.placed': 1,
  'order.accepted': 1,
  'order.cooking': 1,
  'order.out_for_delivery': 1,
  'order.delivered': 1,
  'order.rejected': 1,
  'order.cancelled': 1,
  'order.expired': 1,
  'order.shipped': 1,
  'order.return_requested': 1,
  'order.returned': 1,
};

/** Each status is reached at most once per order, so `order.<status>:<orderId>` is one fact. */
export function orderEvent(order: Order, now: Date): NewEvent {
  const captured = order.capturedAt !== null && order.status !== 'returned';
  return {
    type: `order.${order.status}` as keyof CommerceEventCatalogue,
    subjectId: order.orderId,
    occurredAt: now,
    payload: {
      orderId: order.orderId,
      memberId: order.memberId,
      merchantId: order.merchantId,
      channel: order.channel,
      status: order.status,
      totalWon: order.totalWon,
      heldWon: order.heldWon,
      capturedWon: captured ? order.totalWon : 0,
      cashbackWon: order.cashbackWon,
    },
  };
}
