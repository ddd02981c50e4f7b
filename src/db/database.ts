import { AsyncLocalStorage } from 'node:async_hooks';
import { isStalePreparedResult } from './statement-names.js';
/** The only SQL dialect is PostgreSQL; this interface is served by PGlite (embedded) and by a server. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a parameterless script of several statements (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * Rows one module writes inside another module's statement, as data-modifying CTEs
 * (`name as (insert …)`, comma-separated), so a hot path pays one round trip, not two. PostgreSQL
 * runs every data-modifying CTE to completion whether or not the statement reads it.
 */
export interface CompanionWrite {
  /** The CTEs, their parameters numbered from `$firstParam`. */
  ctes(firstParam: number): string;
  params: readonly unknown[];
}

/** Several companions as one, for a statement that carries them all; CTE names must differ. */
export function joinCompanions(writes: readonly CompanionWrite[]): CompanionWrite {
  return {
    ctes: (firstParam) => {
      let next = firstParam;
      return writes
        .map((write) => {
          const ctes = write.ctes(next);
          next += write.params.length;
          return ctes;
        })
        .join(', ');
    },
    params: writes.flatMap((write) => write.params),
  };
}

/** Writes a companion on its own, when the statement it would have joined has nothing to write. */
export async function writeCompanion(tx: Sql, companion: CompanionWrite): Promise<void> {
  await tx.query(`with ${companion.ctes(1)} select 1`, companion.params);
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface TransactionOptions {
  /**
   * Run the transaction's statements as named prepared statements (`src/db/statement-names.ts`),
   * planned once per connection for any parameter values (PostgreSQL's `plan_cache_mode =
   * force_generic_plan`, local to the transaction) instead of at every execution: for a hot path
   * whose statements are keyed probes and `unnest` writes, whose best plan does not depend on the
   * values, with sequential scans off (`enable_seqscan`, local too) so that a plan made while a table
   * was small still probes its index when it is large. A server only; the embedded database runs its
   * statements unnamed, planned at each call. Everything else runs
   * unnamed and planned per call, as PostgreSQL's custom plans suit reports and ranges best.
   */
  genericPlans?: boolean;
}

export interface Database extends Sql {
  readonly kind: DatabaseKind;
  /** Runs `work` in one transaction (READ COMMITTED); rolls back if it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Connections of a server's pool (for metrics); the embedded database has none. */
  poolStats?(): PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  sizeMax: number;
  open: number;
  idle: number;
  /** Callers waiting for a connection. */
  waiting: number;
}

/** BIGINT columns come back as numbers; a value outside the safe range is a broken invariant. */
export function parseBigintToSafeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`BIGINT ${text} is outside the safe integer range`);
  return value;
}

/**
 * SQLSTATE codes that mean "run the whole transaction again"; also a prepared statement that a schema
 * change left stale, whose text runs under a new name from then on.
 */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01' || code === '23505' || isStalePreparedResult(error);
}

const CONFLICT_ATTEMPTS_MAX = 5;
const CONFLICT_BACKOFF_MS_MAX = 20;

/**
 * One transaction, run again (up to a bound) when PostgreSQL reports a deadlock, a serialization
 * failure or a unique-key race; the work must therefore be a pure function of what it reads.
 */
export async function transactionWithRetry<T>(db: Database, work: (tx: Sql) => Promise<T>): Promise<T> {
  return retryOnConflict(() => db.transaction(work));
}

/** `transactionWithRetry` for work that also reads before its transaction: all of it runs again. */
export async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= CONFLICT_ATTEMPTS_MAX || !isRetryableConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * CONFLICT_BACKOFF_MS_MAX * attempt));
    }
  }
}

const transactionScope = new AsyncLocalStorage<true>();

/** Runs `work` marked as inside a transaction, so a stray query on the pool can be caught. */
export function inTransactionScope<T>(work: () => Promise<T>): Promise<T> {
  return transactionScope.run(true, work);
}

/**
 * A query on the database itself from inside a transaction is a bug: on PGlite (one connection) it
 * waits for the transaction forever; on a server it reads around the transaction's own writes.
 */
export function assertOutsideTransaction(text: string): void {
  if (transactionScope.getStore()) {
    throw new Error(`query issued outside its transaction (pass tx): ${text.slice(0, 80)}`);
  }
}
