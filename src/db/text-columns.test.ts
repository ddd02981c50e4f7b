import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../test/support/databases.js';
import type { Database } from './database.js';
import { jsonColumn, splitColumn, textArray, textColumn } from './text-columns.js';

describe('a batch column as one text parameter', () => {
  it.each(['', 'a\x1eb', '\x1f', 'x\x1f'])('refuses %j, which would be split or read as null', (value) => {
    expect(() => textColumn(['ok', value])).toThrow(/a batch column cannot carry/);
  });
});

describe.each(databaseKinds())('columns split back by %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind, []);
  });
  afterAll(() => db.close());

  it('gives back every row, value, null and type, in order', async () => {
    const row = fc.record({
      id: fc.stringMatching(/^[A-Za-z0-9_:.-]{1,40}$/),
      won: fc.option(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), {
        nil: null,
      }),
      at: fc.date({ min: new Date('2000-01-01Z'), max: new Date('2100-01-01Z'), noInvalidDate: true }),
      // JSON text, including Korean, quotes and the control characters JSON escapes.
      note: fc.option(fc.oneof(fc.string(), fc.constantFrom('중앙시장 "큰" 가게', '\x1e\x1f', '\\')), {
        nil: null,
      }),
      // A JSON column is not scanned: its control characters, in any string, must come back as sent.
      doc: fc.option(
        fc.record({
          s: fc.oneof(fc.string(), fc.constant('\x1e\x1f\n')),
          list: fc.array(fc.string(), { maxLength: 3 }),
        }),
        { nil: null },
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 30 }), async (rows) => {
        const read = await db.query<{
          id: string;
          won: number | null;
          at: Date;
          note: { n: string } | null;
          doc: unknown;
        }>(
          `select * from unnest(${splitColumn(1, 'text')}, ${splitColumn(2, 'bigint')},
             ${splitColumn(3, 'timestamptz')}, ${splitColumn(4, 'jsonb')}, ${splitColumn(5, 'json')})
             as x(id, won, at, note, doc)`,
          [
            textColumn(rows.map((r) => r.id)),
            textColumn(rows.map((r) => r.won)),
            textColumn(rows.map((r) => r.at.toISOString())),
            textColumn(rows.map((r) => (r.note === null ? null : JSON.stringify({ n: r.note })))),
            jsonColumn(rows.map((r) => r.doc)),
          ],
        );
        expect(read.map((r) => ({ ...r, won: r.won === null ? null : Number(r.won) }))).toEqual(
          rows.map((r) => ({
            id: r.id,
            won: r.won,
            at: r.at,
            note: r.note === null ? null : { n: r.note },
            doc: r.doc,
          })),
        );
      }),
      { numRuns: 40 },
    );
  });

  it('reads a text array written as one literal back as it was sent, whatever its strings hold', async () => {
    // Strings the literal's syntax gives meaning to (braces, commas, spaces, NULL, quotes,
    // backslashes), Korean, control characters and empty strings. NUL cannot be in a text value.
    const text = fc.oneof(
      fc.string({ unit: 'grapheme' }).map((s) => s.replaceAll('\0', '')),
      fc.constantFrom('', 'NULL', 'null', ' padded ', '{a,b}', 'a,b', '"', '\\', '중앙시장', '\x1e', '{}'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(text, { maxLength: 20 }), async (values) => {
        const [row] = await db.query<{ values: string[] }>('select $1::text[] as values', [
          textArray(values),
        ]);
        expect(row?.values).toEqual(values);
      }),
      { numRuns: 60 },
    );
  });

  it('writes the one-join literal for keys, and leaves an array that needs escaping to node-postgres', () => {
    expect(textArray(['daejeon', 'usr_1'])).toBe('{"daejeon","usr_1"}');
    expect(textArray([])).toBe('{}');
    const quoted = ['k"1', 'plain'];
    expect(textArray(quoted)).toBe(quoted);
  });
});
