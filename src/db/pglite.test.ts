import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type PgliteDatabase } from './pglite.js';

/**
 * The in-memory database (tests, the simulator, the OpenAPI export) must read money as the server's
 * data directory does: PGlite's two-argument constructor used to drop every option when the directory
 * was undefined, so BIGINT past 2^53 came back as a BigInt instead of being refused.
 */
describe('an in-memory PGlite', () => {
  let db: PgliteDatabase;
  beforeAll(async () => {
    db = await openPglite(undefined, 24);
  });
  afterAll(() => db.close());

  it('reads BIGINT as a number and refuses one past the safe integers, as on disk', async () => {
    const [row] = await db.query<{ won: unknown }>('select 9007199254740991::bigint as won');
    expect(row?.won).toBe(Number.MAX_SAFE_INTEGER);
    await expect(db.query('select 9007199254740993::bigint as won')).rejects.toThrow(
      /outside the safe integer range/,
    );
  });

  it('runs with the shared buffers it was given', async () => {
    expect(await db.query('show shared_buffers')).toEqual([{ shared_buffers: '24MB' }]);
  });

  it('starts a copy from a dump of its data directory, rows included, and the two stay apart', async () => {
    await db.exec(
      'create table notes (id int primary key, body text); insert into notes values (1, $$한밭$$)',
    );
    const copy = await openPglite(undefined, 24, await db.dumpDataDir());
    try {
      await copy.query(`insert into notes values (2, 'copy only')`);
      expect(await copy.query('select id, body from notes order by id')).toEqual([
        { id: 1, body: '한밭' },
        { id: 2, body: 'copy only' },
      ]);
      expect(await db.query('select id from notes')).toEqual([{ id: 1 }]);
    } finally {
      await copy.close();
    }
  });
});
