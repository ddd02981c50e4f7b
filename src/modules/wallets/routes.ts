import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError } from '../../errors.js';
import { userOf } from '../../http/auth.js';
import { CursorKey, cursorCodec } from '../../http/cursor.js';
import { PageQuerySchema } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { idempotencyKeyOf } from '../idempotency/idempotency.js';
import { maskPhone } from '../members/phone.js';
import { transferLineDetailsForMember } from '../transfers/sender-view.js';
import { AmountWon, IdempotencyHeaders, WalletSchema } from './schemas.js';
import { HISTORY_LINE_TYPES, type HistoryLineType } from './types.js';

const ChargeResponse = Type.Object({
  chargeId: Type.String(),
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('pending'), Type.Literal('failed')]),
  amountWon: Type.Integer(),
  wallet: {
    ...WalletSchema,
    description:
      "the wallet as it stands when this answer is made: a retry with the same key answers the charge's current status (a pending charge may have completed) and the wallet of that moment",
  },
});

const ActivitySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  // An enum the serializer writes as a string: the web app reads the list from the OpenAPI document.
  type: Type.Unsafe<HistoryLineType>({ type: 'string', enum: [...HISTORY_LINE_TYPES] }),
  month: Type.String(),
  amountWon: Type.Integer({ description: 'change of the member total, signed' }),
  referenceId: Type.String(),
  merchantId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

const activityCursor = cursorCodec({ seq: CursorKey.seq });

const ONE_HISTORY_TYPE = `(${HISTORY_LINE_TYPES.join('|')})`;

export function walletRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { wallets, members, history, guards } = platform;

  /**
   * Entries written before transfers kept a counterpart snapshot carry the other member's id: it is
   * replaced by their name and masked phone, so no member ever reads another's internal id.
   */
  async function memberFacingDetails(tenantId: string, memberId: string, details: Record<string, unknown>) {
    const { senderId, recipientId, ...rest } = details;
    if (senderId === undefined && recipientId === undefined) return details;
    const otherId = senderId === memberId ? recipientId : senderId;
    const other = typeof otherId === 'string' ? await members.getMember(tenantId, otherId) : undefined;
    return { ...rest, counterpart: other ? { name: other.name, phoneMasked: maskPhone(other.phone) } : null };
  }

  return async (app) => {
    app.get(
      '/v1/me/wallet',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['wallet'],
          summary: 'Balances and this month against the caps',
          response: { 200: WalletSchema, ...problemResponses(401) },
        },
      },
      async (request) => {
        const principal = userOf(request);
        return wallets.wallet(principal.tenantId, principal.userId);
      },
    );

    app.post(
      '/v1/me/charges',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['wallet'],
          summary: 'Charge (충전) from the linked bank account, within the monthly and holding caps',
          headers: IdempotencyHeaders,
          body: Type.Object({ amountWon: AmountWon }, { additionalProperties: false }),
          response: {
            201: ChargeResponse,
            202: ChargeResponse,
            ...problemResponses(400, 401, 409, 422, 502),
          },
        },
      },
      async (request, reply) => {
        const principal = userOf(request);
        const key = idempotencyKeyOf(request);
        const bankAccount = await members.bankAccountOf(principal.tenantId, principal.userId);
        const charge = await wallets.charge(
          principal.tenantId,
          principal.userId,
          request.body.amountWon,
          key,
          bankAccount,
        );
        if (charge.status === 'failed') {
          throw new DomainError({
            code: 'BANK_DECLINED',
            httpStatus: 502,
            message: `the bank declined the charge: ${charge.failureMessage ?? charge.failureCode}`,
            messageKo: '은행이 출금을 거절했습니다. 잔액과 계좌를 확인해 주세요',
            details: { chargeId: charge.id, bankCode: charge.failureCode },
          });
        }
        const wallet = await wallets.wallet(principal.tenantId, principal.userId);
        // A retry continues its charge (a pending one may complete now), so it answers as it stands.
        if (charge.replayed) reply.header('idempotent-replayed', 'true');
        return reply
          .code(charge.status === 'succeeded' ? 201 : 202)
          .send({ chargeId: charge.id, status: charge.status, amountWon: charge.amountWon, wallet });
      },
    );

    app.get(
      '/v1/me/transactions',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['wallet'],
          summary:
            'History, newest first: every movement of the member (charges, auto-charges, payments with their source of funds and cashback, cancellations, transfers sent/received/returned, refunds (a line when the money is held for the bank, and a refund_returned line if the bank refuses), grants received/expired, orders, donations, cashback clawed back by a fraud case); other members appear by name and masked phone only, and on the lines of a transfer one sent (transfer_sent, transfer_returned) the recipient by the masked name the recipient lookup shows (김*밭)',
          querystring: Type.Intersect([
            PageQuerySchema,
            Type.Object({
              type: Type.Optional(
                Type.String({
                  maxLength: 400,
                  pattern: `^${ONE_HISTORY_TYPE}(,${ONE_HISTORY_TYPE})*$`,
                  description: `one type or several, comma-separated: ${HISTORY_LINE_TYPES.join(', ')}`,
                }),
              ),
              month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' })),
              merchantId: Type.Optional(Type.String({ maxLength: 64 })),
            }),
          ]),
          response: {
            200: Type.Object({
              items: Type.Array(ActivitySchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...problemResponses(400, 401),
          },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const limit = request.query.limit ?? 20;
        const cursor = activityCursor.decode(request.query.cursor);
        const items = await history.page(principal.tenantId, principal.userId, {
          types: request.query.type?.split(','),
          month: request.query.month,
          merchantId: request.query.merchantId,
          beforeSeq: cursor?.seq,
          limit,
        });
        const last = items.at(-1);
        return {
          items: await Promise.all(
            items.map(async ({ tenantId: _city, memberId: _self, ...item }) => ({
              ...item,
              at: item.at.toISOString(),
              // The sender's transfer lines name the recipient masked, lines stored before included.
              details: transferLineDetailsForMember(
                item.type,
                await memberFacingDetails(principal.tenantId, principal.userId, item.details),
              ),
            })),
          ),
          nextCursor: items.length === limit && last ? activityCursor.encode({ seq: last.seq }) : null,
        };
      },
    );

    const AutoChargeSchema = Type.Object({
      enabled: Type.Boolean(),
      amountWon: Type.Integer(),
      unitWon: Type.Integer({ description: 'amounts are multiples of this' }),
    });

    app.get(
      '/v1/me/auto-charge',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['wallet'],
          summary: 'Auto-charge (자동충전) setting',
          response: { 200: AutoChargeSchema, ...problemResponses(401) },
        },
      },
      async (request) => {
        const principal = userOf(request);
        return wallets.autoCharge(principal.tenantId, principal.userId);
      },
    );

    app.put(
      '/v1/me/auto-charge',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['wallet'],
          summary:
            'Turn auto-charge on or off: a payment short of funds first charges this amount (repeated as needed)',
          body: Type.Object(
            { enabled: Type.Boolean(), amountWon: AmountWon },
            { additionalProperties: false },
          ),
          response: { 200: AutoChargeSchema, ...problemResponses(400, 401) },
        },
      },
      async (request) => {
        const principal = userOf(request);
        return wallets.setAutoCharge(principal.tenantId, principal.userId, request.body);
      },
    );
  };
}
