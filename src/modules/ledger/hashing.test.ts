import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex, transferContentHash } from './hashing.js';
import type { Entry, Transfer } from './types.js';

/** The first definition, kept as the oracle: every stored digest was computed with this text. */
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
const reference = (value: unknown) => JSON.stringify(sortKeys(value));

const anything = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('canonical JSON', () => {
  it('writes exactly the text of the original definition for any value', () => {
    fc.assert(
      fc.property(anything, (value) => {
        expect(canonicalJson(value)).toBe(reference(value) ?? 'null');
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts keys at every depth and leaves out undefined members', () => {
    const at = new Date('2021-05-13T03:00:00Z');
    expect(canonicalJson({ b: 1, a: { d: [3, undefined, at], c: undefined } })).toBe(
      '{"a":{"d":[3,null,"2021-05-13T03:00:00.000Z"]},"b":1}',
    );
  });

  it('puts integer-like keys first in numeric order, as the original definition did', () => {
    // Found by the property above: a rebuilt object enumerates array-index keys first.
    expect(canonicalJson({ b: 1, '10': 2, '9': 3, '': 4, '4294967295': 5 })).toBe(
      '{"9":3,"10":2,"":4,"4294967295":5,"b":1}',
    );
  });
});

/** The content digest's first definition: the generic canonical text of the transfer, entries sorted. */
function referenceContentHash(transfer: Omit<Transfer, 'entries'>, entries: readonly Entry[]): string {
  const sorted = [...entries].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  return sha256Hex(reference({ ...transfer, entries: sorted }));
}

const entry = fc.record({
  accountId: fc.string(),
  postedDeltaWon: fc.integer(),
  pendingDebitDeltaWon: fc.nat(),
  pendingCreditDeltaWon: fc.nat(),
});
const date = fc.date({ noInvalidDate: true });
const transferHeader = fc.record(
  {
    tenantId: fc.string(),
    id: fc.string(),
    action: fc.constantFrom('transfer', 'pending', 'post_pending', 'void_pending', 'expire_pending'),
    code: fc.string(),
    pendingId: fc.option(fc.string()),
    correctsId: fc.option(fc.string()),
    timeoutAt: fc.option(date),
    metadata: fc.dictionary(fc.string(), anything, { maxKeys: 4 }),
    createdAt: date,
  },
  // Rows and builders always set every field; a missing one must still hash as the generic text.
  { requiredKeys: ['tenantId', 'id', 'action', 'code', 'createdAt'] },
);

describe('transfer content digest', () => {
  it('is the digest of the generic canonical text, for any transfer and entries in any order', () => {
    fc.assert(
      fc.property(transferHeader, fc.array(entry, { maxLength: 6 }), (header, entries) => {
        const transfer = header as Omit<Transfer, 'entries'>;
        expect(transferContentHash(transfer, entries)).toBe(referenceContentHash(transfer, entries));
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the order entries are given in', () => {
    const header = {
      tenantId: 'daejeon',
      id: 't-1',
      action: 'transfer' as const,
      code: 'p2p',
      pendingId: null,
      correctsId: null,
      timeoutAt: null,
      metadata: {},
      createdAt: new Date('2026-12-04T20:00:00Z'),
    };
    const debit = { accountId: 'a', postedDeltaWon: -500, pendingDebitDeltaWon: 0, pendingCreditDeltaWon: 0 };
    const credit = { accountId: 'b', postedDeltaWon: 500, pendingDebitDeltaWon: 0, pendingCreditDeltaWon: 0 };
    expect(transferContentHash(header, [credit, debit])).toBe(transferContentHash(header, [debit, credit]));
    expect(transferContentHash(header, [debit, credit])).toBe(
      sha256Hex(
        '{"action":"transfer","code":"p2p","correctsId":null,"createdAt":"2026-12-04T20:00:00.000Z","entries":[{"accountId":"a","pendingCreditDeltaWon":0,"pendingDebitDeltaWon":0,"postedDeltaWon":-500},{"accountId":"b","pendingCreditDeltaWon":0,"pendingDebitDeltaWon":0,"postedDeltaWon":500}],"id":"t-1","metadata":{},"pendingId":null,"tenantId":"daejeon","timeoutAt":null}',
      ),
    );
  });
});
