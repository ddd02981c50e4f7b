/**
 * What the event feed costs the payment path (issue 13: "must not slow the payment path measurably").
 * The same in-process payments (policy, caps, budget, cashback, idempotency, receipt) on PostgreSQL
 * with fsync on, in alternating rounds: the feed appended in each batch's transaction as in production
 * (its body with the payment rows, its numbers in the ledger's write), and without it. A/B, B/A… in
 * the same minutes, so the machine's load moves both arms alike; each arm starts on a vacuumed and
 * analysed database, so that autovacuum's minutely runs land in neither. Through the API, with the
 * compiled server: bench/feed-overhead-http.ts.
 *
 *   npx tsx bench/feed-overhead.ts [rounds=4] [secondsPerRound=8] [--in-flight=N] [--pg-stats]
 *
 * `--in-flight=1` keeps one payment batch in flight (production: 2), to tell the feed's own work from
 * its per-tenant counter row, which a second batch waits on from its append to the first's commit.
 * `--pg-stats` prints PostgreSQL's statements per payment for both arms, pooled over every round. Each round
 * also reports the WAL bytes a payment wrote and the mean batch size. `--aa` runs the feed in both
 * arms: the bench's own spread and bias, against which a difference counts as measured (session 25:
 * +1.6% throughput, 95% −0.6 to +3.9, over 20 rounds). A run's interval treats its rounds as
 * independent, and the machine drifts over minutes: runs of the same code have disagreed beyond their
 * intervals (NOTES-13.md, session 26), so pool runs, and read `--pg-stats`, which times each
 * statement where it runs.
 */
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { EventFeed } from '../src/modules/events/event-feed.js';
import { PAYMENT_BATCH_DEFAULTS } from '../src/modules/payments/batched-payments.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { createDatabase } from './database.js';
import { paymentsInProcess } from './in-process.js';
import { loadAverage } from './machine.js';
import { reportPaired } from './paired.js';
import { openStatementsAdmin, PG_STAT_STATEMENTS_SETTINGS, pairedStatementsOf } from './pg-statements.js';
import { postgresCpuSeconds } from './postgres-cpu.js';
import { seedBench } from './seed.js';

