import { type CompanionWrite, type Sql, writeCompanion } from '../../db/database.js';
import { byTenant, keyedRows, type TenantKey, tenantKeyRows } from '../../db/tenant-keys.js';
import { splitColumns, textColumn } from '../../db/text-columns.js';
import type { AccountState, BatchWrite, StoredTransfer } from './batch.js';
import type { Account, AccountBalance, Entry, Transfer, TransferAction } from './types.js';

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

/**
 * A locked row's physical address (`ctid`), which the batch's balance update finds it by: a TID
 * fetch instead of a second descent of the primary key, ~2.7 µs an account (docs/engine.md,
 * "Session 29"). Nothing else can move the row while this transaction holds its lock; a lock that
 * waited for another writer returns the row's newest version, address included.
 */
const LOCKED_COLUMNS = '*, ctid::text as row_id';

/**
 * Locks accounts of several cities in one statement, in (city, id) order: the order every flow
 * takes them in, one city's flows included. City → account id → state.
 */
export async function lockAccountsOfTenants(
  tx: Sql,
  keys: readonly TenantKey[],
): Promise<Map<string, Map<string, AccountState>>> {
  if (keys.length === 0) return new Map();
  // Only what a batch decides on: metadata and timestamps would be parsed for nothing.
  // Locked inside each probe, in key order: an ORDER BY … FOR UPDATE after it would sort and lock again.
  const accounts = tenantKeyRows('ledger_accounts', 'id', keys, 'a', 1, LOCKED_COLUMNS, 'for update');
  const rows = await tx.query<AccountStateRow & { tenant_id: string }>(
    `select tenant_id, id, currency_code, allow_negative, closed_at is not null as closed, posted_won,
       pending_debit_won, pending_credit_won, entry_count, head_hash, row_id
     from ${accounts.sql}`,
    accounts.params,
  );
  const grouped = byTenant(rows, (row) => row.tenant_id);
  return new Map(
    [...grouped].map(([tenantId, tenantRows]) => [
      tenantId,
      new Map(tenantRows.map((row) => [row.id, toAccountState(row)])),
    ]),
  );
}

export async function selectAccounts(
  sql: Sql,
  tenantId: string,
  ids: readonly string[],
  lock: 'for update' | '' = '',
): Promise<Account[]> {
  return selectAccountsOfTenants(
    sql,
    ids.map((id) => ({ tenantId, id })),
    lock,
  );
}

/** Accounts of several cities in one statement, in (city, id) order. */
export async function selectAccountsOfTenants(
  sql: Sql,
  keys: readonly TenantKey[],
  lock: 'for update' | '' = '',
): Promise<Account[]> {
  if (keys.length === 0) return [];
  const accounts = tenantKeyRows('ledger_accounts', 'id', keys, 'a');
  const rows = await sql.query<AccountRow & { tenant_id: string }>(
    `select tenant_id, ${ACCOUNT_COLUMNS} from ${accounts.sql} order by tenant_id, id ${lock && `${lock} of a`}`,
    accounts.params,
  );
  return rows.map((row) => toAccount(row.tenant_id, row));
}

/** Available balances of several cities' accounts in one statement: `city \u0000 id` → won. */
export async function selectAvailableOfTenants(
  sql: Sql,
  keys: readonly TenantKey[],
  lock: 'for update' | '' = '',
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const accounts = tenantKeyRows('ledger_accounts', 'id', keys, 'a');
  const rows = await sql.query<{ tenant_id: string; id: string; available_won: number }>(
    `select tenant_id, id, posted_won - pending_debit_won as available_won
     from ${accounts.sql} order by tenant_id, id ${lock && `${lock} of a`}`,
    accounts.params,
  );
  return new Map(rows.map((row) => [`${row.tenant_id}\u0000${row.id}`, row.available_won]));
}

