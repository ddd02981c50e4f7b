import { ApiError } from './problem.js';

/**
 * Idempotency keys for requests that move money. One key per submitted form: a retry of the same
 * submission (same body, after a timeout or a dropped connection) reuses it, so the server applies
 * it once; a changed form gets a new key.
 */
export class IdempotencyKeys {
  private last: { fingerprint: string; key: string } | null = null;

  keyFor(body: unknown): string {
    const fingerprint = JSON.stringify(body);
    if (this.last?.fingerprint !== fingerprint) this.last = { fingerprint, key: newIdempotencyKey() };
    return this.last.key;
  }

  /** After a definite answer the submission is over; the next one is new even with the same body. */
  settle(): void {
    this.last = null;
  }
}

/** crypto.randomUUID needs a secure context; a phone on the LAN over http gets the same from getRandomValues. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Sends one money-moving request under the submission's key. A definite answer (success or refusal)
 * ends the submission; an unknown outcome (network, 5xx) keeps the key so the retry cannot act twice.
 */
export async function sendIdempotent<Result>(
  keys: IdempotencyKeys,
  submission: unknown,
  send: (idempotencyKey: string) => Promise<Result>,
): Promise<Result> {
  const idempotencyKey = keys.keyFor(submission);
  try {
    const result = await send(idempotencyKey);
    keys.settle();
    return result;
  } catch (error) {
    if (!(error instanceof ApiError && error.outcomeUnknown)) keys.settle();
    throw error;
  }
}
