import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed bank callback: unix seconds, and `v1=` + hex HMAC-SHA256 of `${timestamp}.${body}`. */
export const SIGNATURE_HEADERS = {
  timestamp: 'bank-timestamp',
  signature: 'bank-signature',
} as const;

/** How far a callback's timestamp may be from our clock, either way. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

const SIGNATURE_PATTERN = /^v1=([0-9a-f]{64})$/;
const TIMESTAMP_PATTERN = /^\d{1,12}$/;

export type SignatureCheck =
  | { ok: true; timestampMs: number }
  | { ok: false; reason: 'MISSING' | 'MALFORMED' | 'BAD_SIGNATURE' | 'STALE' };

export function signBody(secret: string, rawBody: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.signature]: `v1=${hmacHex(secret, timestamp, rawBody)}`,
  };
}

/**
 * Checks the signature before the window, so a forged message is always reported as forged; the
 * window stops an old captured message from being replayed later.
 */
export function verifySignature(input: {
  secret: string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  rawBody: string;
  now: Date;
  toleranceMs?: number;
}): SignatureCheck {
  const { timestampHeader, signatureHeader } = input;
  if (!timestampHeader || !signatureHeader) return { ok: false, reason: 'MISSING' };
  const given = SIGNATURE_PATTERN.exec(signatureHeader)?.[1];
  if (!given || !TIMESTAMP_PATTERN.test(timestampHeader)) return { ok: false, reason: 'MALFORMED' };
  const expected = Buffer.from(hmacHex(input.secret, timestampHeader, input.rawBody), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return { ok: false, reason: 'BAD_SIGNATURE' };
  const timestampMs = Number(timestampHeader) * 1000;
  const toleranceMs = input.toleranceMs ?? SIGNATURE_TOLERANCE_MS;
  if (Math.abs(input.now.getTime() - timestampMs) > toleranceMs) return { ok: false, reason: 'STALE' };
  return { ok: true, timestampMs };
}

function hmacHex(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}
