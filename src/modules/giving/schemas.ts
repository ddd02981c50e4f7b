import { Type } from 'typebox';
import { AmountWon } from '../wallets/schemas.js';
import type { Campaign, Charity, CharityTotals, Donation, MonthlyGift } from './types.js';

const SourceSchema = Type.Union([Type.Literal('cash'), Type.Literal('cashback'), Type.Literal('grant')], {
  description:
    "which of the member's money pays: charged cash, cashback, or a grant whose programme allows donations",
});

const BankAccountSchema = Type.Object(
  {
    bankCode: Type.String({ minLength: 2, maxLength: 20 }),
    accountNumber: Type.String({ minLength: 4, maxLength: 40 }),
  },
  { additionalProperties: false },
);

export const NewCharitySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    registrationNumber: Type.String({
      minLength: 5,
      maxLength: 20,
      description: '고유번호 / 사업자등록번호',
    }),
    bankAccount: BankAccountSchema,
    description: Type.String({ maxLength: 2000 }),
    logoUrl: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const NewCampaignSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    goalWon: AmountWon,
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const DonationRequestSchema = Type.Object(
  {
    charityId: Type.String({ minLength: 1, maxLength: 64 }),
    campaignId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    amountWon: AmountWon,
    source: SourceSchema,
    monthlyDay: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 31,
        description: 'present: give this amount monthly on this day (the last day of shorter months)',
      }),
    ),
  },
  { additionalProperties: false },
);

const CampaignSchema = Type.Object({
  campaignId: Type.String(),
  charityId: Type.String(),
  title: Type.String(),
  goalWon: Type.Integer(),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
});

export const CampaignProgressSchema = Type.Intersect([
  CampaignSchema,
  Type.Object({
    raisedWon: Type.Integer(),
    progressBp: Type.Integer({ description: 'raised / goal in basis points' }),
  }),
]);

export const CharitySchema = Type.Object({
  charityId: Type.String(),
  name: Type.String(),
  registrationNumber: Type.String(),
  description: Type.String(),
  logoUrl: Type.Union([Type.String(), Type.Null()]),
});

export const CharityTotalsSchema = Type.Intersect([
  CharitySchema,
  Type.Object({
    donatedWon: Type.Integer(),
    donationCount: Type.Integer(),
    paidOutWon: Type.Integer({ description: 'paid to the charity’s bank account so far' }),
    campaigns: Type.Array(CampaignProgressSchema),
  }),
]);

export const DonationSchema = Type.Object({
  donationId: Type.String(),
  charityId: Type.String(),
  campaignId: Type.Union([Type.String(), Type.Null()]),
  amountWon: Type.Integer(),
  source: SourceSchema,
  monthlyGiftId: Type.Union([Type.String(), Type.Null()]),
  giftMonth: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const MonthlyGiftSchema = Type.Object({
  monthlyGiftId: Type.String(),
  charityId: Type.String(),
  campaignId: Type.Union([Type.String(), Type.Null()], {
    description:
      'each month goes to this campaign while it runs (and is matched by its partners), then to the charity',
  }),
  amountWon: Type.Integer(),
  source: SourceSchema,
  monthlyDay: Type.Integer(),
  firstMonth: Type.String({ description: 'YYYY-MM of the first donation' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('stopped')]),
  lastFailure: Type.Union([
    Type.Object({ month: Type.String(), code: Type.String(), attempts: Type.Integer() }),
    Type.Null(),
  ]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const DonationOutcomeSchema = Type.Object({
  donation: Type.Union([DonationSchema, Type.Null()]),
  monthlyGift: Type.Union([MonthlyGiftSchema, Type.Null()]),
});

export function charityJson(charity: Charity) {
  return {
    charityId: charity.id,
    name: charity.name,
    registrationNumber: charity.registrationNumber,
    description: charity.description,
    logoUrl: charity.logoUrl,
  };
}

export function campaignJson(campaign: Campaign) {
  return {
    campaignId: campaign.id,
    charityId: campaign.charityId,
    title: campaign.title,
    goalWon: campaign.goalWon,
    startsAt: campaign.startsAt.toISOString(),
    endsAt: campaign.endsAt.toISOString(),
  };
}

export function charityTotalsJson(charity: CharityTotals) {
  return {
    ...charityJson(charity),
    donatedWon: charity.donatedWon,
    donationCount: charity.donationCount,
    paidOutWon: charity.paidOutWon,
    campaigns: charity.campaigns.map((campaign) => ({
      ...campaignJson(campaign),
      raisedWon: campaign.raisedWon,
      progressBp: Number((BigInt(campaign.raisedWon) * 10_000n) / BigInt(campaign.goalWon)),
    })),
  };
}

export function donationJson(donation: Donation) {
  return {
    donationId: donation.id,
    charityId: donation.charityId,
    campaignId: donation.campaignId,
    amountWon: donation.amountWon,
    source: donation.source,
    monthlyGiftId: donation.monthlyGiftId,
    giftMonth: donation.giftMonth,
    createdAt: donation.createdAt.toISOString(),
  };
}

export function monthlyGiftJson(gift: MonthlyGift) {
  return {
    monthlyGiftId: gift.id,
    charityId: gift.charityId,
    campaignId: gift.campaignId,
    amountWon: gift.amountWon,
    source: gift.source,
    monthlyDay: gift.monthlyDay,
    firstMonth: gift.firstMonth,
    status: gift.status,
    lastFailure:
      gift.lastFailureMonth && gift.lastFailureCode
        ? { month: gift.lastFailureMonth, code: gift.lastFailureCode, attempts: gift.failedAttempts }
        : null,
    createdAt: gift.createdAt.toISOString(),
  };
}
