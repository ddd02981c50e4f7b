import { Type } from 'typebox';
import type { MemberProgram, ProgramReport, ProgramView, Recipient, RecipientStatus } from './types.js';
import { ALLOWED_CODES_MAX, PROGRAM_NAME_LENGTH_MAX } from './validation.js';

const Won = (description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const PositiveWon = (description: string) =>
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description });
const Instant = (description: string) => Type.String({ format: 'date-time', description });
const NullableInstant = (description: string) => Type.Union([Instant(description), Type.Null()]);
const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Codes = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: ALLOWED_CODES_MAX, description });

export const ProgramParams = Type.Object({
  programId: Type.String({ pattern: '^prg_[A-Za-z0-9_-]{8,40}$', description: 'programme id (prg_…)' }),
});

export const NewProgramSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: PROGRAM_NAME_LENGTH_MAX,
      description: 'e.g. 긴급재난생계지원금',
    }),
    budgetWon: PositiveWon('moved from the funding sources into the programme pool at creation'),
    nationalShareBp: Type.Integer({
      minimum: 0,
      maximum: 10_000,
      description: 'funding source: 10000 = national funds only, 0 = city funds only, between = a split',
    }),
    recipientAmountWon: Type.Optional(
      PositiveWon(
        'the grant of every recipient whose CSV row names no amount; omit to require per-row amounts',
      ),
    ),
    recipientAmountMaxWon: Type.Optional(
      PositiveWon('no recipient receives more; defaults to recipientAmountWon'),
    ),
    usableFrom: Instant('grants can be spent from this instant'),
    expiresAt: Instant('end of the usage window: the unused rest returns to the programme pool'),
    allowedIndustries: Type.Optional(Codes('industry codes where grants can be spent; empty = all')),
    allowedDistricts: Type.Optional(Codes('district codes where grants can be spent; empty = all')),
    requiresApplication: Type.Optional(
      Type.Boolean({
        description: 'recipients are only eligible and are paid when they apply',
        default: false,
      }),
    ),
    donationAllowed: Type.Optional(
      Type.Boolean({
        description:
          "recipients may give their grant to a charity (POST /v1/me/donations with source 'grant')",
        default: false,
      }),
    ),
  },
  { additionalProperties: false },
);

const DisbursementSchema = Type.Object({
  status: Type.Union(
    [
      Type.Literal('not_requested'),
      Type.Literal('running'),
      Type.Literal('completed'),
      Type.Literal('stopped_at_expiry'),
    ],
    { description: 'stopped_at_expiry: the window closed before everyone was paid' },
  ),
  requestedBy: Type.Union([Type.String(), Type.Null()]),
  requestedAt: NullableInstant('when the last disbursement was requested'),
  finishedAt: NullableInstant('when the last run ended'),
  lastError: Type.Union([Type.String(), Type.Null()], {
    description: 'why the background run last stopped; the scheduled job retries it',
  }),
  totalCount: Count('recipients on the list'),
  totalWon: Won('their grants'),
  disbursedCount: Count('recipients paid'),
  disbursedWon: Won('paid into grants'),
  remainingCount: Count('recipients not paid yet (for application programmes: not applied yet)'),
  remainingWon: Won('their grants'),
});

export const ProgramSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phase: Type.Union([Type.Literal('scheduled'), Type.Literal('open'), Type.Literal('expired')], {
    description: 'before, inside or after the usage window',
  }),
  budgetWon: Won('budget, all sources'),
  nationalShareBp: Type.Integer({ minimum: 0, maximum: 10_000 }),
  funding: Type.Object({ nationalWon: Won('from national funds'), cityWon: Won('from city funds') }),
  recipientAmountWon: Type.Union([PositiveWon('default grant per recipient'), Type.Null()]),
  recipientAmountMaxWon: PositiveWon('per-recipient limit'),
  usableFrom: Instant('start of the usage window'),
  expiresAt: Instant('end of the usage window'),
  allowedIndustries: Type.Array(Type.String()),
  allowedDistricts: Type.Array(Type.String()),
  requiresApplication: Type.Boolean(),
  donationAllowed: Type.Boolean(),
  poolAccountId: Type.String({ description: 'ledger account holding the undisbursed budget' }),
  poolWon: Won('in the pool now: budget not yet disbursed plus what was reclaimed'),
  disbursement: DisbursementSchema,
  reclaimedWon: Won('unused grants returned to the pool after expiry'),
  reclaimCompletedAt: NullableInstant('when the expiry job finished its first full pass over the grants'),
  createdBy: Type.String(),
  createdAt: Instant('when the programme was created'),
});

