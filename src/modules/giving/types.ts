import type { BankAccountRef } from '../bank/bank-gateway.js';

export type DonationSource = 'cash' | 'cashback' | 'grant';
export const DONATION_SOURCES: readonly DonationSource[] = ['cash', 'cashback', 'grant'];

export interface Charity {
  id: string;
  name: string;
  registrationNumber: string;
  bankAccount: BankAccountRef;
  description: string;
  logoUrl: string | null;
  createdAt: Date;
}

export interface NewCharity {
  name: string;
  registrationNumber: string;
  bankAccount: BankAccountRef;
  description: string;
  logoUrl?: string | null;
}

export interface Campaign {
  id: string;
  charityId: string;
  title: string;
  goalWon: number;
  startsAt: Date;
  endsAt: Date;
}

export interface NewCampaign {
  title: string;
  goalWon: number;
  startsAt: Date;
  endsAt: Date;
}

export interface Donation {
  id: string;
  memberId: string;
  charityId: string;
  campaignId: string | null;
  amountWon: number;
  source: DonationSource;
  monthlyGiftId: string | null;
  giftMonth: string | null;
  createdAt: Date;
}

export interface MonthlyGift {
  id: string;
  memberId: string;
  charityId: string;
  campaignId: string | null;
  amountWon: number;
  source: DonationSource;
  monthlyDay: number;
  firstMonth: string;
  status: 'active' | 'stopped';
  lastFailureMonth: string | null;
  lastFailureCode: string | null;
  failedAttempts: number;
  createdAt: Date;
  stoppedAt: Date | null;
}

export interface DonationRequest {
  charityId: string;
  campaignId?: string;
  amountWon: number;
  source: DonationSource;
  /** Present: a monthly gift on this day of each month (the last day when the month is shorter). */
  monthlyDay?: number;
}

export interface CharityTotals extends Charity {
  donatedWon: number;
  donationCount: number;
  paidOutWon: number;
  campaigns: Array<Campaign & { raisedWon: number }>;
}

/** The ledger account that holds a charity's donations until the bank pays them out. */
export function charityAccountId(charityId: string): string {
  return `${charityId}:donations`;
}
