import { entryLinkHash, requestHash, transferContentHash } from './hashing.js';
import {
  type Entry,
  failure,
  type LedgerResultCode,
  type Transfer,
  type TransferRequest,
  type TransferResult,
} from './types.js';
import { checkRequestShape } from './validate.js';

/** -0 would read back from the database as 0; keep results identical to their replays. */
function negate(won: number): number {
  return won === 0 ? 0 : -won;
}

/** Ids of system transfers start with a character callers may not use, so no caller can take one first. */
export const SYSTEM_ID_PREFIX = '!';

export function expireTransferId(pendingId: string): string {
  return `${SYSTEM_ID_PREFIX}expire:${pendingId}`;
}

/** The expiry job's command; never accepted from callers. */
export interface ExpireCommand {
  id: string;
  action: 'expire_pending';
  pendingId: string;
}

export type LedgerCommand = TransferRequest | ExpireCommand;

/** A locked account row, mutated in memory as the batch applies. */
export interface AccountState {
  id: string;
  currencyCode: string;
  allowNegative: boolean;
  closed: boolean;
  postedWon: number;
  pendingDebitWon: number;
  pendingCreditWon: number;
  entryCount: number;
  headHash: string;
  /** Where the locked row lies (`ctid`), for the batch's write to update it by (store.ts). */
  rowId: string;
}

export interface StoredTransfer {
  requestHash: string;
  transfer: Transfer;
}

export interface BatchContext {
  tenantId: string;
  now: Date;
  accounts: Map<string, AccountState>;
  /** Transfers already stored (or written earlier in this batch), by id: for replays and corrections. */
  transfers: Map<string, StoredTransfer>;
  /** How each referenced pending transfer was resolved, if it was. */
  resolutions: Map<string, Transfer['action']>;
}

export interface EntryRow {
  transferId: string;
  seq: number;
  hash: string;
  entry: Entry;
}

export interface BatchWrite {
  transfers: Array<StoredTransfer & { contentHash: string }>;
  entries: EntryRow[];
  touchedAccountIds: Set<string>;
  holdsOpened: Array<{ transferId: string; timeoutAt: Date }>;
  holdsClosed: string[];
}

type Built =
  | { ok: true; transfer: Omit<Transfer, 'entries'>; entries: Entry[] }
  | { ok: false; code: LedgerResultCode };

/**
 * A command's digests as far as they follow from the command alone, worked out before its accounts
 * are locked: from the lock to the commit other batches on those accounts wait (postTransfersOfTenants).
 * The content digest is known beforehand for a well-formed transfer or hold, whose entries are its
 * postings; a resolution's depends on the pending transfer and is hashed in the batch.
 */
export interface CommandDigests {
  requestHash?: string;
  contentHash?: string;
}

/**
 * With `freshId` (`PostOptions.freshIds`: the caller minted the id, so no earlier request used it and
 * no replay will compare a request hash with it) the content digest is stored as the request hash
 * too: one canonical text and one digest fewer a payment, most of the allocation of its hashing. A
 * request of the ledger's API naming such an id later is another request: its own request hash
 * differs, and it is refused as IDEMPOTENCY_CONFLICT.
 */
export function digestCommand(
  tenantId: string,
  now: Date,
  command: LedgerCommand,
  freshId = false,
): CommandDigests {
  try {
    const contentHash = contentHashBeforehand(tenantId, now, command);
    if (freshId && contentHash !== undefined) return { requestHash: contentHash, contentHash };
    const hashOfRequest = requestHash(command);
    return contentHash === undefined
      ? { requestHash: hashOfRequest }
      : { requestHash: hashOfRequest, contentHash };
  } catch {
    return {}; // not JSON: applyBatch refuses it in its own order
  }
}