export function programJson(program: ProgramView) {
  return {
    id: program.id,
    name: program.name,
    phase: program.phase,
    budgetWon: program.budgetWon,
    nationalShareBp: program.nationalShareBp,
    funding: program.funding,
    recipientAmountWon: program.recipientAmountWon,
    recipientAmountMaxWon: program.recipientAmountMaxWon,
    usableFrom: program.usableFrom.toISOString(),
    expiresAt: program.expiresAt.toISOString(),
    allowedIndustries: program.allowedIndustries,
    allowedDistricts: program.allowedDistricts,
    requiresApplication: program.requiresApplication,
    donationAllowed: program.donationAllowed,
    poolAccountId: program.poolAccountId,
    poolWon: program.poolWon,
    disbursement: {
      status: program.disbursement.status,
      requestedBy: program.disbursement.requestedBy,
      requestedAt: program.disbursement.requestedAt?.toISOString() ?? null,
      finishedAt: program.disbursement.finishedAt?.toISOString() ?? null,
      lastError: program.disbursement.lastError,
      totalCount: program.recipientCount,
      totalWon: program.recipientWon,
      disbursedCount: program.disbursedCount,
      disbursedWon: program.disbursedWon,
      remainingCount: program.recipientCount - program.disbursedCount,
      remainingWon: program.recipientWon - program.disbursedWon,
    },
    reclaimedWon: program.reclaimedWon,
    reclaimCompletedAt: program.reclaimCompletedAt?.toISOString() ?? null,
    createdBy: program.createdBy,
    createdAt: program.createdAt.toISOString(),
  };
}

const RowErrorCodeSchema = Type.Union([
  Type.Literal('MALFORMED_ROW'),
  Type.Literal('INVALID_PHONE'),
  Type.Literal('UNKNOWN_MEMBER'),
  Type.Literal('DUPLICATE_ROW'),
  Type.Literal('OPERATOR_SELF'),
  Type.Literal('ALREADY_RECIPIENT'),
  Type.Literal('AMOUNT_MISSING'),
  Type.Literal('AMOUNT_INVALID'),
  Type.Literal('AMOUNT_OVER_LIMIT'),
]);

export const ImportQuerySchema = Type.Object({
  importValidRows: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        'import the valid rows even when some rows are bad (otherwise a file with errors imports nothing)',
    }),
  ),
});

export const CsvBodySchema = Type.String({
  description:
    'the recipient file as text/csv (UTF-8, header line first): columns phone or memberId, and optionally amountWon',
});

export const ImportReportSchema = Type.Object({
  programId: Type.String(),
  fileSha256: Type.String({ description: 'hex SHA-256 of the uploaded text' }),
  rowCount: Count('data rows (blank lines and the header not counted)'),
  validRowCount: Count('rows that passed every check'),
  errorRowCount: Count('rows with an error'),
  validWon: Won('sum of the valid rows'),
  errorCounts: Type.Record(Type.String(), Type.Integer({ minimum: 1 }), {
    description: 'bad rows by reason code',
  }),
  errors: Type.Array(
    Type.Object({
      line: Type.Integer({ minimum: 1, description: 'line of the file; the header is line 1' }),
      code: RowErrorCodeSchema,
      message: Type.String(),
      messageKo: Type.String(),
      phone: Type.Optional(Type.String()),
      memberId: Type.Optional(Type.String()),
      amount: Type.Optional(Type.String()),
    }),
  ),
  errorsTruncated: Type.Boolean({ description: 'more bad rows than listed; errorCounts covers them all' }),
  imported: Type.Boolean({ description: 'whether the valid rows were added to the recipient list' }),
  importedCount: Count('recipients added'),
  importedWon: Won('their grants'),
});

