import { type CompanionWrite, type Sql, writeCompanion } from '../../db/database.js';
import type { AccountState, BatchWrite, StoredTransfer } from './batch.js';
import type { Account, Entry, Transfer, TransferAction } from './types.js';

/** SQL of the ledger module. Sets go in and out as JSON documents: one statement per table, any batch size. */

interface AccountRow {
  id: string;
  kind: string;
  owner_id: string | null;
  currency_code: string;
  allow_negative: boolean;
  metadata: Record<string, unknown>;
  created_at: Date;
  closed_at: Date | null;
  posted_won: number;
  pending_debit_won: number;
  pending_credit_won: number;
  entry_count: number;
  head_hash: string;
}

const ACCOUNT_COLUMNS = `id, kind, owner_id, currency_code, allow_negative, metadata, created_at, closed_at,
  posted_won, pending_debit_won, pending_credit_won, entry_count, head_hash`;

export async function lockAccounts(
  tx: Sql,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, AccountState>> {
  if (ids.length === 0) return new Map();
  // Only what a batch decides on: metadata and timestamps would be parsed for nothing.
  const rows = await tx.query<AccountStateRow>(
    `select id, currency_code, allow_negative, closed_at is not null as closed, posted_won, pending_debit_won,
       pending_credit_won, entry_count, head_hash
     from ledger_accounts
     where tenant_id = $1 and id = any($2::text[]) order by id for update`,
    [tenantId, [...ids]],
  );
  return new Map(rows.map((row) => [row.id, toAccountState(row)]));
}

export async function selectAccounts(
  sql: Sql,
  tenantId: string,
  ids: readonly string[],
  lock: 'for update' | '' = '',
): Promise<Account[]> {
  const rows = await sql.query<AccountRow>(
    `select ${ACCOUNT_COLUMNS} from ledger_accounts
     where tenant_id = $1 and id = any($2::text[]) order by id ${lock}`,
    [tenantId, [...ids]],
  );
  return rows.map((row) => toAccount(tenantId, row));
}

export async function selectAccountsOwnedBy(sql: Sql, tenantId: string, ownerId: string): Promise<Account[]> {
  const rows = await sql.query<AccountRow>(
    `select ${ACCOUNT_COLUMNS} from ledger_accounts where tenant_id = $1 and owner_id = $2 order by id`,
    [tenantId, ownerId],
  );
  return rows.map((row) => toAccount(tenantId, row));
}

/** Every account of these owners, locked in id order for the rest of `tx`. */
export async function lockAccountsOwnedBy(
  tx: Sql,
  tenantId: string,
  ownerIds: readonly string[],
): Promise<Account[]> {
  if (ownerIds.length === 0) return [];
  const rows = await tx.query<AccountRow>(
    `select ${ACCOUNT_COLUMNS} from ledger_accounts
     where tenant_id = $1 and owner_id = any($2::text[]) order by id for update`,
    [tenantId, [...new Set(ownerIds)]],
  );
  return rows.map((row) => toAccount(tenantId, row));
}

type AccountStateRow = Pick<
  AccountRow,
  | 'id'
  | 'currency_code'
  | 'allow_negative'
  | 'posted_won'
  | 'pending_debit_won'
  | 'pending_credit_won'
  | 'entry_count'
  | 'head_hash'
> & { closed: boolean };

function toAccountState(row: AccountStateRow): AccountState {
  return {
    id: row.id,
    currencyCode: row.currency_code,
    allowNegative: row.allow_negative,
    closed: row.closed,
    postedWon: row.posted_won,
    pendingDebitWon: row.pending_debit_won,
    pendingCreditWon: row.pending_credit_won,
    entryCount: row.entry_count,
    headHash: row.head_hash,
  };
}

export function toAccount(tenantId: string, row: AccountRow): Account {
  return {
    tenantId,
    id: row.id,
    kind: row.kind,
    ownerId: row.owner_id,
    currencyCode: row.currency_code,
    allowNegative: row.allow_negative,
    metadata: row.metadata,
    createdAt: row.created_at,
    closedAt: row.closed_at,
    postedWon: row.posted_won,
    pendingDebitWon: row.pending_debit_won,
    pendingCreditWon: row.pending_credit_won,
    availableWon: row.posted_won - row.pending_debit_won,
  };
}

interface TransferRow {
  id: string;
  action: TransferAction;
  code: string;
  pending_id: string | null;
  corrects_id: string | null;
  timeout_at: Date | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  request_hash: string;
  content_hash: string;
}

interface EntryRowDb {
  transfer_id: string;
  account_id: string;
  posted_delta_won: number;
  pending_debit_delta_won: number;
  pending_credit_delta_won: number;
}

export async function selectTransfers(
  sql: Sql,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, StoredTransfer & { contentHash: string }>> {
  if (ids.length === 0) return new Map();
  const transferRows = await sql.query<TransferRow>(
    `select id, action, code, pending_id, corrects_id, timeout_at, metadata, created_at, request_hash, content_hash
     from ledger_transfers where tenant_id = $1 and id = any($2::text[])`,
    [tenantId, [...ids]],
  );
  if (transferRows.length === 0) return new Map();
  const entryRows = await sql.query<EntryRowDb>(
    `select transfer_id, account_id, posted_delta_won, pending_debit_delta_won, pending_credit_delta_won
     from ledger_entries where tenant_id = $1 and transfer_id = any($2::text[])
     order by transfer_id, account_id`,
    [tenantId, transferRows.map((row) => row.id)],
  );
  const entriesByTransfer = groupEntries(entryRows);
  return new Map(
    transferRows.map((row) => [
      row.id,
      {
        requestHash: row.request_hash,
        contentHash: row.content_hash,
        transfer: toTransfer(tenantId, row, entriesByTransfer.get(row.id) ?? []),
      },
    ]),
  );
}

export function groupEntries(rows: readonly EntryRowDb[]): Map<string, Entry[]> {
  const grouped = new Map<string, Entry[]>();
  for (const row of rows) {
    const list = grouped.get(row.transfer_id) ?? [];
    list.push({
      accountId: row.account_id,
      postedDeltaWon: row.posted_delta_won,
      pendingDebitDeltaWon: row.pending_debit_delta_won,
      pendingCreditDeltaWon: row.pending_credit_delta_won,
    });
    grouped.set(row.transfer_id, list);
  }
  return grouped;
}

export function toTransfer(tenantId: string, row: TransferRow, entries: Entry[]): Transfer {
  return {
    tenantId,
    id: row.id,
    action: row.action,
    code: row.code,
    pendingId: row.pending_id,
    correctsId: row.corrects_id,
    timeoutAt: row.timeout_at,
    metadata: row.metadata,
    createdAt: row.created_at,
    entries,
  };
}

export async function selectResolutions(
  sql: Sql,
  tenantId: string,
  pendingIds: readonly string[],
): Promise<Map<string, TransferAction>> {
  if (pendingIds.length === 0) return new Map();
  const rows = await sql.query<{ pending_id: string; action: TransferAction }>(
    `select pending_id, action from ledger_transfers
     where tenant_id = $1 and pending_id = any($2::text[])`,
    [tenantId, [...pendingIds]],
  );
  return new Map(rows.map((row) => [row.pending_id, row.action]));
}

/**
 * Writes a batch's transfers, entries and account balances in one statement (one round trip while
 * the batch holds its account locks), then opens and closes holds.
 */
export async function writeBatch(
  tx: Sql,
  tenantId: string,
  write: BatchWrite,
  accounts: Map<string, AccountState>,
  companion?: CompanionWrite,
): Promise<void> {
  if (write.transfers.length === 0) {
    if (companion) await writeCompanion(tx, companion);
    return;
  }
  const accountRows = accountRowsOf(write, accounts);
  const [written] = await tx.query<{ updated: number }>(
    `with transfers as (
       insert into ledger_transfers
         (tenant_id, id, action, code, pending_id, corrects_id, timeout_at, metadata, request_hash, content_hash, created_at)
       select $1, id, action, code, pending_id, corrects_id, timeout_at, metadata, request_hash, content_hash, created_at
       from json_to_recordset($2::json) as x(id text, action text, code text, pending_id text, corrects_id text,
         timeout_at timestamptz, metadata jsonb, request_hash text, content_hash text, created_at timestamptz)
       returning id, commit_seq
     ), entries as (
       insert into ledger_entries (tenant_id, account_id, seq, transfer_id, posted_delta_won,
         pending_debit_delta_won, pending_credit_delta_won, hash, commit_seq)
       select $1, x.account_id, x.seq, x.transfer_id, x.posted, x.pending_debit, x.pending_credit, x.hash, t.commit_seq
       from json_to_recordset($3::json) as x(account_id text, seq bigint, transfer_id text, posted bigint,
         pending_debit bigint, pending_credit bigint, hash text)
       left join transfers t on t.id = x.transfer_id
     ), balances as (
       update ledger_accounts a set posted_won = x.posted, pending_debit_won = x.pending_debit,
         pending_credit_won = x.pending_credit, entry_count = x.entry_count, head_hash = x.head_hash
       from json_to_recordset($4::json) as x(id text, posted bigint, pending_debit bigint, pending_credit bigint,
         entry_count bigint, head_hash text)
       where a.tenant_id = $1 and a.id = x.id
       returning a.id
     )${companion ? `, ${companion.ctes(5)}` : ''}
     select count(*)::int as updated from balances`,
    [
      tenantId,
      JSON.stringify(transferRowsOf(write)),
      JSON.stringify(entryRowsOf(write)),
      JSON.stringify(accountRows),
      ...(companion?.params ?? []),
    ],
  );
  if (written?.updated !== accountRows.length) {
    throw new Error(`ledger invariant: updated ${written?.updated} of ${accountRows.length} locked accounts`);
  }
  await updateOpenHolds(tx, tenantId, write);
}

function transferRowsOf(write: BatchWrite) {
  return write.transfers.map(({ transfer, requestHash, contentHash }) => ({
    id: transfer.id,
    action: transfer.action,
    code: transfer.code,
    pending_id: transfer.pendingId,
    corrects_id: transfer.correctsId,
    timeout_at: transfer.timeoutAt?.toISOString() ?? null,
    metadata: transfer.metadata,
    request_hash: requestHash,
    content_hash: contentHash,
    created_at: transfer.createdAt.toISOString(),
  }));
}

function entryRowsOf(write: BatchWrite) {
  return write.entries.map(({ transferId, seq, hash, entry }) => ({
    account_id: entry.accountId,
    seq,
    transfer_id: transferId,
    posted: entry.postedDeltaWon,
    pending_debit: entry.pendingDebitDeltaWon,
    pending_credit: entry.pendingCreditDeltaWon,
    hash,
  }));
}

function accountRowsOf(write: BatchWrite, accounts: Map<string, AccountState>) {
  return [...write.touchedAccountIds].map((id) => {
    const account = accounts.get(id) as AccountState;
    return {
      id,
      posted: account.postedWon,
      pending_debit: account.pendingDebitWon,
      pending_credit: account.pendingCreditWon,
      entry_count: account.entryCount,
      head_hash: account.headHash,
    };
  });
}

async function updateOpenHolds(tx: Sql, tenantId: string, write: BatchWrite): Promise<void> {
  if (write.holdsOpened.length > 0) {
    await tx.query(
      `insert into ledger_open_holds (tenant_id, transfer_id, timeout_at)
       select $1, transfer_id, timeout_at from json_to_recordset($2::json) as x(transfer_id text, timeout_at timestamptz)`,
      [
        tenantId,
        JSON.stringify(
          write.holdsOpened.map((hold) => ({ transfer_id: hold.transferId, timeout_at: hold.timeoutAt })),
        ),
      ],
    );
  }
  if (write.holdsClosed.length > 0) {
    await tx.query(
      `delete from ledger_open_holds
       where tenant_id = $1 and transfer_id = any($2::text[])`,
      [tenantId, [...write.holdsClosed]],
    );
  }
}
