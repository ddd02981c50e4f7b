import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { EventFeed } from '../events/event-feed.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { MemberService } from '../members/member-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { ReferenceService } from '../reference/reference-service.js';
import type { TenantService } from '../tenants/tenant-service.js';

export interface ProgramDeps {
  ledger: LedgerService;
  events: EventFeed;
  tenants: TenantService;
  members: MemberService;
  merchants: MerchantService;
  reference: ReferenceService;
  operatorActions: OperatorActionLog;
}

/** What an operator submits to create a programme (정책발행 사업). */
export interface NewProgram {
  name: string;
  budgetWon: number;
  /** Share of the budget paid from national funds; 10000 = national only, 0 = city only, between = a split. */
  nationalShareBp: number;
  /** The grant of a recipient whose CSV row names no amount; null = every row must name one. */
  recipientAmountWon?: number | null;
  /** No recipient receives more; defaults to recipientAmountWon. */
  recipientAmountMaxWon?: number;
  usableFrom: Date;
  expiresAt: Date;
  /** Industry codes where the grant can be spent; empty = every industry. */
  allowedIndustries?: string[];
  /** District codes where the grant can be spent; empty = every district. */
  allowedDistricts?: string[];
  /** When true, recipients are only eligible: each is paid when they apply. */
  requiresApplication?: boolean;
  /** When true, recipients may give the grant to a charity. */
  donationAllowed?: boolean;
}

export type DisbursementStatus = 'not_requested' | 'running' | 'completed' | 'stopped_at_expiry';

/** Derived from the clock: before, inside and after the usage window. */
export type ProgramPhase = 'scheduled' | 'open' | 'expired';

export interface Program {
  tenantId: string;
  id: string;
  name: string;
  budgetWon: number;
  nationalShareBp: number;
  recipientAmountWon: number | null;
  recipientAmountMaxWon: number;
  usableFrom: Date;
  expiresAt: Date;
  allowedIndustries: string[];
  allowedDistricts: string[];
  requiresApplication: boolean;
  donationAllowed: boolean;
  createdBy: string;
  createdAt: Date;
  /** Counters kept in the same transaction as the recipients and the ledger. */
  recipientCount: number;
  recipientWon: number;
  disbursedCount: number;
  disbursedWon: number;
  reclaimedWon: number;
  disbursement: {
    status: DisbursementStatus;
    requestedBy: string | null;
    requestedAt: Date | null;
    finishedAt: Date | null;
    lastError: string | null;
  };
  /** When the expiry job finished its first full pass: every grant's unused rest was back in the pool. */
  reclaimCompletedAt: Date | null;
}

export interface ProgramView extends Program {
  phase: ProgramPhase;
  poolAccountId: string;
  poolWon: number;
  funding: { nationalWon: number; cityWon: number };
}

export type RowErrorCode =
  | 'MALFORMED_ROW'
  | 'INVALID_PHONE'
  | 'UNKNOWN_MEMBER'
  | 'DUPLICATE_ROW'
  | 'OPERATOR_SELF'
  | 'ALREADY_RECIPIENT'
  | 'AMOUNT_MISSING'
  | 'AMOUNT_INVALID'
  | 'AMOUNT_OVER_LIMIT';

export interface RowError {
  /** 1-based line of the file, the header being line 1: the row number a spreadsheet shows. */
  line: number;
  code: RowErrorCode;
  message: string;
  messageKo: string;
  phone?: string;
  memberId?: string;
  amount?: string;
}

export interface ImportReport {
  programId: string;
  fileSha256: string;
  rowCount: number;
  validRowCount: number;
  errorRowCount: number;
  validWon: number;
  errorCounts: Partial<Record<RowErrorCode, number>>;
  /** The first IMPORT_ERRORS_LISTED_MAX bad rows, in file order. */
  errors: RowError[];
  errorsTruncated: boolean;
  imported: boolean;
  importedCount: number;
  importedWon: number;
}

export type RecipientStatus = 'eligible' | 'awaiting_disbursement' | 'received' | 'closed';

export interface Recipient {
  programId: string;
  memberId: string;
  amountWon: number;
  line: number;
  importedAt: Date;
  appliedAt: Date | null;
  disbursedAt: Date | null;
  reclaimedWon: number;
  /** Why disbursement set this recipient aside (the ledger or database refused it), or null. */
  disburseFailure: string | null;
}

/** A programme as a member sees it on GET /v1/me/programs. */
export interface MemberProgram {
  programId: string;
  name: string;
  amountWon: number;
  status: RecipientStatus;
  usableFrom: Date;
  expiresAt: Date;
  allowedIndustries: string[];
  allowedDistricts: string[];
  requiresApplication: boolean;
  appliedAt: Date | null;
  disbursedAt: Date | null;
  balanceWon: number;
  reclaimedWon: number;
}

export interface SpentBy {
  district: string;
  industryCode: string;
  won: number;
}

export interface ProgramReport {
  programId: string;
  asOf: Date;
  budgetWon: number;
  funding: { nationalWon: number; cityWon: number };
  recipients: { count: number; won: number };
  disbursed: { count: number; won: number };
  spent: {
    won: number;
    byDistrict: Array<{ district: string; won: number }>;
    byIndustry: Array<{ industryCode: string; won: number }>;
    byDistrictAndIndustry: SpentBy[];
  };
  reclaimedWon: number;
  /** Still in recipients' grants: neither spent nor reclaimed. */
  outstandingWon: number;
  poolRemainingWon: number;
}
