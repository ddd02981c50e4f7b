import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError, invalidInput } from '../../errors.js';
import { type Principal, userOf } from '../../http/auth.js';
import { CursorKey, cursorCodec } from '../../http/cursor.js';
import { PageQuerySchema } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { idempotencyKeyOf, idempotentRequestHash } from '../idempotency/idempotency.js';
import { type AutoChargeReceipt, payCoveringShortfall } from '../wallets/auto-charge.js';
import {
  AmountWon,
  CodePinHeaders,
  IdempotencyHeaders,
  PinHeaders,
  paymentPinOf,
} from '../wallets/schemas.js';
import { PaymentErrors } from './errors.js';
import { receiptOf } from './payment-records.js';
import { merchantSales } from './sales.js';
import {
  CancellationSchema,
  DailyTotalSchema,
  MemberReceiptSchema,
  MerchantReceiptSchema,
  SaleSchema,
} from './schemas.js';
import { memberFlagCodes, shopCashback, shopClawback } from './shop-view.js';

const DAY_MS = 86_400_000;
const SALES_RANGE_DAYS_MAX = 92;

/** Idempotency keys are scoped to who sent them: a person, or one POS key. */
function principalIdOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.userId : `pos:${principal.keyId}`;
}

function actingMerchantId(request: FastifyRequest): string {
  if (!request.actingMerchantId) throw new Error('requireMerchant did not run');
  return request.actingMerchantId;
}

const salesCursor = cursorCodec({ at: CursorKey.instant, id: CursorKey.text });

