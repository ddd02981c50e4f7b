import type { Database, Sql } from '../../db/database.js';
import type { Entry, TransferAction } from './types.js';

/**
 * Commit order of the journal, for public checkpoints (src/modules/public-books).
 *
 * Every transfer row gets `commit_seq` from a sequence as it is inserted. Two batches in flight can
 * commit in the other order than they drew numbers, so "all rows up to the highest number I can see"
 * is not a prefix that stays fixed. Every insert into ledger_transfers therefore first takes this
 * advisory lock in share mode (a statement-level trigger: once per batch, held to commit), and
 * `commitWatermark` takes it exclusively: when that is granted, every transaction that drew a number
 * has committed or rolled back, and every later one draws a larger number. The highest number
 * visible then is a watermark no later commit can go under.
 */
export const COMMIT_ORDER_LOCK_KEY = 7_208_041_200;

/** How long the sealer waits for the lock before letting writers through and trying again. */
const WATERMARK_LOCK_TIMEOUT_MS = 100;
const WATERMARK_ATTEMPTS_MAX = 50;

export async function commitWatermark(db: Database, tenantId: string): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction(async (tx) => {
        // A bounded wait: writers queue behind a waiting exclusive request, so a writer that already
        // holds the share lock and waits on a row lock of a queued writer would otherwise deadlock us.
        await tx.query(`select set_config('lock_timeout', $1, true)`, [`${WATERMARK_LOCK_TIMEOUT_MS}ms`]);
        await tx.query('select pg_advisory_xact_lock($1)', [COMMIT_ORDER_LOCK_KEY]);
        const [row] = await tx.query<{ watermark: number }>(
          'select coalesce(max(commit_seq), 0)::bigint as watermark from ledger_transfers where tenant_id = $1',
          [tenantId],
        );
        return row?.watermark ?? 0;
      });
    } catch (error) {
      const lockTimedOut = (error as { code?: unknown }).code === '55P03';
      if (!lockTimedOut || attempt >= WATERMARK_ATTEMPTS_MAX) throw error;
    }
  }
}

/** A committed transfer as a checkpoint seals it: no metadata, only its digest. */
export interface SealableTransfer {
  commitSeq: number;
  id: string;
  action: TransferAction;
  code: string;
  pendingId: string | null;
  correctsId: string | null;
  /** ISO 8601 in UTC with milliseconds, exactly as `Date#toISOString` writes it (microseconds cut). */
  createdAt: string;
  contentHash: string;
  entries: Entry[];
}

/** One entry of a transfer per row (a transfer's columns repeated), as the lateral join gives them. */
interface SealableRow {
  commit_seq: string;
  id: string;
  action: TransferAction;
  code: string;
  pending_id: string | null;
  corrects_id: string | null;
  created_at: string;
  content_hash: string;
  account_id: string | null;
  posted_delta_won: string | null;
  pending_debit_delta_won: string | null;
  pending_credit_delta_won: string | null;
}

// By ids (a proof's few transfers): a lateral join, one index probe per transfer, no JSON building.
// created_at is formatted by the database: parsing a million timestamps into Dates cost seconds.
const CREATED_AT_ISO = `to_char(t.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at`;
const SEALABLE_COLUMNS = `t.commit_seq, t.id, t.action, t.code, t.pending_id, t.corrects_id, ${CREATED_AT_ISO},
  t.content_hash, e.account_id, e.posted_delta_won, e.pending_debit_delta_won, e.pending_credit_delta_won`;
const ENTRIES_OF_T = `left join lateral (select account_id, posted_delta_won, pending_debit_delta_won,
  pending_credit_delta_won from ledger_entries
  where tenant_id = t.tenant_id and commit_seq = t.commit_seq and transfer_id = t.id) e on true`;

/** An entry as a range of commit order gives it (ledger_entries_commit_order). */
interface SealableEntryRow {
  commit_seq: string;
  account_id: string;
  posted_delta_won: string;
  pending_debit_delta_won: string;
  pending_credit_delta_won: string;
}

/**
 * Transfers with afterSeq < commit_seq <= throughSeq, in commit order, at most `limit`. Two range
 * scans, transfers then their entries by the entries' own commit number: sequential reads, where a
 * lateral join by transfer id cost one random index probe per transfer (most of a 1M seal).
 */