/** Posted and available balances of one city's accounts, without the rest of their rows: id → balance. */
export async function selectBalances(
  sql: Sql,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, AccountBalance>> {
  if (ids.length === 0) return new Map();
  const accounts = tenantKeyRows(
    'ledger_accounts',
    'id',
    ids.map((id) => ({ tenantId, id })),
    'a',
  );
  const rows = await sql.query<{ id: string; posted_won: number; available_won: number }>(
    `select id, posted_won, posted_won - pending_debit_won as available_won from ${accounts.sql}`,
    accounts.params,
  );
  return new Map(rows.map((row) => [row.id, { postedWon: row.posted_won, availableWon: row.available_won }]));
}

export async function selectAccountsOwnedBy(sql: Sql, tenantId: string, ownerId: string): Promise<Account[]> {
  const rows = await sql.query<AccountRow>(
    `select ${ACCOUNT_COLUMNS} from ledger_accounts where tenant_id = $1 and owner_id = $2 order by id`,
    [tenantId, ownerId],
  );
  return rows.map((row) => toAccount(tenantId, row));
}

/** Every account of these owners (`id` is the owner's), locked in (city, id) order for the rest of `tx`. */
export async function lockAccountsOwnedBy(tx: Sql, owners: readonly TenantKey[]): Promise<Account[]> {
  return (await lockAccountStatesOwnedBy(tx, owners)).map(({ account }) => account);
}

/** The same, each account also as the state a ledger batch decides on. */
export async function lockAccountStatesOwnedBy(
  tx: Sql,
  owners: readonly TenantKey[],
): Promise<Array<{ account: Account; state: AccountState }>> {
  if (owners.length === 0) return [];
  // Found by owner, then locked by id: locking inside the owner probes would take the rows in owner
  // order, which is not the (city, id) order every other flow locks accounts in.
  const owned = tenantKeyRows('ledger_accounts', 'owner_id', owners, 'o', 1, 'tenant_id, id');
  const accounts = keyedRows(
    'ledger_accounts',
    'id',
    `(select o.tenant_id, o.id from ${owned.sql})`,
    'a',
    LOCKED_COLUMNS,
    'for update',
  );
  const rows = await tx.query<AccountRow & { tenant_id: string; row_id: string }>(
    `select tenant_id, ${ACCOUNT_COLUMNS}, row_id from ${accounts} order by tenant_id, id`,
    owned.params,
  );
  return rows.map((row) => ({
    account: toAccount(row.tenant_id, row),
    state: toAccountState({ ...row, closed: row.closed_at !== null }),
  }));
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
> & { closed: boolean; row_id: string };

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
    rowId: row.row_id,
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
  const found = await selectTransfersOfTenants(
    sql,
    ids.map((id) => ({ tenantId, id })),
  );
  return found.get(tenantId) ?? new Map();
}

/** Stored transfers of several cities, two statements in all: city → transfer id → transfer. */
export async function selectTransfersOfTenants(
  sql: Sql,
  keys: readonly TenantKey[],
): Promise<Map<string, Map<string, StoredTransfer & { contentHash: string }>>> {
  if (keys.length === 0) return new Map();
  const transfers = tenantKeyRows('ledger_transfers', 'id', keys, 't');
  const transferRows = await sql.query<TransferRow & { tenant_id: string; commit_seq: number }>(
    `select tenant_id, id, action, code, pending_id, corrects_id, timeout_at, metadata, created_at, request_hash,
       content_hash, commit_seq
     from ${transfers.sql}`,
    transfers.params,
  );
  if (transferRows.length === 0) return new Map();
  const entryRows = await selectEntriesOfTransfers(sql, transferRows);
  const found = new Map<string, Map<string, StoredTransfer & { contentHash: string }>>();
  for (const [tenantId, rows] of byTenant(transferRows, (row) => row.tenant_id)) {
    const entriesByTransfer = groupEntries(entryRows.filter((row) => row.tenant_id === tenantId));
    found.set(
      tenantId,
      new Map(
        rows.map((row) => [
          row.id,
          {
            requestHash: row.request_hash,
            contentHash: row.content_hash,
            transfer: toTransfer(tenantId, row, entriesByTransfer.get(row.id) ?? []),
          },
        ]),
      ),
    );
  }
  return found;
}

/**
 * The entries of these transfers, found by their transfer's commit number (ledger_entries_commit_order;
 * every entry carries its transfer's, which the audit proves): one index probe per transfer.
 */
export async function selectEntriesOfTransfers(
  sql: Sql,
  transfers: ReadonlyArray<{ tenant_id: string; id: string; commit_seq: number }>,
): Promise<Array<EntryRowDb & { tenant_id: string }>> {
  if (transfers.length === 0) return [];
  return sql.query<EntryRowDb & { tenant_id: string }>(
    `select e.tenant_id, e.transfer_id, e.account_id, e.posted_delta_won, e.pending_debit_delta_won,
       e.pending_credit_delta_won
     from unnest($1::text[], $2::text[], $3::bigint[]) as k(tenant_id, transfer_id, commit_seq)
     join ledger_entries e on e.tenant_id = k.tenant_id and e.commit_seq = k.commit_seq and e.transfer_id = k.transfer_id
     order by e.tenant_id, e.transfer_id, e.account_id`,
    [transfers.map((t) => t.tenant_id), transfers.map((t) => t.id), transfers.map((t) => t.commit_seq)],
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

/** How each of these pending transfers (of several cities) was resolved: city → pending id → action. */
export async function selectResolutionsOfTenants(
  sql: Sql,
  pendings: readonly TenantKey[],
): Promise<Map<string, Map<string, TransferAction>>> {
  if (pendings.length === 0) return new Map();
  const resolutions = tenantKeyRows('ledger_transfers', 'pending_id', pendings, 't');
  const rows = await sql.query<{ tenant_id: string; pending_id: string; action: TransferAction }>(
    `select tenant_id, pending_id, action from ${resolutions.sql}`,
    resolutions.params,
  );
  return new Map(
    [...byTenant(rows, (row) => row.tenant_id)].map(([tenantId, tenantRows]) => [
      tenantId,
      new Map(tenantRows.map((row) => [row.pending_id, row.action])),
    ]),
  );
}

/** One city's share of a ledger batch write: what it writes and its locked accounts after the batch. */
export interface TenantBatchWrite {
  tenantId: string;
  write: BatchWrite;
  accounts: Map<string, AccountState>;
}

/**
 * Writes a batch's transfers, entries and account balances, for one city or several, in one
 * statement (one round trip while the batch holds its account locks), then opens and closes holds.
 */
export async function writeBatch(
  tx: Sql,
  parts: readonly TenantBatchWrite[],
  companion?: CompanionWrite,
): Promise<void> {
  const writing = parts.filter((part) => part.write.transfers.length > 0);
  if (writing.length === 0) {
    if (companion) await writeCompanion(tx, companion);
    return;
  }
  const transfers = transferColumnsOf(writing);
  const entries = entryColumnsOf(writing);
  const accounts = accountColumnsOf(writing);
  const [written] = await tx.query<{ updated: number }>(
    `with transfers as (
       insert into ledger_transfers
         (tenant_id, id, action, code, pending_id, corrects_id, timeout_at, metadata, request_hash, content_hash, created_at)
       select * from unnest(${splitColumns(1, ['text', 'text', 'text', 'text', 'text', 'text', 'timestamptz', 'jsonb', 'text', 'text', 'timestamptz'])})
       returning tenant_id, id, commit_seq
     ), entries as (
       insert into ledger_entries (tenant_id, account_id, seq, transfer_id, posted_delta_won,
         pending_debit_delta_won, pending_credit_delta_won, hash, commit_seq)
       select x.tenant_id, x.account_id, x.seq, x.transfer_id, x.posted, x.pending_debit, x.pending_credit, x.hash,
         t.commit_seq
       from unnest(${splitColumns(12, ['text', 'text', 'bigint', 'text', 'bigint', 'bigint', 'bigint', 'text'])})
         as x(tenant_id, account_id, seq, transfer_id, posted, pending_debit, pending_credit, hash)
       left join transfers t on t.tenant_id = x.tenant_id and t.id = x.transfer_id
     ), balances as (
       update ledger_accounts a set posted_won = x.posted, pending_debit_won = x.pending_debit,
         pending_credit_won = x.pending_credit, entry_count = x.entry_count, head_hash = x.head_hash
       from unnest(${splitColumns(20, ['text', 'text', 'bigint', 'bigint', 'bigint', 'bigint', 'text', 'tid'])})
         as x(tenant_id, id, posted, pending_debit, pending_credit, entry_count, head_hash, row_id)
       where a.ctid = x.row_id and a.tenant_id = x.tenant_id and a.id = x.id
       returning a.id
     )${companion ? `, ${companion.ctes(28)}` : ''}
     select count(*)::int as updated from balances`,
    [...transfers, ...entries, ...accounts.columns, ...(companion?.params ?? [])],
  );
  if (written?.updated !== accounts.count) {
    throw new Error(`ledger invariant: updated ${written?.updated} of ${accounts.count} locked accounts`);
  }
  await updateOpenHolds(tx, writing);
}

type ColumnField<Item> = (item: Item, part: TenantBatchWrite) => string | number | null;

/**
 * Builds one text column per field (`textColumn`) from the items of a batch's cities. Indexed loops
 * and no row objects: a batch writes ~15 fields of ~6 rows a payment, and what this allocated
 * (an iterator result per field and a wrapper per row) was the ledger's largest share of the
 * payment path's garbage (docs/engine.md, "Session 24").
 */
function columnsOf<Item>(
  parts: readonly TenantBatchWrite[],
  items: (part: TenantBatchWrite) => Iterable<Item>,
  fields: ReadonlyArray<ColumnField<Item>>,
): string[] {
  const columns: Array<Array<string | number | null>> = fields.map(() => []);
  for (const part of parts)
    for (const item of items(part))
      for (let index = 0; index < fields.length; index += 1)
        (columns[index] as Array<string | number | null>).push(
          (fields[index] as ColumnField<Item>)(item, part),
        );
  return columns.map(textColumn);
}

function transferColumnsOf(parts: readonly TenantBatchWrite[]): string[] {
  return columnsOf<BatchWrite['transfers'][number]>(parts, (part) => part.write.transfers, [
    (_, part) => part.tenantId,
    (item) => item.transfer.id,
    (item) => item.transfer.action,
    (item) => item.transfer.code,
    (item) => item.transfer.pendingId,
    (item) => item.transfer.correctsId,
    (item) => item.transfer.timeoutAt?.toISOString() ?? null,
    (item) => (item.transfer.metadata == null ? null : JSON.stringify(item.transfer.metadata)),
    (item) => item.requestHash,
    (item) => item.contentHash,
    (item) => item.transfer.createdAt.toISOString(),
  ]);
}

function entryColumnsOf(parts: readonly TenantBatchWrite[]): string[] {
  return columnsOf<BatchWrite['entries'][number]>(parts, (part) => part.write.entries, [
    (_, part) => part.tenantId,
    (item) => item.entry.accountId,
    (item) => item.seq,
    (item) => item.transferId,
    (item) => item.entry.postedDeltaWon,
    (item) => item.entry.pendingDebitDeltaWon,
    (item) => item.entry.pendingCreditDeltaWon,
    (item) => item.hash,
  ]);
}

function accountColumnsOf(parts: readonly TenantBatchWrite[]): { columns: string[]; count: number } {
  const stateOf = (id: string, part: TenantBatchWrite) => part.accounts.get(id) as AccountState;
  const columns = columnsOf<string>(parts, (part) => part.write.touchedAccountIds, [
    (_, part) => part.tenantId,
    (id) => id,
    (id, part) => stateOf(id, part).postedWon,
    (id, part) => stateOf(id, part).pendingDebitWon,
    (id, part) => stateOf(id, part).pendingCreditWon,
    (id, part) => stateOf(id, part).entryCount,
    (id, part) => stateOf(id, part).headHash,
    (id, part) => stateOf(id, part).rowId,
  ]);
  return { columns, count: parts.reduce((sum, part) => sum + part.write.touchedAccountIds.size, 0) };
}

async function updateOpenHolds(tx: Sql, parts: readonly TenantBatchWrite[]): Promise<void> {
  const opened = parts.flatMap(({ tenantId, write }) =>
    write.holdsOpened.map((hold) => ({
      tenant_id: tenantId,
      transfer_id: hold.transferId,
      timeout_at: hold.timeoutAt,
    })),
  );
  if (opened.length > 0) {
    await tx.query(
      `insert into ledger_open_holds (tenant_id, transfer_id, timeout_at)
       select tenant_id, transfer_id, timeout_at
       from json_to_recordset($1::json) as x(tenant_id text, transfer_id text, timeout_at timestamptz)`,
      [JSON.stringify(opened)],
    );
  }
  const closed = parts.flatMap(({ tenantId, write }) =>
    [...write.holdsClosed].map((id) => ({ tenantId, id })),
  );
  if (closed.length > 0) {
    // Found by one index probe per hold (tenantKeyRows), deleted by ctid.
    const holds = tenantKeyRows('ledger_open_holds', 'transfer_id', closed, 'h', 1, 'ctid');
    await tx.query(
      `delete from ledger_open_holds where ctid = any(array(select h.ctid from ${holds.sql}))`,
      holds.params,
    );
  }
}