const [roundsArg, secondsArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const rounds = Number(roundsArg ?? 4);
const secondsPerRound = Number(secondsArg ?? 8);
const CONCURRENCY = 256;
const inFlightArg = process.argv.find((arg) => arg.startsWith('--in-flight='));
if (inFlightArg) PAYMENT_BATCH_DEFAULTS.inFlightMax = Number(inFlightArg.split('=')[1]);
const PG_STATS = process.argv.includes('--pg-stats');
const A_A = process.argv.includes('--aa');

const DATABASE = 'hanbat_feed';
const binDir = findPostgresBinDir();
if (!binDir) throw new Error('PostgreSQL binaries not found');
const cluster = await startPostgresCluster(binDir, {
  durable: true,
  settings: PG_STATS ? PG_STAT_STATEMENTS_SETTINGS : [],
});
try {
  const db = await openPostgres(await createDatabase(cluster.socketUrl, DATABASE), 10);
  await migrate(db, allMigrations);
  const platform = createPlatform(loadConfig({}), db, systemClock);
  const data = await seedBench(platform, { members: 20_000, merchants: 1_000 }, console.log);
  const statementsAdmin = PG_STATS ? await openStatementsAdmin(cluster.adminUrl) : null;
  const statements = statementsAdmin
    ? pairedStatementsOf(statementsAdmin, ['feed', 'no feed'] as const)
    : null;
  const walBytes = async () =>
    Number((await db.query<{ wal_bytes: string }>('select wal_bytes from pg_stat_wal'))[0]?.wal_bytes);
  // Batch sizes per round: the feed's per-batch work weighs per payment by how full batches are.
  const batchSizes: number[] = [];
  platform.payments.batching.observeBatches((_, size) => batchSizes.push(size));
  const append = EventFeed.prototype.appendAlongside;
  const noAppend: typeof append = A_A ? append : () => null;
  const perArm: Record<'feed' | 'no feed', number[]> = { feed: [], 'no feed': [] };
  // CPU per payment (Node + PostgreSQL, µs): the work the feed adds, which the rate shows only
  // through the noise of a shared machine's scheduling.
  const cpuPerArm: Record<'feed' | 'no feed', number[]> = { feed: [], 'no feed': [] };
  // One unrecorded round warms the statements and the JIT.
  await paymentsInProcess(platform, data, { seconds: 3, concurrency: CONCURRENCY, hotSpot: false });
  for (let round = 0; round < rounds; round += 1) {
    for (const arm of round % 2 === 0 ? (['feed', 'no feed'] as const) : (['no feed', 'feed'] as const)) {
      EventFeed.prototype.appendAlongside = arm === 'feed' ? append : noAppend;
      // Autovacuum's minutely runs would land in one arm or the other: each arm starts with nothing
      // for it to do (bench/feed-overhead-http.ts, session 19).
      await db.exec('vacuum analyze');
      batchSizes.length = 0;
      const nodeBefore = process.cpuUsage();
      const postgresBefore = postgresCpuSeconds(DATABASE);
      const walBefore = await walBytes();
      const run = () =>
        paymentsInProcess(platform, data, {
          seconds: secondsPerRound,
          concurrency: CONCURRENCY,
          hotSpot: false,
        });
      const rate = statements ? await statements.around(arm, run) : await run();
      const node = process.cpuUsage(nodeBefore);
      const nodeMicros = node.user + node.system;
      const postgresMicros = (postgresCpuSeconds(DATABASE) - postgresBefore) * 1e6;
      const walPerPayment = ((await walBytes()) - walBefore) / Math.max(1, rate.completed);
      const cpuMicrosPerPayment = (nodeMicros + postgresMicros) / Math.max(1, rate.completed);
      perArm[arm].push(rate.perSecond);
      cpuPerArm[arm].push(cpuMicrosPerPayment);
      console.log(
        `round ${round + 1} ${arm.padEnd(7)} ${rate.perSecond.toFixed(0)} payments/s, CPU ${cpuMicrosPerPayment.toFixed(0)} µs a payment (Node ${(nodeMicros / Math.max(1, rate.completed)).toFixed(0)}, PostgreSQL ${(postgresMicros / Math.max(1, rate.completed)).toFixed(0)}), WAL ${walPerPayment.toFixed(0)} B a payment, ${(batchSizes.reduce((sum, size) => sum + size, 0) / Math.max(1, batchSizes.length)).toFixed(1)} payments a batch (${rate.failed} failed, load ${loadAverage()})`,
      );
    }
  }
  EventFeed.prototype.appendAlongside = append;
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const withFeed = median(perArm.feed);
  const without = median(perArm['no feed']);
  console.log(
    `median: with the feed ${withFeed.toFixed(0)}/s, without ${without.toFixed(0)}/s → the feed costs ${(((without - withFeed) / without) * 100).toFixed(1)}% (rounds: ${perArm.feed.map((r) => r.toFixed(0)).join(', ')} vs ${perArm['no feed'].map((r) => r.toFixed(0)).join(', ')})`,
  );
  const withFeedCpu = median(cpuPerArm.feed);
  const withoutCpu = median(cpuPerArm['no feed']);
  console.log(
    `median CPU a payment: with the feed ${withFeedCpu.toFixed(0)} µs, without ${withoutCpu.toFixed(0)} µs → the feed costs ${(((withFeedCpu - withoutCpu) / withoutCpu) * 100).toFixed(1)}% (rounds: ${cpuPerArm.feed.map((r) => r.toFixed(0)).join(', ')} vs ${cpuPerArm['no feed'].map((r) => r.toFixed(0)).join(', ')})`,
  );
  reportPaired('throughput', 'payments/s', perArm.feed, perArm['no feed']);
  reportPaired('CPU a payment', 'µs', cpuPerArm.feed, cpuPerArm['no feed']);
  statements?.report();
  await statementsAdmin?.close();
  await db.close();
} finally {
  cluster.stop();
}