export async function selectSealable(
  sql: Sql,
  tenantId: string,
  afterSeq: number,
  throughSeq: number,
  limit: number,
): Promise<SealableTransfer[]> {
  const rows = await sql.query<Omit<SealableRow, keyof Omit<SealableEntryRow, 'commit_seq'>>>(
    `select t.commit_seq, t.id, t.action, t.code, t.pending_id, t.corrects_id, ${CREATED_AT_ISO}, t.content_hash
     from ledger_transfers t where t.tenant_id = $1 and t.commit_seq > $2 and t.commit_seq <= $3
     order by t.commit_seq limit $4`,
    [tenantId, afterSeq, throughSeq, limit],
  );
  const transfers = rows.map(toSealable);
  const last = transfers.at(-1);
  if (!last) return transfers;
  const entries = await sql.query<SealableEntryRow>(
    `select commit_seq, account_id, posted_delta_won, pending_debit_delta_won, pending_credit_delta_won
     from ledger_entries where tenant_id = $1 and commit_seq > $2 and commit_seq <= $3 order by commit_seq`,
    [tenantId, afterSeq, last.commitSeq],
  );
  // Both lists are in commit order: walk them together.
  let at = 0;
  for (const entry of entries) {
    const seq = Number(entry.commit_seq);
    while (at < transfers.length && (transfers[at] as SealableTransfer).commitSeq < seq) at += 1;
    const transfer = transfers[at];
    // An entry without its transfer in the range: left out here, so the leaf differs and the audit says so.
    if (transfer?.commitSeq === seq) transfer.entries.push(toEntry(entry));
  }
  return transfers;
}

/** The given transfers (any order), by id. */
export async function selectSealableByIds(
  sql: Sql,
  tenantId: string,
  ids: readonly string[],
): Promise<SealableTransfer[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<SealableRow>(
    `select ${SEALABLE_COLUMNS}
     from ledger_transfers t ${ENTRIES_OF_T}
     where t.tenant_id = $1 and t.id = any($2::text[])
     order by t.commit_seq`,
    [tenantId, [...ids]],
  );
  return groupSealable(rows);
}

/** Where a range of the journal stands, for a sealer that reads it in parallel pages. */
export interface CommitRange {
  /** Transfers in the range (at most `max`). */
  count: number;
  /** The commit number of the last of them (afterSeq when there are none). */
  lastSeq: number;
  /** The commit number of every transfer whose position (counted from `firstPosition`) is a multiple of `every`. */
  marks: number[];
}

/** Counts the first `max` transfers after `afterSeq` (through `throughSeq`) and marks every `every`-th. */
export async function selectCommitRange(
  sql: Sql,
  tenantId: string,
  range: { afterSeq: number; throughSeq: number; max: number; every: number; firstPosition: number },
): Promise<CommitRange> {
  const [row] = await sql.query<{ count: string; last_seq: string | null; marks: string[] | null }>(
    `select count(*) as count, max(commit_seq) as last_seq,
       array_agg(commit_seq order by commit_seq) filter (where (position - 1 + $5) % $6 = 0) as marks
     from (select commit_seq, row_number() over (order by commit_seq) as position from ledger_transfers
           where tenant_id = $1 and commit_seq > $2 and commit_seq <= $3 order by commit_seq limit $4) x`,
    [tenantId, range.afterSeq, range.throughSeq, range.max, range.firstPosition, range.every],
  );
  return {
    count: Number(row?.count ?? 0),
    lastSeq: row?.last_seq === null || row?.last_seq === undefined ? range.afterSeq : Number(row.last_seq),
    marks: (row?.marks ?? []).map(Number),
  };
}

/**
 * Ids of transfers touching these accounts whose id is `reference` or ends in `:reference` (the
 * ledger ids modules derive from their own ids: `charge:chg_…`, `payment:pay_…`).
 */
export async function selectTransferIdsByReference(
  sql: Sql,
  tenantId: string,
  accountIds: readonly string[],
  reference: string,
): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const rows = await sql.query<{ transfer_id: string }>(
    `select distinct e.transfer_id from ledger_entries e
     where e.tenant_id = $1 and e.account_id = any($2::text[])
       and (e.transfer_id = $3 or right(e.transfer_id, length($3) + 1) = ':' || $3)
     limit 16`,
    [tenantId, [...accountIds], reference],
  );
  return rows.map((row) => row.transfer_id);
}

function groupSealable(rows: readonly SealableRow[]): SealableTransfer[] {
  const transfers: SealableTransfer[] = [];
  let current: SealableTransfer | undefined;
  for (const row of rows) {
    if (current?.id !== row.id) {
      current = toSealable(row);
      transfers.push(current);
    }
    if (row.account_id !== null) current.entries.push(toEntry(row as SealableEntryRow));
  }
  return transfers;
}

function toEntry(row: SealableEntryRow): Entry {
  return {
    accountId: row.account_id,
    postedDeltaWon: Number(row.posted_delta_won),
    pendingDebitDeltaWon: Number(row.pending_debit_delta_won),
    pendingCreditDeltaWon: Number(row.pending_credit_delta_won),
  };
}

function toSealable(
  row: Pick<
    SealableRow,
    'commit_seq' | 'id' | 'action' | 'code' | 'pending_id' | 'corrects_id' | 'created_at' | 'content_hash'
  >,
): SealableTransfer {
  return {
    commitSeq: Number(row.commit_seq),
    id: row.id,
    action: row.action,
    code: row.code,
    pendingId: row.pending_id,
    correctsId: row.corrects_id,
    createdAt: row.created_at,
    contentHash: row.content_hash,
    entries: [],
  };
}
