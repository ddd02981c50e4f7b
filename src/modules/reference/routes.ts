import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import type { Market } from './types.js';

const IndustrySchema = Type.Object({
  code: Type.String(),
  nameKo: Type.String(),
  nameEn: Type.String(),
  excluded: Type.Boolean({ description: 'excluded industries cannot join as merchants' }),
  exclusionReasonKo: Type.Union([Type.String(), Type.Null()]),
  exclusionReasonEn: Type.Union([Type.String(), Type.Null()]),
  isBookstore: Type.Boolean({ description: 'local bookstores (지역서점) earn extra cashback' }),
});

const DistrictSchema = Type.Object({
  code: Type.String(),
  nameKo: Type.String(),
  nameEn: Type.String(),
  area: Type.Union([Type.Literal('old_town'), Type.Literal('new_town')], {
    description: '원도심 (old_town) or 신도심 (new_town)',
  }),
});

const MarketSchema = Type.Object({
  id: Type.String(),
  nameKo: Type.String(),
  nameEn: Type.String(),
  district: Type.String({ description: 'district code' }),
  storeCount: Type.Integer(),
  synthetic: Type.Boolean({ description: 'true when the name is made up for the preset' }),
});

const MarketsQuerySchema = Type.Object({
  district: Type.Optional(Type.String({ maxLength: 40, description: 'only markets in this district' })),
});

function marketView(market: Market) {
  return {
    id: market.id,
    nameKo: market.nameKo,
    nameEn: market.nameEn,
    district: market.districtCode,
    storeCount: market.storeCount,
    synthetic: market.synthetic,
  };
}

/** Public reference data: what a citizen, a merchant or the web app needs to fill in a form. */
export function referenceRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const tenant = (request: Parameters<typeof tenantOf>[0]) =>
    tenantOf(request, platform.config.defaultTenantId);
  return async (app) => {
    app.get(
      '/v1/industries',
      {
        schema: {
          tags: ['reference'],
          summary: 'Industries, with the excluded ones and why they are excluded',
          response: { 200: Type.Object({ items: Type.Array(IndustrySchema) }), ...problemResponses(400) },
        },
      },
      async (request) => ({ items: await platform.reference.listIndustries(tenant(request)) }),
    );

    app.get(
      '/v1/districts',
      {
        schema: {
          tags: ['reference'],
          summary: 'Districts (구) of the city',
          response: { 200: Type.Object({ items: Type.Array(DistrictSchema) }), ...problemResponses(400) },
        },
      },
      async (request) => ({ items: await platform.reference.listDistricts(tenant(request)) }),
    );

    app.get(
      '/v1/markets',
      {
        schema: {
          tags: ['reference'],
          summary: 'Traditional markets (전통시장), optionally in one district',
          querystring: MarketsQuerySchema,
          response: { 200: Type.Object({ items: Type.Array(MarketSchema) }), ...problemResponses(400) },
        },
      },
      async (request) => {
        const tenantId = tenant(request);
        const { district } = request.query;
        if (district !== undefined) await platform.reference.requireDistrict(tenantId, district);
        const markets = await platform.reference.listMarkets(tenantId, { district });
        return { items: markets.map(marketView) };
      },
    );
  };
}
