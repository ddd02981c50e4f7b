import type { FeedEvent } from '../events/types.js';

/**
 * What the detectors see: a compact, normalised fact per event (times in epoch ms). The consumer
 * keeps these rows (fraud_facts) so a restarted process rebuilds its window without the feed.
 */
export interface MerchantFact {
  kind: 'merchant';
  merchantId: string;
  name: string;
  /** The owner's user id (a member id), so a cycle can close through the owner's transfers. */
  ownerId: string | null;
  registeredAt: number | null;
  annualRevenueWon: number;
  industryCode: string;
  district: string;
}

export interface PaymentFact {
  kind: 'payment';
  id: string;
  at: number;
  memberId: string;
  merchantId: string;
  amountWon: number;
  cashbackWon: number;
  industryCode: string;
  district: string;
  annualRevenueWon: number;
}

export interface TransferFact {
  kind: 'transfer';
  id: string;
  at: number;
  fromMemberId: string;
  toMemberId: string;
  amountWon: number;
}

export interface CancelFact {
  kind: 'cancel';
  id: string;
  at: number;
  paymentId: string;
  memberId: string;
  merchantId: string;
  amountWon: number;
}

/** A member's successful sign-in; the client address only as the members module's salted hash. */
export interface SignInFact {
  kind: 'signin';
  id: string;
  at: number;
  memberId: string;
  addressHash: string;
}

export type Fact = MerchantFact | PaymentFact | TransferFact | CancelFact | SignInFact;

/** The facts one feed event carries for fraud; events fraud does not score give none. */
export function factsOf(event: FeedEvent): Fact[] {
  const at = event.occurredAt.getTime();
  switch (event.type) {
    case 'payment.made': {
      const p = event.payload;
      return [
        {
          kind: 'payment',
          id: p.paymentId,
          at,
          memberId: p.memberId,
          merchantId: p.merchant.merchantId,
          amountWon: p.amountWon,
          cashbackWon: p.cashbackWon,
          industryCode: p.merchant.industryCode,
          district: p.merchant.district,
          annualRevenueWon: p.merchant.annualRevenueWon,
        },
      ];
    }
    case 'transfer.sent': {
      const t = event.payload;
      return [
        {
          kind: 'transfer',
          id: t.transferId,
          at,
          fromMemberId: t.fromMemberId,
          toMemberId: t.toMemberId,
          amountWon: t.amountWon,
        },
      ];
    }
    case 'payment.cancelled': {
      const c = event.payload;
      return [
        {
          kind: 'cancel',
          id: c.cancellationId,
          at,
          paymentId: c.paymentId,
          memberId: c.memberId,
          merchantId: c.merchantId,
          amountWon: c.amountWon,
        },
      ];
    }
    case 'member.signed_in':
      return [
        {
          kind: 'signin',
          id: event.id,
          at,
          memberId: event.payload.memberId,
          addressHash: event.payload.addressHash,
        },
      ];
    default:
      return [];
  }
}
