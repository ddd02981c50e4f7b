import { Type } from 'typebox';
import type { FeeRule, Payout, RunReport, SettlementRun, Statement, StatementDetail } from './types.js';

/** Request and response schemas of the settlement routes, and the views that fill the responses. */

export const BusinessDateSchema = Type.String({
  format: 'date',
  description: 'business day (영업일), YYYY-MM-DD in the tenant time zone',
});

const Won = (description?: string) => Type.Integer(description ? { description } : {});

const StatementStatusSchema = Type.Union(
  [
    Type.Literal('paying'),
    Type.Literal('paid'),
    Type.Literal('failed'),
    Type.Literal('nothing_to_pay'),
    Type.Literal('held'),
  ],
  {
    description:
      'paying: the bank has not confirmed yet; failed: the payout was refused and the money stays due (retried, ' +
      'else brought forward); nothing_to_pay: nothing payable, the balance is carried; held: a fraud case holds ' +
      "the merchant's payouts (hold_settlement or freeze_merchant), so fees are charged but nothing is paid and " +
      'the due is brought forward to the first statement after the release',
  },
);

const CommerceLinesSchema = Type.Object({
  channels: Type.Array(
    Type.Object({
      channel: Type.Union([Type.Literal('mall'), Type.Literal('delivery')]),
      ordersCount: Type.Integer(),
      grossWon: Type.Integer(),
      returnedWon: Type.Integer(),
      commissionFreeWon: Type.Integer({ description: "covered by the month's commission-free allowance" }),
      commissionRateBp: Type.Integer(),
      commissionWon: Type.Integer(),
    }),
  ),
  commissionWon: Type.Integer(),
  netWon: Type.Integer({ description: 'gross − returned − commission' }),
  privateAppRateBp: Type.Integer(),
  privateAppCostWon: Type.Integer({ description: 'what a private app would have taken of the same sales' }),
  savingWon: Type.Integer({ description: 'privateAppCostWon − commissionWon' }),
});

