import { hash } from 'node:crypto';
import type { Entry, Transfer } from './types.js';

/**
 * JSON with object keys sorted at every depth, so equal content always hashes equally: the text of
 * JSON.stringify over a copy with sorted keys (dates as ISO strings), written in one pass because
 * every ledger transfer hashes its request and its content.
 */
export function canonicalJson(value: unknown): string {
  return writeCanonical(value) ?? 'null';
}

/** undefined where JSON.stringify would leave the value out (undefined, functions, symbols). */
function writeCanonical(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item) => writeCanonical(item) ?? 'null').join(',')}]`;
  const source = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of canonicalKeyOrder(source)) {
    const written = source[key] === undefined ? undefined : writeCanonical(source[key]);
    if (written !== undefined) members.push(`${JSON.stringify(key)}:${written}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * The order JSON.stringify gives a rebuilt object with sorted keys: integer-like keys (array
 * indices) first in numeric order, as JavaScript always enumerates them, then the rest sorted.
 */
function canonicalKeyOrder(source: Record<string, unknown>): string[] {
  const keys = Object.keys(source);
  const indexCount = keys.findIndex((key) => !isArrayIndex(key));
  if (indexCount === -1) return keys;
  return [...keys.slice(0, indexCount), ...keys.slice(indexCount).sort()];
}

const ARRAY_INDEX_MAX = 2 ** 32 - 2;

function isArrayIndex(key: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(key) && Number(key) <= ARRAY_INDEX_MAX;
}

/** One-shot `hash`: several times cheaper than a Hash object per call, and a batch makes thousands. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
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
