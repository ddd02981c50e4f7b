/**
 * Event builders for producers whose facts are a few plain fields, so each producing module adds
 * one call and no mapping code. Payments build theirs beside the payment (payments/events.ts).
 */
import type { NewEvent } from './types.js';

const TRANSFER_EVENT_BY_ACTIVITY = {
  transfer_sent: 'transfer.sent',
  transfer_received: 'transfer.accepted',
  transfer_returned: 'transfer.returned',
} as const;

/** A member-to-member transfer's step, named by the wallet activity the transfer module records. */
export function transferEvent(
  activityType: string,
  transfer: { id: string; senderId: string; recipientId: string; amountWon: number },
  now: Date,
): NewEvent {
  const type = TRANSFER_EVENT_BY_ACTIVITY[activityType as keyof typeof TRANSFER_EVENT_BY_ACTIVITY];
  if (!type) throw new Error(`transfer activity ${activityType} has no event`);
  return {
    type,
    subjectId: transfer.id,
    occurredAt: now,
    payload: {
      transferId: transfer.id,
      fromMemberId: transfer.senderId,
      toMemberId: transfer.recipientId,
      amountWon: transfer.amountWon,
    },
  };
}

export function chargeConfirmedEvent(
  charge: { id: string; memberId: string; amountWon: number },
  now: Date,
): NewEvent {
  return {
    type: 'charge.confirmed',
    subjectId: charge.id,
    occurredAt: now,
    payload: { chargeId: charge.id, memberId: charge.memberId, amountWon: charge.amountWon },
  };
}

export function refundCompletedEvent(
  refund: { id: string; memberId: string; amountWon: number },
  now: Date,
): NewEvent {
  return {
    type: 'refund.completed',
    subjectId: refund.id,
    occurredAt: now,
    payload: { refundId: refund.id, memberId: refund.memberId, amountWon: refund.amountWon },
  };
}

/** One event per recipient; `occurrence` tells repeated reclaims of one grant apart. */
export function grantEvents(
  type: 'grant.disbursed' | 'grant.expired',
  programId: string,
  grants: ReadonlyArray<{ memberId: string; amountWon: number; occurrence?: number }>,
  now: Date,
): NewEvent[] {
  return grants.map((grant) => ({
    type,
    subjectId: `${programId}:${grant.memberId}${grant.occurrence ? `:${grant.occurrence}` : ''}`,
    occurredAt: now,
    payload: { programId, memberId: grant.memberId, amountWon: grant.amountWon },
  }));
}

export function memberJoinedEvent(
  member: { id: string; district: string; birthDate: string; isWelfareRecipient: boolean },
  now: Date,
): NewEvent {
  return {
    type: 'member.joined',
    subjectId: member.id,
    occurredAt: now,
    payload: {
      memberId: member.id,
      district: member.district,
      birthYear: Number(member.birthDate.slice(0, 4)),
      isWelfareRecipient: member.isWelfareRecipient,
    },
  };
}

/** One successful sign-in (subject: a fresh id); the address only as the members module's salted hash. */
export function memberSignedInEvent(
  signInId: string,
  memberId: string,
  addressHash: string,
  now: Date,
): NewEvent {
  return {
    type: 'member.signed_in',
    subjectId: signInId,
    occurredAt: now,
    payload: { memberId, addressHash },
  };
}

export function settlementPaidEvent(
  payout: { id: string; merchantId: string; amountWon: number },
  now: Date,
): NewEvent {
  return {
    type: 'settlement.paid',
    subjectId: payout.id,
    occurredAt: now,
    payload: { payoutId: payout.id, merchantId: payout.merchantId, amountWon: payout.amountWon },
  };
}

export function merchantApprovedEvent(
  merchant: {
    id: string;
    name: string;
    district: string;
    dong: string;
    industryCode: string;
    marketId: string | null;
    isTraditionalMarket: boolean;
    isBookstore: boolean;
    annualRevenueWon: number;
  },
  now: Date,
): NewEvent {
  return {
    type: 'merchant.approved',
    subjectId: merchant.id,
    occurredAt: now,
    payload: {
      merchantId: merchant.id,
      name: merchant.name,
      district: merchant.district,
      dong: merchant.dong,
      industryCode: merchant.industryCode,
      marketId: merchant.marketId,
      isTraditionalMarket: merchant.isTraditionalMarket,
      isBookstore: merchant.isBookstore,
      annualRevenueWon: merchant.annualRevenueWon,
    },
  };
}