/** A well-formed transfer's or hold's content digest; undefined for other commands and bad shapes. */
function contentHashBeforehand(tenantId: string, now: Date, command: LedgerCommand): string | undefined {
  if (command.action !== 'transfer' && command.action !== 'pending') return undefined;
  if (checkRequestShape(command, now) !== null) return undefined;
  const draft = draftFromPostings(tenantId, now, command);
  return transferContentHash(draft.transfer, draft.entries);
}

/**
 * Applies commands in order against locked account state. Each command succeeds or fails alone;
 * a failure writes nothing. Pure: the caller loads the context and writes the result.
 * `digests[i]`, when given, is `digestCommand(context.tenantId, context.now, commands[i])`, computed
 * by the caller before it locked the accounts.
 */
export function applyBatch(
  context: BatchContext,
  commands: readonly LedgerCommand[],
  digests: readonly CommandDigests[] = [],
): {
  results: TransferResult[];
  write: BatchWrite;
} {
  const write: BatchWrite = {
    transfers: [],
    entries: [],
    touchedAccountIds: new Set(),
    holdsOpened: [],
    holdsClosed: [],
  };
  const results = commands.map((command, at) => applyOne(context, write, command, digests[at] ?? {}));
  return { results, write };
}

function applyOne(
  context: BatchContext,
  write: BatchWrite,
  command: LedgerCommand,
  known: CommandDigests,
): TransferResult {
  const knownRequestHash = known.requestHash;
  // Replays first: a retried request must get its original answer even if, say, its timeout has passed since.
  const stored = context.transfers.get(command.id);
  if (stored) return replayOf(command, stored, knownRequestHash);
  // A content digest given beforehand is of a command whose shape digestCommand found sound.
  const shapeChecked = command.action === 'expire_pending' || known.contentHash !== undefined;
  const shapeProblem = shapeChecked ? null : checkRequestShape(command, context.now);
  if (shapeProblem) return failure(command.id, shapeProblem);
  const hashOfRequest = knownRequestHash ?? requestHash(command);
  const built = buildTransfer(context, command);
  if (!built.ok) return failure(command.id, built.code);
  const balanceProblem = checkBalances(context, built.entries);
  if (balanceProblem) return failure(command.id, balanceProblem);
  const contentHash = known.contentHash ?? transferContentHash(built.transfer, built.entries);
  const transfer = commit(context, write, built.transfer, built.entries, hashOfRequest, contentHash);
  return { id: command.id, ok: true, replayed: false, transfer };
}

/** The answer to a command whose id is stored: the original transfer, or a conflict if the request differs. */
function replayOf(command: LedgerCommand, stored: StoredTransfer, knownRequestHash?: string): TransferResult {
  return stored.requestHash === (knownRequestHash ?? requestHash(command))
    ? { id: command.id, ok: true, replayed: true, transfer: stored.transfer }
    : failure(command.id, 'IDEMPOTENCY_CONFLICT');
}

/**
 * The answers of a decided batch once `found` turned up stored transfers under the ids of commands it
 * refused: their originals committed after the batch looked its ids up (before its lock) and before
 * it took its accounts, so the refusal was decided on state that had already spent the money. A
 * refused command changed nothing, so answering it as the replay it is leaves every other decision
 * of the batch standing.
 */
export function answerLateReplays(
  commands: readonly LedgerCommand[],
  results: readonly TransferResult[],
  digests: readonly CommandDigests[],
  found: ReadonlyMap<string, StoredTransfer>,
): TransferResult[] {
  return results.map((result, at) => {
    const stored = result.ok ? undefined : found.get(result.id);
    return stored ? replayOf(commands[at] as LedgerCommand, stored, digests[at]?.requestHash) : result;
  });
}

function buildTransfer(context: BatchContext, command: LedgerCommand): Built {
  switch (command.action) {
    case 'transfer':
    case 'pending':
      return buildFromPostings(context, command);
    case 'post_pending':
    case 'void_pending':
    case 'expire_pending':
      return buildResolution(context, command);
  }
}

