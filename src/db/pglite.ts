import { PGlite, types } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import {
  assertOutsideTransaction,
  type Database,
  inTransactionScope,
  parseBigintToSafeNumber,
  type Sql,
} from './database.js';
import { PriorityGate } from './priority-gate.js';

/**
 * PostgreSQL's own page cache inside the embedded database. Its files are read through the OS page
 * cache anyway; measured under payment load, 16 MB instead of PostgreSQL's 128 MB took the server's
 * peak memory from about 520 MB to about 305 MB for a few percent of throughput.
 */
export const PGLITE_SHARED_BUFFERS_MB_DEFAULT = 16;

export interface PgliteDatabase extends Database {
  /** The whole data directory as an uncompressed tarball, after a checkpoint. */
  dumpDataDir(): Promise<Blob>;
}

/**
 * Embedded PostgreSQL (WASM) persisted in `dataDir`, or in memory when `dataDir` is undefined; an
 * in-memory one can start from `loadDataDir`, a `dumpDataDir()` of another (tests start each
 * database from one migrated copy instead of running initdb and every migration again).
 */
export async function openPglite(
  dataDir: string | undefined,
  sharedBuffersMb = PGLITE_SHARED_BUFFERS_MB_DEFAULT,
  loadDataDir?: Blob,
): Promise<PgliteDatabase> {
  // Before PGlite touches the files: a second process on them would keep its own copy of the books.
  const release = dataDir === undefined ? () => {} : lockDataDir(dataDir);
  // The options-only form: `new PGlite(undefined, options)` ignores its options, so in-memory
  // databases used to run without the safe BIGINT parser and with the default shared buffers.
  const pglite = new PGlite({
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(loadDataDir ? { loadDataDir } : {}),
    parsers: { [types.INT8]: parseBigintToSafeNumber },
    postgresqlconf: [`shared_buffers = ${sharedBuffersMb}MB`],
  });
  try {
    await pglite.waitReady;
  } catch (error) {
    release();
    throw error;
  }
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
  // One connection in the server's thread: requests and payment batches go before scheduled work.
  const gate = new PriorityGate();
  return {
    kind: 'pglite',
    query: (text, params) => {
      assertOutsideTransaction(text);
      return gate.run(() => root.query(text, params));
    },
    exec: (script) => {
      assertOutsideTransaction(script);
      return gate.run(() => root.exec(script));
    },
    transaction: (work) =>
      gate.run(() => pglite.transaction((tx) => inTransactionScope(() => work(asSql(tx))))),
    close: async () => {
      try {
        await pglite.close();
      } finally {
        release();
      }
    },
    async dumpDataDir() {
      await gate.run(() => root.exec('checkpoint'));
      return pglite.dumpDataDir('none');
    },
  };
}
