import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { CursorKey, cursorCodec } from '../../http/cursor.js';
import { PageQuerySchema } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { assertBusinessDate } from './business-day.js';
import {
  DayQuerySchema,
  DaySettlementsSchema,
  FeeRuleListSchema,
  FeeRuleSchema,
  feeRuleView,
  NewFeeRuleSchema,
  RunBodySchema,
  RunReportSchema,
  runReportView,
  runView,
  StatementDetailSchema,
  StatementPageSchema,
  statementDetailView,
  statementView,
} from './schemas.js';

const PAGE_LIMIT_DEFAULT = 20;

function actingMerchant(request: FastifyRequest): { tenantId: string; merchantId: string } {
  if (!request.principal || !request.actingMerchantId) throw new Error('requireMerchant did not run');
  return { tenantId: request.principal.tenantId, merchantId: request.actingMerchantId };
}

const statementDateCursor = cursorCodec({ date: CursorKey.date });
const statementMerchantCursor = cursorCodec({ merchantId: CursorKey.text });

/** Merchants read their settlements; operators run a business day and watch it. */
export function settlementRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(merchantSettlementRoutes(platform));
    await app.register(operatorSettlementRoutes(platform));
    await app.register(feeRuleRoutes(platform));
  };
}

function merchantSettlementRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { settlement, guards } = platform;
  return async (app) => {
    app.get(
      '/v1/merchant/settlements',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['merchant'],
          summary: "The merchant's settlements (정산), newest business day first",
          querystring: PageQuerySchema,
          response: { 200: StatementPageSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = actingMerchant(request);
        const limit = request.query.limit ?? PAGE_LIMIT_DEFAULT;
        const before = statementDateCursor.decode(request.query.cursor);
        const items = await settlement.statementsOfMerchant(tenantId, merchantId, {
          beforeDate: before ? before.date : null,
          limit,
        });
        const last = items.at(-1);
        return {
          items: items.map(statementView),
          nextCursor:
            items.length === limit && last ? statementDateCursor.encode({ date: last.businessDate }) : null,
        };
      },
    );

    app.get(
      '/v1/merchant/settlements/:statementId',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['merchant'],
          summary: 'One settlement statement with its payouts to the bank',
          params: Type.Object({ statementId: Type.String({ maxLength: 64 }) }),
          response: { 200: StatementDetailSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = actingMerchant(request);
        return statementDetailView(
          await settlement.statementOfMerchant(tenantId, merchantId, request.params.statementId),
        );
      },
    );
  };
}

function operatorSettlementRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { settlement, guards } = platform;
  return async (app) => {
    app.post(
      '/v1/operator/settlements/runs',
      {
        preValidation: guards.requireOperator('policy_admin'),
        schema: {
          tags: ['settlement'],
          summary:
            'Settle a business day that is over; idempotent (a day pays once), one bounded pass per call',
          description:
            'Each call also asks the bank about payouts whose outcome was unknown and retries failed ones. ' +
            'When pass.more is true, call again to continue; the daily job continues on its own too.',
          body: RunBodySchema,
          response: { 200: RunReportSchema, ...problemResponses(400, 401, 403, 422) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return runReportView(await settlement.requestRun(tenantId, userId, request.body.businessDate));
      },
    );

    app.get(
      '/v1/operator/settlements',
      {
        preValidation: guards.requireOperator('policy_admin', 'auditor'),
        schema: {
          tags: ['settlement'],
          summary: "One business day's settlement: the run, totals and every merchant's statement",
          querystring: DayQuerySchema,
          response: { 200: DaySettlementsSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const businessDate = assertBusinessDate(request.query.businessDate);
        const limit = request.query.limit ?? PAGE_LIMIT_DEFAULT;
        const after = statementMerchantCursor.decode(request.query.cursor);
        const run = await settlement.run(tenantId, businessDate);
        const items = await settlement.statementsOfDay(tenantId, businessDate, {
          afterMerchantId: after ? after.merchantId : null,
          limit,
        });
        const last = items.at(-1);
        const merchants = await platform.merchants.getByIds(
          tenantId,
          items.map((item) => item.merchantId),
        );
        return {
          businessDate,
          run: run && runView(run),
          totals: await settlement.totals(tenantId, businessDate),
          items: items.map((item) => ({
            ...statementView(item),
            merchantName: merchants.get(item.merchantId)?.name ?? null,
            businessNumber: merchants.get(item.merchantId)?.businessNumber ?? null,
          })),
          nextCursor:
            items.length === limit && last
              ? statementMerchantCursor.encode({ merchantId: last.merchantId })
              : null,
        };
      },
    );
  };
}

function feeRuleRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { settlement, guards, clock } = platform;
  return async (app) => {
    app.get(
      '/v1/operator/settlements/fee-rules',
      {
        preValidation: guards.requireOperator('policy_admin', 'auditor'),
        schema: {
          tags: ['settlement'],
          summary: 'The merchant fee rule in force and every version (newest start first)',
          response: { 200: FeeRuleListSchema, ...problemResponses(401, 403) },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const inForce = await settlement.feeRuleAt(tenantId, clock.now());
        return {
          inForce: inForce && feeRuleView(inForce),
          items: (await settlement.feeRules(tenantId)).map(feeRuleView),
        };
      },
    );

    app.post(
      '/v1/operator/settlements/fee-rules',
      {
        preValidation: guards.requireOperator('policy_admin'),
        schema: {
          tags: ['settlement'],
          summary:
            'Schedule a merchant fee rule (from now or later); a business day uses the rule in force at its start',
          body: NewFeeRuleSchema,
          response: { 201: FeeRuleSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const created = await settlement.createFeeRule(tenantId, userId, {
          rateBp: request.body.rateBp,
          feeFreeAnnualRevenueUpToWon: request.body.feeFreeAnnualRevenueUpToWon ?? null,
          effectiveFrom: new Date(request.body.effectiveFrom),
          effectiveTo: request.body.effectiveTo ? new Date(request.body.effectiveTo) : null,
        });
        return reply.code(201).send(feeRuleView(created));
      },
    );
  };
}