function buildFromPostings(
  context: BatchContext,
  command: Extract<TransferRequest, { action: 'transfer' | 'pending' }>,
): Built {
  const accountProblem = checkAccounts(
    context,
    command.postings.map((posting) => posting.accountId),
  );
  if (accountProblem) return { ok: false, code: accountProblem };
  const correctsId = command.action === 'transfer' ? (command.correctsId ?? null) : null;
  if (correctsId && !context.transfers.has(correctsId))
    return { ok: false, code: 'CORRECTED_TRANSFER_NOT_FOUND' };
  return { ok: true, ...draftFromPostings(context.tenantId, context.now, command) };
}

/** The transfer and entries a well-formed transfer or hold writes: a function of the command alone. */
function draftFromPostings(
  tenantId: string,
  now: Date,
  command: Extract<TransferRequest, { action: 'transfer' | 'pending' }>,
): { transfer: Omit<Transfer, 'entries'>; entries: Entry[] } {
  const isPending = command.action === 'pending';
  const entries = command.postings.map((posting) => ({
    accountId: posting.accountId,
    postedDeltaWon: isPending ? 0 : posting.amountWon,
    pendingDebitDeltaWon: isPending && posting.amountWon < 0 ? -posting.amountWon : 0,
    pendingCreditDeltaWon: isPending && posting.amountWon > 0 ? posting.amountWon : 0,
  }));
  const transfer = {
    tenantId,
    id: command.id,
    action: command.action,
    code: command.code,
    pendingId: null,
    correctsId: command.action === 'transfer' ? (command.correctsId ?? null) : null,
    timeoutAt: isPending ? command.timeoutAt : null,
    metadata: command.metadata ?? {},
    createdAt: now,
  };
  return { transfer, entries };
}

function checkAccounts(context: BatchContext, accountIds: readonly string[]): LedgerResultCode | null {
  let currencyCode: string | undefined;
  for (const accountId of accountIds) {
    const account = context.accounts.get(accountId);
    if (!account) return 'ACCOUNT_NOT_FOUND';
    if (account.closed) return 'ACCOUNT_CLOSED';
    currencyCode ??= account.currencyCode;
    if (account.currencyCode !== currencyCode) return 'CURRENCY_MISMATCH';
  }
  return null;
}

function buildResolution(
  context: BatchContext,
  command: Extract<LedgerCommand, { action: 'post_pending' | 'void_pending' | 'expire_pending' }>,
): Built {
  const pending = context.transfers.get(command.pendingId)?.transfer;
  if (pending?.action !== 'pending') return { ok: false, code: 'PENDING_NOT_FOUND' };
  const resolutionProblem = checkUnresolved(context, pending, command.action);
  if (resolutionProblem) return { ok: false, code: resolutionProblem };
  const postedShares =
    command.action === 'post_pending' ? postedShareByAccount(pending, command.amountWon) : null;
  if (postedShares && !postedShares.ok) return postedShares;
  const entries = pending.entries.map((held) => ({
    accountId: held.accountId,
    postedDeltaWon: postedShares?.ok ? (postedShares.shares.get(held.accountId) ?? 0) : 0,
    pendingDebitDeltaWon: negate(held.pendingDebitDeltaWon),
    pendingCreditDeltaWon: negate(held.pendingCreditDeltaWon),
  }));
  const transfer = {
    tenantId: context.tenantId,
    id: command.id,
    action: command.action,
    code: pending.code,
    pendingId: pending.id,
    correctsId: null,
    timeoutAt: null,
    metadata: ('metadata' in command ? command.metadata : undefined) ?? {},
    createdAt: context.now,
  };
  return { ok: true, transfer, entries };
}

function checkUnresolved(
  context: BatchContext,
  pending: Transfer,
  action: LedgerCommand['action'],
): LedgerResultCode | null {
  const resolution = context.resolutions.get(pending.id);
  if (resolution === 'post_pending') return 'PENDING_ALREADY_POSTED';
  if (resolution === 'void_pending') return 'PENDING_ALREADY_VOIDED';
  if (resolution === 'expire_pending') return 'PENDING_EXPIRED';
  const timedOut = pending.timeoutAt !== null && pending.timeoutAt.getTime() <= context.now.getTime();
  if (action === 'expire_pending') return timedOut ? null : 'TIMEOUT_INVALID';
  return timedOut ? 'PENDING_EXPIRED' : null;
}

