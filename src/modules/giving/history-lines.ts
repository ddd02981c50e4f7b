import type { Sql } from '../../db/database.js';
import type { Posting } from '../ledger/types.js';
import { memberAccountIds } from '../members/member-service.js';
import { recordActivity, recordGrantLines } from '../wallets/usage.js';
import type { Donation } from './types.js';

/** The type of a donation's line in the member's history (`GET /v1/me/transactions?type=donation`). */
export const DONATION_LINE_TYPE = 'donation';

/** Every donation's ledger transfer id starts so: `donation:<donationId>` or `donation:<giftId>:<month>`. */
export const DONATION_TRANSFER_PREFIX = 'donation:';

/**
 * The history line's reference: the transfer id without its prefix, so the donation's proof is found
 * by it (`GET /v1/me/transactions/{referenceId}/proof` finds the transfer whose id is or ends with
 * `:<referenceId>`). A one-off donation's reference is its id; a monthly gift's donation of a month
 * is `<giftId>:<month>`.
 */
export function donationReferenceId(transferId: string): string {
  if (!transferId.startsWith(DONATION_TRANSFER_PREFIX))
    throw new Error(`donation transfer id without its prefix: ${transferId}`);
  return transferId.slice(DONATION_TRANSFER_PREFIX.length);
}

/** What each of the member's balances gave: the donation's own postings, so always exactly its amount. */
export function donationPaidFrom(
  memberId: string,
  debits: readonly Posting[],
): { cashWon: number; cashbackWon: number; grantWon: number } {
  const ids = memberAccountIds(memberId);
  const paidFrom = { cashWon: 0, cashbackWon: 0, grantWon: 0 };
  for (const debit of debits) {
    const won = -debit.amountWon;
    if (debit.accountId === ids.cash) paidFrom.cashWon += won;
    else if (debit.accountId === ids.cashback) paidFrom.cashbackWon += won;
    else paidFrom.grantWon += won;
  }
  return paidFrom;
}

/**
 * The donor's history line of a donation, written in the transaction that moves the money (through
 * the wallets module's `recordActivity`, as transfers, refunds and orders write theirs): the whole
 * amount as a negative movement, the charity as the counterpart (a name, never an id of a person).
 */
export async function recordDonationLine(
  tx: Sql,
  line: {
    tenantId: string;
    donation: Donation;
    transferId: string;
    month: string;
    debits: readonly Posting[];
    charityName: string;
    campaignTitle: string | null;
  },
): Promise<void> {
  const { donation } = line;
  await recordActivity(tx, {
    tenantId: line.tenantId,
    memberId: donation.memberId,
    at: donation.createdAt,
    type: DONATION_LINE_TYPE,
    month: line.month,
    amountWon: -donation.amountWon,
    referenceId: donationReferenceId(line.transferId),
    merchantId: null,
    details: {
      donationId: donation.id,
      counterpart: { name: line.charityName },
      charityId: donation.charityId,
      campaignId: donation.campaignId,
      campaignTitle: line.campaignTitle,
      amountWon: donation.amountWon,
      source: donation.source,
      paidFrom: donationPaidFrom(donation.memberId, line.debits),
      monthlyGiftId: donation.monthlyGiftId,
      giftMonth: donation.giftMonth,
    },
  });
}

/** A partner gift's funding of one employee's grant: `partner_gift:<giftId>:<memberId>`. */
export const PARTNER_GIFT_TRANSFER_PREFIX = 'partner_gift:';

/**
 * What the gift's expiry took back from that grant: `partner_gift_expiry:<giftId>:<memberId>` on the
 * gift's first reclaiming run, `…:<run>` on a later one (a hold released after the first run, or
 * money a cancellation or claw-back sent on to the deposit, which counts as a run of its own).
 */
export const PARTNER_GIFT_EXPIRY_TRANSFER_PREFIX = 'partner_gift_expiry:';

export function partnerGiftTransferId(giftId: string, memberId: string): string {
  return `${PARTNER_GIFT_TRANSFER_PREFIX}${giftId}:${memberId}`;
}

export function partnerGiftExpiryTransferId(giftId: string, memberId: string, run = 1): string {
  const first = `${PARTNER_GIFT_EXPIRY_TRANSFER_PREFIX}${giftId}:${memberId}`;
  return run === 1 ? first : `${first}:${run}`;
}

/** One member's partner-gift grant funded or taken back: what its ledger transfer moves. */
export interface PartnerGiftMovement {
  memberId: string;
  /** What the grant gained (funding) or lost (expiry): positive won. */
  amountWon: number;
  /** The ledger transfer that moved it. */
  transferId: string;
}

/**
 * The members' history lines of a 동행협약 gift, in the transaction that moves the money, through the
 * wallets module's grant lines, as programmes write theirs, with the company as the counterpart.
 *
 * The reference is the whole transfer id, not the part after the prefix as for donations: the
 * funding `partner_gift:<gift>:<member>` and the expiry `partner_gift_expiry:<gift>:<member>` end
 * alike, so `<gift>:<member>` would make `GET /v1/me/transactions/{referenceId}/proof` answer both
 * transfers; the whole id finds exactly the line's own transfer.
 */
export async function recordPartnerGiftLines(
  tx: Sql,
  lines: {
    tenantId: string;
    type: 'grant_received' | 'grant_expired';
    at: Date;
    month: string;
    partner: { id: string; name: string };
    gift: { id: string; expiresAt: Date };
    movements: readonly PartnerGiftMovement[];
  },
): Promise<void> {
  await recordGrantLines(tx, {
    ...lines,
    movements: lines.movements.map((movement) => ({
      memberId: movement.memberId,
      amountWon: movement.amountWon,
      referenceId: movement.transferId,
      details: {
        programName: lines.partner.name,
        expiresAt: lines.gift.expiresAt.toISOString(),
        counterpart: { name: lines.partner.name },
        partnerId: lines.partner.id,
        giftId: lines.gift.id,
        amountWon: movement.amountWon,
      },
    })),
  });
}
