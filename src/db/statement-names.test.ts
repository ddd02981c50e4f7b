import { describe, expect, it } from 'vitest';
import { createPostgresDatabase, postgresAdminUrl } from '../../test/support/databases.js';
import { type Database, retryOnConflict } from './database.js';
import { openPostgres } from './postgres.js';
import { isStalePreparedResult, StatementNames } from './statement-names.js';

describe('statement names', () => {
  it('names a text at its second sighting and keeps that name', () => {
    const names = new StatementNames();
    expect(names.nameOf('select $1')).toBeUndefined();
    const name = names.nameOf('select $1');
    expect(name).toMatch(/^hanbat_\d+$/);
    expect(names.nameOf('select $1')).toBe(name);
    expect(names.nameOf('select $1 + 1')).toBeUndefined();
    expect(names.nameOf('select $1 + 1')).not.toBe(name);
  });

  it('names at most its bound of texts and runs the rest unnamed', () => {
    const names = new StatementNames(3);
    const texts = Array.from({ length: 5 }, (_, index) => `select ${index} + $1`);
    for (const text of texts) names.nameOf(text);
    const named = texts.map((text) => names.nameOf(text));
    expect(named.filter((name) => name !== undefined)).toHaveLength(3);
    expect(named.slice(3)).toEqual([undefined, undefined]);
    expect(names.size).toBe(3);
  });

  it('gives a forgotten text a new name, so no connection reuses its stale statement', () => {
    const names = new StatementNames();
    names.nameOf('select * from t where a = $1');
    const first = names.nameOf('select * from t where a = $1');
    names.forget('select * from t where a = $1');
    names.nameOf('select * from t where a = $1');
    const second = names.nameOf('select * from t where a = $1');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  it("tells PostgreSQL's refusal of a stale prepared result from other errors", () => {
    const stale = Object.assign(new Error('cached plan must not change result type'), { code: '0A000' });
    expect(isStalePreparedResult(stale)).toBe(true);
    expect(isStalePreparedResult(Object.assign(new Error('other'), { code: '0A000' }))).toBe(false);
    expect(isStalePreparedResult(Object.assign(new Error('cached plan…'), { code: '23505' }))).toBe(false);
    expect(isStalePreparedResult(undefined)).toBe(false);
  });
});

/** A fresh database on one connection, so every statement meets the same connection's prepared ones. */
async function withOneConnection(work: (db: Database) => Promise<void>): Promise<void> {
  const { url, drop } = await createPostgresDatabase();
  const db = await openPostgres(url, 1);
  try {
    await work(db);
  } finally {
    await db.close();
    await drop();
  }
}

describe.skipIf(!postgresAdminUrl())('prepared statements on PostgreSQL', () => {
  it('runs a transaction again when a schema change altered the result of a statement it prepared', async () => {
    await withOneConnection(async (db) => {
      await db.exec('create table t (a int not null); insert into t values (1), (2);');
      const read = () =>
        db.transaction((tx) => tx.query<Record<string, number>>('select * from t where a = $1', [2]), {
          genericPlans: true,
        });
      expect(await read()).toEqual([{ a: 2 }]);
      expect(await read()).toEqual([{ a: 2 }]); // now named: prepared on the one connection
      await db.exec('alter table t add column b int not null default 7');
      await expect(read()).rejects.toThrow(/cached plan must not change result type/);
      for (let round = 0; round < 3; round += 1) expect(await read()).toEqual([{ a: 2, b: 7 }]);
      // Named again: the next change is met by the first attempt, and the retry answers.
      await db.exec('alter table t add column c int not null default 8');
      expect(await retryOnConflict(read)).toEqual([{ a: 2, b: 7, c: 8 }]);
      // Outside such a transaction nothing is prepared: a read on the pool never meets a stale plan.
      const pooled = () => db.query<Record<string, number>>('select * from t where a = $1', [1]);
      expect(await pooled()).toEqual([{ a: 1, b: 7, c: 8 }]);
      expect(await pooled()).toEqual([{ a: 1, b: 7, c: 8 }]);
      await db.exec('alter table t add column d int not null default 9');
      expect(await pooled()).toEqual([{ a: 1, b: 7, c: 8, d: 9 }]);
    });
  });

  it('plans generically only inside a transaction that asks for it', async () => {
    await withOneConnection(async (db) => {
      const mode = (sql: { query: typeof db.query }) =>
        sql.query<{ mode: string }>('select current_setting($1) as mode', ['plan_cache_mode']);
      expect(await db.transaction((tx) => mode(tx), { genericPlans: true })).toEqual([
        { mode: 'force_generic_plan' },
      ]);
      expect(await db.transaction((tx) => mode(tx))).toEqual([{ mode: 'auto' }]);
      expect(await mode(db)).toEqual([{ mode: 'auto' }]);
    });
  });

  it('plans keyed probes in such a transaction by their index, however small the table looked', async () => {
    await withOneConnection(async (db) => {
      // A table analysed while nearly empty: a plan made now and cached for the connection's life
      // would scan it whole at every call, however large it grows (as member_monthly_usage did).
      await db.exec(`create table usage (k text primary key, v int not null);
        insert into usage values ('a', 1), ('b', 2); analyze usage;`);
      const planOf = (tx: { query: Database['query'] }) =>
        tx.query<{ plan: string }>(`explain (costs off) execute probe('{a}')`);
      const plans = await db.transaction(
        async (tx) => {
          await tx.query('prepare probe(text[]) as select v from usage where k = any($1)');
          return planOf(tx);
        },
        { genericPlans: true },
      );
      expect(plans.map((row) => Object.values(row)[0]).join('\n')).toMatch(/Index Scan using usage_pkey/);
      await db.query('deallocate probe');
    });
  });

  it('runs a statement with no parameters as a simple query, several statements included', async () => {
    await withOneConnection(async (db) => {
      for (let round = 0; round < 3; round += 1)
        await db.transaction(
          (tx) => tx.query('create table if not exists u (a int); insert into u values (1)', []),
          { genericPlans: true },
        );
      expect(await db.query('select count(*)::int as n from u', [])).toEqual([{ n: 3 }]);
    });
  });
});
