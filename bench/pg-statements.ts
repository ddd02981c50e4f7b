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
