import type { Sql } from '../../db/database.js';
import type { AccountQuery } from '../ledger/types.js';
import type { DisbursementStatus, Program, Recipient } from './types.js';

/** SQL over the programme module's own tables. Sets go in as JSON documents: one statement per batch. */

interface ProgramRow {
  tenant_id: string;
  id: string;
  name: string;
  budget_won: number;
  national_share_bp: number;
  recipient_amount_won: number | null;
  recipient_amount_max_won: number;
  usable_from: Date;
  expires_at: Date;
  allowed_industries: string[];
  allowed_districts: string[];
  requires_application: boolean;
  donation_allowed: boolean;
  created_by: string;
  created_at: Date;
  recipient_count: number;
  recipient_won: number;
  disbursed_count: number;
  disbursed_won: number;
  reclaimed_won: number;
  disbursement_status: DisbursementStatus;
  disbursement_requested_by: string | null;
  disbursement_requested_at: Date | null;
  disbursement_finished_at: Date | null;
  disbursement_error: string | null;
  reclaim_completed_at: Date | null;
}

function toProgram(row: ProgramRow): Program {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    name: row.name,
    budgetWon: row.budget_won,
    nationalShareBp: row.national_share_bp,
    recipientAmountWon: row.recipient_amount_won,
    recipientAmountMaxWon: row.recipient_amount_max_won,
    usableFrom: row.usable_from,
    expiresAt: row.expires_at,
    allowedIndustries: row.allowed_industries,
    allowedDistricts: row.allowed_districts,
    requiresApplication: row.requires_application,
    donationAllowed: row.donation_allowed,
    createdBy: row.created_by,
    createdAt: row.created_at,
    recipientCount: row.recipient_count,
    recipientWon: row.recipient_won,
    disbursedCount: row.disbursed_count,
    disbursedWon: row.disbursed_won,
    reclaimedWon: row.reclaimed_won,
    disbursement: {
      status: row.disbursement_status,
      requestedBy: row.disbursement_requested_by,
      requestedAt: row.disbursement_requested_at,
      finishedAt: row.disbursement_finished_at,
      lastError: row.disbursement_error,
    },
    reclaimCompletedAt: row.reclaim_completed_at,
  };
}

