import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { notFound } from '../../errors.js';
import { recordId } from '../../ids.js';
import type { Job } from '../scheduler/scheduler.js';
import { countDataRows, parseCsv } from './csv.js';
import { Disbursements, PROGRAM_RECIPIENTS_MAX } from './disbursement.js';
import { ProgramErrors } from './errors.js';
import { GrantExpiry } from './expiry.js';
import {
  assertFresh,
  fundingAccountSpecs,
  fundingSplit,
  fundingTransfer,
  grantAccountId,
  payGrants,
  poolAccountId,
} from './grants.js';
import { checkRows, type ReadRow, readRow, recipientColumns, type ValidRow } from './recipient-rows.js';
import { programReport } from './report.js';
import {
  addCounters,
  analyzeRecipients,
  insertProgram,
  insertRecipients,
  selectExistingRecipients,
  selectProgram,
  selectPrograms,
  selectProgramsByIds,
  selectRecipient,
  selectRecipients,
  selectRecipientsOfMember,
} from './store.js';
import type {
  ImportReport,
  MemberProgram,
  NewProgram,
  Program,
  ProgramDeps,
  ProgramReport,
  ProgramView,
  Recipient,
  RecipientStatus,
  RowError,
  RowErrorCode,
} from './types.js';
import { validateNewProgram } from './validation.js';

/** A recipient file's bounds: 200,000 rows of a phone, a member id and an amount fit well inside. */
export const IMPORT_BYTES_MAX = 16 * 1024 * 1024;
export const IMPORT_ROWS_MAX = 200_000;
/** Bad rows listed in a report; the counts by reason cover them all. */
export const IMPORT_ERRORS_LISTED_MAX = 10_000;
const INSERT_CHUNK_ROWS = 10_000;
const MEMBER_PROGRAMS_MAX = 100;

/**
 * Policy payments (정책발행): programmes with a budget held in a ledger pool, recipient lists
 * imported from CSV, disbursement into per-member grant accounts, applications, expiry and reports.
 */