/** Full post moves every held amount; a partial post (two postings only) moves `amountWon`. */
function postedShareByAccount(
  pending: Transfer,
  amountWon: number | undefined,
): { ok: true; shares: Map<string, number> } | { ok: false; code: LedgerResultCode } {
  const heldWon = pending.entries.reduce((sum, held) => sum + held.pendingCreditDeltaWon, 0);
  if (amountWon !== undefined && amountWon > heldWon)
    return { ok: false, code: 'POST_AMOUNT_EXCEEDS_PENDING' };
  if (amountWon !== undefined && amountWon !== heldWon && pending.entries.length !== 2) {
    return { ok: false, code: 'PARTIAL_POST_NEEDS_TWO_POSTINGS' };
  }
  const shares = new Map<string, number>();
  for (const held of pending.entries) {
    const fullWon = held.pendingCreditDeltaWon - held.pendingDebitDeltaWon;
    shares.set(held.accountId, amountWon === undefined ? fullWon : Math.sign(fullWon) * amountWon);
  }
  return { ok: true, shares };
}

function checkBalances(context: BatchContext, entries: readonly Entry[]): LedgerResultCode | null {
  for (const entry of entries) {
    const account = context.accounts.get(entry.accountId);
    if (!account) return 'ACCOUNT_NOT_FOUND';
    const postedWon = account.postedWon + entry.postedDeltaWon;
    const pendingDebitWon = account.pendingDebitWon + entry.pendingDebitDeltaWon;
    const pendingCreditWon = account.pendingCreditWon + entry.pendingCreditDeltaWon;
    if (
      ![postedWon, pendingDebitWon, pendingCreditWon, postedWon - pendingDebitWon].every(Number.isSafeInteger)
    ) {
      return 'BALANCE_OVERFLOW';
    }
    const spendsMore = entry.postedDeltaWon < 0 || entry.pendingDebitDeltaWon > 0;
    if (!account.allowNegative && spendsMore && postedWon - pendingDebitWon < 0) return 'INSUFFICIENT_FUNDS';
  }
  return null;
}

function commit(
  context: BatchContext,
  write: BatchWrite,
  header: Omit<Transfer, 'entries'>,
  entries: Entry[],
  hashOfRequest: string,
  contentHash: string,
): Transfer {
  for (const entry of entries) {
    const account = context.accounts.get(entry.accountId) as AccountState;
    account.entryCount += 1;
    account.headHash = entryLinkHash(account.headHash, account.entryCount, entry, contentHash);
    account.postedWon += entry.postedDeltaWon;
    account.pendingDebitWon += entry.pendingDebitDeltaWon;
    account.pendingCreditWon += entry.pendingCreditDeltaWon;
    write.entries.push({ transferId: header.id, seq: account.entryCount, hash: account.headHash, entry });
    write.touchedAccountIds.add(entry.accountId);
  }
  // Stored entries read back in account order; results look the same whether fresh or replayed.
  const transfer: Transfer = {
    ...header,
    entries: [...entries].sort((a, b) => (a.accountId < b.accountId ? -1 : 1)),
  };
  const stored = { requestHash: hashOfRequest, transfer };
  context.transfers.set(transfer.id, stored);
  write.transfers.push({ ...stored, contentHash });
  if (transfer.action === 'pending' && transfer.timeoutAt) {
    write.holdsOpened.push({ transferId: transfer.id, timeoutAt: transfer.timeoutAt });
  }
  if (transfer.pendingId) {
    context.resolutions.set(transfer.pendingId, transfer.action);
    write.holdsClosed.push(transfer.pendingId);
  }
  return transfer;
}
