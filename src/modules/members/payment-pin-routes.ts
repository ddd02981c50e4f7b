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

/**
 * What a member confirms money moves with: the payment PIN (결제 비밀번호), whether it is set and
 * setting or changing it; and the linked bank account that charges come from and refunds go to.
 */
export function paymentPinRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { paymentPins, members, guards } = platform;
  return async (app) => {
    app.get(
      '/v1/me/bank-account',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['members'],
          summary: 'The linked bank account (charges come from it, refunds go to it), with the number masked',
          response: {
            200: Type.Object({
              bankCode: Type.String({ description: "the bank's three-digit code, or SANDBOX" }),
              accountNumberMasked: Type.String({ description: 'only the last four digits shown' }),
            }),
            ...problemResponses(401),
          },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const account = await members.bankAccountOf(principal.tenantId, principal.userId);
        const digits = account.bankCode === 'SANDBOX' ? '' : account.accountNumber.replace(/\D/g, '');
        return { bankCode: account.bankCode, accountNumberMasked: digits ? `****${digits.slice(-4)}` : '' };
      },
    );

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
            'Set the payment PIN (six digits), or change it with the current one; once set, payments, payment codes, transfers, refunds, mall orders and donations need it in x-payment-pin. Of requests racing one member exactly one sets it: the others get 403 PAYMENT_PIN_REQUIRED (a first PIN was set meanwhile) or 409 PAYMENT_PIN_CHANGED (it was changed meanwhile)',
          body: Type.Object(
            {
              pin: Type.String({ maxLength: 16 }),
              currentPin: Type.Optional(Type.String({ maxLength: 16 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: PinStatusSchema, ...problemResponses(400, 401, 403, 409, 423) },
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
