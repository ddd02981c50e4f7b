import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomBase64Url, recordId } from './ids.js';

describe('record ids from the pooled CSPRNG', () => {
  it('have the prefix and exactly the asked bytes, for every size the pool can give', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), (byteCount) => {
        const text = randomBase64Url(byteCount);
        expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(Buffer.from(text, 'base64url')).toHaveLength(byteCount);
      }),
      { numRuns: 2_000 },
    );
    expect(recordId('pay')).toMatch(/^pay_[A-Za-z0-9_-]{16}$/);
    expect(recordId('posk', 9)).toMatch(/^posk_[A-Za-z0-9_-]{12}$/);
  });

  it('never repeat across many refills of the pool (each byte is used once)', () => {
    // 100,000 ids of 12 bytes span ~290 refills of the 4 KiB pool; 96 random bits never collide here.
    const ids = new Set(Array.from({ length: 100_000 }, () => recordId('pay')));
    expect(ids.size).toBe(100_000);
    // Sizes that do not divide the pool leave a tail a refill must not hand out again.
    const odd = new Set(Array.from({ length: 20_000 }, () => randomBase64Url(7)));
    expect(odd.size).toBe(20_000);
  });

  it('refuses a size outside 1..256', () => {
    for (const byteCount of [0, -1, 1.5, 257, Number.NaN])
      expect(() => randomBase64Url(byteCount)).toThrow(RangeError);
  });
});
