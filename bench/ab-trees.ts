/**
 * `npx tsx bench/ab-trees.ts OLD_ROOT NEW_ROOT [rounds=16] [secondsPerRound=8] [--rate=N]`: a paired
 * comparison of two checkouts' in-process payment path (policy, caps, budget, cashback, idempotency,
 * receipt) on one throwaway PostgreSQL cluster (fsync on). Each checkout (a `git worktree` of another
 * commit, with `node_modules` linked) gets its own database, migrated and seeded by its own code, and
 * the rounds alternate A/B, B/A… so the machine's drift moves both arms alike. Without `--rate`, a
 * closed loop of 256 callers: payments a second and CPU a payment (Node + the cluster's PostgreSQL).
 * With `--rate=N`, an open loop at N a second: p50 and p99. Prints the paired difference with a 95%
 * interval (t over the rounds). Before each arm's round both databases are vacuumed and analysed, so
 * that autovacuum does not land in one arm's rounds. docs/engine.md, "Session 17".
 */
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { createDatabase } from './database.js';
import { loadAverage } from './machine.js';
import { pairedInterval } from './paired.js';
import { postgresCpuSeconds } from './postgres-cpu.js';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const [oldRoot, newRoot] = positional;
if (!oldRoot || !newRoot)
  throw new Error('usage: ab-trees.ts OLD_ROOT NEW_ROOT [rounds] [seconds] [--rate=N]');
const rounds = Number(positional[2] ?? 16);
const secondsPerRound = Number(positional[3] ?? 8);
const rateArg = process.argv.find((arg) => arg.startsWith('--rate='));
const ratePerSecond = rateArg ? Number(rateArg.slice('--rate='.length)) : 0;
const CONCURRENCY = 256;
const ROUNDS_MAX = 200;
if (!Number.isInteger(rounds) || rounds < 2 || rounds > ROUNDS_MAX)
  throw new Error(`rounds must be 2..${ROUNDS_MAX}`);

interface RoundResult {
  /** Closed loop: payments a second; open loop: p50 ms. */
  primary: number;
  /** Closed loop: CPU µs a payment; open loop: p99 ms. */
  secondary: number;
}

/** One checkout: its own modules (imported from its root), its own database. */
async function openArm(root: string, adminUrl: string, database: string) {
  const from = (path: string) => import(`${root}/${path}`);
  const { openPostgres } = await from('src/db/postgres.ts');
  const { migrate } = await from('src/db/migrate.ts');
  const { allMigrations } = await from('src/db/migrations.ts');
  const { createPlatform } = await from('src/platform.ts');
  const { loadConfig } = await from('src/config.ts');
  const { systemClock } = await from('src/clock.ts');
  const { seedBench } = await from('bench/seed.ts');
  const inProcess = await from('bench/in-process.ts');
  const db = await openPostgres(await createDatabase(adminUrl, database), 10);
  await migrate(db, allMigrations);
  const platform = createPlatform(loadConfig({}), db, systemClock);
  const data = await seedBench(platform, { members: 20_000, merchants: 1_000 }, () => {});
  await db.exec('vacuum analyze');
  const round = async (seconds: number): Promise<RoundResult> => {
    if (ratePerSecond > 0) {
      const latency = await inProcess.paymentLatencyInProcess(platform, data, { seconds, ratePerSecond });
      return { primary: latency.latencyMs.p50, secondary: latency.latencyMs.p99 };
    }
    const nodeBefore = process.cpuUsage();
    const postgresBefore = clusterCpuSeconds();
    const rate = await inProcess.paymentsInProcess(platform, data, {
      seconds,
      concurrency: CONCURRENCY,
      hotSpot: false,
    });
    const node = process.cpuUsage(nodeBefore);
    const cpuMicros = node.user + node.system + (clusterCpuSeconds() - postgresBefore) * 1e6;
    return { primary: rate.perSecond, secondary: cpuMicros / Math.max(1, rate.completed) };
  };
  return { root, db, round };
}

/** Both arms share the cluster, so its CPU is found through whichever database has a backend now. */
function clusterCpuSeconds(): number {
  const seconds = postgresCpuSeconds('hanbat_ab_0');
  return Number.isNaN(seconds) ? postgresCpuSeconds('hanbat_ab_1') : seconds;
}

/** Mean paired difference (b − a) and its 95% interval (t, df = n − 1, two-sided). */
function paired(label: string, a: readonly number[], b: readonly number[]): string {
  const { meanA, meanB, center, halfWidth } = pairedInterval(a, b);
  const percent = (value: number) => `${((value / meanA) * 100).toFixed(1)}%`;
  return `${label}: ${meanA.toFixed(1)} → ${meanB.toFixed(1)}, difference ${center.toFixed(1)} (${percent(center)}; 95% ${percent(center - halfWidth)} to ${percent(center + halfWidth)})`;
}

const binDir = findPostgresBinDir();
if (!binDir) throw new Error('PostgreSQL binaries not found');
const cluster = await startPostgresCluster(binDir, { durable: true });
try {
  const arms = [
    await openArm(oldRoot, cluster.socketUrl, 'hanbat_ab_0'),
    await openArm(newRoot, cluster.socketUrl, 'hanbat_ab_1'),
  ] as const;
  for (const arm of arms) await arm.round(3); // warms the statements and the JIT, unrecorded
  const results: RoundResult[][] = [[], []];
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) {
      // Both databases vacuumed and analysed first: autovacuum's minutely runs would otherwise land in
      // one arm's rounds or the other's (NOTES-13.md, session 19).
      for (const arm of arms) await arm.db.exec('vacuum analyze');
      (results[index] as RoundResult[]).push(await (arms[index] as (typeof arms)[0]).round(secondsPerRound));
    }
    const [a, b] = results.map((arm) => arm.at(-1) as RoundResult);
    console.log(
      `round ${round + 1}: old ${a?.primary.toFixed(1)} / ${a?.secondary.toFixed(1)}, new ${b?.primary.toFixed(1)} / ${b?.secondary.toFixed(1)}; load ${loadAverage()}`,
    );
  }
  const [olds, news] = results as [RoundResult[], RoundResult[]];
  const pick = (rows: RoundResult[], key: keyof RoundResult) => rows.map((row) => row[key]);
  const [first, second] = ratePerSecond > 0 ? ['p50 ms', 'p99 ms'] : ['payments/s', 'CPU µs a payment'];
  console.log(paired(first, pick(olds, 'primary'), pick(news, 'primary')));
  console.log(paired(second, pick(olds, 'secondary'), pick(news, 'secondary')));
  for (const arm of arms) await arm.db.close();
} finally {
  cluster.stop();
}
