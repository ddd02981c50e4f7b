/** PostgreSQL's own account of the statements a bench runs (pg_stat_statements, planning included). */
import type { Database } from '../src/db/database.js';
import { openPostgres } from '../src/db/postgres.js';

/** Server settings for `startPostgresCluster` that load pg_stat_statements and time planning too. */
export const PG_STAT_STATEMENTS_SETTINGS = [
  'shared_preload_libraries=pg_stat_statements',
  'pg_stat_statements.track=all',
  'pg_stat_statements.track_planning=on',
];

/** A one-connection pool on `url` with the extension created (it counts every database of the cluster). */
export async function openStatementsAdmin(url: string): Promise<Database> {
  const admin = await openPostgres(url, 1);
  await admin.exec('create extension if not exists pg_stat_statements');
  return admin;
}

/** PostgreSQL's own account of the statements run while measuring: calls and time per payment. */
export function statementsOf(admin: Database) {
  // Deadlocks cost a transaction PostgreSQL's deadlock_timeout (1 s) each: a p99 of a second.
  const deadlocks = async () =>
    Number((await admin.query<{ n: string }>('select sum(deadlocks) as n from pg_stat_database'))[0]?.n ?? 0);
  let deadlocksBefore = 0;
  return {
    reset: async () => {
      await admin.query('select pg_stat_statements_reset()');
      deadlocksBefore = await deadlocks();
    },
    report: async (payments: number, limit = 40) => {
      const rows = await admin.query<{
        calls: number;
        ms: number;
        plan_ms: number;
        rows: number;
        query: string;
      }>(
        `select calls, (total_plan_time + total_exec_time)::float8 as ms, total_plan_time::float8 as plan_ms, rows,
            query from pg_stat_statements
          where query not like '%pg_stat_statements%' order by total_plan_time + total_exec_time desc limit $1`,
        [limit],
      );
      const [total] = await admin.query<{ calls: number; ms: number }>(
        `select sum(calls)::bigint as calls, sum(total_plan_time + total_exec_time)::float8 as ms from pg_stat_statements
          where query not like '%pg_stat_statements%'`,
      );
      const per = (value: number) => (payments > 0 ? value / payments : Number.NaN);
      console.log(
        `\nPostgreSQL: ${per(Number(total?.calls)).toFixed(2)} statements and ${(1000 * per(Number(total?.ms))).toFixed(0)} µs of planning and execution per payment (${payments} payments), ${(await deadlocks()) - deadlocksBefore} deadlocks`,
      );
      console.log('calls/payment  µs/payment  of it planning  rows/call  statement');
      for (const row of rows) {
        console.log(
          `${per(Number(row.calls)).toFixed(3).padStart(13)}  ${(1000 * per(row.ms)).toFixed(1).padStart(10)}  ${(1000 * per(row.plan_ms)).toFixed(1).padStart(14)}  ${(Number(row.rows) / Number(row.calls)).toFixed(1).padStart(9)}  ${row.query.replace(/\s+/g, ' ').slice(0, 150)}`,
        );
      }
    },
  };
}

interface ArmTotals {
  payments: number;
  byQuery: Map<string, StatementTotals>;
}

interface StatementTotals {
  ms: number;
  walBytes: number;
  walFpi: number;
}

/**
 * PostgreSQL's account of two arms of a paired bench, pooled over every round: `around(arm, run)`
 * counts what the statements did while `run` ran, and `report` sets the arms' per-payment figures
 * side by side, the largest differences first. Time is the statements' wall time in PostgreSQL
 * (waits on locks included); WAL is what they logged, full-page images apart.
 */
export function pairedStatementsOf<Arm extends string>(admin: Database, arms: readonly [Arm, Arm]) {
  const totals = new Map<Arm, ArmTotals>(arms.map((arm) => [arm, { payments: 0, byQuery: new Map() }]));
  const snapshot = async () => {
    const rows = await admin.query<{
      queryid: string;
      query: string;
      ms: number;
      wal_bytes: string;
      wal_fpi: string;
    }>(
      `select queryid::text, query, (total_plan_time + total_exec_time)::float8 as ms, wal_bytes, wal_fpi
       from pg_stat_statements where query not like '%pg_stat_statements%'`,
    );
    return new Map(rows.map((row) => [row.queryid, row]));
  };
  return {
    around: async <Result extends { completed: number }>(arm: Arm, run: () => Promise<Result>) => {
      const before = await snapshot();
      const result = await run();
      const after = await snapshot();
      const armTotals = totals.get(arm) as ArmTotals;
      armTotals.payments += result.completed;
      for (const [queryId, row] of after) {
        const previous = before.get(queryId);
        const key = row.query.replace(/\s+/g, ' ').slice(0, 110);
        const sum = armTotals.byQuery.get(key) ?? { ms: 0, walBytes: 0, walFpi: 0 };
        sum.ms += row.ms - (previous?.ms ?? 0);
        sum.walBytes += Number(row.wal_bytes) - Number(previous?.wal_bytes ?? 0);
        sum.walFpi += Number(row.wal_fpi) - Number(previous?.wal_fpi ?? 0);
        armTotals.byQuery.set(key, sum);
      }
      return result;
    },
    report: (limit = 16) => {
      const [first, second] = arms.map((arm) => totals.get(arm) as ArmTotals);
      if (!first || !second) return;
      const perPayment = (arm: ArmTotals, key: string, field: 'ms' | 'walBytes' | 'walFpi') =>
        ((arm.byQuery.get(key)?.[field] ?? 0) * (field === 'ms' ? 1000 : 1)) / Math.max(1, arm.payments);
      const lines = [...new Set([...first.byQuery.keys(), ...second.byQuery.keys()])].map((key) => ({
        key,
        micros: [perPayment(first, key, 'ms'), perPayment(second, key, 'ms')] as [number, number],
        wal: [perPayment(first, key, 'walBytes'), perPayment(second, key, 'walBytes')] as [number, number],
        fpi: [perPayment(first, key, 'walFpi'), perPayment(second, key, 'walFpi')] as [number, number],
      }));
      lines.sort((x, y) => Math.abs(y.micros[0] - y.micros[1]) - Math.abs(x.micros[0] - x.micros[1]));
      const total = (pick: 'micros' | 'wal' | 'fpi', side: 0 | 1) =>
        lines.reduce((sum, line) => sum + line[pick][side], 0);
      console.log(
        `\nPostgreSQL pooled over every round (${first.payments} and ${second.payments} payments): µs a payment ${arms[0]} ${total('micros', 0).toFixed(1)}, ${arms[1]} ${total('micros', 1).toFixed(1)}; WAL B a payment ${total('wal', 0).toFixed(0)} vs ${total('wal', 1).toFixed(0)}; full-page images a payment ${total('fpi', 0).toFixed(3)} vs ${total('fpi', 1).toFixed(3)}`,
      );
      console.log(`µs ${arms[0]}  µs ${arms[1]}  WAL B ${arms[0]}  WAL B ${arms[1]}  statement`);
      for (const { key, micros, wal } of lines.slice(0, limit))
        console.log(
          `${micros[0].toFixed(1).padStart(8)}  ${micros[1].toFixed(1).padStart(8)}  ${wal[0].toFixed(0).padStart(9)}  ${wal[1].toFixed(0).padStart(9)}  ${key}`,
        );
    },
  };
}
