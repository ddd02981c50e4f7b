import { Type } from 'typebox';

export const WalletSchema = Type.Object({
  cashWon: Type.Integer({ description: 'charged money (충전금)' }),
  cashbackWon: Type.Integer(),
  grants: Type.Array(
    Type.Object({
      programId: Type.String(),
      accountId: Type.String(),
      amountWon: Type.Integer({
        description:
          'spendable won of the grant; 0 from its expiry on, before the expiry sweep takes the rest back',
      }),
      expiresAt: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  totalWon: Type.Integer(),
  month: Type.Object({
    month: Type.String({ description: 'YYYY-MM in the tenant time zone' }),
    chargedWon: Type.Integer(),
    chargeCapWon: Type.Integer(),
    eligibleSpendWon: Type.Integer({
      description:
        'spending this month that used up the cashback allowance (up to eligibleCapWon): spending whose cashback an empty or short budget did not pay is left out, so it is earned on once the city tops the budget up, and so is spending the rules gave nothing for (a delivery order at the channel’s 0% rate)',
    }),
    eligibleCapWon: Type.Integer(),
    cashbackWon: Type.Integer(),
  }),
});

export const AmountWon = Type.Integer({
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'whole won',
});

/** Declared optional so a missing key gets its own error code (IDEMPOTENCY_KEY_REQUIRED), not a schema error. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description:
        'required: 1-128 visible ASCII characters, not starting with "auto:" (the platform names auto-charges so); same key + same body = same result',
    }),
  ),
});

const PaymentPinHeader = Type.Optional(
  Type.String({
    maxLength: 16,
    description:
      "the member's six-digit payment PIN (결제 비밀번호); required once the member has set one (PUT /v1/me/payment-pin)",
  }),
);

/**
 * Every route where a member's money leaves the wallet (payments, transfers, refunds, mall orders,
 * donations): the idempotency key, and the payment PIN of a member who has set one (optional for
 * members without a PIN, so clients that predate PINs keep working).
 */
export const PinHeaders = Type.Object({
  ...IdempotencyHeaders.properties,
  'x-payment-pin': PaymentPinHeader,
});

/** A payment code moves nothing when it is issued, but whoever holds it can spend: the PIN, no key. */
export const CodePinHeaders = Type.Object({ 'x-payment-pin': PaymentPinHeader });

/** The PIN a request carries, if any. */
export function paymentPinOf(headers: Record<string, unknown>): string | undefined {
  const pin = headers['x-payment-pin'];
  return typeof pin === 'string' ? pin : undefined;
}
