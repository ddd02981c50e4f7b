import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError } from '../../errors.js';
import { userOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { idempotencyKeyOf } from '../idempotency/idempotency.js';
import { PinHeaders, paymentPinOf, WalletSchema } from '../wallets/schemas.js';
import type { Refund } from './refund-service.js';

const RuleSchema = Type.Object({
  code: Type.String(),
  descriptionKo: Type.String(),
  descriptionEn: Type.String(),
  usedBp: Type.Integer({ description: 'share of charged money used, in basis points' }),
  daysSinceLastCharge: Type.Union([Type.Integer(), Type.Null()]),
});

const RefundSchema = Type.Object({
  refundId: Type.String(),
  amountWon: Type.Integer(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('paid'), Type.Literal('failed')]),
  rule: RuleSchema,
  createdAt: Type.String({ format: 'date-time' }),
});

/**
 * A refund always pays back the whole refundable rest, so the body has no fields: a property such as
 * `amountWon` is refused rather than ignored, or a client that believes it asked for part of its
 * money would see all of it sent to the bank.
 */
const RefundBody = Type.Optional(
  Type.Object(
    {},
    {
      additionalProperties: false,
      description: 'no body, or {}: the refund is always the whole refundable rest, never a chosen amount',
    },
  ),
);

function view(refund: Refund) {
  return {
    refundId: refund.id,
    amountWon: refund.amountWon,
    status: refund.status,
    rule: refund.rule,
    createdAt: refund.createdAt.toISOString(),
  };
}

const RefundWallet = {
  ...WalletSchema,
  description:
    "the wallet as it stands when this answer is made: a retry with the same key answers the refund's current status and the wallet of that moment",
};

export function refundRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { refunds, wallets, guards } = platform;
  return async (app) => {
    app.post(
      '/v1/me/refunds',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['wallet'],
          summary:
            'Refund (환불) the rest of the charged money to the bank: in full within 7 days of a charge, else once 60% was used',
          headers: PinHeaders,
          body: RefundBody,
          response: {
            201: Type.Intersect([RefundSchema, Type.Object({ wallet: RefundWallet })]),
            202: Type.Intersect([RefundSchema, Type.Object({ wallet: RefundWallet })]),
            ...problemResponses(400, 401, 403, 409, 422, 423, 502),
          },
        },
      },
      async (request, reply) => {
        const principal = userOf(request);
        await platform.paymentPins.verify(
          principal.tenantId,
          principal.userId,
          paymentPinOf(request.headers),
        );
        const refund = await refunds.requestRefund(
          principal.tenantId,
          principal.userId,
          idempotencyKeyOf(request),
        );
        const wallet = await wallets.wallet(principal.tenantId, principal.userId);
        if (refund.status === 'failed') {
          throw new DomainError({
            code: 'REFUND_PAYOUT_FAILED',
            httpStatus: 502,
            message: 'the bank could not pay the refund; the money is back in your wallet',
            messageKo: '은행 입금에 실패해 충전금을 지갑으로 되돌렸습니다',
            details: { refundId: refund.id },
          });
        }
        return reply.code(refund.status === 'paid' ? 201 : 202).send({ ...view(refund), wallet });
      },
    );

    app.get(
      '/v1/me/refund-preview',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['wallet'],
          summary:
            'What a refund would pay now, and the rule that decides it, before you confirm; nothing moves',
          description:
            'The same rule and facts as POST /v1/me/refunds at this moment: amountWon is what it would send to the bank (0 when refused, with the rule saying why). Money can arrive or leave between the preview and the refund; the refund pays what the rule allows then.',
          response: {
            200: Type.Object({
              allowed: Type.Boolean(),
              amountWon: Type.Integer({ minimum: 0 }),
              rule: RuleSchema,
            }),
            ...problemResponses(401, 403),
          },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const decision = await refunds.preview(principal.tenantId, principal.userId);
        return {
          allowed: decision.allowed,
          amountWon: decision.allowed ? decision.amountWon : 0,
          rule: decision.rule,
        };
      },
    );

    app.get(
      '/v1/me/refunds',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['wallet'],
          summary: 'Your refunds, newest first',
          response: { 200: Type.Object({ items: Type.Array(RefundSchema) }), ...problemResponses(401) },
        },
      },
      async (request) => {
        const principal = userOf(request);
        return { items: (await refunds.list(principal.tenantId, principal.userId)).map(view) };
      },
    );
  };
}
