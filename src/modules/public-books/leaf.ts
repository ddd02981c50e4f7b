import { hash } from 'node:crypto';
import type { SealableTransfer } from '../ledger/index.js';

/**
 * A transfer as a leaf of the public tree: its shape, amounts and digest, with every account named
 * only by a hash, so a leaf shown to one member names no other member. Encoded as JSON with the
 * keys in the order written here (sorted), no spaces, strings escaped as JSON.stringify does.
 */
export interface LeafEntry {
  account: string;
  pendingCredit: number;
  pendingDebit: number;
  posted: number;
}

export interface Leaf {
  action: string;
  code: string;
  contentHash: string;
  correctsId: string | null;
  createdAt: string;
  entries: LeafEntry[];
  pendingId: string | null;
  tenantId: string;
  transferId: string;
  v: 1;
}

/** SHA-256 hex of "hanbat-account|" + tenant id + "|" + account id (UTF-8). */
export function accountHash(tenantId: string, accountId: string): string {
  return hash('sha256', `hanbat-account|${tenantId}|${accountId}`, 'hex');
}

/** Account hashes already computed, for a sealer that meets the same accounts again and again. */
export type AccountHashCache = Map<string, string>;

function cachedAccountHash(tenantId: string, accountId: string, cache: AccountHashCache | undefined): string {
  const known = cache?.get(accountId);
  if (known) return known;
  const computed = accountHash(tenantId, accountId);
  cache?.set(accountId, computed);
  return computed;
}

export function leafOf(tenantId: string, transfer: SealableTransfer, cache?: AccountHashCache): Leaf {
  const entries = transfer.entries
    .map((entry) => ({
      account: cachedAccountHash(tenantId, entry.accountId, cache),
      pendingCredit: entry.pendingCreditDeltaWon,
      pendingDebit: entry.pendingDebitDeltaWon,
      posted: entry.postedDeltaWon,
    }))
    .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  return {
    action: transfer.action,
    code: transfer.code,
    contentHash: transfer.contentHash,
    correctsId: transfer.correctsId,
    createdAt: transfer.createdAt.toISOString(),
    entries,
    pendingId: transfer.pendingId,
    tenantId,
    transferId: transfer.id,
    v: 1,
  };
}

/** The leaf's bytes as hashed: the object above, keys already in order, through JSON.stringify. */
export function encodeLeaf(leaf: Leaf): string {
  return JSON.stringify(leaf);
}
