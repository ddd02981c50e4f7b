import type { Clock } from '../../clock.js';
import {
  type CompanionWrite,
  type Database,
  retryOnConflict,
  type Sql,
  transactionWithRetry,
} from '../../db/database.js';
import type { TenantKey } from '../../db/tenant-keys.js';
import { DomainError, invalidInput } from '../../errors.js';
import {
  type AccountState,
  answerLateReplays,
  applyBatch,
  type CommandDigests,
  digestCommand,
  expireTransferId,
  type LedgerCommand,
  type StoredTransfer,
  SYSTEM_ID_PREFIX,
} from './batch.js';
import {
  type CommitRange,
  commitWatermark,
  type SealableTransfer,
  selectCommitRange,
  selectSealable,
  selectSealableByIds,
  selectTransferIdsByReference,
} from './commit-order.js';
import { genesisHash } from './hashing.js';
import { HeldAccounts } from './held-accounts.js';
import {
  selectDailyPostedWon,
  selectPostedWonByCounterpartyOwner,
  selectPostedWonTotal,
} from './journal-totals.js';
import {
  lockAccountStatesOwnedBy,
  lockAccountsOfTenants,
  lockAccountsOwnedBy,
  selectAccounts,
  selectAccountsOwnedBy,
  selectAvailableOfTenants,
  selectBalances,
  selectResolutionsOfTenants,
  selectTransfers,
  selectTransfersOfTenants,
  writeBatch,
} from './store.js';
import {
  type Account,
  type AccountBalance,
  type AccountQuery,
  type AccountSpec,
  LEDGER_LIMITS,
  type Transfer,
  type TransferRequest,
  type TransferResult,
} from './types.js';
import { isValidLedgerId } from './validate.js';

const KIND_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const CURRENCY_PATTERN = /^[A-Z0-9]{3,8}$/;
const EXPIRY_BATCH_MAX = 1000;
/** Accounts one balance or journal read takes: callers page larger sets (a programme's grants) by this. */
export const ACCOUNTS_PER_READ_MAX = 10_000;

export interface PostOptions {
  /**
   * Every command's id was minted for this transaction (a payment's `payment:pay_…` from 96 random
   * bits), so no stored transfer can answer it as a replay and the ledger does not look the ids up,
   * a statement fewer while the batch holds its accounts. Should one exist after all, the insert
   * fails with a unique violation (23505), which the caller's retry turns into a fresh attempt.
   * Such a transfer's stored request hash is its content hash (`digestCommand`).
   */
  freshIds?: boolean;
  /**
   * The caller runs the whole transaction again on a unique violation (`retryOnConflict`), so the
   * ledger looks the commands' ids up for replays before it locks their accounts, a statement fewer
   * while the batch holds them (~4 ms a batch of 1,000). An original that commits in between either
   * collides with the batch's insert (23505: the rerun answers it as a replay) or was refused by the
   * batch, which then looks that id up again (`answerLateReplays`). Without this option a concurrent
   * duplicate of an id is found after the lock and never fails the transaction.
   */
  retriedOnConflict?: boolean;
  /** Accounts this transaction already locked (`lockAccountsOwnedByTenants`): not locked or read again. */
  held?: HeldAccounts;
}

