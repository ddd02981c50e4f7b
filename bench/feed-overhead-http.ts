/**
 * What the event feed costs payments through the API (issue 13: "must not slow the payment path
 * measurably"), where bench/feed-overhead.ts measures the in-process path alone. The compiled server,
 * as `npm start` runs it, on a throwaway PostgreSQL cluster (fsync on) seeded once; in each round two
 * fresh servers in turn, in alternating order: one as shipped and one whose payment batches append
 * no events (the same build; `bench/feed-arm-preload.mjs`), each warmed up and then paid by a closed
 * loop of `--connections` clients for `secondsPerRound`. Round 0 is not recorded.
 *
 *   npx tsx bench/feed-overhead-http.ts [rounds=8] [secondsPerRound=10] [--connections=128]
 *     [--members=20000] [--consumers] [--arms=feed,off] [--pg-stats]
 *
 * - By default the analytics and fraud consumers read nothing in either arm, so the arms differ only
 *   in the feed's write; `--consumers` leaves them on, as in production, which adds their reading
 *   of the feed arm's events to that arm.
 * - `--arms=feed,bodies` compares the feed with its bodies alone (no numbers taken): what the
 *   numbering costs.
 * - `--pg-stats` prints, per arm, the cluster's CPU by kind of process and the tables autovacuum
 *   worked on, and PostgreSQL's statements per payment of the last round.
 * Before each arm the public books and the consumers are caught up and the database is vacuumed and
 * analysed: autovacuum's minutely runs otherwise land in one arm or the other (session 19: in 2 of 3
 * feed arms and no other arm of one run, after a 16-round run without this step had read −4.8%).
 *
 * Reports payments a second and CPU a payment (server + cluster), with 95% bootstrap intervals of
 * the paired differences.
 */
import { fileURLToPath } from 'node:url';
import type { Database } from '../src/db/database.js';
import { openPostgres } from '../src/db/postgres.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { catchUpBackground } from './background.js';
import { createDatabase } from './database.js';
import { payOverHttp, startServer } from './http.js';
import { loadAverage } from './machine.js';
import { reportPaired } from './paired.js';
import { openStatementsAdmin, PG_STAT_STATEMENTS_SETTINGS, statementsOf } from './pg-statements.js';
import { postgresCpuByKind, postgresCpuSeconds, processCpuSeconds } from './postgres-cpu.js';
import { seedAndClose } from './seed.js';

