import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Sql } from '../../db/database.js';
import { userOf } from '../../http/auth.js';
import { CursorKey, cursorCodec } from '../../http/cursor.js';
import { PageQuerySchema } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { maskName, maskPhone, normalizePhone } from '../members/phone.js';
import { AmountWon, IdempotencyHeaders, PinHeaders, paymentPinOf } from '../wallets/schemas.js';
import { TransferErrors } from './errors.js';
import { recipientNameForSender } from './sender-view.js';
import type { MemberTransfer } from './transfer-service.js';

const TransferSchema = Type.Object({
  transferId: Type.String(),
  direction: Type.Union([Type.Literal('incoming'), Type.Literal('outgoing')]),
  counterpartName: Type.String({
    description:
      "the other member's name: for the sender (direction outgoing) the recipient's name with its middle hidden (김*밭), as the recipient lookup shows it, whatever the transfer's state; for the recipient the sender's name",
  }),
  counterpartPhoneMasked: Type.String({ description: "the other member's phone with its middle hidden" }),
  amountWon: Type.Integer(),
  message: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('accepted'),
    Type.Literal('declined'),
    Type.Literal('cancelled'),
    Type.Literal('expired'),
  ]),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  resolvedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const TransferIdParams = Type.Object({ transferId: Type.String({ maxLength: 64 }) });

const transferCursor = cursorCodec({ at: CursorKey.instant, id: CursorKey.text });

export function transferRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { transfers, members, idempotency, guards } = platform;

  /**
   * What a member sees of a transfer: the other party's name and masked phone, never their id. The
   * sender sees the recipient's name masked, as the recipient lookup shows it; the recipient sees
   * the sender's name.
   */
  async function view(tenantId: string, memberId: string, transfer: MemberTransfer, tx?: Sql) {
    const outgoing = transfer.senderId === memberId;
    const counterpart = await members.getMember(
      tenantId,
      outgoing ? transfer.recipientId : transfer.senderId,
      tx,
    );
    return {
      transferId: transfer.id,
      direction: outgoing ? ('outgoing' as const) : ('incoming' as const),
      counterpartName: outgoing ? recipientNameForSender(counterpart?.name ?? '') : (counterpart?.name ?? ''),
      counterpartPhoneMasked: counterpart ? maskPhone(counterpart.phone) : '',
      amountWon: transfer.amountWon,
      message: transfer.message,
      status: transfer.status,
      createdAt: transfer.createdAt.toISOString(),
      expiresAt: transfer.expiresAt.toISOString(),
      resolvedAt: transfer.resolvedAt?.toISOString() ?? null,
    };
  }

  return async (app) => {
    app.post(
      '/v1/me/transfers',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['transfers'],
          summary:
            'Send charged money (송금) to a member by phone; held until they accept (3 days). The answer names the recipient masked (김*밭) and by masked phone, as the recipient lookup does',
          headers: PinHeaders,
          body: Type.Object(
            {
              recipientPhone: Type.String({ minLength: 10, maxLength: 13 }),
              amountWon: AmountWon,
              message: Type.Optional(Type.String({ maxLength: 100 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: TransferSchema, ...problemResponses(400, 401, 403, 404, 409, 422, 423) },
        },
      },
      async (request, reply) => {
        const principal = userOf(request);
        await platform.paymentPins.verify(
          principal.tenantId,
          principal.userId,
          paymentPinOf(request.headers),
        );
        return idempotency.run(
          request,
          reply,
          { tenantId: principal.tenantId, principalId: principal.userId },
          async (tx) => ({
            statusCode: 201,
            body: await view(
              principal.tenantId,
              principal.userId,
              await transfers.send(tx, principal.tenantId, principal.userId, request.body),
              tx,
            ),
          }),
        );
      },
    );

    app.get(
      '/v1/me/transfer-recipient',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['transfers'],
          summary:
            'Who a phone belongs to, before sending: the name with its middle hidden and the masked phone (never an id)',
          querystring: Type.Object({ phone: Type.String({ minLength: 10, maxLength: 13 }) }),
          response: {
            200: Type.Object({ nameMasked: Type.String(), phoneMasked: Type.String() }),
            ...problemResponses(400, 401, 404, 422),
          },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const phone = normalizePhone(request.query.phone);
        const recipient = phone ? await members.findByPhone(principal.tenantId, phone) : undefined;
        if (!recipient) throw TransferErrors.recipientNotFound();
        // The same answer the transfer itself would give, before the member types an amount.
        if (recipient.id === principal.userId) throw TransferErrors.toSelf();
        return { nameMasked: maskName(recipient.name), phoneMasked: maskPhone(recipient.phone) };
      },
    );

    app.get(
      '/v1/me/transfers',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['transfers'],
          summary:
            'Incoming or outgoing transfers, newest first; an outgoing transfer names its recipient masked for the sender (김*밭), as the recipient lookup does, an incoming one its sender by name',
          querystring: Type.Intersect([
            PageQuerySchema,
            Type.Object({ direction: Type.Union([Type.Literal('incoming'), Type.Literal('outgoing')]) }),
          ]),
          response: {
            200: Type.Object({
              items: Type.Array(TransferSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...problemResponses(400, 401),
          },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const limit = request.query.limit ?? 20;
        const before = transferCursor.decode(request.query.cursor) ?? undefined;
        const page = await transfers.list(
          principal.tenantId,
          principal.userId,
          request.query.direction,
          limit,
          before,
        );
        const last = page.at(-1);
        return {
          items: await Promise.all(
            page.map((transfer) => view(principal.tenantId, principal.userId, transfer)),
          ),
          nextCursor:
            page.length === limit && last
              ? transferCursor.encode({ at: last.createdAt.toISOString(), id: last.id })
              : null,
        };
      },
    );

    const actions = [
      ['accept', 'Accept an incoming transfer: the money becomes yours', transfers.accept.bind(transfers)],
      ['decline', 'Decline an incoming transfer: the money goes back', transfers.decline.bind(transfers)],
      [
        'cancel',
        'Cancel your transfer before it is accepted; the recipient stays masked for the sender (김*밭), as the recipient lookup shows them',
        transfers.cancel.bind(transfers),
      ],
    ] as const;
    for (const [action, summary, act] of actions) {
      app.post(
        `/v1/me/transfers/:transferId/${action}`,
        {
          preValidation: guards.requireUser,
          schema: {
            tags: ['transfers'],
            summary,
            headers: IdempotencyHeaders,
            params: TransferIdParams,
            response: { 200: TransferSchema, ...problemResponses(400, 401, 404, 409, 422) },
          },
        },
        async (request, reply) => {
          const principal = userOf(request);
          return idempotency.run(
            request,
            reply,
            { tenantId: principal.tenantId, principalId: principal.userId },
            async (tx) => ({
              statusCode: 200,
              body: await view(
                principal.tenantId,
                principal.userId,
                await act(tx, principal.tenantId, principal.userId, request.params.transferId),
                tx,
              ),
            }),
          );
        },
      );
    }
  };
}
