/**
 * `tsx bench/ledger-ceiling.ts [rounds] [seconds] [--pg-stats]`: the ledger's share of its ceiling (issue 12) measured
 * in alternating rounds on one cluster, so that a change to the ledger's write can be judged against
 * noise: each round posts batches of 1,000 transfers through the ledger, then writes the same rows with
 * the ceiling's one hand-written statement (bench/ceiling.ts), both at concurrency 2 as in `npm run bench`.
 * With --pg-stats, PostgreSQL's time per transfer for each statement of the ledger's last round.
 */
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { ledgerCeiling } from './ceiling.js';
import { createDatabase } from './database.js';
import { closedLoop, randomTransfer } from './in-process.js';
import { loadAverage } from './machine.js';
import { openStatementsAdmin, PG_STAT_STATEMENTS_SETTINGS, statementsOf } from './pg-statements.js';
import { seedBench } from './seed.js';

const numbers = process.argv.slice(2).filter((arg) => /^\d+$/.test(arg));
const [rounds = 6, seconds = 5] = numbers.map(Number);
const withStats = process.argv.includes('--pg-stats');
const BATCH = 1_000;
const CONCURRENCY = 2;

const binDir = findPostgresBinDir();
if (!binDir) throw new Error('needs PostgreSQL binaries');
const cluster = await startPostgresCluster(binDir, {
  durable: true,
  ...(withStats ? { settings: PG_STAT_STATEMENTS_SETTINGS } : {}),
});
const admin = withStats ? await openStatementsAdmin(cluster.adminUrl) : undefined;
const statements = admin ? statementsOf(admin) : undefined;
try {
  const db = await openPostgres(await createDatabase(cluster.adminUrl, 'hanbat_bench'), 10);
  try {
    await migrate(db, allMigrations);
    const platform = createPlatform(loadConfig({}), db, systemClock);
    const data = await seedBench(platform, { members: 100_000, merchants: 5_000 }, () => {});
    const ratios: number[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      if (round === rounds) await statements?.reset();
      const ledger = await closedLoop('ledger', CONCURRENCY, seconds, async () => {
        const posted = await platform.ledger.postTransfers(
          data.tenantId,
          Array.from({ length: BATCH }, () => randomTransfer(data)),
        );
        const ok = posted.filter((result) => result.ok).length;
        return { ok, failed: posted.length - ok };
      });
      if (round === rounds) await statements?.report(ledger.completed);
      const ceiling = await ledgerCeiling(db, data, { batchSize: BATCH, concurrency: CONCURRENCY, seconds });
      ratios.push(ledger.perSecond / ceiling.perSecond);
      console.log(
        `round ${round}: ledger ${ledger.perSecond.toFixed(0)}/s (${ledger.failed} failed), ceiling ${ceiling.perSecond.toFixed(0)}/s, ratio ${(ratios.at(-1) as number).toFixed(3)}; load ${loadAverage()}`,
      );
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    const mean = ratios.reduce((sum, r) => sum + r, 0) / ratios.length;
    const sd = Math.sqrt(
      ratios.reduce((sum, r) => sum + (r - mean) ** 2, 0) / Math.max(1, ratios.length - 1),
    );
    console.log(
      `ledger ÷ ceiling over ${rounds} rounds: median ${(sorted[Math.floor(sorted.length / 2)] as number).toFixed(3)}, mean ${mean.toFixed(3)} (95% ±${((1.96 * sd) / Math.sqrt(ratios.length)).toFixed(3)})`,
    );
  } finally {
    await db.close();
  }
} finally {
  await admin?.close();
  cluster.stop();
}
