import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { BankCallbackReceiver } from './callbacks.js';
import { SIGNATURE_HEADERS } from './signature.js';

const CALLBACK_BODY_BYTES_MAX = 16_384;

export function bankRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const receiver = new BankCallbackReceiver({
    // Callbacks are served by the home cluster's app; the charge is completed on its city's cluster,
    // named by the tenant in the signed event.
    wallets: {
      completeCharge: (tenantId, chargeId, outcome) =>
        (platform.clusters?.platformOf(tenantId) ?? platform).wallets.completeCharge(
          tenantId,
          chargeId,
          outcome,
        ),
    },
    clock: platform.clock,
    signingSecret: platform.config.bankSigningSecret,
  });
  return async (app) => {
    // The signature covers the exact bytes, so this scope keeps JSON bodies as text.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: CALLBACK_BODY_BYTES_MAX },
      (_request, body, done) => done(null, body),
    );
    app.post(
      '/v1/bank/callbacks',
      {
        schema: {
          tags: ['bank'],
          summary: 'Signed settlement callback from the bank (HMAC-SHA256 of "<bank-timestamp>.<raw body>")',
          headers: Type.Object({
            [SIGNATURE_HEADERS.timestamp]: Type.Optional(Type.String({ maxLength: 20 })),
            [SIGNATURE_HEADERS.signature]: Type.Optional(Type.String({ maxLength: 100 })),
          }),
          body: Type.String({ maxLength: CALLBACK_BODY_BYTES_MAX, description: 'a transfer.settled event' }),
          response: {
            200: Type.Object({
              eventId: Type.String(),
              result: Type.Union([
                Type.Literal('applied'),
                Type.Literal('duplicate'),
                Type.Literal('ignored'),
              ]),
            }),
            ...problemResponses(400, 401, 503),
          },
        },
      },
      async (request) =>
        receiver.receive(
          {
            timestamp: request.headers[SIGNATURE_HEADERS.timestamp],
            signature: request.headers[SIGNATURE_HEADERS.signature],
          },
          request.body,
        ),
    );
  };
}
