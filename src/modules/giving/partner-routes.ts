import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { idempotencyKeyOf } from '../idempotency/idempotency.js';
import { decodeCsvBytes } from '../programs/csv.js';
import { IdempotencyHeaders } from '../wallets/schemas.js';
import {
  GIFT_ROWS_MAX,
  type Partner,
  type PartnerDeposit,
  type PartnerDetail,
  PartnerErrors,
  type PartnerGift,
  type PartnerStatement,
  type Pledge,
} from './partners.js';

/** A company's employee list is small; 2 MiB holds GIFT_ROWS_MAX rows of a phone and an amount. */
const GIFT_FILE_BYTES_MAX = 2 * 1024 * 1024;

const Won = (description: string) => Type.Integer({ description });

const PartnerSchema = Type.Object({
  partnerId: Type.String(),
  name: Type.String(),
  businessNumber: Type.String({ description: '사업자등록번호, 10 digits' }),
  contact: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const PartnerStatementSchema = Type.Object({
  ...PartnerSchema.properties,
  pledgedWon: Won('sum of the matching pledges’ caps'),
  depositedWon: Won('received from the company’s bank account'),
  paidWon: Won('matched plus gifted, less what came back from expired gifts'),
  matchedWon: Won('donations matched'),
  giftedWon: Won('gifts to employees'),
  reclaimedWon: Won('unspent gifts taken back into the deposit after they expired'),
  depositBalanceWon: Won('what the deposit holds now'),
});

const PledgeSchema = Type.Object({
  pledgeId: Type.String(),
  campaignId: Type.String(),
  rateBp: Type.Integer({ description: 'share of each donation matched, in basis points (10000 = 100%)' }),
  capWon: Won('most the pledge matches in all'),
  matchedWon: Won('matched so far'),
  createdAt: Type.String({ format: 'date-time' }),
});

const DepositSchema = Type.Object({
  depositId: Type.String(),
  amountWon: Won('amount asked from the company’s bank account'),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  failureCode: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

const GiftSchema = Type.Object({
  giftId: Type.String(),
  recipientCount: Type.Integer(),
  amountWon: Won('total given'),
  usableFrom: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  allowedIndustries: Type.Array(Type.String()),
  reclaimedWon: Won('unspent rest taken back after expiry'),
  reclaimedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

const PartnerDetailSchema = Type.Object({
  ...PartnerStatementSchema.properties,
  pledges: Type.Array(PledgeSchema),
  deposits: Type.Array(DepositSchema),
  gifts: Type.Array(GiftSchema),
});

const PartnerParams = Type.Object({ partnerId: Type.String({ maxLength: 64 }) });

const partnerJson = (p: Partner) => ({
  partnerId: p.id,
  name: p.name,
  businessNumber: p.businessNumber,
  contact: p.contact,
  createdAt: p.createdAt.toISOString(),
});
const statementJson = (s: PartnerStatement) => ({
  ...partnerJson(s),
  pledgedWon: s.pledgedWon,
  depositedWon: s.depositedWon,
  paidWon: s.paidWon,
  matchedWon: s.matchedWon,
  giftedWon: s.giftedWon,
  reclaimedWon: s.reclaimedWon,
  depositBalanceWon: s.depositBalanceWon,
});
const pledgeJson = (p: Pledge) => ({
  pledgeId: p.id,
  campaignId: p.campaignId,
  rateBp: p.rateBp,
  capWon: p.capWon,
  matchedWon: p.matchedWon,
  createdAt: p.createdAt.toISOString(),
});
const depositJson = (d: PartnerDeposit) => ({
  depositId: d.id,
  amountWon: d.amountWon,
  status: d.status,
  failureCode: d.failureCode,
  createdAt: d.createdAt.toISOString(),
});
const giftJson = (g: PartnerGift) => ({
  giftId: g.id,
  recipientCount: g.recipientCount,
  amountWon: g.amountWon,
  usableFrom: g.usableFrom.toISOString(),
  expiresAt: g.expiresAt.toISOString(),
  allowedIndustries: g.allowedIndustries,
  reclaimedWon: g.reclaimedWon,
  reclaimedAt: g.reclaimedAt?.toISOString() ?? null,
  createdAt: g.createdAt.toISOString(),
});
const detailJson = (d: PartnerDetail) => ({
  ...statementJson(d),
  pledges: d.pledges.map(pledgeJson),
  deposits: d.deposits.map(depositJson),
  gifts: d.gifts.map(giftJson),
});

/** 동행협약 partners: registration, deposits through the bank, matching pledges, gifts to employees. */
export function partnerRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { giving, guards, idempotency } = platform;
  const writer = guards.requireOperator('policy_admin');
  const reader = guards.requireOperator('policy_admin', 'auditor');
  return async (app) => {
    await app.register(giftRoutes(platform));
    app.post(
      '/v1/operator/partners',
      {
        preValidation: writer,
        schema: {
          tags: ['giving', 'operator'],
          summary: 'Register a 동행협약 partner company; its deposit gets its own ledger account',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              businessNumber: Type.String({
                maxLength: 20,
                description: '사업자등록번호: 123-45-67890 or 10 digits with a valid check digit',
              }),
              contact: Type.String({ minLength: 1, maxLength: 200, description: 'contact person and phone' }),
            },
            { additionalProperties: false },
          ),
          response: { 201: PartnerStatementSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const partner = await giving.partners.register(tenantId, userId, request.body);
        return reply.code(201).send(statementJson(await giving.partners.statement(tenantId, partner.id)));
      },
    );

    app.get(
      '/v1/operator/partners',
      {
        preValidation: reader,
        schema: {
          tags: ['giving', 'operator'],
          summary: 'Partner companies with what each pledged, deposited, paid, matched and gifted',
          response: {
            200: Type.Object({ items: Type.Array(PartnerStatementSchema) }),
            ...problemResponses(401, 403),
          },
        },
      },
      async (request) => ({
        items: (await giving.partners.list(userOf(request).tenantId)).map(statementJson),
      }),
    );

    app.get(
      '/v1/operator/partners/:partnerId',
      {
        preValidation: reader,
        schema: {
          tags: ['giving', 'operator'],
          summary: "A partner's statement: totals, pledges, deposits and gifts (newest first, 200 each)",
          params: PartnerParams,
          response: { 200: PartnerDetailSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) =>
        detailJson(await giving.partners.statement(userOf(request).tenantId, request.params.partnerId)),
    );

    app.post(
      '/v1/operator/partners/:partnerId/deposits',
      {
        preValidation: writer,
        schema: {
          tags: ['giving', 'operator'],
          summary: "Receive money from the company's bank account into the partner's deposit",
          description:
            'The bank is asked to move amountWon from the given account; on success the deposit account is credited. A retry with the same Idempotency-Key never moves the money twice; a pending answer is settled by retrying.',
          headers: IdempotencyHeaders,
          params: PartnerParams,
          body: Type.Object(
            {
              amountWon: Type.Integer({ minimum: 1 }),
              bankAccount: Type.Object(
                {
                  bankCode: Type.String({ minLength: 2, maxLength: 20 }),
                  accountNumber: Type.String({ minLength: 4, maxLength: 40 }),
                },
                { additionalProperties: false },
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            201: DepositSchema,
            202: DepositSchema,
            ...problemResponses(400, 401, 403, 404, 409, 422),
          },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const deposit = await giving.partners.deposit(
          tenantId,
          userId,
          request.params.partnerId,
          request.body,
          idempotencyKeyOf(request),
        );
        if (deposit.status === 'failed') throw PartnerErrors.bankDeclined(deposit.failureCode ?? 'REJECTED');
        return reply.code(deposit.status === 'pending' ? 202 : 201).send(depositJson(deposit));
      },
    );

    app.post(
      '/v1/operator/partners/:partnerId/pledges',
      {
        preValidation: writer,
        schema: {
          tags: ['giving', 'operator'],
          summary:
            'A matching pledge: rateBp of each donation to the campaign, up to capWon, from the deposit',
          description:
            'One active pledge (with cap left to match) per partner and campaign: a second is refused with 409 PLEDGE_ALREADY_ACTIVE; once its cap is used up, a new pledge may follow. Idempotent by Idempotency-Key.',
          headers: IdempotencyHeaders,
          params: PartnerParams,
          body: Type.Object(
            {
              campaignId: Type.String({ maxLength: 64 }),
              rateBp: Type.Integer({ description: '1-10000 (10000 = match 100%)' }),
              capWon: Type.Integer(),
            },
            { additionalProperties: false },
          ),
          response: { 201: PledgeSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        return idempotency.run(request, reply, { tenantId, principalId: userId }, async (tx) => {
          const pledge = await giving.partners.pledge(
            tenantId,
            userId,
            request.params.partnerId,
            request.body,
            tx,
          );
          return { statusCode: 201, body: pledgeJson(pledge) };
        });
      },
    );
  };
}

/** The gift file is the body as text/csv, decoded like programmes' recipient files (UTF-8, BOM, CP949). */
function giftRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { giving, guards, idempotency } = platform;
  return async (app) => {
    app.addContentTypeParser(
      'text/csv',
      { parseAs: 'buffer', bodyLimit: GIFT_FILE_BYTES_MAX },
      (request, body, done) => done(null, decodeCsvBytes(body as Buffer, request.headers['content-type'])),
    );
    app.post(
      '/v1/operator/partners/:partnerId/gifts',
      {
        preValidation: guards.requireOperator('policy_admin'),
        bodyLimit: GIFT_FILE_BYTES_MAX,
        schema: {
          tags: ['giving', 'operator'],
          summary: "Gifts to a partner's employees from a CSV list, paid from its deposit as grants",
          description: `Body: text/csv as Korean Excel saves it (UTF-8 with or without BOM, or CP949), header first: 전화번호,금액 (or phone,amountWon; memberId instead of phone). At most ${GIFT_ROWS_MAX} rows. Each employee gets a grant account with the gift's rules (usableFrom, expiresAt, allowedIndustries). All or nothing: any bad row (422 GIFT_FILE_INVALID with the rows) or a total beyond the deposit (409 INSUFFICIENT_DEPOSIT) gives nothing. Idempotent by Idempotency-Key.`,
          consumes: ['text/csv'],
          headers: IdempotencyHeaders,
          params: PartnerParams,
          querystring: Type.Object({
            expiresAt: Type.String({ format: 'date-time', description: 'the grants expire at this instant' }),
            usableFrom: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })),
            allowedIndustries: Type.Optional(
              Type.String({ maxLength: 500, description: 'comma-separated industry codes; empty = all' }),
            ),
          }),
          body: Type.String({ description: 'the employee list as text/csv' }),
          response: {
            201: GiftSchema,
            ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
          },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const { expiresAt, usableFrom, allowedIndustries } = request.query;
        return idempotency.run(request, reply, { tenantId, principalId: userId }, async (tx) => {
          const gift = await giving.partners.gift(
            tx,
            tenantId,
            userId,
            request.params.partnerId,
            request.body,
            {
              expiresAt: new Date(expiresAt),
              ...(usableFrom ? { usableFrom: new Date(usableFrom) } : {}),
              allowedIndustries: (allowedIndustries ?? '')
                .split(',')
                .map((code) => code.trim())
                .filter((code) => code.length > 0),
            },
          );
          return { statusCode: 201, body: giftJson(gift) };
        });
      },
    );
  };
}
