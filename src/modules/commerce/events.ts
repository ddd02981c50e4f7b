import { potAccountOf } from '../budgets/allocate.js';
import type { CashbackDrawn, NewEvent } from '../events/types.js';
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
  /** The capture's cashback as the budget paid it, by pot (positive); only on a capture that drew any. */
  cashbackDraws?: CashbackDrawn[];
  /** A return's clawed-back cashback as it went back to each pot (positive); only when any went back. */
  returnedToBudget?: CashbackDrawn[];
}

/** What an order's step moved on the budget pots' accounts, as the ledger posted it. */
export interface OrderBudgetMoves {
  /** The capture's draw: postings on pot accounts (negative: paid out). */
  drawn?: ReadonlyArray<{ accountId: string; amountWon: number }>;
  /** A return's cashback back to the pots: postings on pot accounts (positive). */
  returned?: ReadonlyArray<{ accountId: string; amountWon: number }>;
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

/**
 * Each status is reached at most once per order, so `order.<status>:<orderId>` is one fact. A step
 * that moved budget money (the capture's cashback, a return's clawback) names it by pot, as
 * `payment.made` and `payment.cancelled` do, so a consumer can follow the pots from the feed.
 */
export function orderEvent(order: Order, now: Date, budget: OrderBudgetMoves = {}): NewEvent {
  const captured = order.capturedAt !== null && order.status !== 'returned';
  const cashbackDraws = potMoves(order.orderId, budget.drawn ?? [], -1);
  const returnedToBudget = potMoves(order.orderId, budget.returned ?? [], 1);
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
      ...(cashbackDraws.length > 0 ? { cashbackDraws } : {}),
      ...(returnedToBudget.length > 0 ? { returnedToBudget } : {}),
    },
  };
}

/** Postings on pot accounts as positive amounts by pot and source (`sign`: -1 for draws, 1 for returns). */
function potMoves(
  orderId: string,
  postings: ReadonlyArray<{ accountId: string; amountWon: number }>,
  sign: 1 | -1,
): CashbackDrawn[] {
  return postings
    .filter((posting) => posting.amountWon !== 0)
    .map((posting) => {
      const pot = potAccountOf(posting.accountId);
      if (!pot) throw new Error(`order ${orderId} event: ${posting.accountId} is no pot's account`);
      return {
        potId: pot.potId,
        source: pot.source,
        accountId: posting.accountId,
        amountWon: sign * posting.amountWon,
      };
    });
}