const args = process.argv.slice(2);
const positional = args.filter((arg) => !arg.startsWith('--'));
const rounds = Number(positional[0] ?? 8);
const secondsPerRound = Number(positional[1] ?? 10);
const option = (name: string, fallback: number) =>
  Number(args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const connections = option('connections', 128);
const members = option('members', 20_000);
const consumers = args.includes('--consumers');
const pgStats = args.includes('--pg-stats');
const ROUNDS_MAX = 100;
const WARM_UP_SECONDS = 3;
if (!Number.isInteger(rounds) || rounds < 2 || rounds > ROUNDS_MAX)
  throw new Error(`rounds must be 2..${ROUNDS_MAX}`);

const DATABASE = 'hanbat_feed_http';
const preload = fileURLToPath(new URL('./feed-arm-preload.mjs', import.meta.url));
const [armA = 'feed', armB = 'off'] =
  args
    .find((arg) => arg.startsWith('--arms='))
    ?.slice('--arms='.length)
    .split(',') ?? [];
const ARM_MODES = ['feed', 'off', 'bodies'];
if (!ARM_MODES.includes(armA) || !ARM_MODES.includes(armB))
  throw new Error(`arms are ${ARM_MODES.join(', ')}`);

const binDir = findPostgresBinDir();
if (!binDir) throw new Error('PostgreSQL binaries not found');
const cluster = await startPostgresCluster(binDir, {
  durable: true,
  settings: pgStats ? PG_STAT_STATEMENTS_SETTINGS : [],
});
try {
  const databaseUrl = await createDatabase(cluster.adminUrl, DATABASE);
  const sizes = { members, merchants: Math.max(10, Math.round(members / 20)) };
  const data = await seedAndClose(await openPostgres(databaseUrl, 10), sizes, console.log);
  const statementsAdmin = pgStats ? await openStatementsAdmin(cluster.adminUrl) : null;
  const statements = statementsAdmin ? statementsOf(statementsAdmin) : null;
  const tableStats = pgStats ? await openPostgres(databaseUrl, 1) : null;
  const rate: Record<string, number[]> = { [armA]: [], [armB]: [] };
  const cpu: Record<string, number[]> = { [armA]: [], [armB]: [] };
  // Round 0 is not recorded: the first server on a fresh database plants the demo data and seals the
  // seeded backlog, and the first of each arm warms the cluster's caches for what follows.
  for (let round = 0; round <= rounds; round += 1) {
    for (const arm of round % 2 === 0 ? [armA, armB] : [armB, armA]) {
      // Each server starts from the same state: nothing left for the public books, the consumers or
      // autovacuum, whose minutely runs would otherwise land in one arm or the other.
      await catchUpBackground(databaseUrl, { consumers: true });
      await vacuumAnalyze(databaseUrl);
      const server = await startServer({ databaseUrl }, [`--import=${preload}`], {
        HANBAT_BENCH_FEED: arm,
        HANBAT_BENCH_CONSUMERS: consumers ? 'on' : 'off',
      });
      try {
        await payOverHttp(server.url, data, { name: 'warm-up', seconds: WARM_UP_SECONDS, connections });
        const serverBefore = processCpuSeconds(server.pid);
        const postgresBefore = postgresCpuSeconds(DATABASE);
        const kindsBefore = postgresCpuByKind(DATABASE);
        const maintenanceBefore = tableStats ? await maintenanceRuns(tableStats) : new Map();
        const lastRound = round === rounds;
        if (lastRound) await statements?.reset();
        const result = await payOverHttp(server.url, data, {
          name: arm,
          seconds: secondsPerRound,
          connections,
        });
        const serverMicros = (processCpuSeconds(server.pid) - serverBefore) * 1e6;
        const postgresMicros = (postgresCpuSeconds(DATABASE) - postgresBefore) * 1e6;
        const paid = Math.max(1, result.ok);
        if (round === 0) continue;
        rate[arm]?.push(result.perSecond);
        cpu[arm]?.push((serverMicros + postgresMicros) / paid);
        console.log(
          `round ${round} ${arm.padEnd(7)} ${result.perSecond.toFixed(0)} payments/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, CPU ${((serverMicros + postgresMicros) / paid).toFixed(0)} µs a payment (server ${(serverMicros / paid).toFixed(0)}, PostgreSQL ${(postgresMicros / paid).toFixed(0)}), ${result.non2xx} non-2xx, ${result.errors} errors (load ${loadAverage()})`,
        );
        if (tableStats) {
          console.log(`  PostgreSQL CPU by process: ${cpuByKindSince(kindsBefore)}`);
          const after = await maintenanceRuns(tableStats);
          const ran = [...after].filter(([table, runs]) => runs !== maintenanceBefore.get(table));
          console.log(
            `  autovacuum / autoanalyze ran on: ${ran.map(([table]) => table).join(', ') || 'nothing'}`,
          );
        }
        if (lastRound && statements) {
          console.log(`${arm}:`);
          await statements.report(paid, 16);
        }
      } finally {
        await server.stop();
      }
    }
  }
  console.log(`consumers ${consumers ? 'on' : 'off'} in both arms, ${connections} connections`);
  console.log(`the arms: ${armA} − ${armB}`);
  reportPaired('throughput', 'payments/s', rate[armA] ?? [], rate[armB] ?? []);
  reportPaired('CPU a payment', 'µs', cpu[armA] ?? [], cpu[armB] ?? []);
  await statementsAdmin?.close();
  await tableStats?.close();
} finally {
  cluster.stop();
}

/** The cluster's CPU since `before`, by kind of process, largest first (ms). */
function cpuByKindSince(before: Map<string, number>): string {
  return [...postgresCpuByKind(DATABASE)]
    .map(([kind, seconds]) => [kind, seconds - (before.get(kind) ?? 0)] as const)
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, seconds]) => `${kind.replace(/^postgres: /, '')} ${(seconds * 1000).toFixed(0)} ms`)
    .join(', ');
}

/** Each table's autovacuum and autoanalyze runs so far, as "vacuums/analyzes". */
async function maintenanceRuns(db: Database): Promise<Map<string, string>> {
  const rows = await db.query<{ relname: string; runs: string }>(
    `select relname, autovacuum_count || '/' || autoanalyze_count as runs from pg_stat_user_tables`,
  );
  return new Map(rows.map((row) => [row.relname, row.runs]));
}

async function vacuumAnalyze(databaseUrl: string): Promise<void> {
  const db = await openPostgres(databaseUrl, 1);
  try {
    await db.exec('vacuum analyze');
  } finally {
    await db.close();
  }
}
