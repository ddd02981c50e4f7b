import { Type } from 'typebox';
import { AmountWon } from '../wallets/schemas.js';
import type { FundApplicationWithSchedule, FundPoolReport } from './types.js';

const STATUSES = [
  'refused',
  'pending_review',
  'approved',
  'disbursed',
  'disbursement_failed',
  'rejected',
] as const;
export const FundStatusSchema = Type.Enum(STATUSES, {
  description:
    'refused: the rules said no at once; pending_review: awaiting an operator; approved: being paid out; disbursed: paid, being repaid; disbursement_failed: the bank refused the payment (approve again to retry); rejected: an operator said no',
});

export const FundApplicationRequestSchema = Type.Object(
  {
    amountWon: AmountWon,
    purpose: Type.String({ minLength: 1, maxLength: 500, description: '자금 용도' }),
    termMonths: Type.Integer({ minimum: 1, maximum: 600, description: 'repayment term in months' }),
    openedOn: Type.Optional(
      Type.String({
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
        description:
          'the opening date on the business registration (개업일), checked by the reviewer; without it the merchant’s approval date on the platform counts',
      }),
    ),
  },
  { additionalProperties: false },
);

const ReasonSchema = Type.Object({
  rule: Type.String(),
  passed: Type.Boolean(),
  messageKo: Type.String(),
  messageEn: Type.String(),
});

const InstallmentSchema = Type.Object({
  seq: Type.Integer(),
  dueOn: Type.String({ description: 'local date YYYY-MM-DD' }),
  principalWon: Type.Integer(),
  interestWon: Type.Integer({ description: "a month's interest on the principal still owed" }),
  subsidyWon: Type.Integer({ description: 'the part of the interest the city pays (이차보전)' }),
  merchantPaysWon: Type.Integer(),
  status: Type.Union([Type.Literal('due'), Type.Literal('collecting'), Type.Literal('paid')]),
  overdue: Type.Boolean({ description: 'unpaid after its due date' }),
  attempts: Type.Integer(),
  lastFailureCode: Type.Union([Type.String(), Type.Null()]),
  paidAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const FundApplicationSchema = Type.Object({
  applicationId: Type.String(),
  merchantId: Type.String(),
  amountWon: Type.Integer(),
  purpose: Type.String(),
  termMonths: Type.Integer(),
  openedOn: Type.Union([Type.String(), Type.Null()]),
  status: FundStatusSchema,
  reasons: Type.Array(ReasonSchema),
  terms: Type.Object({
    interestRateBp: Type.Integer(),
    interestSubsidyBp: Type.Integer(),
    guaranteeFeeBp: Type.Integer(),
    guaranteeFeeReliefBp: Type.Integer({ description: 'the fee the merchant pays under 특례보증' }),
  }),
  bankAccount: Type.Object({ bankCode: Type.String(), accountNumber: Type.String() }),
  appliedAt: Type.String({ format: 'date-time' }),
  reviewedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  reviewNote: Type.Union([Type.String(), Type.Null()]),
  bankTransactionId: Type.Union([Type.String(), Type.Null()]),
  bankFailureCode: Type.Union([Type.String(), Type.Null()]),
  disbursedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  feeReliefWon: Type.Integer({ description: 'the guarantee fee the city pays for the merchant' }),
  repaidWon: Type.Integer(),
  outstandingWon: Type.Integer(),
  overdue: Type.Boolean(),
  schedule: Type.Array(InstallmentSchema),
});

export const FundPoolReportSchema = Type.Object({
  fundedWon: Type.Integer({ description: 'what the city put into the pool' }),
  availableWon: Type.Integer({ description: 'cash in the pool not lent or held' }),
  committedWon: Type.Integer({ description: 'approved loans, paid out or being paid out' }),
  disbursedWon: Type.Integer(),
  repaidWon: Type.Integer({ description: 'principal repaid' }),
  outstandingWon: Type.Integer({ description: 'principal still owed' }),
  pendingReviewWon: Type.Integer(),
  subsidyPaidWon: Type.Integer({ description: 'interest subsidy plus guarantee-fee relief' }),
  interestSubsidyWon: Type.Integer(),
  feeReliefWon: Type.Integer(),
  overdueInstallments: Type.Integer(),
  overduePrincipalWon: Type.Integer(),
  applications: Type.Record(Type.String(), Type.Integer(), { description: 'applications by status' }),
});

const iso = (at: Date | null) => (at ? at.toISOString() : null);

export type FundApplicationJson = ReturnType<typeof fundApplicationJson>;

export function fundApplicationJson(application: FundApplicationWithSchedule) {
  const { id, reviewedBy: _, appliedAt, reviewedAt, disbursedAt, schedule, ...rest } = application;
  return {
    applicationId: id,
    ...rest,
    appliedAt: appliedAt.toISOString(),
    reviewedAt: iso(reviewedAt),
    disbursedAt: iso(disbursedAt),
    schedule: schedule.map((row) => ({ ...row, paidAt: iso(row.paidAt) })),
  };
}

export function poolReportJson(report: FundPoolReport) {
  return report;
}
