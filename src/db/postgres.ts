import pg from 'pg';
import {
  assertOutsideTransaction,
  type Database,
  inTransactionScope,
  parseBigintToSafeNumber,
  type Sql,
} from './database.js';
import { isStalePreparedResult, StatementNames } from './statement-names.js';
import { splitHosts, WritablePool } from './writable-pool.js';

const INT8_OID = 20;
const MULTI_HOST_QUERY_TIMEOUT_MS = 15_000;

/**
 * A generic plan is made once per connection and kept for its life, so it must not depend on how
 * large a table looked then: with a sequential scan allowed, a batch statement planned while
 * `member_monthly_usage` held a few dozen rows scanned the whole table for every member of every
 * later batch (15 ms a batch at 650 rows; docs/engine.md, "Session 21"). These transactions' statements
 * are keyed probes and `unnest` writes, so an index is always the right path.
 */
const GENERIC_PLAN_SETTINGS =
  'set local plan_cache_mode = force_generic_plan; set local enable_seqscan = off';

/** A pool or one of its connections: plain text, or a named statement with its values. */
interface QueryTarget {
  query(statement: string | pg.QueryConfig, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * `HANBAT_DB_PREPARED_STATEMENTS=0` runs every statement unnamed, for a connection pooler that does
 * not keep a session's prepared statements (PgBouncer in transaction mode before its version 1.21).
 */
function preparedStatementsEnabled(): boolean {
  const setting = process.env.HANBAT_DB_PREPARED_STATEMENTS ?? '1';
  if (setting !== '0' && setting !== '1')
    throw new Error(`HANBAT_DB_PREPARED_STATEMENTS must be 0 or 1, got ${JSON.stringify(setting)}`);
  return setting === '1';
}

/** A PostgreSQL server reached through a connection pool. */
export async function openPostgres(connectionString: string, poolSizeMax = 10): Promise<Database> {
  const config = {
    max: poolSizeMax,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? parseBigintToSafeNumber
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  };
  const hostUrls = splitHosts(connectionString);
  // Several hosts (a failover pair): connect to whichever is writable; see WritablePool. A statement
  // that gets no answer (a primary cut off from its synchronous standby waits on COMMIT for good) is
  // given up on the client side after HANBAT_DB_QUERY_TIMEOUT_MS: the request is not acknowledged,
  // the connection is closed and the pool looks for the primary again. Not statement_timeout: a
  // cancelled wait for the standby reports the commit as done although no standby has it.
  const queryTimeoutMs = Number(process.env.HANBAT_DB_QUERY_TIMEOUT_MS ?? MULTI_HOST_QUERY_TIMEOUT_MS);
  const pool =
    hostUrls.length > 1
      ? new WritablePool(hostUrls, { ...config, query_timeout: queryTimeoutMs })
      : singleHostPool(config, connectionString);
  await pool.query('select 1');
  const names = preparedStatementsEnabled() ? new StatementNames() : null;
  /** `prepared`: run statements as named prepared statements (see TransactionOptions.genericPlans). */
  const asSql = (target: QueryTarget, prepared: boolean): Sql => ({
    async query<Row>(text: string, params?: readonly unknown[]) {
      // Without parameters node-postgres sends a simple query, which may hold several statements:
      // those cannot be prepared.
      const name = prepared && params && params.length > 0 ? names?.nameOf(text) : undefined;
      if (name === undefined)
        return (await target.query(text, params as unknown[] | undefined)).rows as Row[];
      try {
        return (await target.query({ name, text, values: params as unknown[] })).rows as Row[];
      } catch (error) {
        // The refusal aborted the transaction; its caller runs it again, and the text gets a new name.
        if (isStalePreparedResult(error)) names?.forget(text);
        throw error;
      }
    },
    async exec(script: string) {
      await target.query(script);
    },
  });
  const pooled = asSql(pool, false);
  return {
    kind: 'postgres',
    query: (text, params) => {
      assertOutsideTransaction(text);
      return pooled.query(text, params);
    },
    exec: (script) => {
      assertOutsideTransaction(script);
      return pooled.exec(script);
    },
    async transaction(work, options) {
      const client = await pool.connect();
      const generic = options?.genericPlans === true;
      try {
        // One round trip: a simple query may carry all three.
        await client.query(generic ? `begin; ${GENERIC_PLAN_SETTINGS}` : 'begin');
        const result = await inTransactionScope(() => work(asSql(client, generic)));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    poolStats: () => ({
      sizeMax: poolSizeMax,
      open: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    close: () => pool.end(),
  };
}

/**
 * An idle connection that the server closes (a restart, an administrator, a network cut) is an
 * 'error' event on the pool; unheard, Node ends the process. The pool drops that connection and the
 * next query opens a new one or fails on its own, so there is nothing to do but not crash.
 */
function singleHostPool(config: pg.PoolConfig, connectionString: string): pg.Pool {
  const pool = new pg.Pool({ ...config, connectionString });
  pool.on('error', () => undefined);
  return pool;
}