export const StatementSchema = Type.Object({
  id: Type.String(),
  merchantId: Type.String(),
  businessDate: BusinessDateSchema,
  periodStart: Type.String({ format: 'date-time' }),
  periodEnd: Type.String({ format: 'date-time' }),
  status: StatementStatusSchema,
  paymentsCount: Type.Integer(),
  grossWon: Won('sales of the day'),
  cancellationsCount: Type.Integer(),
  cancelledWon: Won('cancellations made that day, of any day’s sales'),
  fee: Type.Object({
    ruleId: Type.Union([Type.String(), Type.Null()]),
    rateBp: Type.Integer({ description: 'basis points: 100 = 1%' }),
    feeWon: Won('on sales net of cancellations, rounded down to the won'),
  }),
  netWon: Won('grossWon − cancelledWon − fee.feeWon'),
  commerce: Type.Union([CommerceLinesSchema, Type.Null()], {
    description:
      'online mall and delivery sales of the day, their commission and the saving against a private app',
  }),
  broughtForwardWon: Won(
    'owed from earlier days and not paid then; negative when cancellations exceeded sales',
  ),
  dueWon: Won('broughtForwardWon + netWon + commerce.netWon'),
  paidWon: Won('confirmed by the bank'),
  carriedWon: Won('dueWon − paidWon: stays in the receivable for the next settlement'),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const PayoutSchema = Type.Object({
  id: Type.String({ description: 'also the idempotency key sent to the bank' }),
  attempt: Type.Integer({ minimum: 1 }),
  amountWon: Type.Integer({ minimum: 1 }),
  bankAccount: Type.Object({ bankCode: Type.String(), accountNumberMasked: Type.String() }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  bankTransactionId: Type.Union([Type.String(), Type.Null()]),
  failure: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  unknownReason: Type.Union([Type.String(), Type.Null()], {
    description: 'why the outcome is not known yet; reconciled with the bank by the next run',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const StatementDetailSchema = Type.Object({
  ...StatementSchema.properties,
  payouts: Type.Array(PayoutSchema),
});

export const NextCursorSchema = Type.Union([Type.String(), Type.Null()], {
  description: 'pass as cursor for the next page; null on the last page',
});

export const StatementPageSchema = Type.Object({
  items: Type.Array(StatementSchema),
  nextCursor: NextCursorSchema,
});

const RunSchema = Type.Object({
  businessDate: BusinessDateSchema,
  status: Type.Union([Type.Literal('running'), Type.Literal('completed')]),
  requestedBy: Type.String({ description: 'who started the run: an operator id or system:scheduler' }),
  startedAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const TotalsSchema = Type.Object({
  statements: Type.Integer(),
  byStatus: Type.Object({
    paying: Type.Integer(),
    paid: Type.Integer(),
    failed: Type.Integer(),
    nothing_to_pay: Type.Integer(),
    held: Type.Integer(),
  }),
  grossWon: Type.Integer(),
  cancelledWon: Type.Integer(),
  feeWon: Type.Integer(),
  netWon: Type.Integer(),
  broughtForwardWon: Type.Integer({ description: 'what earlier days left unpaid, in this day’s due' }),
  dueWon: Type.Integer(),
  paidWon: Type.Integer(),
  carriedWon: Type.Integer(),
});

export const RunReportSchema = Type.Object({
  run: RunSchema,
  pass: Type.Object(
    {
      merchantsScanned: Type.Integer(),
      statementsCreated: Type.Integer(),
      payoutsStarted: Type.Integer(),
      payoutsResolved: Type.Integer({
        description: 'earlier payouts whose outcome was learnt from the bank',
      }),
      payoutsRetried: Type.Integer(),
      merchantsBlocked: Type.Integer({
        description: 'merchants skipped until an earlier payout past its hold is resolved',
      }),
      merchantsHeld: Type.Integer({
        description: 'statements made without a payout because a fraud case holds the merchant payouts',
      }),
      more: Type.Boolean({ description: 'a bound was hit: request the run again to continue' }),
    },
    { description: 'what this request did' },
  ),
  totals: TotalsSchema,
});

export const RunBodySchema = Type.Object(
  { businessDate: BusinessDateSchema },
  { additionalProperties: false },
);

export const DayQuerySchema = Type.Object({
  businessDate: BusinessDateSchema,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
});

export const DaySettlementsSchema = Type.Object({
  businessDate: BusinessDateSchema,
  run: Type.Union([RunSchema, Type.Null()]),
  totals: TotalsSchema,
  items: Type.Array(
    Type.Object({
      ...StatementSchema.properties,
      merchantName: Type.Union([Type.String(), Type.Null()], {
        description: 'the merchant as operators know it; null if the merchant is gone',
      }),
      businessNumber: Type.Union([Type.String(), Type.Null()], { description: '사업자등록번호' }),
    }),
  ),
  nextCursor: NextCursorSchema,
});

export const FeeRuleSchema = Type.Object({
  id: Type.String(),
  rateBp: Type.Integer({ description: 'basis points: 100 = 1%' }),
  feeFreeAnnualRevenueUpToWon: Type.Union([Type.Integer(), Type.Null()], {
    description: 'merchants whose declared annual revenue is at or under this pay 0%; null: no threshold',
  }),
  effectiveFrom: Type.String({ format: 'date-time' }),
  effectiveTo: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const NewFeeRuleSchema = Type.Object(
  {
    rateBp: Type.Integer({ minimum: 0, maximum: 10_000, description: 'basis points: 100 = 1%' }),
    feeFreeAnnualRevenueUpToWon: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()]),
    ),
    effectiveFrom: Type.String({ format: 'date-time', description: 'now or later; the latest start wins' }),
    effectiveTo: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const FeeRuleListSchema = Type.Object({
  inForce: Type.Union([FeeRuleSchema, Type.Null()], { description: 'the rule in force now; none means 0%' }),
  items: Type.Array(FeeRuleSchema),
});

export function statementView(statement: Statement) {
  return {
    id: statement.id,
    merchantId: statement.merchantId,
    businessDate: statement.businessDate,
    periodStart: statement.periodStart.toISOString(),
    periodEnd: statement.periodEnd.toISOString(),
    status: statement.status,
    paymentsCount: statement.paymentsCount,
    grossWon: statement.grossWon,
    cancellationsCount: statement.cancellationsCount,
    cancelledWon: statement.cancelledWon,
    fee: { ruleId: statement.feeRuleId, rateBp: statement.feeRateBp, feeWon: statement.feeWon },
    netWon: statement.netWon,
    commerce: statement.commerce,
    broughtForwardWon: statement.broughtForwardWon,
    dueWon: statement.dueWon,
    paidWon: statement.paidWon,
    carriedWon: statement.carriedWon,
    createdAt: statement.createdAt.toISOString(),
    updatedAt: statement.updatedAt.toISOString(),
  };
}

function payoutView(payout: Payout) {
  return {
    id: payout.id,
    attempt: payout.attempt,
    amountWon: payout.amountWon,
    bankAccount: { bankCode: payout.bankCode, accountNumberMasked: masked(payout.accountNumber) },
    status: payout.status,
    bankTransactionId: payout.bankTransactionId,
    failure:
      payout.failureCode === null ? null : { code: payout.failureCode, message: payout.failureMessage ?? '' },
    unknownReason: payout.status === 'pending' ? payout.unknownReason : null,
    createdAt: payout.createdAt.toISOString(),
    completedAt: payout.completedAt?.toISOString() ?? null,
  };
}

export function statementDetailView(detail: StatementDetail) {
  return { ...statementView(detail), payouts: detail.payouts.map(payoutView) };
}

export function runView(run: SettlementRun) {
  return {
    businessDate: run.businessDate,
    status: run.status,
    requestedBy: run.requestedBy,
    startedAt: run.startedAt.toISOString(),
    completedAt: run.completedAt?.toISOString() ?? null,
  };
}

export function runReportView(report: RunReport) {
  return { run: runView(report.run), pass: report.pass, totals: report.totals };
}

export function feeRuleView(rule: FeeRule) {
  return {
    id: rule.id,
    rateBp: rule.rateBp,
    feeFreeAnnualRevenueUpToWon: rule.feeFreeAnnualRevenueUpToWon,
    effectiveFrom: rule.effectiveFrom.toISOString(),
    effectiveTo: rule.effectiveTo?.toISOString() ?? null,
    createdBy: rule.createdBy,
    createdAt: rule.createdAt.toISOString(),
  };
}

/** Only the last four characters of an account number leave the server. */
function masked(accountNumber: string): string {
  const shown = accountNumber.slice(-4);
  return `${'*'.repeat(Math.max(0, accountNumber.length - shown.length))}${shown}`;
}
