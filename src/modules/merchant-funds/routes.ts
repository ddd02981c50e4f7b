import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { forbidden, userOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { idempotencyKeyOf } from '../idempotency/idempotency.js';
import { AmountWon, IdempotencyHeaders } from '../wallets/schemas.js';
import {
  FundApplicationRequestSchema,
  FundApplicationSchema,
  FundPoolReportSchema,
  FundStatusSchema,
  fundApplicationJson,
} from './schemas.js';

/** The merchant's owner (not a POS key) acting for the merchant chosen by requireMerchant. */
function owningMerchant(request: FastifyRequest): { tenantId: string; userId: string; merchantId: string } {
  const principal = request.principal;
  if (!principal || !request.actingMerchantId) throw new Error('requireMerchant did not run');
  if (principal.kind !== 'user')
    throw forbidden(
      'a POS key cannot apply for funds: sign in as the owner',
      '점주 계정으로 로그인해 신청하세요',
    );
  return { tenantId: principal.tenantId, userId: principal.userId, merchantId: request.actingMerchantId };
}

const ApplicationParams = Type.Object({ applicationId: Type.String({ minLength: 1, maxLength: 64 }) });

export function merchantFundRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { merchantFunds, guards, idempotency } = platform;
  const reviewer = guards.requireOperator('merchant_reviewer', 'policy_admin');
  return async (app) => {
    app.post(
      '/v1/merchant/fund-applications',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['merchant', 'merchant-funds'],
          summary: 'Apply for a management fund loan (소상공인 경영안정자금); the rules judge at once',
          description:
            'The application is recorded either as refused (with the rules that failed) or as pending_review for an operator. Idempotent by Idempotency-Key.',
          headers: IdempotencyHeaders,
          body: FundApplicationRequestSchema,
          response: { 201: FundApplicationSchema, ...problemResponses(400, 401, 403, 409, 503) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId, merchantId } = owningMerchant(request);
        return idempotency.run(request, reply, { tenantId, principalId: userId }, async (tx) => {
          const application = await merchantFunds.apply(tx, tenantId, userId, merchantId, request.body);
          return {
            statusCode: 201,
            body: fundApplicationJson({
              ...application,
              schedule: [],
              repaidWon: 0,
              outstandingWon: 0,
              overdue: false,
            }),
          };
        });
      },
    );

    app.get(
      '/v1/merchant/fund-applications',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['merchant', 'merchant-funds'],
          summary: "The merchant's fund applications, newest first, each with its repayment schedule",
          response: {
            200: Type.Object({ items: Type.Array(FundApplicationSchema) }),
            ...problemResponses(401, 403),
          },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = owningMerchant(request);
        return {
          items: (await merchantFunds.applicationsOfMerchant(tenantId, merchantId)).map(fundApplicationJson),
        };
      },
    );

    app.get(
      '/v1/operator/fund-applications',
      {
        preValidation: reviewer,
        schema: {
          tags: ['operator', 'merchant-funds'],
          summary: 'Fund applications for review (newest first, at most 200), optionally of one status',
          querystring: Type.Object(
            { status: Type.Optional(FundStatusSchema) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ items: Type.Array(FundApplicationSchema) }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const items = await merchantFunds.applicationsForReview(tenantId, request.query.status);
        return { items: items.map(fundApplicationJson) };
      },
    );

    app.post(
      '/v1/operator/fund-applications/:applicationId/approve',
      {
        preValidation: reviewer,
        schema: {
          tags: ['operator', 'merchant-funds'],
          summary: "Approve: the loan is paid to the merchant's settlement account through the bank, once",
          description:
            'Pays once however often it is sent. status is disbursed when the bank confirmed, and the same Idempotency-Key then answers the same body every time; disbursement_failed when it refused (nothing moved; approving again tries again). While the bank has not answered (the first request still waiting, or its answer lost: the application stays approved and a job reconciles it), the approval gets 409 IDEMPOTENCY_REQUEST_IN_PROGRESS with Retry-After: nothing moves twice; send it again with the same key. A merchant frozen by a fraud case, or whose payouts a case holds (hold_settlement), gets no loan: 409 FUND_MERCHANT_FROZEN (with freezeId, caseId, kind: merchant or settlement, applicationStatus), nothing moves and the application keeps its status, to be approved once the freeze is released; a disbursement already with the bank is seen through. 409 FUND_POOL_EXHAUSTED when the pool cannot cover the loan; 409 FUND_APPLICATION_NOT_REVIEWABLE when the application is not awaiting review.',
          headers: IdempotencyHeaders,
          params: ApplicationParams,
          response: { 200: FundApplicationSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const key = idempotencyKeyOf(request);
        const { tenantId, userId } = userOf(request);
        const answer = await merchantFunds.approve(tenantId, request.params.applicationId, userId, key);
        if (answer.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(200).send(answer.body);
      },
    );

    app.post(
      '/v1/operator/fund-applications/:applicationId/reject',
      {
        preValidation: reviewer,
        schema: {
          tags: ['operator', 'merchant-funds'],
          summary: 'Reject an application awaiting review, with the reason the merchant reads',
          params: ApplicationParams,
          body: Type.Object(
            { note: Type.String({ minLength: 1, maxLength: 500 }) },
            { additionalProperties: false },
          ),
          response: { 200: FundApplicationSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return fundApplicationJson(
          await merchantFunds.reject(tenantId, request.params.applicationId, userId, request.body.note),
        );
      },
    );

    app.post(
      '/v1/operator/fund-pool/fundings',
      {
        preValidation: guards.requireOperator('policy_admin'),
        schema: {
          tags: ['operator', 'merchant-funds'],
          summary: "Put the city's bank money into the fund pool (once per Idempotency-Key)",
          headers: IdempotencyHeaders,
          body: Type.Object({ amountWon: AmountWon }, { additionalProperties: false }),
          response: { 201: FundPoolReportSchema, ...problemResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        // The same per-request bound as every other public money put in (programmes, budgets, 동 pots).
        await platform.policy.assertAmountWithin(
          tenantId,
          'public_funding_per_request_max_won',
          request.body.amountWon,
          platform.clock.now(),
        );
        const key = idempotencyKeyOf(request);
        await merchantFunds.fundPool(tenantId, userId, `${userId}:${key}`, request.body.amountWon, key);
        return reply.code(201).send(await merchantFunds.poolReport(tenantId));
      },
    );

    app.get(
      '/v1/operator/fund-pool',
      {
        preValidation: guards.requireOperator(),
        schema: {
          tags: ['operator', 'merchant-funds'],
          summary: 'The fund pool: committed, disbursed, repaid, outstanding, subsidy paid (in bank money)',
          response: { 200: FundPoolReportSchema, ...problemResponses(401, 403) },
        },
      },
      async (request) => merchantFunds.poolReport(userOf(request).tenantId),
    );
  };
}
