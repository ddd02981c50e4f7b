import { randomFillSync } from 'node:crypto';

/**
 * Record ids (`pay_…`, `trf_…`) are 96 random bits from the CSPRNG. They are drawn from a pool
 * refilled 4 KiB at a time, one call into the CSPRNG per ~340 ids instead of one per id: a payment
 * batch mints one per payment, and `randomBytes(12)` cost ~6 µs a call (docs/engine.md, "Session 18").
 * The bytes are used once each. Secrets (tokens, keys, passwords) keep their own `randomBytes`.
 */
const POOL_BYTES = 4_096;
const BYTES_MAX = 256;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** `byteCount` fresh random bytes as base64url text (no padding). */
export function randomBase64Url(byteCount: number): string {
  if (!Number.isInteger(byteCount) || byteCount < 1 || byteCount > BYTES_MAX)
    throw new RangeError(`byteCount must be an integer in 1..${BYTES_MAX}, got ${byteCount}`);
  if (poolOffset + byteCount > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const text = pool.toString('base64url', poolOffset, poolOffset + byteCount);
  poolOffset += byteCount;
  return text;
}

/** A record id: `prefix_` and `byteCount` random bytes (12 unless the record's ids were shorter). */
export function recordId(prefix: string, byteCount = 12): string {
  return `${prefix}_${randomBase64Url(byteCount)}`;
}