export class ProgramService {
  private readonly currencies = new Map<string, string>();
  private readonly disbursements: Disbursements;
  private readonly expiry: GrantExpiry;

  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly deps: ProgramDeps,
  ) {
    const currencyOf = (tenantId: string) => this.currencyOf(tenantId);
    this.disbursements = new Disbursements(db, clock, {
      ledger: deps.ledger,
      events: deps.events,
      operatorActions: deps.operatorActions,
      currencyOf,
      timeZoneOf: (tenantId) => deps.tenants.timeZoneOf(tenantId),
    });
    this.expiry = new GrantExpiry(
      db,
      deps.ledger,
      (tenantId) => deps.tenants.timeZoneOf(tenantId),
      deps.events,
    );
  }

  jobs(): Job[] {
    return [this.disbursements.job(), this.expiry.job()];
  }

  /** Creates the programme and funds its pool from the funding sources, in the caller's transaction. */
  async create(tx: Sql, tenantId: string, actorUserId: string, input: NewProgram): Promise<ProgramView> {
    const now = this.clock.now();
    const draft = validateNewProgram(input, now);
    await this.checkReferenceCodes(tx, tenantId, draft.allowedIndustries, draft.allowedDistricts);
    const program: Program = {
      ...draft,
      tenantId,
      id: recordId('prg'),
      createdBy: actorUserId,
      createdAt: now,
      recipientCount: 0,
      recipientWon: 0,
      disbursedCount: 0,
      disbursedWon: 0,
      reclaimedWon: 0,
      disbursement: {
        status: 'not_requested',
        requestedBy: null,
        requestedAt: null,
        finishedAt: null,
        lastError: null,
      },
      reclaimCompletedAt: null,
    };
    await insertProgram(tx, program);
    await this.deps.ledger.createAccounts(
      tenantId,
      fundingAccountSpecs(await this.currencyOf(tenantId, tx), program.id),
      tx,
    );
    assertFresh(await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [fundingTransfer(program)]));
    await this.deps.operatorActions.record(tx, {
      tenantId,
      actorUserId,
      action: 'program.create',
      subjectType: 'program',
      subjectId: program.id,
      details: {
        ...draft,
        usableFrom: draft.usableFrom.toISOString(),
        expiresAt: draft.expiresAt.toISOString(),
        funding: fundingSplit(draft.budgetWon, draft.nationalShareBp),
      },
    });
    return this.viewOf(tx, program);
  }

  private async checkReferenceCodes(
    tx: Sql,
    tenantId: string,
    industries: readonly string[],
    districts: readonly string[],
  ): Promise<void> {
    await this.deps.reference.requireIndustries(tenantId, industries, tx);
    const knownDistricts = new Set(
      (await this.deps.reference.listDistricts(tenantId, tx)).map((d) => d.code),
    );
    const unknownDistricts = districts.filter((code) => !knownDistricts.has(code));
    if (unknownDistricts.length > 0) throw ProgramErrors.unknownDistrict(unknownDistricts);
  }

  async get(tenantId: string, programId: string): Promise<ProgramView> {
    const program = await selectProgram(this.db, tenantId, programId);
    if (!program) throw ProgramErrors.notFound(programId);
    return this.viewOf(this.db, program);
  }

  /** Newest first. */
  async list(
    tenantId: string,
    after: { createdAt: string; id: string } | null,
    limit: number,
  ): Promise<ProgramView[]> {
    const programs = await selectPrograms(this.db, tenantId, after, limit);
    const pools = await this.deps.ledger.getAccounts(
      tenantId,
      programs.map((program) => poolAccountId(program.id)),
    );
    const poolWonById = new Map(pools.map((pool) => [pool.id, pool.postedWon]));
    return programs.map((program) => this.toView(program, poolWonById.get(poolAccountId(program.id)) ?? 0));
  }

  private async viewOf(sql: Sql, program: Program): Promise<ProgramView> {
    const pool = await this.deps.ledger.getAccount(program.tenantId, poolAccountId(program.id), sql);
    if (!pool) throw new Error(`programme ${program.id} has no pool account`);
    return this.toView(program, pool.postedWon);
  }

  private toView(program: Program, poolWon: number): ProgramView {
    const now = this.clock.now().getTime();
    const phase =
      now < program.usableFrom.getTime()
        ? 'scheduled'
        : now < program.expiresAt.getTime()
          ? 'open'
          : 'expired';
    return {
      ...program,
      phase,
      poolAccountId: poolAccountId(program.id),
      poolWon,
      funding: fundingSplit(program.budgetWon, program.nationalShareBp),
    };
  }

  /**
   * Validates a recipient file row by row and imports the valid rows when the file has no errors, or
   * when the operator asks for the valid rows anyway. One transaction under the programme's row lock.
   */
  async importRecipients(
    tenantId: string,
    actorUserId: string,
    programId: string,
    csv: string,
    options: { importValidRows: boolean },
  ): Promise<ImportReport> {
    const rowCount = countDataRows(csv);
    if (rowCount > IMPORT_ROWS_MAX) throw ProgramErrors.csvTooManyRows(IMPORT_ROWS_MAX, rowCount);
    const document = parseCsv(csv);
    const columns = recipientColumns(document.header);
    const rows = document.rows.map((row) => readRow(row, columns));
    const fileSha256 = createHash('sha256').update(csv).digest('hex');
    return transactionWithRetry(this.db, async (tx) => {
      const program = await this.lockOpenProgram(tx, tenantId, programId);
      const { valid, errors } = checkRows(rows, {
        defaultAmountWon: program.recipientAmountWon,
        amountMaxWon: program.recipientAmountMaxWon,
        ...(await this.lookUpRows(tx, tenantId, programId, rows)),
        actorUserId,
      });
      const report = importReport(programId, fileSha256, rows.length, valid, errors);
      if (valid.length === 0 || (errors.length > 0 && !options.importValidRows)) return report;
      await this.addRecipients(tx, program, valid);
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'program.import_recipients',
        subjectType: 'program',
        subjectId: programId,
        details: {
          fileSha256,
          rowCount: report.rowCount,
          errorRowCount: report.errorRowCount,
          errorCounts: report.errorCounts,
          importedCount: valid.length,
          importedWon: report.validWon,
          importValidRows: options.importValidRows,
        },
      });
      return { ...report, imported: true, importedCount: valid.length, importedWon: report.validWon };
    });
  }

  private async lockOpenProgram(tx: Sql, tenantId: string, programId: string): Promise<Program> {
    const program = await selectProgram(tx, tenantId, programId, 'for update');
    if (!program) throw ProgramErrors.notFound(programId);
    if (this.clock.now().getTime() >= program.expiresAt.getTime())
      throw ProgramErrors.expired(program.expiresAt);
    if (program.disbursement.status === 'running') throw ProgramErrors.disbursementRunning();
    return program;
  }

  private async lookUpRows(tx: Sql, tenantId: string, programId: string, rows: readonly ReadRow[]) {
    const readable = rows.flatMap((row) => (row.ok ? [row] : []));
    const phones = [...new Set(readable.flatMap((row) => (row.phone === null ? [] : [row.phone])))];
    const ids = [...new Set(readable.flatMap((row) => (row.memberId === null ? [] : [row.memberId])))];
    const memberIdByPhone = await this.deps.members.idsByPhone(tenantId, phones, tx);
    const knownMemberIds = await this.deps.members.existingIds(tenantId, ids, tx);
    const candidates = [...new Set([...memberIdByPhone.values(), ...knownMemberIds])];
    const existingRecipients = await selectExistingRecipients(tx, tenantId, programId, candidates);
    return { memberIdByPhone, knownMemberIds, existingRecipients };
  }

  private async addRecipients(tx: Sql, program: Program, valid: readonly ValidRow[]): Promise<void> {
    const addedWon = valid.reduce((sum, row) => sum + row.amountWon, 0);
    if (program.recipientWon + addedWon > program.budgetWon) {
      throw ProgramErrors.budgetExceeded(program.budgetWon, program.recipientWon, addedWon);
    }
    if (program.recipientCount + valid.length > PROGRAM_RECIPIENTS_MAX) {
      throw ProgramErrors.tooManyRecipients(PROGRAM_RECIPIENTS_MAX);
    }
    const now = this.clock.now();
    for (let start = 0; start < valid.length; start += INSERT_CHUNK_ROWS) {
      await insertRecipients(
        tx,
        program.tenantId,
        program.id,
        valid.slice(start, start + INSERT_CHUNK_ROWS),
        now,
      );
    }
    await analyzeRecipients(tx);
    await addCounters(tx, program.tenantId, program.id, {
      recipientCount: valid.length,
      recipientWon: addedWon,
    });
  }

  /** Keyset pages of the recipient list, in member order. */
  async listRecipients(
    tenantId: string,
    programId: string,
    afterMemberId: string | null,
    limit: number,
  ): Promise<Array<Recipient & { status: RecipientStatus }>> {
    const program = await selectProgram(this.db, tenantId, programId);
    if (!program) throw ProgramErrors.notFound(programId);
    const recipients = await selectRecipients(this.db, tenantId, programId, afterMemberId, limit);
    return recipients.map((recipient) => ({ ...recipient, status: this.statusOf(program, recipient) }));
  }

  /** Marks the disbursement requested (audited) and starts paying in the background. */
  async disburse(tenantId: string, actorUserId: string, programId: string): Promise<ProgramView> {
    await this.disbursements.request(tenantId, actorUserId, programId);
    this.disbursements.startInBackground(tenantId, programId);
    return this.get(tenantId, programId);
  }

  /** Resolves when no background disbursement of this process is in flight. */
  async idle(): Promise<void> {
    await this.disbursements.idle();
  }

  /** For shutdown: background disbursements stop after their current batch, to be continued by the job. */
  async stop(): Promise<void> {
    await this.disbursements.stop();
  }

  /** A member applies to a programme that requires it; the grant is paid in the same transaction. */
  async apply(
    tenantId: string,
    memberId: string,
    programId: string,
  ): Promise<{ program: MemberProgram; applied: boolean }> {
    const currencyCode = await this.currencyOf(tenantId);
    const applied = await transactionWithRetry(this.db, async (tx) => {
      const program = await selectProgram(tx, tenantId, programId, 'for update');
      if (!program) throw ProgramErrors.notFound(programId);
      if (!program.requiresApplication) throw ProgramErrors.applicationNotNeeded();
      const recipient = await selectRecipient(tx, tenantId, programId, memberId);
      if (!recipient) throw ProgramErrors.notEligible();
      if (recipient.disbursedAt) return false;
      const now = this.clock.now();
      if (now.getTime() >= program.expiresAt.getTime()) throw ProgramErrors.expired(program.expiresAt);
      const timeZone = await this.deps.tenants.timeZoneOf(tenantId, tx);
      await payGrants(tx, this.deps, { program, currencyCode, timeZone, now, onApplication: true }, [
        recipient,
      ]);
      return true;
    });
    const [program] = (await this.memberPrograms(tenantId, memberId)).filter(
      (item) => item.programId === programId,
    );
    if (!program) throw new Error(`programme ${programId} missing from the member's list after applying`);
    return { program, applied };
  }

  /** The programmes a member is eligible for or received, newest first. */
  async memberPrograms(tenantId: string, memberId: string): Promise<MemberProgram[]> {
    const recipients = await selectRecipientsOfMember(this.db, tenantId, memberId, MEMBER_PROGRAMS_MAX);
    const programs = await selectProgramsByIds(
      this.db,
      tenantId,
      recipients.map((recipient) => recipient.programId),
    );
    const grants = await this.deps.ledger.getAccounts(
      tenantId,
      recipients.map((recipient) => grantAccountId(memberId, recipient.programId)),
    );
    const balanceOf = (programId: string) =>
      grants.find((grant) => grant.id === grantAccountId(memberId, programId))?.availableWon ?? 0;
    return recipients.map((recipient) => {
      const program = programs.get(recipient.programId);
      if (!program) throw new Error(`recipient row of a missing programme ${recipient.programId}`);
      return {
        programId: program.id,
        name: program.name,
        amountWon: recipient.amountWon,
        status: this.statusOf(program, recipient),
        usableFrom: program.usableFrom,
        expiresAt: program.expiresAt,
        allowedIndustries: program.allowedIndustries,
        allowedDistricts: program.allowedDistricts,
        requiresApplication: program.requiresApplication,
        appliedAt: recipient.appliedAt,
        disbursedAt: recipient.disbursedAt,
        balanceWon: balanceOf(program.id),
        reclaimedWon: recipient.reclaimedWon,
      };
    });
  }

  private statusOf(program: Program, recipient: Recipient): RecipientStatus {
    if (recipient.disbursedAt) return 'received';
    if (this.clock.now().getTime() >= program.expiresAt.getTime()) return 'closed';
    return program.requiresApplication ? 'eligible' : 'awaiting_disbursement';
  }

  async report(tenantId: string, programId: string): Promise<ProgramReport> {
    return programReport(this.db, this.clock, this.deps, tenantId, programId);
  }

  /** A tenant's currency never changes, so it is cached; `sql` is the caller's transaction, if any. */
  private async currencyOf(tenantId: string, sql: Sql = this.db): Promise<string> {
    const cached = this.currencies.get(tenantId);
    if (cached) return cached;
    const currencyCode = (await this.deps.tenants.get(tenantId, sql))?.currencyCode;
    if (!currencyCode) throw notFound(`tenant ${tenantId}`, `테넌트 ${tenantId}`);
    this.currencies.set(tenantId, currencyCode);
    return currencyCode;
  }
}

function importReport(
  programId: string,
  fileSha256: string,
  rowCount: number,
  valid: readonly ValidRow[],
  errors: readonly RowError[],
): ImportReport {
  const errorCounts: Partial<Record<RowErrorCode, number>> = {};
  for (const error of errors) errorCounts[error.code] = (errorCounts[error.code] ?? 0) + 1;
  return {
    programId,
    fileSha256,
    rowCount,
    validRowCount: valid.length,
    errorRowCount: errors.length,
    validWon: valid.reduce((sum, row) => sum + row.amountWon, 0),
    errorCounts,
    errors: errors.slice(0, IMPORT_ERRORS_LISTED_MAX),
    errorsTruncated: errors.length > IMPORT_ERRORS_LISTED_MAX,
    imported: false,
    importedCount: 0,
    importedWon: 0,
  };
}
