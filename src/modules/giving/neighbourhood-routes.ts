import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { csvRow } from '../../csv-cell.js';
import { fileResponse } from '../../documents/file-response.js';
import { userOf } from '../../http/auth.js';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { AmountWon, IdempotencyHeaders } from '../wallets/schemas.js';

const MonthQuery = Type.Object({
  month: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' }),
});

const MemberViewSchema = Type.Object({
  currentDong: Type.Union([Type.String(), Type.Null()], { description: 'the 동 this month gives to' }),
  nextDong: Type.Union([Type.Object({ dong: Type.String(), effectiveMonth: Type.String() }), Type.Null()]),
  gifts: Type.Array(
    Type.Object({
      month: Type.String(),
      dong: Type.String(),
      eligibleWon: Type.Integer(),
      givenWon: Type.Integer(),
    }),
  ),
  totalGivenWon: Type.Integer({ description: 'what your spending gave over the listed months' }),
});

const TotalsSchema = Type.Object({
  month: Type.String(),
  items: Type.Array(
    Type.Object({
      dong: Type.String(),
      nameKo: Type.String(),
      members: Type.Integer(),
      eligibleWon: Type.Integer(),
      requestedWon: Type.Integer({ description: 'the rule share before the pot was consulted' }),
      givenWon: Type.Integer(),
    }),
  ),
  totalGivenWon: Type.Integer(),
});

const PotSchema = Type.Object({
  year: Type.Integer(),
  fundedWon: Type.Integer(),
  remainingWon: Type.Integer(),
});

/** 동네사랑기부제 routes. */
export function neighbourhoodRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { giving, guards } = platform;
  const neighbourhood = giving.neighbourhood;
  const reader = guards.requireOperator('policy_admin', 'auditor');
  return async (app) => {
    app.get(
      '/v1/neighbourhood-giving/dongs',
      {
        schema: {
          tags: ['giving'],
          summary: 'The 동 a member can choose for 동네사랑기부제',
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({ code: Type.String(), nameKo: Type.String(), district: Type.String() }),
              ),
            }),
          },
        },
      },
      async (request) => ({
        items: await neighbourhood.dongs(tenantOf(request, platform.config.defaultTenantId)),
      }),
    );

    app.put(
      '/v1/me/neighbourhood-giving',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['giving'],
          summary: 'Choose the 동 your spending gives to (동네사랑기부제); counts from next month',
          body: Type.Object(
            { dong: Type.String({ minLength: 1, maxLength: 64 }) },
            { additionalProperties: false },
          ),
          response: { 200: MemberViewSchema, ...problemResponses(400, 401, 404) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return neighbourhood.choose(tenantId, userId, request.body.dong);
      },
    );

    app.get(
      '/v1/me/neighbourhood-giving',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['giving'],
          summary: 'Your 동 and what your spending gave, by month',
          response: { 200: MemberViewSchema, ...problemResponses(401) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return neighbourhood.memberView(tenantId, userId);
      },
    );

    app.get(
      '/v1/operator/neighbourhood-giving',
      {
        preValidation: reader,
        schema: {
          tags: ['giving', 'operator'],
          summary: 'What the city gave to each 동 in a month',
          querystring: MonthQuery,
          response: { 200: TotalsSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const items = await neighbourhood.totals(tenantId, request.query.month);
        return {
          month: request.query.month,
          items,
          totalGivenWon: items.reduce((sum, item) => sum + item.givenWon, 0),
        };
      },
    );

    app.get(
      '/v1/operator/neighbourhood-giving.csv',
      {
        preValidation: reader,
        schema: {
          tags: ['giving', 'operator'],
          summary:
            'The same totals per 동 as CSV (dong,name_ko,members,eligible_won,requested_won,given_won)',
          querystring: MonthQuery,
          response: { 200: fileResponse('text/csv', 'one row per 동'), ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const { tenantId } = userOf(request);
        const items = await neighbourhood.totals(tenantId, request.query.month);
        const lines = [
          'month,dong,name_ko,members,eligible_won,requested_won,given_won',
          ...items.map((item) =>
            csvRow([
              request.query.month,
              item.dong,
              item.nameKo,
              item.members,
              item.eligibleWon,
              item.requestedWon,
              item.givenWon,
            ]),
          ),
        ];
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="neighbourhood-giving-${request.query.month}.csv"`,
          )
          .send(`${lines.join('\n')}\n`);
      },
    );

    app.post(
      '/v1/operator/neighbourhood-giving/pots',
      {
        preValidation: guards.requireOperator('policy_admin'),
        schema: {
          tags: ['giving', 'operator'],
          summary: "Fund a year's 동네사랑기부제 pot from the city budget (once per year)",
          headers: IdempotencyHeaders,
          body: Type.Object(
            { year: Type.Integer({ minimum: 2000, maximum: 2100 }), amountWon: AmountWon },
            { additionalProperties: false },
          ),
          response: { 201: PotSchema, ...problemResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        await platform.policy.assertAmountWithin(
          tenantId,
          'public_funding_per_request_max_won',
          request.body.amountWon,
          platform.clock.now(),
        );
        return platform.idempotency.run(request, reply, { tenantId, principalId: userId }, async (tx) => ({
          statusCode: 201,
          body: await neighbourhood.fundPot(tenantId, userId, request.body.year, request.body.amountWon, tx),
        }));
      },
    );
  };
}