/** The double-entry ledger: the single source of truth for every balance. */
export class LedgerService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Idempotent: an existing account with the same kind, currency and rule is returned as is. */
  async createAccounts(tenantId: string, specs: readonly AccountSpec[], tx?: Sql): Promise<Account[]> {
    specs.forEach(assertAccountSpec);
    const sql = tx ?? this.db;
    const rows = specs.map((spec) => ({
      id: spec.id,
      kind: spec.kind,
      owner_id: spec.ownerId ?? null,
      currency_code: spec.currencyCode,
      allow_negative: spec.allowNegative ?? false,
      metadata: spec.metadata ?? {},
      head_hash: genesisHash(tenantId, spec.id),
    }));
    await sql.query(
      `insert into ledger_accounts (tenant_id, id, kind, owner_id, currency_code, allow_negative, metadata, created_at, head_hash)
       select $1, id, kind, owner_id, currency_code, allow_negative, metadata, $3, head_hash
       from json_to_recordset($2::json) as x(id text, kind text, owner_id text, currency_code text,
         allow_negative boolean, metadata jsonb, head_hash text)
       where exists (select 1 from tenants where id = $1)
       on conflict (tenant_id, id) do nothing`,
      [tenantId, JSON.stringify(rows), this.clock.now()],
    );
    const accounts = await selectAccounts(
      sql,
      tenantId,
      specs.map((spec) => spec.id),
    );
    return specs.map((spec) => matchSpec(tenantId, spec, accounts));
  }

  async getAccounts(tenantId: string, ids: readonly string[], tx?: Sql): Promise<Account[]> {
    return selectAccounts(tx ?? this.db, tenantId, ids);
  }

  /**
   * Locks account rows (in id order) for the rest of `tx`, for decisions that depend on a balance,
   * such as how much cashback a budget can still pay.
   */
  async lockAccounts(tx: Sql, tenantId: string, ids: readonly string[]): Promise<Account[]> {
    return selectAccounts(tx, tenantId, ids, 'for update');
  }

  /**
   * What each of these accounts (of several cities) has available, in one statement, locked
   * (`lock`) in (city, id) order or read as committed: `city \u0000 id` → won. Balances only, for
   * a caller that draws on accounts it does not otherwise look at (the budget pots of a payment batch).
   */
  async availableOfTenants(
    sql: Sql,
    keys: readonly TenantKey[],
    lock: 'lock' | 'read',
  ): Promise<Map<string, number>> {
    return selectAvailableOfTenants(sql, keys, lock === 'lock' ? 'for update' : '');
  }

  /**
   * Balances alone (no metadata) of up to ACCOUNTS_PER_READ_MAX accounts, as committed or as `sql`
   * sees them: for a module that sums or filters many of its accounts (a programme's grants).
   * Unknown ids are absent.
   */
  async balancesOf(
    tenantId: string,
    ids: readonly string[],
    sql?: Sql,
  ): Promise<Map<string, AccountBalance>> {
    assertAccountsPerRead(ids.length);
    return selectBalances(sql ?? this.db, tenantId, ids);
  }

  /** The posted balances of the accounts `accounts` names, summed (a programme's grants: what they hold). */
  async postedWonOf(tenantId: string, accounts: AccountQuery, sql?: Sql): Promise<number> {
    return selectPostedWonTotal(sql ?? this.db, tenantId, accounts);
  }

  /**
   * What the accounts `accounts` names exchanged with accounts of `counterparty.kind` (merchants'
   * receivables), net and per owner of those accounts: the sum of the named accounts' posted deltas
   * in transfers that also post to one, negative when they paid. Transfers whose id starts with
   * `excludeTransferIdPrefix` are skipped up front (a module's own movements, known not to qualify).
   */
  async postedWonByCounterpartyOwner(
    tenantId: string,
    accounts: AccountQuery,
    counterparty: { kind: string; excludeTransferIdPrefix?: string },
    sql?: Sql,
  ): Promise<Map<string, number>> {
    return selectPostedWonByCounterpartyOwner(sql ?? this.db, tenantId, accounts, {
      kind: counterparty.kind,
      excludeTransferIdPrefix: counterparty.excludeTransferIdPrefix ?? null,
    });
  }

  /**
   * Net posted won of these accounts per day of `timeZone` ('YYYY-MM-DD', oldest first), leaving out
   * transfers with `excludeCodes`: how fast a budget pot is spent, net of what came back.
   */
  async dailyPostedWon(
    tenantId: string,
    accountIds: readonly string[],
    filter: { timeZone: string; excludeCodes: readonly string[] },
    sql?: Sql,
  ): Promise<Array<{ day: string; postedWon: number }>> {
    assertAccountsPerRead(accountIds.length);
    return selectDailyPostedWon(sql ?? this.db, tenantId, accountIds, filter);
  }

  /** Every account of these owners (members of a payment batch), locked in id order for the rest of `tx`. */
  async lockAccountsOwnedBy(tx: Sql, tenantId: string, ownerIds: readonly string[]): Promise<Account[]> {
    return lockAccountsOwnedBy(
      tx,
      ownerIds.map((id) => ({ tenantId, id })),
    );
  }

  /**
   * The same for owners of several cities (`id` is the owner's), locked in (city, id) order. Give the
   * result to `postTransfersOfTenants` in the same transaction (`held`): it then takes them as locked.
   */
  async lockAccountsOwnedByTenants(tx: Sql, owners: readonly TenantKey[]): Promise<HeldAccounts> {
    const locked = await lockAccountStatesOwnedBy(tx, owners);
    return new HeldAccounts(
      tx,
      locked.map(({ account }) => account),
      locked.map(({ account, state }) => ({ tenantId: account.tenantId, state })),
    );
  }

  async accountsOwnedBy(tenantId: string, ownerId: string, tx?: Sql): Promise<Account[]> {
    return selectAccountsOwnedBy(tx ?? this.db, tenantId, ownerId);
  }

  async getAccount(tenantId: string, id: string, tx?: Sql): Promise<Account | undefined> {
    const [account] = await selectAccounts(tx ?? this.db, tenantId, [id]);
    return account;
  }

  async getTransfer(tenantId: string, id: string, tx?: Sql): Promise<Transfer | undefined> {
    return (await selectTransfers(tx ?? this.db, tenantId, [id])).get(id)?.transfer;
  }

  /** Closing needs an empty account with no money held; a closed account takes no new postings. */
  async closeAccount(tenantId: string, id: string): Promise<void> {
    const closed = await this.db.query(
      `update ledger_accounts set closed_at = $3
       where tenant_id = $1 and id = $2 and closed_at is null
         and posted_won = 0 and pending_debit_won = 0 and pending_credit_won = 0
       returning id`,
      [tenantId, id, this.clock.now()],
    );
    if (closed.length === 0) {
      throw new DomainError({
        code: 'ACCOUNT_NOT_CLOSABLE',
        httpStatus: 409,
        message: `account ${id} is missing, already closed, or not empty`,
        messageKo: `계정 ${id}이(가) 없거나, 이미 해지되었거나, 잔액이 남아 있습니다`,
      });
    }
  }

  /**
   * Posts a batch in one database transaction; each transfer commits or fails alone, in order,
   * with one result per transfer. Retries the batch on a database conflict.
   */
  async postTransfers(tenantId: string, requests: readonly TransferRequest[]): Promise<TransferResult[]> {
    assertBatchSize(requests.length);
    if (requests.length === 0) return [];
    // Keyed probes and `unnest` writes: planned once per connection, not at every batch (~4 ms of
    // PostgreSQL's time a batch of 1,000, spent while the batch holds its accounts).
    return retryOnConflict(() =>
      this.db.transaction(
        async (tx) => {
          const [results] = await this.postTransfersOfTenants(
            tx,
            [{ tenantId, commands: requests }],
            undefined,
            {
              retriedOnConflict: true,
            },
          );
          return results as TransferResult[];
        },
        { genericPlans: true },
      ),
    );
  }

  /**
   * For modules that write their own rows in the same transaction as the ledger. A `companion` is
   * written by the ledger's own write statement (or alone when the batch writes nothing).
   */
  async postTransfersInTransaction(
    tx: Sql,
    tenantId: string,
    commands: readonly LedgerCommand[],
    companion?: CompanionWrite,
  ): Promise<TransferResult[]> {
    const [results] = await this.postTransfersOfTenants(tx, [{ tenantId, commands }], companion);
    return results as TransferResult[];
  }

  /**
   * One batch of several cities' transfers (a payment batch across cities): each city's commands
   * are decided as its own batch, and all of them are read, locked and written with one statement
   * per table, accounts locked in (city, id) order. Results in the order of `parts`.
   */
  async postTransfersOfTenants(
    tx: Sql,
    parts: ReadonlyArray<{ tenantId: string; commands: readonly LedgerCommand[] }>,
    companion?: CompanionWrite,
    options: PostOptions = {},
  ): Promise<TransferResult[][]> {
    for (const part of parts) assertBatchSize(part.commands.length);
    // Each city's accounts are one map that its batch mutates and writes once.
    if (new Set(parts.map((part) => part.tenantId)).size !== parts.length)
      throw new Error('postTransfersOfTenants: one part per tenant');
    const now = this.clock.now();
    const pendingKeys = keysOfCommands(parts, pendingIdOf);
    // Hashed before the accounts are locked: from the lock to the commit, other batches on these
    // accounts wait, so only what needs the locked state is done there.
    const digests = parts.map((part) =>
      part.commands.map((command) => digestCommand(part.tenantId, now, command, options.freshIds)),
    );
    const replayKeys = options.freshIds ? [] : keysOfCommands(parts, (command) => [command.id]);
    const replaysBeforeLock = options.retriedOnConflict === true;
    // Stored transfers never change, so the pending transfers a batch resolves are read before the
    // lock, and its replays too when a unique violation reruns the transaction (PostOptions).
    const stored = await selectTransfersOfTenants(tx, [
      ...pendingKeys,
      ...(replaysBeforeLock ? replayKeys : []),
    ]);
    const held = options.held?.take(tx);
    const accounts = await lockAccountsOfTenants(
      tx,
      parts.flatMap(({ tenantId, commands }) =>
        accountIdsOf(commands, pendingsOf(commands, stored.get(tenantId)))
          .filter((id) => !held?.get(tenantId)?.has(id))
          .map((id) => ({ tenantId, id })),
      ),
    );
    for (const [tenantId, states] of held ?? []) {
      const tenantAccounts = accounts.get(tenantId) ?? new Map<string, AccountState>();
      for (const [id, state] of states) tenantAccounts.set(id, state);
      accounts.set(tenantId, tenantAccounts);
    }
    const storedAfterLock = await selectTransfersOfTenants(tx, [
      ...keysOfCommands(parts, (command) =>
        command.action === 'transfer' && command.correctsId ? [command.correctsId] : [],
      ),
      ...(replaysBeforeLock ? [] : replayKeys),
    ]);
    const resolutions = await selectResolutionsOfTenants(tx, pendingKeys);
    const decided = parts.map(({ tenantId, commands }, at) => {
      const tenantAccounts = accounts.get(tenantId) ?? new Map();
      const context = {
        tenantId,
        now,
        accounts: tenantAccounts,
        transfers: new Map([...(storedAfterLock.get(tenantId) ?? []), ...(stored.get(tenantId) ?? [])]),
        resolutions: resolutions.get(tenantId) ?? new Map(),
      };
      return { tenantId, accounts: tenantAccounts, ...applyBatch(context, commands, digests[at]) };
    });
    if (replaysBeforeLock && !options.freshIds)
      await this.answerRefusedReplays(tx, parts, decided, stored, digests);
    await writeBatch(tx, decided, companion);
    return decided.map((part) => part.results);
  }

  /**
   * Looks up again the ids of the commands a batch refused that were not stored when it looked
   * before its lock, and answers those stored since as replays: their originals committed while the
   * batch waited for its accounts (`answerLateReplays`). A statement only when the batch refused one.
   */
  private async answerRefusedReplays(
    tx: Sql,
    parts: ReadonlyArray<{ tenantId: string; commands: readonly LedgerCommand[] }>,
    decided: Array<{ tenantId: string; results: TransferResult[] }>,
    stored: ReadonlyMap<string, ReadonlyMap<string, StoredTransfer>>,
    digests: readonly CommandDigests[][],
  ): Promise<void> {
    const refusedKeys = decided.flatMap(({ tenantId, results }) =>
      unique(
        results.flatMap((result) => (result.ok || stored.get(tenantId)?.has(result.id) ? [] : [result.id])),
      ).map((id) => ({ tenantId, id })),
    );
    if (refusedKeys.length === 0) return;
    const found = await selectTransfersOfTenants(tx, refusedKeys);
    decided.forEach((part, at) => {
      const foundOfTenant = found.get(part.tenantId);
      if (foundOfTenant)
        part.results = answerLateReplays(
          (parts[at] as (typeof parts)[number]).commands,
          part.results,
          digests[at] ?? [],
          foundOfTenant,
        );
    });
  }

  /** The highest commit number below which no transfer can still appear (see commit-order.ts). */
  async commitWatermark(tenantId: string): Promise<number> {
    return commitWatermark(this.db, tenantId);
  }

  /** Committed transfers with afterSeq < commit number <= throughSeq, in commit order; bounded by `limit`. */
  async transfersInCommitOrder(
    tenantId: string,
    afterSeq: number,
    throughSeq: number,
    limit: number,
  ): Promise<SealableTransfer[]> {
    return selectSealable(this.db, tenantId, afterSeq, throughSeq, Math.min(Math.max(1, limit), 100_000));
  }

  /** Counts up to `max` transfers after `afterSeq` and gives the commit number of every `every`-th. */
  async commitRange(
    tenantId: string,
    range: { afterSeq: number; throughSeq: number; max: number; every: number; firstPosition: number },
  ): Promise<CommitRange> {
    return selectCommitRange(this.db, tenantId, range);
  }

  async sealableTransfers(tenantId: string, ids: readonly string[]): Promise<SealableTransfer[]> {
    return selectSealableByIds(this.db, tenantId, ids.slice(0, LEDGER_LIMITS.batchTransfersMax));
  }

  /** Transfers on these accounts named after a module's record id (`payment:pay_…` for `pay_…`). */
  async transferIdsByReference(
    tenantId: string,
    accountIds: readonly string[],
    reference: string,
  ): Promise<string[]> {
    return selectTransferIdsByReference(this.db, tenantId, accountIds, reference);
  }

  /** Voids pending transfers whose timeout has passed; bounded per call. Returns how many expired. */
  async expirePending(tenantId: string, limit = EXPIRY_BATCH_MAX): Promise<number> {
    const boundedLimit = Math.min(Math.max(1, Math.trunc(limit)), EXPIRY_BATCH_MAX);
    const due = await this.db.query<{ transfer_id: string }>(
      `select transfer_id from ledger_open_holds where tenant_id = $1 and timeout_at <= $2
       order by timeout_at, transfer_id limit $3`,
      [tenantId, this.clock.now(), boundedLimit],
    );
    if (due.length === 0) return 0;
    const commands: LedgerCommand[] = due.map((row) => ({
      id: expireTransferId(row.transfer_id),
      action: 'expire_pending',
      pendingId: row.transfer_id,
    }));
    const results = await transactionWithRetry(this.db, (tx) =>
      this.postTransfersInTransaction(tx, tenantId, commands),
    );
    return results.filter((result) => result.ok && !result.replayed).length;
  }
}

