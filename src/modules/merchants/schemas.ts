import { Type } from 'typebox';
import { PageQuerySchema } from '../../http/request-context.js';
import {
  type EligibilityReason,
  type Merchant,
  type MerchantApplication,
  type PosKey,
  REGIONS,
} from './types.js';

/** Request and response schemas of the merchant routes, and the views that fill the responses. */

const StatusSchema = Type.Union(
  [Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('refused')],
  { description: 'refused = failed an eligibility rule on submission; rejected = turned down by a reviewer' },
);

const FranchiseSchema = Type.Object(
  {
    isFranchise: Type.Boolean(),
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    headquartersRegion: Type.Optional(
      Type.Enum(REGIONS, {
        description: 'region (시·도) of the franchise headquarters; required if directly operated',
      }),
    ),
    directlyOperated: Type.Optional(
      Type.Boolean({ description: 'run by the headquarters itself (직영점), not a local franchisee' }),
    ),
  },
  { additionalProperties: false },
);

const SettlementAccountSchema = Type.Object(
  {
    bankCode: Type.String({ pattern: '^[0-9]{3}$', description: 'three-digit Korean bank code' }),
    accountNumber: Type.String({ pattern: '^[0-9-]{6,20}$' }),
    holderName: Type.String({ minLength: 1, maxLength: 50 }),
  },
  { additionalProperties: false },
);

export const ApplicationBodySchema = Type.Object(
  {
    businessNumber: Type.String({
      maxLength: 20,
      description: '사업자등록번호: 10 digits, with or without dashes (123-45-67890)',
    }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    industryCode: Type.String({ maxLength: 40, description: 'see GET /v1/industries' }),
    district: Type.String({ maxLength: 40, description: 'district code, see GET /v1/districts' }),
    dong: Type.String({ minLength: 1, maxLength: 40, description: 'neighbourhood (동)' }),
    marketId: Type.Optional(
      Type.String({ maxLength: 45, description: 'traditional market, see GET /v1/markets' }),
    ),
    annualRevenueWon: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    franchise: Type.Optional(FranchiseSchema),
    settlementAccount: Type.Optional(SettlementAccountSchema),
  },
  { additionalProperties: false },
);

const ReasonSchema = Type.Object({
  rule: Type.String({ description: 'the eligibility rule kind' }),
  passed: Type.Boolean(),
  messageKo: Type.String(),
  messageEn: Type.String(),
});

export const EligibilityResponseSchema = Type.Object({
  eligible: Type.Boolean(),
  reasons: Type.Array(ReasonSchema),
});

export const ApplyResponseSchema = Type.Object({
  merchantId: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('refused')]),
  reasons: Type.Array(ReasonSchema),
});

const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableDateTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const MerchantProperties = {
  id: Type.String(),
  name: Type.String(),
  businessNumber: Type.String(),
  status: StatusSchema,
  merchantCode: NullableString,
  industryCode: Type.String(),
  district: Type.String(),
  dong: Type.String(),
  marketId: NullableString,
  isTraditionalMarket: Type.Boolean(),
  isBookstore: Type.Boolean(),
  annualRevenueWon: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
};

export const MerchantProfileSchema = Type.Object(MerchantProperties);

export const ApplicationSchema = Type.Object({
  ...MerchantProperties,
  ownerUserId: Type.String(),
  franchise: FranchiseSchema,
  settlementAccount: Type.Union([SettlementAccountSchema, Type.Null()]),
  reasons: Type.Array(ReasonSchema),
  reviewedBy: NullableString,
  reviewedAt: NullableDateTime,
  reviewNote: NullableString,
});

export const ReviewQuerySchema = Type.Object({
  status: Type.Optional(StatusSchema),
  ...PageQuerySchema.properties,
});

export const MerchantIdParamsSchema = Type.Object({ id: Type.String({ maxLength: 60 }) });

export const ApproveResponseSchema = Type.Object({
  merchantId: Type.String(),
  status: Type.Literal('approved'),
  merchantCode: Type.String(),
});

export const RejectBodySchema = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, description: 'shown to the applicant' }) },
  { additionalProperties: false },
);

export const RejectResponseSchema = Type.Object({
  merchantId: Type.String(),
  status: Type.Literal('rejected'),
  reason: Type.String(),
});

export const PosKeyBodySchema = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 60, description: 'which till or device, e.g. "카운터 1"' }),
  },
  { additionalProperties: false },
);

export const CreatedPosKeySchema = Type.Object({
  keyId: Type.String(),
  key: Type.String({ description: 'the raw key, shown only this once; send it as Authorization: Bearer' }),
  label: Type.String(),
});

export const PosKeySchema = Type.Object({
  keyId: Type.String(),
  label: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: NullableDateTime,
});

export const PosKeyParamsSchema = Type.Object({ keyId: Type.String({ maxLength: 60 }) });

export const DirectoryQuerySchema = Type.Object({
  district: Type.Optional(Type.String({ maxLength: 40 })),
  industryCode: Type.Optional(Type.String({ maxLength: 40 })),
  marketId: Type.Optional(Type.String({ maxLength: 45 })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'part of the merchant name' })),
  ...PageQuerySchema.properties,
});

export const DirectoryEntrySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  merchantCode: Type.String(),
  industryCode: Type.String(),
  district: Type.String(),
  dong: Type.String(),
  marketId: NullableString,
  isTraditionalMarket: Type.Boolean(),
  isBookstore: Type.Boolean(),
  demo: Type.Boolean({ description: 'a shop made up by the demo data (listed only on a demo server)' }),
});

export const NextCursorSchema = Type.Union([Type.String(), Type.Null()], {
  description: 'pass as cursor for the next page; null on the last page',
});

export function reasonsView(reasons: EligibilityReason[]) {
  return reasons.map(({ rule, passed, messageKo, messageEn }) => ({ rule, passed, messageKo, messageEn }));
}

export function profileView(merchant: Merchant) {
  return {
    id: merchant.id,
    name: merchant.name,
    businessNumber: merchant.businessNumber,
    status: merchant.status,
    merchantCode: merchant.merchantCode,
    industryCode: merchant.industryCode,
    district: merchant.district,
    dong: merchant.dong,
    marketId: merchant.marketId,
    isTraditionalMarket: merchant.isTraditionalMarket,
    isBookstore: merchant.isBookstore,
    annualRevenueWon: merchant.annualRevenueWon,
    createdAt: merchant.createdAt.toISOString(),
  };
}

export function applicationView(application: MerchantApplication) {
  return {
    ...profileView(application),
    ownerUserId: application.ownerUserId,
    franchise: application.franchise,
    settlementAccount: application.settlementAccount,
    reasons: reasonsView(application.reasons),
    reviewedBy: application.reviewedBy,
    reviewedAt: application.reviewedAt?.toISOString() ?? null,
    reviewNote: application.reviewNote,
  };
}

export function directoryEntryView(merchant: Merchant) {
  if (merchant.merchantCode === null)
    throw new Error(`approved merchant ${merchant.id} has no merchant code`);
  return {
    id: merchant.id,
    name: merchant.name,
    merchantCode: merchant.merchantCode,
    industryCode: merchant.industryCode,
    district: merchant.district,
    dong: merchant.dong,
    marketId: merchant.marketId,
    isTraditionalMarket: merchant.isTraditionalMarket,
    isBookstore: merchant.isBookstore,
    demo: merchant.demo,
  };
}

export function posKeyView(posKey: PosKey) {
  return {
    keyId: posKey.id,
    label: posKey.label,
    createdAt: posKey.createdAt.toISOString(),
    revokedAt: posKey.revokedAt?.toISOString() ?? null,
  };
}
