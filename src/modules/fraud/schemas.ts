import { Type } from 'typebox';
import { FRAUD_RULES } from './rules.js';

export const FraudRuleSchema = Type.Union(FRAUD_RULES.map((rule) => Type.Literal(rule)));
export const AlertStatusSchema = Type.Union([
  Type.Literal('open'),
  Type.Literal('in_case'),
  Type.Literal('dismissed'),
  Type.Literal('confirmed'),
]);
export const FraudActionSchema = Type.Union([
  Type.Literal('freeze_member'),
  Type.Literal('freeze_merchant'),
  Type.Literal('claw_back'),
  Type.Literal('hold_settlement'),
]);
const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const CycleEdgeSchema = Type.Object({
  kind: Type.Union([Type.Literal('payment'), Type.Literal('transfer')]),
  id: Type.String(),
  from: Type.String({ description: 'member id (payer or sender)' }),
  to: Type.String({ description: "member id: the recipient, or the merchant's owner for a payment" }),
  merchantId: Nullable(Type.String()),
  amountWon: Type.Integer(),
  at: Type.Integer({ description: 'epoch milliseconds' }),
});

const Names = Type.Record(Type.String(), Type.String(), {
  description: 'display names of the members and merchants named here (id → name), so no raw id is shown',
});

export const AlertSchema = Type.Object({
  alertId: Type.String(),
  rule: FraudRuleSchema,
  subjectKind: Type.Union([Type.Literal('member'), Type.Literal('merchant'), Type.Literal('pair')]),
  subjectId: Type.String(),
  memberId: Nullable(Type.String()),
  merchantId: Nullable(Type.String()),
  district: Nullable(Type.String()),
  score: Type.Integer({
    minimum: 0,
    maximum: 100,
    description: '50 at the rule threshold, higher the further past it',
  }),
  status: AlertStatusSchema,
  explanation: Type.Object({ ko: Type.String(), en: Type.String() }),
  evidence: Type.Object({
    paymentIds: Type.Array(Type.String()),
    transferIds: Type.Array(Type.String()),
    cycle: Nullable(Type.Array(CycleEdgeSchema)),
  }),
  caseId: Nullable(Type.String()),
  firstSeenAt: Instant,
  lastSeenAt: Instant,
  names: Type.Optional(Names),
});

export const AlertQuerySchema = Type.Object({
  status: Type.Optional(AlertStatusSchema),
  rule: Type.Optional(FraudRuleSchema),
  minScore: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  district: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});

export const FreezeSchema = Type.Object({
  freezeId: Type.String(),
  kind: Type.Union([Type.Literal('member'), Type.Literal('merchant'), Type.Literal('settlement')]),
  partyId: Type.String(),
  caseId: Type.String(),
  reason: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('released')]),
  createdAt: Instant,
  releasedAt: Nullable(Instant),
});

export const ListedFreezeSchema = Type.Object({
  ...FreezeSchema.properties,
  partyName: Nullable(Type.String({ description: "the member's or merchant's name" })),
});

export const OwnFreezeSchema = Type.Object({
  freezeId: Type.String(),
  kind: Type.Union([Type.Literal('member'), Type.Literal('merchant'), Type.Literal('settlement')]),
  partyName: Nullable(Type.String({ description: "the merchant's name; null for the member's own account" })),
  caseId: Type.String({ description: 'quote it when appealing' }),
  reason: Type.String(),
  since: Instant,
  message: Type.Object(
    { ko: Type.String(), en: Type.String() },
    { description: 'why, what is refused, and how to appeal' },
  ),
});

export const CaseSchema = Type.Object({
  caseId: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('dismissed'), Type.Literal('confirmed')]),
  assignee: Nullable(Type.String()),
  notes: Type.Array(Type.Object({ at: Type.String(), by: Type.String(), text: Type.String() })),
  alertIds: Type.Array(Type.String()),
  evidence: Type.Array(AlertSchema, { description: 'the alerts as they were when the case was opened' }),
  decisionReason: Nullable(Type.String()),
  effects: Type.Object({
    freezes: Type.Array(FreezeSchema),
    clawbacks: Type.Array(
      Type.Object({
        paymentId: Type.String(),
        memberId: Type.String(),
        owedWon: Type.Integer(),
        clawedWon: Type.Integer({ description: 'moved back to the budget pots by a ledger transfer' }),
        receivableWon: Type.Integer({
          description: "what the member's cashback balance could not cover, owed",
        }),
      }),
    ),
    grantClawbacks: Type.Array(
      Type.Object({
        paymentId: Type.String(),
        merchantId: Type.String(),
        programId: Type.String({
          description: "the programme's id, or the partner gift's (pgf_…) for gift money",
        }),
        owedWon: Type.Integer({
          description: 'programme grant or partner gift money the flagged payment paid the merchant',
        }),
        clawedWon: Type.Integer({
          description:
            "moved from the merchant's unsettled balance back to the programme's pool (a partner gift's: the partner's deposit)",
        }),
        receivableWon: Type.Integer({ description: 'what the merchant had already been paid out, owed' }),
      }),
    ),
    actions: Type.Array(FraudActionSchema),
  }),
  createdBy: Type.String(),
  createdAt: Instant,
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Instant),
  names: Names,
});

export const NewCaseSchema = Type.Object(
  {
    alertIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 50 }),
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const NoteSchema = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 2000 }),
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const DecisionSchema = Type.Object(
  {
    decision: Type.Union([Type.Literal('dismissed'), Type.Literal('confirmed')]),
    reason: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'why; a dismissal feeds the rule’s measured precision',
    }),
    actions: Type.Optional(
      Type.Array(FraudActionSchema, { maxItems: 4, description: 'only with confirmed' }),
    ),
  },
  { additionalProperties: false },
);

export const ReleaseSchema = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) },
  { additionalProperties: false },
);

export const PrecisionSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      rule: Type.String(),
      confirmed: Type.Integer(),
      dismissed: Type.Integer(),
      precision: Nullable(Type.Number()),
    }),
  ),
});
