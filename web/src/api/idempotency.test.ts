import { describe, expect, it } from 'vitest';
import { IdempotencyKeys, newIdempotencyKey } from './idempotency.js';

describe('idempotency keys for money-moving forms', () => {
  it('reuses the key when the same submission is retried', () => {
    const keys = new IdempotencyKeys();
    const first = keys.keyFor({ amountWon: 100_000 });
    expect(keys.keyFor({ amountWon: 100_000 })).toBe(first);
  });

  it('gives a changed form a new key', () => {
    const keys = new IdempotencyKeys();
    const first = keys.keyFor({ amountWon: 100_000 });
    expect(keys.keyFor({ amountWon: 50_000 })).not.toBe(first);
  });

  it('starts a new submission after a definite answer, even with the same body', () => {
    const keys = new IdempotencyKeys();
    const first = keys.keyFor({ amountWon: 100_000 });
    keys.settle();
    expect(keys.keyFor({ amountWon: 100_000 })).not.toBe(first);
  });

  it('makes version 4 UUIDs', () => {
    expect(newIdempotencyKey()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
