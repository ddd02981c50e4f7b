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
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1)
      text += `${index === 0 ? '' : ','}${writeCanonical(value[index]) ?? 'null'}`;
    return `${text}]`;
  }
  const source = value as Record<string, unknown>;
  let text = '';
  for (const key of canonicalKeyOrder(source)) {
    const member = source[key];
    const written = member === undefined ? undefined : writeCanonical(member);
    if (written !== undefined) text += `${text === '' ? '' : ','}${quotedKey(key)}:${written}`;
  }
  return `{${text}}`;
}

/**
 * The order JSON.stringify gives a rebuilt object with sorted keys: integer-like keys (array
 * indices) first in numeric order, as JavaScript always enumerates them, then the rest sorted.
 */
function canonicalKeyOrder(source: Record<string, unknown>): string[] {
  const keys = Object.keys(source);
  let indexCount = 0;
  while (indexCount < keys.length && isArrayIndex(keys[indexCount] as string)) indexCount += 1;
  if (indexCount === 0) return keys.sort();
  if (indexCount === keys.length) return keys;
  return [...keys.slice(0, indexCount), ...keys.slice(indexCount).sort()];
}

const ARRAY_INDEX_MAX = 2 ** 32 - 2;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  if (!(first >= DIGIT_0 && first <= DIGIT_9)) return false; // most keys: no regex
  return /^(0|[1-9][0-9]*)$/.test(key) && Number(key) <= ARRAY_INDEX_MAX;
}

/** Keys repeat across transfers (metadata, entries), so their quoted text is kept, up to a bound. */
const QUOTED_KEYS_MAX = 4_096;
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < QUOTED_KEYS_MAX) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** One-shot `hash`: several times cheaper than a Hash object per call, and a batch makes thousands. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Idempotency: the same id with this same hash is a replay; with another hash, a conflict. */
export function requestHash(request: unknown): string {
  return sha256Hex(canonicalJson(request));
}

/**
 * Digest of everything a transfer says, entries included; each entry's chain link covers it. The
 * text is `canonicalJson` of the transfer's fields and its entries sorted by account, written with
 * the keys in their known sorted order: every transfer of a batch is hashed, and sorting the same
 * ten keys each time was most of the cost (a test holds it equal to the generic text).
 */
export function transferContentHash(transfer: Omit<Transfer, 'entries'>, entries: readonly Entry[]): string {
  const sortedEntries =
    entries.length > 1 ? [...entries].sort((a, b) => (a.accountId < b.accountId ? -1 : 1)) : entries;
  const { action, code, correctsId, createdAt, id, metadata, pendingId, tenantId, timeoutAt } = transfer;
  const fields: unknown[] = [
    action,
    code,
    correctsId,
    createdAt,
    id,
    metadata,
    pendingId,
    tenantId,
    timeoutAt,
  ];
  // A field left undefined is left out of the text, as canonicalJson does: the generic writer then.
  if (fields.includes(undefined)) return sha256Hex(canonicalJson({ ...transfer, entries: sortedEntries }));
  let entriesText = '';
  for (const entry of sortedEntries) entriesText += `${entriesText === '' ? '' : ','}${entryText(entry)}`;
  return sha256Hex(
    `{"action":${writeCanonical(action)},"code":${writeCanonical(code)},"correctsId":${writeCanonical(correctsId)},"createdAt":${writeCanonical(createdAt)},"entries":[${entriesText}],"id":${writeCanonical(id)},"metadata":${writeCanonical(metadata)},"pendingId":${writeCanonical(pendingId)},"tenantId":${writeCanonical(tenantId)},"timeoutAt":${writeCanonical(timeoutAt)}}`,
  );
}

/** An entry's canonical text: its four fields in sorted key order. */
function entryText(entry: Entry): string {
  return `{"accountId":${JSON.stringify(entry.accountId)},"pendingCreditDeltaWon":${JSON.stringify(entry.pendingCreditDeltaWon)},"pendingDebitDeltaWon":${JSON.stringify(entry.pendingDebitDeltaWon)},"postedDeltaWon":${JSON.stringify(entry.postedDeltaWon)}}`;
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
