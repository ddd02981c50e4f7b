import { type Static, Type } from 'typebox';

/**
 * The wire format of the open-banking style API that the sandbox bank serves and HttpBankGateway
 * calls: one source for both sides, so they cannot drift apart.
 */

export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7e]{1,128}$';
export const AMOUNT_WON_MAX = 1_000_000_000_000;
export const STATEMENT_PAGE_MAX = 500;

export const AccountRefSchema = Type.Object(
  {
    bankCode: Type.String({ minLength: 1, maxLength: 16, pattern: '^[0-9A-Za-z_-]+$' }),
    accountNumber: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z_-]+$' }),
  },
  { additionalProperties: false },
);

export const TransferRequestSchema = Type.Object(
  {
    account: AccountRefSchema,
    amountWon: Type.Integer({ minimum: 1, maximum: AMOUNT_WON_MAX }),
    memo: Type.String({ maxLength: 200 }),
    tenantId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z_-]+$' })),
  },
  { additionalProperties: false },
);
export type TransferRequestBody = Static<typeof TransferRequestSchema>;

export const IdempotencyHeadersSchema = Type.Object({
  'idempotency-key': Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN }),
});

export const TransferKeyParamsSchema = Type.Object({
  idempotencyKey: Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN }),
});

export const FailureCodeSchema = Type.Union([
  Type.Literal('INSUFFICIENT_FUNDS'),
  Type.Literal('ACCOUNT_NOT_FOUND'),
  Type.Literal('REJECTED'),
]);

/** A request's final answer: 200 when it succeeded, 422 when the bank refused it (nothing moved). */
export const TransferOutcomeSchema = Type.Union([
  Type.Object({
    idempotencyKey: Type.String(),
    status: Type.Literal('succeeded'),
    bankTransactionId: Type.String(),
  }),
  Type.Object({
    idempotencyKey: Type.String(),
    status: Type.Literal('failed'),
    code: FailureCodeSchema,
    message: Type.String(),
  }),
]);
export type TransferOutcomeBody = Static<typeof TransferOutcomeSchema>;

/** Any answer that is not an outcome: an unknown transfer, a conflicting key, a fault. */
export const BankErrorSchema = Type.Object({ code: Type.String(), message: Type.String() });
export type BankErrorBody = Static<typeof BankErrorSchema>;

export const TransferKindSchema = Type.Union([Type.Literal('withdrawal'), Type.Literal('deposit')]);
export type TransferKind = Static<typeof TransferKindSchema>;

export const StatementQuerySchema = Type.Object({
  since: Type.Optional(Type.Integer({ minimum: 0, description: 'the last seq already read' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: STATEMENT_PAGE_MAX })),
});

export const StatementLineSchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  idempotencyKey: Type.String(),
  bankTransactionId: Type.String(),
  kind: TransferKindSchema,
  account: AccountRefSchema,
  counterAccount: AccountRefSchema,
  amountWon: Type.Integer(),
  tenantId: Type.Union([Type.String(), Type.Null()]),
  memo: Type.String(),
});
export type StatementLine = Static<typeof StatementLineSchema>;

export const StatementSchema = Type.Object({
  transactions: Type.Array(StatementLineSchema),
  /** Pass as `since` to read on; equal to the given `since` when nothing new was applied. */
  nextSince: Type.Integer(),
  /** The page was full: more lines are waiting now. */
  more: Type.Boolean(),
});

export const AccountBalanceSchema = Type.Object({
  account: AccountRefSchema,
  balanceWon: Type.Integer(),
  closed: Type.Boolean(),
});

/** What the bank posts to the platform when it settles a request, signed (see signature.ts). */
export const CallbackEventSchema = Type.Object({
  /** Stable per settled transfer: a re-delivery carries the same id. */
  eventId: Type.String({ minLength: 1, maxLength: 64 }),
  type: Type.Literal('transfer.settled'),
  occurredAt: Type.String({ format: 'date-time' }),
  transfer: Type.Object({
    kind: TransferKindSchema,
    tenantId: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    amountWon: Type.Integer(),
    outcome: TransferOutcomeSchema,
  }),
});
export type CallbackEvent = Static<typeof CallbackEventSchema>;
