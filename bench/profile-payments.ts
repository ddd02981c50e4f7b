/**
 * `tsx bench/profile-payments.ts [concurrency] [seconds]`: where a payment's time goes. Every SQL
 * statement of the payment path is timed (PostgreSQL, fsync on) and summed by statement; lock waits
 * show up as the time of the statement that takes the lock.
 */
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Database, Sql } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { seedBench, zipfPick } from './seed.js';

const concurrency = Number(process.argv[2] ?? 1);
const seconds = Number(process.argv[3] ?? 5);
const timings = new Map<string, { count: number; ms: number }>();

function record(text: string, ms: number): void {
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
  const timing = timings.get(key) ?? { count: 0, ms: 0 };
  timing.count += 1;
  timing.ms += ms;
  timings.set(key, timing);
}

function timed(sql: Sql): Sql {
  return {
    async query(text, params) {
      const started = performance.now();
      try {
        return await sql.query(text, params);
      } finally {
        record(text, performance.now() - started);
      }
    },
    exec: (script) => sql.exec(script),
  };
}

function timedDatabase(db: Database): Database {
  return {
    ...timed(db),
    kind: db.kind,
    close: () => db.close(),
    transaction: (work) =>
      db.transaction(async (tx) => {
        const started = performance.now();
        const result = await work(timed(tx));
        record('(transaction body, excluding begin/commit)', performance.now() - started);
        return result;
      }),
  };
}

async function main(): Promise<void> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('needs PostgreSQL binaries');
  const cluster = await startPostgresCluster(binDir, { durable: true });
  try {
    const raw = await openPostgres(cluster.adminUrl, 10);
    await migrate(raw, allMigrations);
    const seeding = createPlatform(loadConfig({}), raw, systemClock);
    const data = await seedBench(seeding, { members: 20_000, merchants: 1_000 }, console.log);
    const db = timedDatabase(raw);
    const platform = createPlatform(loadConfig({}), db, systemClock);
    await platform.tenants.timeZoneOf(data.tenantId);
    timings.clear();
    let done = 0;
    const started = performance.now();
    const endMs = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < endMs) {
          const member = data.memberIds[Math.floor(Math.random() * data.memberIds.length)] as string;
          const code = data.merchantCodes[zipfPick(data.merchantCdf)] as string;
          const paymentStarted = performance.now();
          const key = `profile-${performance.now()}-${Math.random()}`;
          await platform.payments.payAtMerchant(data.tenantId, {
            memberId: member,
            merchantCode: code,
            amountWon: 5000,
            idempotency: { principalId: member, key, requestHash: key },
          });
          record('(whole payment incl. begin/commit)', performance.now() - paymentStarted);
          done += 1;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    console.log(
      `\n${done} payments in ${elapsed.toFixed(1)} s = ${(done / elapsed).toFixed(0)}/s, c=${concurrency}`,
    );
    console.log('statement | calls/payment | ms/payment | ms/call');
    for (const [text, timing] of [...timings].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(
        `${text} | ${(timing.count / done).toFixed(2)} | ${(timing.ms / done).toFixed(2)} | ${(timing.ms / timing.count).toFixed(2)}`,
      );
    }
    await raw.close();
  } finally {
    cluster.stop();
  }
}

await main();
