/**
 * `npx tsx bench/profile-burst.ts`: 256 payments at once through the real HTTP app (fastify inject,
 * every hook and guard) on an in-memory PGlite, twice; prints how many statements and transactions
 * they took. Statement counts do not depend on how busy the machine is, unlike the time it prints.
 */

import { Pool } from 'undici';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Database, Sql } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPglite, PGLITE_SHARED_BUFFERS_MB_DEFAULT } from '../src/db/pglite.js';
import { buildApp } from '../src/http/app.js';
import { registerJobs } from '../src/jobs.js';
import { createPlatform } from '../src/platform.js';
import { seedBench } from './seed.js';

const PAYMENTS = 256;
const MERCHANTS = 50;

const counts = { statements: 0, transactions: 0 };
/** Milliseconds per statement text (a pool statement's time includes waiting for the connection). */
const slowest = new Map<string, { calls: number; ms: number }>();
const timed = async <T>(text: string, run: () => Promise<T>): Promise<T> => {
  const startedMs = performance.now();
  try {
    return await run();
  } finally {
    const key = text.replace(/\s+/g, ' ').slice(0, 110);
    const entry = slowest.get(key) ?? { calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += performance.now() - startedMs;
    slowest.set(key, entry);
  }
};
const printSlowest = () => {
  if (!process.argv.includes('--slowest')) return;
  for (const [text, entry] of [...slowest].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12))
    console.log(`  ${entry.ms.toFixed(0).padStart(7)} ms ${String(entry.calls).padStart(5)} × ${text}`);
  slowest.clear();
};

/** The database, counting every statement and transaction that goes through it. */
function counted(db: Database): Database {
  const countedSql = (sql: Sql): Sql => ({
    query: (text, params) => {
      counts.statements += 1;
      return timed(text, () => sql.query(text, params));
    },
    exec: (script) => sql.exec(script),
  });
  return {
    ...db,
    ...countedSql(db),
    kind: db.kind,
    transaction: (work) => {
      counts.transactions += 1;
      return db.transaction((tx) => work(countedSql(tx)));
    },
    close: () => db.close(),
  };
}

const db = counted(
  await openPglite(
    undefined,
    Number(process.env.PGLITE_SHARED_BUFFERS_MB ?? PGLITE_SHARED_BUFFERS_MB_DEFAULT),
  ),
);
await migrate(db, allMigrations);
const platform = createPlatform(loadConfig({}), db, systemClock);
const data = await seedBench(platform, { members: 1000, merchants: MERCHANTS }, console.log);
const app = await buildApp(platform, { logLevel: false });
/**
 * `--closed-loop=N`: N clients each send their next payment when the last is answered, for the
 * given number of rounds of 256 payments in all: the batch sizes a steady stream forms.
 */
const loopArg = process.argv.find((arg) => arg.startsWith('--closed-loop='));
const clients = loopArg ? Number(loopArg.slice('--closed-loop='.length)) : 0;
let serial = 0;
/** `--listen`: the closed loop goes through a real socket (undici, keep-alive) instead of inject. */
const listening = process.argv.includes('--listen');
const address = listening ? await app.listen({ port: 0, host: '127.0.0.1' }) : '';
const pool = listening ? new Pool(address, { connections: Math.max(1, clients) }) : null;
const payOnce = async (index: number, prefix: string) => {
  serial += 1;
  if (pool) {
    const response = await pool.request({
      method: 'POST',
      path: '/v1/me/payments',
      headers: {
        authorization: `Bearer ${data.tokens[index % data.tokens.length]}`,
        'idempotency-key': `${prefix}-${serial}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ merchantCode: data.merchantCodes[index % MERCHANTS], amountWon: 1000 }),
    });
    await response.body.dump();
    return response.statusCode;
  }
  const response = await app.inject({
    method: 'POST',
    url: '/v1/me/payments',
    headers: {
      authorization: `Bearer ${data.tokens[index % data.tokens.length]}`,
      'idempotency-key': `${prefix}-${serial}`,
      'content-type': 'application/json',
    },
    payload: { merchantCode: data.merchantCodes[index % MERCHANTS], amountWon: 1000 },
  });
  return response.statusCode;
};
for (const round of clients > 0 ? [1, 2] : []) {
  counts.statements = 0;
  counts.transactions = 0;
  const startedMs = performance.now();
  let sent = 0;
  let ok = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (sent < PAYMENTS) {
        sent += 1;
        // Fresh members each round: their sessions and PINs are not yet read (as with the HTTP bench's random members).
        if ((await payOnce((round - 1) * PAYMENTS + client * 7 + sent, `loop-${round}`)) === 201) ok += 1;
      }
    }),
  );
  console.log(
    `closed loop of ${clients}, round ${round}: ${ok}/${PAYMENTS} paid in ${(performance.now() - startedMs).toFixed(0)} ms; ` +
      `${counts.statements} statements (${(counts.statements / PAYMENTS).toFixed(2)} a payment), ` +
      `${counts.transactions} transactions (${(PAYMENTS / Math.max(1, counts.transactions)).toFixed(1)} payments a batch)`,
  );
}
/**
 * `--with-catch-up`: the first burst arrives just as the scheduler starts its first tick (every job
 * due; analytics and fraud read the seed's events): how long the payments wait behind scheduled work.
 */
const withCatchUp = process.argv.includes('--with-catch-up');
if (withCatchUp) registerJobs(platform);
for (const round of clients > 0 ? [] : [1, 2]) {
  counts.statements = 0;
  counts.transactions = 0;
  const startedMs = performance.now();
  const tick =
    withCatchUp && round === 1
      ? platform.scheduler.tick([data.tenantId]).then((reports) => {
          const ms = (performance.now() - startedMs).toFixed(0);
          const events = reports
            .filter((report) => report.name.endsWith('catch_up'))
            .reduce((sum, report) => sum + (report.outcome?.processed ?? 0), 0);
          console.log(
            `  scheduler tick: ${reports.length} runs, ${events} events caught up, ended at ${ms} ms`,
          );
        })
      : Promise.resolve();
  const codes = await Promise.all(
    Array.from({ length: PAYMENTS }, async (_, index) => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/me/payments',
        headers: {
          authorization: `Bearer ${data.tokens[index]}`,
          'idempotency-key': `burst-${round}-${index}`,
          'content-type': 'application/json',
        },
        payload: { merchantCode: data.merchantCodes[index % MERCHANTS], amountWon: 1000 },
      });
      return response.statusCode;
    }),
  );
  const paidMs = performance.now() - startedMs;
  await tick;
  const ok = codes.filter((code) => code === 201).length;
  console.log(
    `round ${round}: ${ok}/${PAYMENTS} paid in ${paidMs.toFixed(0)} ms; ` +
      `${counts.statements} statements (${(counts.statements / PAYMENTS).toFixed(2)} a payment), ` +
      `${counts.transactions} transactions`,
  );
  printSlowest();
}
await pool?.close();
await app.close();
await db.close();