const RecipientStatusSchema = Type.Union(
  [
    Type.Literal('eligible'),
    Type.Literal('awaiting_disbursement'),
    Type.Literal('received'),
    Type.Literal('closed'),
  ],
  {
    description:
      'eligible: must apply; awaiting_disbursement: will be paid; received: paid; closed: the window ended unpaid',
  },
);

export const RecipientSchema = Type.Object({
  memberId: Type.String(),
  amountWon: PositiveWon('the grant'),
  status: RecipientStatusSchema,
  line: Type.Integer({ minimum: 1, description: 'line of the imported file' }),
  importedAt: Instant('when the row was imported'),
  appliedAt: NullableInstant('when the member applied'),
  disbursedAt: NullableInstant('when the grant was paid'),
  reclaimedWon: Won('returned to the pool after expiry'),
  disburseFailure: Type.Union([Type.String(), Type.Null()], {
    description: 'why disbursement set this recipient aside (the ledger or database refused it), or null',
  }),
});

export function recipientJson(recipient: Recipient & { status: RecipientStatus }) {
  return {
    memberId: recipient.memberId,
    amountWon: recipient.amountWon,
    status: recipient.status,
    line: recipient.line,
    importedAt: recipient.importedAt.toISOString(),
    appliedAt: recipient.appliedAt?.toISOString() ?? null,
    disbursedAt: recipient.disbursedAt?.toISOString() ?? null,
    reclaimedWon: recipient.reclaimedWon,
    disburseFailure: recipient.disburseFailure,
  };
}

export const MemberProgramSchema = Type.Object({
  programId: Type.String(),
  name: Type.String(),
  amountWon: PositiveWon('the grant'),
  status: RecipientStatusSchema,
  usableFrom: Instant('start of the usage window'),
  expiresAt: Instant('end of the usage window'),
  allowedIndustries: Type.Array(Type.String(), { description: 'empty = every industry' }),
  allowedDistricts: Type.Array(Type.String(), { description: 'empty = every district' }),
  requiresApplication: Type.Boolean(),
  appliedAt: NullableInstant('when you applied'),
  disbursedAt: NullableInstant('when the grant was paid'),
  balanceWon: Won('left to spend in this grant'),
  reclaimedWon: Won('returned to the programme after expiry'),
});

export function memberProgramJson(program: MemberProgram) {
  return {
    ...program,
    usableFrom: program.usableFrom.toISOString(),
    expiresAt: program.expiresAt.toISOString(),
    appliedAt: program.appliedAt?.toISOString() ?? null,
    disbursedAt: program.disbursedAt?.toISOString() ?? null,
  };
}

export const ReportSchema = Type.Object({
  programId: Type.String(),
  asOf: Instant('the snapshot the report was read from'),
  budgetWon: Won('budget, all sources'),
  funding: Type.Object({ nationalWon: Won('from national funds'), cityWon: Won('from city funds') }),
  recipients: Type.Object({ count: Count('on the list'), won: Won('their grants') }),
  disbursed: Type.Object({ count: Count('paid'), won: Won('paid into grants') }),
  spent: Type.Object({
    won: Won('spent at merchants, net of cancellations'),
    byDistrict: Type.Array(Type.Object({ district: Type.String(), won: Type.Integer() })),
    byIndustry: Type.Array(Type.Object({ industryCode: Type.String(), won: Type.Integer() })),
    byDistrictAndIndustry: Type.Array(
      Type.Object({ district: Type.String(), industryCode: Type.String(), won: Type.Integer() }),
    ),
  }),
  reclaimedWon: Won('returned to the pool after expiry'),
  outstandingWon: Won('still in grants: neither spent nor reclaimed'),
  poolRemainingWon: Won('in the pool now'),
});

export function reportJson(report: ProgramReport) {
  return { ...report, asOf: report.asOf.toISOString() };
}

export const NextCursorSchema = Type.Union([Type.String(), Type.Null()], {
  description: 'pass as cursor for the next page; null on the last page',
});