function accountIdsOf(
  commands: readonly LedgerCommand[],
  pendings: Iterable<{ transfer: Transfer }>,
): string[] {
  const ids = new Set<string>();
  for (const command of commands) {
    if ('postings' in command && Array.isArray(command.postings)) {
      for (const posting of command.postings)
        if (isValidLedgerId(posting?.accountId)) ids.add(posting.accountId);
    }
  }
  for (const { transfer } of pendings) for (const entry of transfer.entries) ids.add(entry.accountId);
  return [...ids];
}

/** The (city, id) keys that `idsOf` names in each part's commands, each once. */
function keysOfCommands(
  parts: ReadonlyArray<{ tenantId: string; commands: readonly LedgerCommand[] }>,
  idsOf: (command: LedgerCommand) => string[],
): TenantKey[] {
  return parts.flatMap(({ tenantId, commands }) =>
    unique(commands.flatMap(idsOf)).map((id) => ({ tenantId, id })),
  );
}

/** The stored transfers that these commands resolve (their `pendingId`s). */
function pendingsOf(
  commands: readonly LedgerCommand[],
  stored: ReadonlyMap<string, StoredTransfer> | undefined,
): StoredTransfer[] {
  if (!stored) return [];
  return unique(commands.flatMap(pendingIdOf)).flatMap((id) => stored.get(id) ?? []);
}

