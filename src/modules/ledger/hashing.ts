import { createHash } from 'node:crypto';
import type { Entry, Transfer } from './types.js';

/** JSON with object keys sorted at every depth, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(source)
        .sort()
        .filter((key) => source[key] !== undefined)
        .map((key) => [key, sortKeys(source[key])]),
    );
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Idempotency: the same id with this same hash is a replay; with another hash, a conflict. */
export function requestHash(request: unknown): string {
  return sha256Hex(canonicalJson(request));
}

/** Digest of everything a transfer says, entries included; each entry's chain link covers it. */
export function transferContentHash(transfer: Omit<Transfer, 'entries'>, entries: readonly Entry[]): string {
  const sortedEntries = [...entries].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  return sha256Hex(
    canonicalJson({
      tenantId: transfer.tenantId,
      id: transfer.id,
      action: transfer.action,
      code: transfer.code,
      pendingId: transfer.pendingId,
      correctsId: transfer.correctsId,
      timeoutAt: transfer.timeoutAt,
      metadata: transfer.metadata,
      createdAt: transfer.createdAt,
      entries: sortedEntries,
    }),
  );
}

/**
 * Each account carries its own chain: a link covers the previous link, the entry and its transfer's
 * digest. The account row is locked to update its balance anyway, so the chain adds no extra lock.
 */
export function entryLinkHash(previousHash: string, seq: number, entry: Entry, contentHash: string): string {
  return sha256Hex(
    `${previousHash}|${seq}|${entry.accountId}|${entry.postedDeltaWon}|${entry.pendingDebitDeltaWon}|${entry.pendingCreditDeltaWon}|${contentHash}`,
  );
}

export function genesisHash(tenantId: string, accountId: string): string {
  return sha256Hex(`hanbat-genesis|${tenantId}|${accountId}`);
}
