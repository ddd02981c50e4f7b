import { PGlite, types } from '@electric-sql/pglite';
import {
  assertOutsideTransaction,
  type Database,
  inTransactionScope,
  parseBigintToSafeNumber,
  type Sql,
} from './database.js';

/** Embedded PostgreSQL (WASM) persisted in `dataDir`, or in memory when `dataDir` is undefined. */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const pglite = new PGlite(dataDir, { parsers: { [types.INT8]: parseBigintToSafeNumber } });
  await pglite.waitReady;
  const asSql = (target: Pick<PGlite, 'query' | 'exec'>): Sql => ({
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await target.query<Row>(text, params as unknown[] | undefined);
      return result.rows;
    },
    async exec(script: string) {
      await target.exec(script);
    },
  });
  const root = asSql(pglite);
  return {
    kind: 'pglite',
    query: (text, params) => {
      assertOutsideTransaction(text);
      return root.query(text, params);
    },
    exec: (script) => {
      assertOutsideTransaction(script);
      return root.exec(script);
    },
    transaction: (work) => pglite.transaction((tx) => inTransactionScope(() => work(asSql(tx)))),
    close: () => pglite.close(),
  };
}