function pendingIdOf(command: LedgerCommand): string[] {
  return 'pendingId' in command ? [command.pendingId] : [];
}

function unique(values: readonly string[]): string[] {
  const lookable = (id: string) =>
    id.startsWith(SYSTEM_ID_PREFIX) ? isValidLedgerId(id.slice(1)) : isValidLedgerId(id);
  return [...new Set(values.filter(lookable))];
}

function assertBatchSize(count: number): void {
  if (count > LEDGER_LIMITS.batchTransfersMax) {
    throw new DomainError({
      code: 'BATCH_TOO_LARGE',
      httpStatus: 400,
      message: `a batch holds at most ${LEDGER_LIMITS.batchTransfersMax} transfers, got ${count}`,
      messageKo: `한 번에 최대 ${LEDGER_LIMITS.batchTransfersMax}건까지 처리할 수 있습니다 (요청 ${count}건)`,
    });
  }
}

function assertAccountsPerRead(count: number): void {
  if (count > ACCOUNTS_PER_READ_MAX)
    throw new Error(`a ledger read takes at most ${ACCOUNTS_PER_READ_MAX} accounts, got ${count}`);
}

function assertAccountSpec(spec: AccountSpec): void {
  if (!isValidLedgerId(spec.id))
    throw invalidInput(`invalid account id ${String(spec.id)}`, '계정 id가 올바르지 않습니다');
  if (!KIND_PATTERN.test(spec.kind))
    throw invalidInput(`invalid account kind ${spec.kind}`, '계정 종류가 올바르지 않습니다');
  if (!CURRENCY_PATTERN.test(spec.currencyCode)) {
    throw invalidInput(`invalid currency code ${spec.currencyCode}`, '통화 코드가 올바르지 않습니다');
  }
}

function matchSpec(tenantId: string, spec: AccountSpec, accounts: Account[]): Account {
  const account = accounts.find((candidate) => candidate.id === spec.id);
  if (!account) {
    throw new DomainError({
      code: 'TENANT_NOT_FOUND',
      httpStatus: 404,
      message: `tenant ${tenantId} does not exist`,
      messageKo: `테넌트 ${tenantId}이(가) 없습니다`,
    });
  }
  const same =
    account.kind === spec.kind &&
    account.currencyCode === spec.currencyCode &&
    account.allowNegative === (spec.allowNegative ?? false) &&
    account.ownerId === (spec.ownerId ?? null);
  if (!same) {
    throw new DomainError({
      code: 'ACCOUNT_CONFLICT',
      httpStatus: 409,
      message: `account ${spec.id} exists with other attributes`,
      messageKo: `계정 ${spec.id}이(가) 다른 속성으로 이미 있습니다`,
    });
  }
  return account;
}