export async function insertProgram(tx: Sql, program: Program): Promise<void> {
  await tx.query(
    `insert into programs (tenant_id, id, name, budget_won, national_share_bp, recipient_amount_won,
       recipient_amount_max_won, usable_from, expires_at, allowed_industries, allowed_districts,
       requires_application, created_by, created_at, donation_allowed)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      program.tenantId,
      program.id,
      program.name,
      program.budgetWon,
      program.nationalShareBp,
      program.recipientAmountWon,
      program.recipientAmountMaxWon,
      program.usableFrom,
      program.expiresAt,
      JSON.stringify(program.allowedIndustries),
      JSON.stringify(program.allowedDistricts),
      program.requiresApplication,
      program.createdBy,
      program.createdAt,
      program.donationAllowed,
    ],
  );
}

/**
 * Every change to a programme's money starts by locking its row: imports, disbursement batches,
 * applications and reclaims of one programme therefore run one at a time, in one lock order.
 */
export async function selectProgram(
  sql: Sql,
  tenantId: string,
  programId: string,
  lock: 'for update' | '' = '',
): Promise<Program | undefined> {
  const [row] = await sql.query<ProgramRow>(
    `select * from programs where tenant_id = $1 and id = $2 ${lock}`,
    [tenantId, programId],
  );
  return row ? toProgram(row) : undefined;
}

/** Newest first; keyset pages on (created_at, id). */
export async function selectPrograms(
  sql: Sql,
  tenantId: string,
  after: { createdAt: string; id: string } | null,
  limit: number,
): Promise<Program[]> {
  const rows = await sql.query<ProgramRow>(
    `select * from programs
     where tenant_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::text))
     order by created_at desc, id desc limit $4`,
    [tenantId, after?.createdAt ?? null, after?.id ?? '', limit],
  );
  return rows.map(toProgram);
}

export async function selectProgramsByIds(sql: Sql, tenantId: string, ids: readonly string[]) {
  const rows = await sql.query<ProgramRow>(
    `select * from programs where tenant_id = $1 and id = any($2::text[])`,
    [tenantId, [...ids]],
  );
  return new Map(rows.map((row) => [row.id, toProgram(row)]));
}

export async function selectRunningProgramIds(sql: Sql, tenantId: string, limit: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `select id from programs where tenant_id = $1 and disbursement_status = 'running' order by id limit $2`,
    [tenantId, limit],
  );
  return rows.map((row) => row.id);
}

/**
 * Expired programmes whose reclaim pass has not finished. One pass is enough: money that comes back
 * into a grant after its programme closed goes on to the pool at once (grant-returns.ts).
 */
export async function selectProgramsDueReclaim(
  sql: Sql,
  tenantId: string,
  now: Date,
  limit: number,
): Promise<Array<{ id: string }>> {
  return sql.query<{ id: string }>(
    `select id from programs
     where tenant_id = $1 and expires_at <= $2 and reclaim_completed_at is null
     order by expires_at, id limit $3`,
    [tenantId, now, limit],
  );
}

/**
 * Locks these programmes' rows (in id order, the lock every change to a programme's money takes
 * first) and says of each whether its grants are closed: expired at `now`, or the expiry reclaim has
 * begun. A closed grant's money belongs to the pool.
 */
export async function lockProgramsClosed(
  tx: Sql,
  tenantId: string,
  programIds: readonly string[],
  now: Date,
): Promise<Map<string, boolean>> {
  const rows = await tx.query<{ id: string; closed: boolean }>(
    `select id, (expires_at <= $3 or reclaim_cursor is not null or reclaim_completed_at is not null) as closed
     from programs where tenant_id = $1 and id = any($2::text[]) order by id for update`,
    [tenantId, [...programIds], now],
  );
  return new Map(rows.map((row) => [row.id, row.closed]));
}

export async function markDisbursement(
  tx: Sql,
  tenantId: string,
  programId: string,
  change:
    | { status: 'running'; requestedBy: string; at: Date }
    | { status: 'completed' | 'stopped_at_expiry'; at: Date },
): Promise<void> {
  if (change.status === 'running') {
    await tx.query(
      `update programs set disbursement_status = 'running', disbursement_requested_by = $3,
         disbursement_requested_at = $4, disbursement_finished_at = null, disbursement_error = null
       where tenant_id = $1 and id = $2`,
      [tenantId, programId, change.requestedBy, change.at],
    );
    return;
  }
  await tx.query(
    `update programs set disbursement_status = $3, disbursement_finished_at = $4, disbursement_error = null
     where tenant_id = $1 and id = $2`,
    [tenantId, programId, change.status, change.at],
  );
}

export async function recordDisbursementError(
  sql: Sql,
  tenantId: string,
  programId: string,
  message: string,
): Promise<void> {
  await sql.query(`update programs set disbursement_error = $3 where tenant_id = $1 and id = $2`, [
    tenantId,
    programId,
    message.slice(0, 500),
  ]);
}

export async function addCounters(
  tx: Sql,
  tenantId: string,
  programId: string,
  delta: Partial<{
    recipientCount: number;
    recipientWon: number;
    disbursedCount: number;
    disbursedWon: number;
    reclaimedWon: number;
  }>,
): Promise<void> {
  await tx.query(
    `update programs set recipient_count = recipient_count + $3, recipient_won = recipient_won + $4,
       disbursed_count = disbursed_count + $5, disbursed_won = disbursed_won + $6,
       reclaimed_won = reclaimed_won + $7
     where tenant_id = $1 and id = $2`,
    [
      tenantId,
      programId,
      delta.recipientCount ?? 0,
      delta.recipientWon ?? 0,
      delta.disbursedCount ?? 0,
      delta.disbursedWon ?? 0,
      delta.reclaimedWon ?? 0,
    ],
  );
}

/** The reclaim pass's position, under the programme's row lock (see selectProgram). */
export async function lockReclaimCursor(
  tx: Sql,
  tenantId: string,
  programId: string,
): Promise<string | null> {
  const [row] = await tx.query<{ reclaim_cursor: string | null }>(
    'select reclaim_cursor from programs where tenant_id = $1 and id = $2 for update',
    [tenantId, programId],
  );
  if (!row) throw new Error(`expired programme ${programId} vanished`);
  return row.reclaim_cursor;
}

/** Where the reclaim pass stands: its cursor, or (null) the pass is over. */
export async function advanceReclaim(
  tx: Sql,
  tenantId: string,
  programId: string,
  progress: { cursor: string } | { cursor: null; at: Date },
): Promise<void> {
  if (progress.cursor !== null) {
    await tx.query(`update programs set reclaim_cursor = $3 where tenant_id = $1 and id = $2`, [
      tenantId,
      programId,
      progress.cursor,
    ]);
    return;
  }
  await tx.query(
    `update programs set reclaim_cursor = null, reclaim_completed_at = coalesce(reclaim_completed_at, $3)
     where tenant_id = $1 and id = $2`,
    [tenantId, programId, progress.at],
  );
}

interface RecipientRow {
  program_id: string;
  member_id: string;
  amount_won: number;
  line: number;
  imported_at: Date;
  applied_at: Date | null;
  disbursed_at: Date | null;
  reclaimed_won: number;
  reclaim_count: number;
  disburse_failure: string | null;
}

function toRecipient(row: RecipientRow): Recipient {
  return {
    programId: row.program_id,
    memberId: row.member_id,
    amountWon: row.amount_won,
    line: row.line,
    importedAt: row.imported_at,
    appliedAt: row.applied_at,
    disbursedAt: row.disbursed_at,
    reclaimedWon: row.reclaimed_won,
    disburseFailure: row.disburse_failure,
  };
}

/** Which of `memberIds` are already on the programme's list. */
export async function selectExistingRecipients(
  sql: Sql,
  tenantId: string,
  programId: string,
  memberIds: readonly string[],
): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const rows = await sql.query<{ member_id: string }>(
    `select r.member_id from program_recipients r
     where r.tenant_id = $1 and r.program_id = $2 and r.member_id = any($3::text[])`,
    [tenantId, programId, [...memberIds]],
  );
  return new Set(rows.map((row) => row.member_id));
}

/** Keyset pages of the recipients already paid (who hold a grant), in member order. */
export async function selectPaidMemberIds(
  sql: Sql,
  tenantId: string,
  programId: string,
  afterMemberId: string,
  limit: number,
): Promise<string[]> {
  const rows = await sql.query<{ member_id: string }>(
    `select member_id from program_recipients
     where tenant_id = $1 and program_id = $2 and member_id > $3 and disbursed_at is not null
     order by member_id limit $4`,
    [tenantId, programId, afterMemberId, limit],
  );
  return rows.map((row) => row.member_id);
}

/**
 * The grant accounts of the programme's paid recipients, as a query over this module's own table
 * for the ledger to join in its statement (`grantAccountId`'s scheme, written in SQL).
 */
export function paidGrantAccountsQuery(tenantId: string, programId: string): AccountQuery {
  return {
    sql: (first) => `select member_id || ':grant:' || program_id as account_id from program_recipients
       where tenant_id = $${first} and program_id = $${first + 1} and disbursed_at is not null`,
    params: [tenantId, programId],
  };
}

/** Bulk imports change the table's size by orders of magnitude: fresh statistics keep the batch plans on the indexes. */
export async function analyzeRecipients(tx: Sql): Promise<void> {
  await tx.query('analyze program_recipients');
}

export async function insertRecipients(
  tx: Sql,
  tenantId: string,
  programId: string,
  rows: ReadonlyArray<{ memberId: string; amountWon: number; line: number }>,
  at: Date,
): Promise<void> {
  await tx.query(
    `insert into program_recipients (tenant_id, program_id, member_id, amount_won, line, imported_at)
     select $1, $2, member_id, amount_won, line, $4
     from json_to_recordset($3::json) as x(member_id text, amount_won bigint, line integer)`,
    [
      tenantId,
      programId,
      JSON.stringify(
        rows.map((row) => ({ member_id: row.memberId, amount_won: row.amountWon, line: row.line })),
      ),
      at,
    ],
  );
}

/** The next recipients to pay, in member order; the caller holds the programme's row lock. */
export async function selectUndisbursed(
  tx: Sql,
  tenantId: string,
  programId: string,
  limit: number,
): Promise<Recipient[]> {
  const rows = await tx.query<RecipientRow>(
    `select * from program_recipients
     where tenant_id = $1 and program_id = $2 and disbursed_at is null and disburse_failed_at is null
     order by member_id limit $3`,
    [tenantId, programId, limit],
  );
  return rows.map(toRecipient);
}

export async function selectRecipient(
  sql: Sql,
  tenantId: string,
  programId: string,
  memberId: string,
  lock: 'for update' | '' = '',
): Promise<Recipient | undefined> {
  const [row] = await sql.query<RecipientRow>(
    `select * from program_recipients where tenant_id = $1 and program_id = $2 and member_id = $3 ${lock}`,
    [tenantId, programId, memberId],
  );
  return row ? toRecipient(row) : undefined;
}

/** Keyset pages in member order. */
export async function selectRecipients(
  sql: Sql,
  tenantId: string,
  programId: string,
  afterMemberId: string | null,
  limit: number,
): Promise<Recipient[]> {
  const rows = await sql.query<RecipientRow>(
    `select * from program_recipients
     where tenant_id = $1 and program_id = $2 and member_id > $3
     order by member_id limit $4`,
    [tenantId, programId, afterMemberId ?? '', limit],
  );
  return rows.map(toRecipient);
}

/** The member's programmes, newest import first. */
export async function selectRecipientsOfMember(
  sql: Sql,
  tenantId: string,
  memberId: string,
  limit: number,
): Promise<Recipient[]> {
  const rows = await sql.query<RecipientRow>(
    `select * from program_recipients where tenant_id = $1 and member_id = $2
     order by imported_at desc, program_id limit $3`,
    [tenantId, memberId, limit],
  );
  return rows.map(toRecipient);
}

export async function markDisbursed(
  tx: Sql,
  tenantId: string,
  programId: string,
  memberIds: readonly string[],
  at: Date,
  applied: boolean,
): Promise<void> {
  const updated = await tx.query(
    `update program_recipients r set disbursed_at = $4, applied_at = case when $5 then $4 else r.applied_at end
     where r.tenant_id = $1 and r.program_id = $2 and r.member_id = any($3::text[]) and r.disbursed_at is null
     returning r.member_id`,
    [tenantId, programId, [...memberIds], at, applied],
  );
  if (updated.length !== memberIds.length) {
    throw new Error(
      `programme ${programId}: marked ${updated.length} of ${memberIds.length} recipients paid`,
    );
  }
}

/** reclaim_count numbers each reclaim of one grant, so every reclaim transfer has its own id. */
export async function lockReclaimCounts(
  tx: Sql,
  tenantId: string,
  programId: string,
  memberIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await tx.query<{ member_id: string; reclaim_count: number }>(
    `select r.member_id, r.reclaim_count from program_recipients r
     where r.tenant_id = $1 and r.program_id = $2 and r.member_id = any($3::text[])
     order by r.member_id for update of r`,
    [tenantId, programId, [...memberIds]],
  );
  return new Map(rows.map((row) => [row.member_id, row.reclaim_count]));
}

export async function addReclaimed(
  tx: Sql,
  tenantId: string,
  programId: string,
  reclaims: ReadonlyArray<{ memberId: string; amountWon: number }>,
): Promise<void> {
  await tx.query(
    `update program_recipients r set reclaimed_won = r.reclaimed_won + x.amount_won,
       reclaim_count = r.reclaim_count + 1
     from json_to_recordset($3::json) as x(member_id text, amount_won bigint)
     where r.tenant_id = $1 and r.program_id = $2 and r.member_id = x.member_id`,
    [
      tenantId,
      programId,
      JSON.stringify(
        reclaims.map((reclaim) => ({ member_id: reclaim.memberId, amount_won: reclaim.amountWon })),
      ),
    ],
  );
}

/**
 * Sets the first unpaid recipient aside with the reason the ledger or the database refused it, so
 * one bad row never stalls a run; the operator sees it on the recipient list.
 */
export async function setAsideFirstUndisbursed(
  tx: Sql,
  tenantId: string,
  programId: string,
  failure: string,
  at: Date,
): Promise<string | undefined> {
  const [row] = await tx.query<{ member_id: string }>(
    `update program_recipients set disburse_failed_at = $4, disburse_failure = $3
     where (tenant_id, program_id, member_id) = (
       select tenant_id, program_id, member_id from program_recipients
       where tenant_id = $1 and program_id = $2 and disbursed_at is null and disburse_failed_at is null
       order by member_id limit 1 for update)
     returning member_id`,
    [tenantId, programId, failure.slice(0, 500), at],
  );
  return row?.member_id;
}
