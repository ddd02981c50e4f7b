import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { idempotencyKeyOf } from '../idempotency/idempotency.js';
import { IdempotencyHeaders } from '../wallets/schemas.js';
import type { BudgetPotSummary } from './types.js';

const Won = (description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const Instant = (description: string) => Type.String({ format: 'date-time', description });

const PotSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  period: Type.Union([Type.Literal('annual'), Type.Literal('monthly')]),
  from: Instant('start of the period'),
  to: Instant('end of the period (exclusive)'),
  nationalShareBp: Type.Integer({ minimum: 0, maximum: 10_000 }),
  annualPotId: Type.Union([Type.String(), Type.Null()]),
  accounts: Type.Array(
    Type.Object({
      source: Type.Union([Type.Literal('national'), Type.Literal('city')]),
      accountId: Type.String(),
    }),
  ),
  fundedWon: Won('total funded, all sources'),
  movedToMonthlyWon: Won('carved out into monthly pots'),
  spentWon: Won('cashback paid out, net of clawbacks'),
  remainingWon: Won('what the pot can still pay'),
  createdAt: Instant('when the pot was created'),
});

const NewPotSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    period: Type.Union([Type.Literal('annual'), Type.Literal('monthly')]),
    from: Instant('start of the period'),
    to: Instant(
      'end of the period (exclusive): at most 366 days after from for an annual pot, 31 for a monthly one; not yet passed',
    ),
    amountWon: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    nationalShareBp: Type.Integer({
      minimum: 0,
      maximum: 10_000,
      description: 'national share of the funding',
    }),
  },
  { additionalProperties: false },
);

const TopUpSchema = Type.Object(
  { amountWon: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);

const BurnSchema = Type.Object({
  potId: Type.String(),
  months: Type.Array(
    Type.Object({ month: Type.String({ description: 'YYYY-MM' }), spentWon: Type.Integer() }),
  ),
  remainingWon: Won('what the pot can still pay'),
  averageDailySpentWon: Won('pace over the last 30 days'),
  projectedExhaustionDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  exhaustsBeforePeriodEnd: Type.Boolean(),
});

const PotParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

function potJson(pot: BudgetPotSummary) {
  return {
    id: pot.id,
    name: pot.name,
    period: pot.period,
    from: pot.from.toISOString(),
    to: pot.to.toISOString(),
    nationalShareBp: pot.nationalShareBp,
    annualPotId: pot.annualPotId,
    accounts: pot.accounts,
    fundedWon: pot.fundedWon,
    movedToMonthlyWon: pot.movedToMonthlyWon,
    spentWon: pot.spentWon,
    remainingWon: pot.remainingWon,
    createdAt: pot.createdAt.toISOString(),
  };
}

export function budgetRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { budgets, guards, policy, clock } = platform;
  const withinFundingLimit = (tenantId: string, amountWon: number) =>
    policy.assertAmountWithin(tenantId, 'public_funding_per_request_max_won', amountWon, clock.now());
  return async (app) => {
    app.get(
      '/v1/operator/budgets',
      {
        preValidation: guards.requireOperator('policy_admin', 'auditor'),
        schema: {
          tags: ['budgets'],
          summary: 'Cashback budget pots with funded, spent and remaining amounts',
          querystring: Type.Object({ at: Type.Optional(Instant('only pots covering this instant')) }),
          response: {
            200: Type.Object({ items: Type.Array(PotSchema) }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const at = request.query.at === undefined ? undefined : new Date(request.query.at);
        return { items: (await budgets.listPots(tenantId, at)).map(potJson) };
      },
    );

    app.post(
      '/v1/operator/budgets',
      {
        preValidation: guards.requireOperator('policy_admin'),
        schema: {
          tags: ['budgets'],
          summary:
            'Create a pot for a period not yet over (at most a year, or a month) and fund it (a monthly pot is carved out of its annual pot); idempotent by Idempotency-Key',
          headers: IdempotencyHeaders,
          body: NewPotSchema,
          response: { 201: PotSchema, ...problemResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const idempotencyKey = idempotencyKeyOf(request);
        await withinFundingLimit(tenantId, request.body.amountWon);
        const pot = await budgets.createPot(tenantId, userId, {
          ...request.body,
          from: new Date(request.body.from),
          to: new Date(request.body.to),
          idempotencyKey,
        });
        return reply.code(201).send(potJson(pot));
      },
    );

    app.post(
      '/v1/operator/budgets/:id/top-ups',
      {
        preValidation: guards.requireOperator('policy_admin'),
        schema: {
          tags: ['budgets'],
          summary: 'Add funding to a pot whose period is not over; idempotent by Idempotency-Key',
          description:
            'Answers the pot as it stands once the top-up is in. A retry with the same key adds nothing and answers the pot as it stands then (its figures may have moved since).',
          params: PotParams,
          headers: IdempotencyHeaders,
          body: TopUpSchema,
          response: { 200: PotSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        const key = idempotencyKeyOf(request);
        await withinFundingLimit(tenantId, request.body.amountWon);
        return potJson(await budgets.topUp(tenantId, userId, request.params.id, request.body.amountWon, key));
      },
    );

    app.get(
      '/v1/operator/budgets/:id/burn',
      {
        preValidation: guards.requireOperator('policy_admin', 'auditor'),
        schema: {
          tags: ['budgets'],
          summary: 'Monthly cashback spent from a pot and its projected exhaustion date',
          params: PotParams,
          response: { 200: BurnSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        return budgets.burn(tenantId, request.params.id);
      },
    );
  };
}
