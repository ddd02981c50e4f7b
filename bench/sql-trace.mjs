/**
 * Preloaded into the server by `bench/profile-http.ts --pglite` (node --import): counts and times
 * every statement PGlite runs, in or out of a transaction, and writes the totals to
 * $HANBAT_SQL_TRACE_FILE at exit. A statement outside a transaction also waits for PGlite's one
 * connection, so its time includes that wait; one inside a transaction is its execution alone.
 */
import { writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const stats = new Map();
let resetAt = performance.now();

function record(kind, text, startedMs, rows) {
  const key = `${kind} ${text.replace(/\s+/g, ' ').trim()}`;
  const entry = stats.get(key) ?? { calls: 0, ms: 0, rows: 0 };
  entry.calls += 1;
  entry.ms += performance.now() - startedMs;
  entry.rows += rows;
  stats.set(key, entry);
}

function traced(kind, query) {
  return async function (text, params, options) {
    const startedMs = performance.now();
    const result = await query.call(this, text, params, options);
    record(kind, text, startedMs, result?.rows?.length ?? 0);
    return result;
  };
}

const query = PGlite.prototype.query;
PGlite.prototype.query = traced('pool', query);
const transaction = PGlite.prototype.transaction;
PGlite.prototype.transaction = function (work) {
  const startedMs = performance.now();
  return transaction
    .call(this, (tx) => work({ ...tx, query: traced('tx', tx.query), exec: tx.exec }))
    .finally(() => record('transaction', '(whole transaction)', startedMs, 0));
};

// The bench signals (SIGUSR2) when its measured run starts and when it ends: each signal writes
// the totals so far to $HANBAT_SQL_TRACE_FILE and starts them again, so the last file is the run's.
process.on('SIGUSR2', () => {
  const file = process.env.HANBAT_SQL_TRACE_FILE;
  const rows = [...stats].map(([statement, entry]) => ({ statement, ...entry }));
  if (file) writeFileSync(file, JSON.stringify({ windowMs: performance.now() - resetAt, rows }));
  stats.clear();
  resetAt = performance.now();
});
