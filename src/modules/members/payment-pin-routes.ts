import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import type { PinStatus } from './payment-pin.js';

const PinStatusSchema = Type.Object({
  isSet: Type.Boolean(),
  attemptsLeft: Type.Union([Type.Integer(), Type.Null()], {
    description: 'wrong PINs allowed before the lockout; null without a PIN',
  }),
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

function view(status: PinStatus) {
  return { ...status, lockedUntil: status.lockedUntil?.toISOString() ?? null };
}

/** The member's payment PIN (결제 비밀번호): whether it is set, and setting or changing it. */
export function paymentPinRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { paymentPins, guards } = platform;
  return async (app) => {
    app.get(
      '/v1/me/payment-pin',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['members'],
          summary: 'Whether a payment PIN is set, and attempts left before it locks',
          response: { 200: PinStatusSchema, ...problemResponses(401) },
        },
      },
      async (request) => {
        const principal = userOf(request);
        return view(await paymentPins.status(principal.tenantId, principal.userId));
      },
    );

    app.put(
      '/v1/me/payment-pin',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['members'],
          summary:
            'Set the payment PIN (six digits), or change it with the current one; once set, payments, transfers and refunds need it in x-payment-pin',
          body: Type.Object(
            {
              pin: Type.String({ maxLength: 16 }),
              currentPin: Type.Optional(Type.String({ maxLength: 16 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: PinStatusSchema, ...problemResponses(400, 401, 403, 423) },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const { pin, currentPin } = request.body;
        return view(await paymentPins.setPin(principal.tenantId, principal.userId, pin, currentPin));
      },
    );
  };
}
