import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { IdempotencyHeaders } from '../wallets/schemas.js';
import type { FraudAction } from './fraud-service.js';
import {
  AlertQuerySchema,
  AlertSchema,
  CaseSchema,
  DecisionSchema,
  FreezeSchema,
  ListedFreezeSchema,
  NewCaseSchema,
  NoteSchema,
  OwnFreezeSchema,
  PrecisionSchema,
  ReleaseSchema,
} from './schemas.js';

/** Dates become ISO strings, as the response schemas declare them. */
const json = (value: unknown): never => JSON.parse(JSON.stringify(value)) as never;

export function fraudRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { fraud, guards, idempotency } = platform;
  const reader = guards.requireOperator('policy_admin', 'auditor');
  const writer = guards.requireOperator('policy_admin');
  const tags = ['fraud', 'operator'];
  return async (app) => {
    app.get(
      '/v1/operator/fraud/alerts',
      {
        preValidation: reader,
        schema: {
          tags,
          summary:
            "The alert queue ('깡' detection), highest score first; filter by status, rule, score, district",
          querystring: AlertQuerySchema,
          response: {
            200: Type.Object({ items: Type.Array(AlertSchema) }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => json({ items: await fraud.listAlerts(userOf(request).tenantId, request.query) }),
    );

    app.get(
      '/v1/operator/fraud/alerts/:alertId',
      {
        preValidation: reader,
        schema: {
          tags,
          summary: 'One alert with its explanation (Korean and English) and evidence',
          params: Type.Object({ alertId: Type.String({ maxLength: 64 }) }),
          response: { 200: AlertSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => json(await fraud.getAlert(userOf(request).tenantId, request.params.alertId)),
    );

    app.post(
      '/v1/operator/fraud/cases',
      {
        preValidation: writer,
        schema: {
          tags,
          summary: 'Open a case from open alerts (their evidence is snapshotted)',
          body: NewCaseSchema,
          response: { 201: CaseSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        return reply.code(201).send(json(await fraud.openCase(tenantId, userId, request.body)));
      },
    );

    app.get(
      '/v1/operator/fraud/cases',
      {
        preValidation: reader,
        schema: {
          tags,
          summary: 'Cases, newest first',
          querystring: Type.Object({
            status: Type.Optional(
              Type.Union([Type.Literal('open'), Type.Literal('dismissed'), Type.Literal('confirmed')]),
            ),
          }),
          response: {
            200: Type.Object({ items: Type.Array(CaseSchema) }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) =>
        json({ items: await fraud.listCases(userOf(request).tenantId, request.query.status) }),
    );

    app.get(
      '/v1/operator/fraud/cases/:caseId',
      {
        preValidation: reader,
        schema: {
          tags,
          summary: 'A case with its evidence snapshot, notes, decision and effects',
          params: Type.Object({ caseId: Type.String({ maxLength: 64 }) }),
          response: { 200: CaseSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => json(await fraud.getCase(userOf(request).tenantId, request.params.caseId)),
    );

    app.post(
      '/v1/operator/fraud/cases/:caseId/notes',
      {
        preValidation: writer,
        schema: {
          tags,
          summary: 'Add a note to a case (and optionally assign it)',
          params: Type.Object({ caseId: Type.String({ maxLength: 64 }) }),
          body: NoteSchema,
          response: { 200: CaseSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return json(await fraud.addNote(tenantId, userId, request.params.caseId, request.body));
      },
    );

    app.post(
      '/v1/operator/fraud/cases/:caseId/decision',
      {
        preValidation: writer,
        schema: {
          tags,
          summary: 'Dismiss a case (with a reason) or confirm it with actions',
          description:
            'Actions: freeze_member / freeze_merchant (payments, mall and delivery orders at checkout and at capture, transfers, donations and monthly gifts, refunds and payouts refused with ACCOUNT_FROZEN; a shop acting on a frozen customer is told only that the customer is frozen), claw_back (the cashback of the flagged payments back to the budget pots from the member cashback balance, and the programme grant and partner gift money they spent back to each programme pool or partner deposit from the merchant unsettled balance, by ledger transfers; what a balance cannot cover is recorded as a receivable, never a negative balance; a payment is clawed back at most once: payments an earlier case clawed back are skipped, and a case naming only such payments is refused with 409 FRAUD_ALREADY_CLAWED_BACK), hold_settlement. All or nothing. With an Idempotency-Key a retry replays the first answer; without one, a second decision is refused (FRAUD_CASE_CLOSED), so nothing applies twice.',
          params: Type.Object({ caseId: Type.String({ maxLength: 64 }) }),
          headers: IdempotencyHeaders,
          body: DecisionSchema,
          response: { 200: CaseSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const input = {
          decision: request.body.decision,
          reason: request.body.reason,
          actions: (request.body.actions ?? []) as FraudAction[],
        };
        const { caseId } = request.params;
        if (request.headers['idempotency-key'] === undefined)
          return json(await fraud.decide(tenantId, userId, caseId, input));
        return idempotency.run(request, reply, { tenantId, principalId: userId }, async (tx) => ({
          statusCode: 200,
          body: json(await fraud.decide(tenantId, userId, caseId, input, tx)),
        }));
      },
    );

    app.get(
      '/v1/operator/fraud/freezes',
      {
        preValidation: reader,
        schema: {
          tags,
          summary: 'Freezes and settlement holds, newest first',
          querystring: Type.Object({
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('released')])),
          }),
          response: {
            200: Type.Object({ items: Type.Array(ListedFreezeSchema) }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) =>
        json({ items: await fraud.listFreezes(userOf(request).tenantId, request.query.status) }),
    );

    app.post(
      '/v1/operator/fraud/freezes/:freezeId/release',
      {
        preValidation: writer,
        schema: {
          tags,
          summary: 'Release a freeze or settlement hold: the party can pay and be paid again',
          params: Type.Object({ freezeId: Type.String({ maxLength: 64 }) }),
          body: Type.Optional(ReleaseSchema),
          response: { 200: FreezeSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        const reason = request.body?.reason ?? 'released by operator';
        return json(await fraud.release(tenantId, userId, request.params.freezeId, reason));
      },
    );

    app.get(
      '/v1/me/freezes',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['fraud'],
          summary:
            'The freezes the signed-in person is under (their account, their shops): why, and how to appeal',
          response: {
            200: Type.Object({ items: Type.Array(OwnFreezeSchema) }),
            ...problemResponses(401),
          },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return json({ items: await fraud.freezesOf(tenantId, userId) });
      },
    );

    app.get(
      '/v1/operator/fraud/precision',
      {
        preValidation: reader,
        schema: {
          tags,
          summary: "Each rule's precision as measured by operators' decisions (confirmed / decided)",
          response: { 200: PrecisionSchema, ...problemResponses(401, 403) },
        },
      },
      async (request) => ({ items: await fraud.measuredPrecision(userOf(request).tenantId) }),
    );
  };
}
