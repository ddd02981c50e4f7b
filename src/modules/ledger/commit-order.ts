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
  createdAt: Date;
  contentHash: string;
  entries: Entry[];
}

interface SealableRow {
  commit_seq: number;
  id: string;
  action: TransferAction;
  code: string;
  pending_id: string | null;
  corrects_id: string | null;
  created_at: Date;
  content_hash: string;
  entries: Array<[string, number, number, number]>;
}

/** Transfers with afterSeq < commit_seq <= throughSeq, in commit order, at most `limit`. */
export async function selectSealable(
  sql: Sql,
  tenantId: string,
  afterSeq: number,
  throughSeq: number,
  limit: number,
): Promise<SealableTransfer[]> {
  const rows = await sql.query<SealableRow>(
    `select t.commit_seq, t.id, t.action, t.code, t.pending_id, t.corrects_id, t.created_at, t.content_hash,
       (select json_agg(json_build_array(e.account_id, e.posted_delta_won, e.pending_debit_delta_won,
          e.pending_credit_delta_won) order by e.account_id)
        from ledger_entries e where e.tenant_id = t.tenant_id and e.transfer_id = t.id) as entries
     from ledger_transfers t
     where t.tenant_id = $1 and t.commit_seq > $2 and t.commit_seq <= $3
     order by t.commit_seq limit $4`,
    [tenantId, afterSeq, throughSeq, limit],
  );
  return rows.map(toSealable);
}

/** The given transfers (any order), by id. */
export async function selectSealableByIds(
  sql: Sql,
  tenantId: string,
  ids: readonly string[],
): Promise<SealableTransfer[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<SealableRow>(
    `select t.commit_seq, t.id, t.action, t.code, t.pending_id, t.corrects_id, t.created_at, t.content_hash,
       (select json_agg(json_build_array(e.account_id, e.posted_delta_won, e.pending_debit_delta_won,
          e.pending_credit_delta_won) order by e.account_id)
        from ledger_entries e where e.tenant_id = t.tenant_id and e.transfer_id = t.id) as entries
     from ledger_transfers t
     where t.tenant_id = $1 and t.id in (select json_array_elements_text($2::json))
     order by t.commit_seq`,
    [tenantId, JSON.stringify(ids)],
  );
  return rows.map(toSealable);
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

function toSealable(row: SealableRow): SealableTransfer {
  return {
    commitSeq: Number(row.commit_seq),
    id: row.id,
    action: row.action,
    code: row.code,
    pendingId: row.pending_id,
    correctsId: row.corrects_id,
    createdAt: row.created_at,
    contentHash: row.content_hash,
    entries: (row.entries ?? []).map(([accountId, posted, pendingDebit, pendingCredit]) => ({
      accountId,
      postedDeltaWon: Number(posted),
      pendingDebitDeltaWon: Number(pendingDebit),
      pendingCreditDeltaWon: Number(pendingCredit),
    })),
  };
}
