import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError } from '../../errors.js';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import type { CashbackExtra } from '../policy/types.js';
import type { Merchant } from './types.js';

const LocalNameSchema = Type.Object({ nameKo: Type.String(), nameEn: Type.String() });

export const MerchantLookupSchema = Type.Object({
  merchantCode: Type.String(),
  name: Type.String(),
  industry: Type.Object({ code: Type.String(), ...LocalNameSchema.properties }),
  district: Type.Object({ code: Type.String(), ...LocalNameSchema.properties }),
  dong: Type.String(),
  market: Type.Union([Type.Object({ id: Type.String(), ...LocalNameSchema.properties }), Type.Null()]),
  extraCashback: Type.Array(
    Type.Object({ code: Type.String(), ...LocalNameSchema.properties, rateBp: Type.Integer() }),
    { description: "extras of the cashback policy in force that this shop's payments earn" },
  ),
});

function merchantCodeUnknown(): DomainError {
  return new DomainError({
    code: 'MERCHANT_NOT_FOUND',
    httpStatus: 404,
    message: 'no merchant takes payments under this code',
    messageKo: '이 코드로 결제를 받는 가맹점이 없습니다. 코드를 다시 확인해 주세요',
  });
}

function appliesTo(extra: CashbackExtra, merchant: Merchant): boolean {
  if (!('merchantFlag' in extra.when)) return false;
  return extra.when.merchantFlag === 'traditionalMarket'
    ? merchant.isTraditionalMarket
    : merchant.isBookstore;
}

/**
 * Who a merchant code pays, before any money moves (no sign-in: the code is printed on the shop's QR
 * sign). Only approved merchants are found; the name always comes from here, never from a link.
 */
export function merchantLookupRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { merchants, reference, policy, clock } = platform;
  return async (app) => {
    app.get(
      '/v1/merchants/by-code/:merchantCode',
      {
        schema: {
          tags: ['merchants'],
          summary: 'Look a merchant up by its payment code: name, industry, district, market, extra cashback',
          params: Type.Object({ merchantCode: Type.String({ minLength: 1, maxLength: 32 }) }),
          response: { 200: MerchantLookupSchema, ...problemResponses(400, 404) },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request, platform.config.defaultTenantId);
        const code = request.params.merchantCode.trim();
        const merchant = await merchants.getByCode(tenantId, code);
        if (merchant?.status !== 'approved' || !merchant.merchantCode) throw merchantCodeUnknown();
        const [industry, district, market, cashback] = await Promise.all([
          reference.getIndustry(tenantId, merchant.industryCode),
          reference.getDistrict(tenantId, merchant.district),
          merchant.marketId ? reference.getMarket(tenantId, merchant.marketId) : undefined,
          policy.cashbackPolicyAt(tenantId, clock.now()),
        ]);
        return {
          merchantCode: merchant.merchantCode,
          name: merchant.name,
          industry: {
            code: merchant.industryCode,
            nameKo: industry?.nameKo ?? '',
            nameEn: industry?.nameEn ?? '',
          },
          district: {
            code: merchant.district,
            nameKo: district?.nameKo ?? '',
            nameEn: district?.nameEn ?? '',
          },
          dong: merchant.dong,
          market: market ? { id: market.id, nameKo: market.nameKo, nameEn: market.nameEn } : null,
          extraCashback: (cashback?.rules.extras ?? [])
            .filter((extra) => appliesTo(extra, merchant))
            .map(({ code: extraCode, nameKo, nameEn, rateBp }) => ({
              code: extraCode,
              nameKo,
              nameEn,
              rateBp,
            })),
        };
      },
    );
  };
}
