import { COMMERCE_EVENT_VERSIONS, type CommerceEventCatalogue } from '../commerce/events.js';
import { FRAUD_EVENT_VERSIONS, type FraudEventCatalogue } from '../fraud/events.js';
/**
 * The event catalogue: every event type with its current version and payload. A payload only
 * grows within a version (new optional fields); a change a consumer could misread gets a new
 * version, and the producer then writes the new one while consumers accept both. docs/events.md
 * describes each type for people; these types are the source of truth for code.
 */
export interface MerchantSnapshot {
  merchantId: string;
  district: string;
  dong: string;
  industryCode: string;
  marketId: string | null;
  isTraditionalMarket: boolean;
  isBookstore: boolean;
  annualRevenueWon: number;
}

/** One budget draw of a payment's cashback: which pot and funding source paid how much. */
export interface CashbackDrawn {
  potId: string;
  source: 'national' | 'city';
  accountId: string;
  amountWon: number;
}

export interface PaymentMadeV1 {
  paymentId: string;
  memberId: string;
  channel: string;
  amountWon: number;
  paidFrom: { grantWon: number; cashbackWon: number; cashWon: number };
  /** The member's eligible spending earlier in the same month, as the calculator saw it. */
  monthEligibleSpentBeforeWon: number;
  month: string;
  eligibleWon: number;
  /** What the rules granted; cashbackWon is what the budget paid of it. */
  requestedCashbackWon: number;
  cashbackWon: number;
  policyId: string | null;
  ruleCodes: string[];
  draws: CashbackDrawn[];
  isWelfareRecipient: boolean;
  merchant: MerchantSnapshot;
  /**
   * The member owns the shop (payments/self-dealing.ts): the engine granted no cashback and counted
   * no eligible spending. Present only then.
   */
  selfDealing?: true;
}

export interface PaymentCancelledV1 {
  cancellationId: string;
  paymentId: string;
  memberId: string;
  merchantId: string;
  amountWon: number;
  eligibleRestoredWon: number;
  cashbackRecoveredWon: number;
  /** Cashback returned to each pot account (as posted). */
  returnedToBudget: Array<{ accountId: string; amountWon: number }>;
}

export interface ChargeConfirmedV1 {
  chargeId: string;
  memberId: string;
  amountWon: number;
}

export interface TransferEventV1 {
  transferId: string;
  fromMemberId: string;
  toMemberId: string;
  amountWon: number;
}

export interface RefundCompletedV1 {
  refundId: string;
  memberId: string;
  amountWon: number;
}

export interface GrantEventV1 {
  programId: string;
  memberId: string;
  amountWon: number;
}

export interface MemberJoinedV1 {
  memberId: string;
  district: string;
  birthYear: number;
  isWelfareRecipient: boolean;
}

/** A successful sign-in; `addressHash` is the client address under a per-tenant HMAC salt, never raw. */
export interface MemberSignedInV1 {
  memberId: string;
  addressHash: string;
}

export interface MerchantApprovedV1 extends MerchantSnapshot {
  name: string;
}

export interface SettlementPaidV1 {
  payoutId: string;
  merchantId: string;
  amountWon: number;
}

/** type → [version, payload]. */
export interface EventCatalogue extends CommerceEventCatalogue, FraudEventCatalogue {
  'payment.made': [1, PaymentMadeV1];
  'payment.cancelled': [1, PaymentCancelledV1];
  'charge.confirmed': [1, ChargeConfirmedV1];
  'transfer.sent': [1, TransferEventV1];
  'transfer.accepted': [1, TransferEventV1];
  'transfer.returned': [1, TransferEventV1];
  'refund.completed': [1, RefundCompletedV1];
  'grant.disbursed': [1, GrantEventV1];
  'grant.expired': [1, GrantEventV1];
  'member.joined': [1, MemberJoinedV1];
  'member.signed_in': [1, MemberSignedInV1];
  'merchant.approved': [1, MerchantApprovedV1];
  'settlement.paid': [1, SettlementPaidV1];
}

export type EventType = keyof EventCatalogue;

export const EVENT_VERSIONS: { [T in EventType]: EventCatalogue[T][0] } = {
  'payment.made': 1,
  'payment.cancelled': 1,
  'charge.confirmed': 1,
  'transfer.sent': 1,
  'transfer.accepted': 1,
  'transfer.returned': 1,
  'refund.completed': 1,
  'grant.disbursed': 1,
  'grant.expired': 1,
  'member.joined': 1,
  'member.signed_in': 1,
  'merchant.approved': 1,
  'settlement.paid': 1,
  ...COMMERCE_EVENT_VERSIONS,
  ...FRAUD_EVENT_VERSIONS,
};

/** What a producer appends: `subjectId` makes the event id (type:subject), so one fact is one event. */
export type NewEvent = {
  [T in EventType]: { type: T; subjectId: string; occurredAt: Date; payload: EventCatalogue[T][1] };
}[EventType];

/** An event as a consumer reads it, in per-tenant sequence order. */
export type FeedEvent = {
  [T in EventType]: {
    tenantId: string;
    seq: number;
    id: string;
    type: T;
    version: number;
    occurredAt: Date;
    payload: EventCatalogue[T][1];
  };
}[EventType];