export function paymentRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { payments, cancellations, merchants, idempotency, guards, tenants } = platform;
  return async (app) => {
    app.post(
      '/v1/me/payments',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['payments'],
          summary:
            'Pay a merchant by its code (merchant-presented QR); earns cashback in the same transaction',
          headers: PinHeaders,
          body: Type.Object(
            { merchantCode: Type.String({ minLength: 1, maxLength: 32 }), amountWon: AmountWon },
            { additionalProperties: false },
          ),
          response: { 201: MemberReceiptSchema, ...problemResponses(400, 401, 403, 404, 409, 422, 423) },
        },
      },
      async (request, reply) => {
        const principal = userOf(request);
        await platform.paymentPins.verify(
          principal.tenantId,
          principal.userId,
          paymentPinOf(request.headers),
        );
        const { merchantCode, amountWon } = request.body;
        const order = {
          memberId: principal.userId,
          merchantCode,
          amountWon,
          idempotency: {
            principalId: principal.userId,
            key: idempotencyKeyOf(request),
            requestHash: idempotentRequestHash(request),
          },
        };
        const pay = async (autoCharge?: AutoChargeReceipt) => {
          const outcome = await payments.payAtMerchant(
            principal.tenantId,
            autoCharge ? { ...order, extraBody: { autoCharge } } : order,
          );
          const untyped = reply as FastifyReply;
          if (outcome.replayed) untyped.header('idempotent-replayed', 'true');
          return untyped.code(outcome.statusCode).send(outcome.body);
        };
        return payCoveringShortfall(
          platform,
          principal.tenantId,
          principal.userId,
          order.idempotency.key,
          pay,
        );
      },
    );

    app.post(
      '/v1/me/payment-codes',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['payments'],
          summary: 'A one-time payment code (customer-presented), single use, short-lived',
          headers: CodePinHeaders,
          response: {
            201: Type.Object({ code: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
            ...problemResponses(400, 401, 403, 423),
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
        const issued = await payments.issuePaymentCode(principal.tenantId, principal.userId);
        return reply.code(201).send({ code: issued.code, expiresAt: issued.expiresAt.toISOString() });
      },
    );

    app.get(
      '/v1/me/payment-preview',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['payments'],
          summary:
            'What a payment would do, before it is made: where the money comes from (after the auto-charge it would make first), or the shortfall, and the expected cashback; moves nothing',
          querystring: Type.Object({
            merchantCode: Type.String({ minLength: 1, maxLength: 32 }),
            amountWon: AmountWon,
          }),
          response: {
            200: Type.Object({
              merchantName: Type.String(),
              amountWon: Type.Integer(),
              paidFrom: Type.Union(
                [
                  Type.Object({
                    grantWon: Type.Integer(),
                    cashbackWon: Type.Integer(),
                    cashWon: Type.Integer(),
                  }),
                  Type.Null(),
                ],
                {
                  description:
                    'the split the payment would make, after the auto-charge (autoChargeWon) when there is one; null when it could not go through: the balance is short and auto-charge is off or could not cover it',
                },
              ),
              shortfallWon: Type.Integer({
                description:
                  'what the balance lacks before any auto-charge; 0 when it covers the amount. With paidFrom set, auto-charge covers it',
              }),
              autoChargeWon: Type.Integer({
                description:
                  "what the member's auto-charge would take from the bank first to cover the shortfall (whole auto-charge amounts, within the monthly charge cap and the holding cap); 0 when nothing is short, or auto-charge is off or could not cover it",
              }),
              expectedCashbackWon: Type.Integer({
                description:
                  'if paid now, on the cash part (cashback and grants are spent first); 0 when the payment could not go through (paidFrom null); the budget running low can give less',
              }),
              policyId: Type.Union([Type.String(), Type.Null()], {
                description:
                  'the cashback policy the expected cashback is quoted under; null when none is in force',
              }),
              validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
                description:
                  'when that policy next changes (its end, or the next version’s start): a payment made after it earns under the new rules, so the quote no longer holds; null when no change is scheduled',
              }),
            }),
            ...problemResponses(400, 401, 403, 404, 422),
          },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const { merchantCode, amountWon } = request.query;
        const preview = await payments.preview(principal.tenantId, principal.userId, merchantCode, amountWon);
        const { paidFrom } = preview;
        return {
          merchantName: preview.merchant.name,
          amountWon,
          paidFrom: paidFrom && {
            grantWon: paidFrom.grantWon,
            cashbackWon: paidFrom.cashbackWon,
            cashWon: paidFrom.cashWon,
          },
          shortfallWon: preview.shortfallWon,
          autoChargeWon: preview.autoChargeWon,
          expectedCashbackWon: preview.quote?.cashbackWon ?? 0,
          policyId: preview.quote?.policyId ?? null,
          validUntil: preview.validUntil?.toISOString() ?? null,
        };
      },
    );

    app.get(
      '/v1/me/payment-codes/:code',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['payments'],
          summary:
            'What became of your one-time code: waiting at the till, paid (with the receipt), its payment since cancelled by the shop in part or in full, or expired; poll it while the code is shown',
          params: Type.Object({ code: Type.String({ pattern: '^\\d{20}$' }) }),
          response: {
            200: Type.Object({
              status: Type.Union(
                [
                  Type.Literal('waiting'),
                  Type.Literal('paid'),
                  Type.Literal('partially_cancelled'),
                  Type.Literal('cancelled'),
                  Type.Literal('expired'),
                ],
                {
                  description:
                    'paid, partially_cancelled and cancelled come with the receipt of the payment as it was made; the last two once the shop has cancelled part or all of it',
                },
              ),
              receipt: Type.Union([MemberReceiptSchema, Type.Null()]),
              cancellation: Type.Union(
                [
                  Type.Object({
                    cancelledWon: Type.Integer({ description: 'cancelled by the shop so far' }),
                    remainingWon: Type.Integer({ description: 'what the payment still stands at' }),
                  }),
                  Type.Null(),
                ],
                { description: 'null unless the payment was cancelled in part or in full' },
              ),
            }),
            ...problemResponses(400, 401, 404),
          },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const found = await payments.paymentCodeStatus(
          principal.tenantId,
          principal.userId,
          request.params.code,
        );
        if (!found) {
          throw new DomainError({
            code: 'PAYMENT_CODE_NOT_FOUND',
            httpStatus: 404,
            message: 'you issued no such payment code',
            messageKo: '발급한 결제 코드가 아닙니다',
          });
        }
        const { status, payment } = found;
        if (!payment) return { status, receipt: null, cancellation: null };
        const merchant = await merchants.getById(principal.tenantId, payment.merchantId);
        if (!merchant) throw new Error(`merchant ${payment.merchantId} of payment ${payment.id} is missing`);
        const wallet = await platform.wallets.wallet(principal.tenantId, principal.userId);
        return {
          status,
          receipt: receiptOf(payment, merchant, wallet),
          cancellation:
            payment.cancelledWon === 0
              ? null
              : {
                  cancelledWon: payment.cancelledWon,
                  remainingWon: payment.amountWon - payment.cancelledWon,
                },
        };
      },
    );

    app.post(
      '/v1/merchant/payments',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['merchant'],
          summary:
            "Collect a payment from a customer's one-time code (POS key or owner session); the answer's cashback is what the shop's own rules and the rate give (lines and total), never what depends on who the customer is (a welfare extra, in a line or in the total) or that their month reached its cap; the member's receipt has it all",
          headers: IdempotencyHeaders,
          body: Type.Object(
            { code: Type.String({ pattern: '^\\d{20}$' }), amountWon: AmountWon },
            { additionalProperties: false },
          ),
          response: { 201: MerchantReceiptSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const principal = request.principal as Principal;
        const merchantId = actingMerchantId(request);
        return idempotency.run(
          request,
          reply,
          { tenantId: principal.tenantId, principalId: principalIdOf(principal) },
          async (tx) => {
            const { wallet: _memberWallet, ...receipt } = await payments.payWithCode(
              tx,
              principal.tenantId,
              merchantId,
              request.body.code,
              request.body.amountWon,
            );
            const policy = await platform.policy.cashbackPolicyAt(
              principal.tenantId,
              platform.clock.now(),
              tx,
            );
            return {
              statusCode: 201,
              body: { ...receipt, cashback: shopCashback(receipt.cashback, memberFlagCodes(policy)) },
            };
          },
        );
      },
    );

    app.post(
      '/v1/merchant/payments/:paymentId/cancellations',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['merchant'],
          summary: 'Cancel a payment in full (no body) or in part; cashback is clawed back in proportion',
          description:
            "cashbackClawback is the shop-rule share of the claw-back, as the till was shown the cashback: a customer's own extra (welfare) is not shown to the shop in the claw-back either. The member's history has the whole claw-back.",
          headers: IdempotencyHeaders,
          params: Type.Object({ paymentId: Type.String({ maxLength: 64 }) }),
          body: Type.Optional(
            Type.Object({ amountWon: Type.Optional(AmountWon) }, { additionalProperties: false }),
          ),
          response: { 201: CancellationSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const principal = request.principal as Principal;
        const merchant = await merchants.getById(principal.tenantId, actingMerchantId(request));
        if (!merchant) throw PaymentErrors.merchantNotFound();
        return idempotency.run(
          request,
          reply,
          { tenantId: principal.tenantId, principalId: principalIdOf(principal) },
          async (tx) => {
            const cancellation = await cancellations.cancel(
              tx,
              principal.tenantId,
              merchant,
              request.params.paymentId,
              request.body?.amountWon,
            );
            const payment = await payments.getPayment(principal.tenantId, cancellation.paymentId, tx);
            if (!payment) throw PaymentErrors.paymentNotFound();
            const policy = await platform.policy.cashbackPolicyAt(principal.tenantId, payment.createdAt, tx);
            const shownWon = shopCashback(payment.cashback, memberFlagCodes(policy)).amountWon;
            return {
              statusCode: 201,
              body: {
                ...cancellation,
                cashbackClawback: shopClawback(
                  cancellation.cashbackClawback,
                  shownWon,
                  payment.cashback.amountWon,
                ),
              },
            };
          },
        );
      },
    );

    app.get(
      '/v1/merchant/sales',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['merchant'],
          summary: "The merchant's own sales, newest first, with daily totals",
          querystring: Type.Intersect([
            PageQuerySchema,
            Type.Object({
              from: Type.Optional(Type.String({ format: 'date-time' })),
              to: Type.Optional(Type.String({ format: 'date-time' })),
            }),
          ]),
          response: {
            200: Type.Object({
              items: Type.Array(SaleSchema),
              dailyTotals: Type.Array(DailyTotalSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const principal = request.principal as Principal;
        const to = request.query.to
          ? new Date(request.query.to)
          : new Date(platform.clock.now().getTime() + 1);
        const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - 30 * DAY_MS);
        if (from >= to || to.getTime() - from.getTime() > SALES_RANGE_DAYS_MAX * DAY_MS) {
          throw invalidInput(
            `from must be before to, at most ${SALES_RANGE_DAYS_MAX} days apart`,
            '조회 기간이 올바르지 않습니다',
          );
        }
        const limit = request.query.limit ?? 20;
        const before = salesCursor.decode(request.query.cursor) ?? undefined;
        const timeZone = await tenants.timeZoneOf(principal.tenantId);
        const sales = await merchantSales(platform.db, principal.tenantId, actingMerchantId(request), {
          from,
          to,
          before,
          limit,
          timeZone,
        });
        const last = sales.items.at(-1);
        return {
          ...sales,
          nextCursor:
            sales.items.length === limit && last
              ? salesCursor.encode({ at: last.at, id: last.paymentId })
              : null,
        };
      },
    );
  };
}
