import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './hashing.js';

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
