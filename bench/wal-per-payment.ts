/**
 * `npx tsx bench/wal-per-payment.ts [seconds=10] [--members=N]`: what a payment writes to PostgreSQL's
 * log, by kind of record. In-process payments (as `npm run bench`: 256 callers, fsync on, through
 * the socket) for `seconds` right after a checkpoint, then `pg_waldump --stats=record` over exactly
 * the log they wrote, printed per payment: heap inserts, index leaf inserts, updates, row locks and
 * the full-page images each brought (docs/engine.md, "Session 24").
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { createDatabase } from './database.js';
import { paymentsInProcess } from './in-process.js';
import { seedBench } from './seed.js';

const args = process.argv.slice(2);
const seconds = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 10);
const members = Number(
  args.find((arg) => arg.startsWith('--members='))?.slice('--members='.length) ?? 20_000,
);
const CONCURRENCY = 256;
const RECORD_LINE = /^(\S+)\s+(\d+)\s+\(\s*[\d.]+\)\s+(\d+)\s+\(\s*[\d.]+\)\s+(\d+)\s+\(\s*[\d.]+\)\s+(\d+)/;

const binDir = findPostgresBinDir();
if (!binDir) throw new Error('needs PostgreSQL binaries');
const cluster = await startPostgresCluster(binDir, { durable: true });
try {
  const db = await openPostgres(await createDatabase(cluster.socketUrl, 'hanbat_wal'), 10);
  await migrate(db, allMigrations);
  const platform = createPlatform(loadConfig({}), db, systemClock);
  const data = await seedBench(
    platform,
    { members, merchants: Math.max(10, Math.round(members / 20)) },
    () => {},
  );
  await paymentsInProcess(platform, data, { seconds: 3, concurrency: CONCURRENCY, hotSpot: false });
  await db.exec('vacuum analyze');
  await db.exec('checkpoint');
  const [start] = await db.query<{ lsn: string; dir: string }>(
    `select pg_current_wal_lsn()::text as lsn, current_setting('data_directory') as dir`,
  );
  const run = await paymentsInProcess(platform, data, { seconds, concurrency: CONCURRENCY, hotSpot: false });
  const [end] = await db.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  await db.close();
  if (!start || !end) throw new Error('no log position');
  // The cluster's files belong to `postgres` when the bench runs as root (test/support/postgres-cluster.ts).
  const waldump = [
    path.join(binDir, 'pg_waldump'),
    '-p',
    path.join(start.dir, 'pg_wal'),
    '-s',
    start.lsn,
    '-e',
    end.lsn,
    '--stats=record',
  ];
  const [file, argv] =
    process.getuid?.() === 0
      ? ['runuser', ['-u', 'postgres', '--', ...waldump]]
      : [waldump[0] as string, waldump.slice(1)];
  const stats = execFileSync(file, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const perPayment = (value: string) => (Number(value) / run.completed).toFixed(1).padStart(9);
  console.log(
    `${run.completed} payments (${run.perSecond.toFixed(0)}/s); log per payment, by kind of record:`,
  );
  console.log(
    `${'record'.padEnd(24)} ${'count'.padStart(9)} ${'bytes'.padStart(9)} ${'FPI bytes'.padStart(9)} ${'all bytes'.padStart(9)}`,
  );
  for (const line of stats.split('\n')) {
    const match = RECORD_LINE.exec(line.trim());
    if (!match) continue;
    const [, type, count, bytes, fpi, all] = match as unknown as string[];
    if (Number(all) / run.completed < 1) continue;
    console.log(
      `${(type as string).padEnd(24)} ${perPayment(count as string)} ${perPayment(bytes as string)} ${perPayment(fpi as string)} ${perPayment(all as string)}`,
    );
  }
} finally {
  cluster.stop();
}
