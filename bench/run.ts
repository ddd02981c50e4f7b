/**
 * `npm run bench` (or `npm run bench:smoke`): starts a throwaway PostgreSQL cluster with fsync on, seeds
 * realistic data, and measures the ledger, the payment path in-process and over HTTP (PostgreSQL and
 * PGlite), pgbench's TPC-B-like TPS as the machine's reference, and the server's peak memory.
 * Writes bench/results/<time>.json and .md, and prints the table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { catchUpBackground, waitForConsumers } from './background.js';
import { ledgerCeiling } from './ceiling.js';
import { createDatabase } from './database.js';
import { type HttpResult, payAtFixedRate, payOverHttp, startServer } from './http.js';
import {
  type LatencyResult,
  ledgerByBatchSize,
  paymentLatencyInProcess,
  paymentsInProcess,
  type RateResult,
} from './in-process.js';
import { describeMachine, loadAverage, loadAveragesText, type Machine, machineLine } from './machine.js';
import { type PgbenchResult, runPgbench } from './pgbench.js';
import { type BenchData, seedBench } from './seed.js';

const smoke = process.argv.includes('--smoke');
const skipPglite = process.argv.includes('--skip-pglite');
const SIZES = smoke
  ? { members: 2_000, merchants: 200, seconds: 2, pgbenchScale: 2 }
  : { members: 100_000, merchants: 5_000, seconds: 15, pgbenchScale: 10 };
const POOL_SIZE = 10;
const PAYMENT_CONCURRENCY = 256;
const HTTP_CONNECTIONS = 128;
const OFFERED_RATE = 1000;
const METRICS_TOKEN = 'bench';
/** How long a latency run waits for the server's event consumers to work off the runs before it. */
const CONSUMERS_WAIT_MS = 600_000;
/** The ledger's batch size that the ceiling is measured at (the ledger bench's batch of 1,000 runs at c=2). */
const CEILING_BATCH = 1000;

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

const log = (line: string) => console.log(line);

interface Results {
  startedAt: string;
  smoke: boolean;
  machine: Machine;
  sizes: typeof SIZES;
  loadAverages: Record<string, string>;
  ledger: RateResult[];
  /** The same rows as the ledger's batch of 1,000, by one hand-written set-based statement per batch. */
  ceiling: RateResult | null;
  payments: RateResult[];
  paymentLatency: LatencyResult | null;
  pgbench: PgbenchResult | null;
  httpPostgres: HttpResult[];
  httpPglite: HttpResult[];
  /** VmHWM: the server's peak since it started, its start-up included. */
  peakRssMb: { postgresServer: number | null; pgliteServer: number | null };
  /** The largest resident set sampled while the HTTP runs were under way (the target's measure). */
  rssUnderLoadMb: { postgresServer: number | null; pgliteServer: number | null };
}

async function main(): Promise<void> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('bench needs PostgreSQL binaries (set PG_BIN)');
  const results: Results = {
    startedAt: new Date().toISOString(),
    smoke,
    machine: describeMachine(path.basename(path.dirname(binDir))),
    sizes: SIZES,
    loadAverages: { start: loadAverage() },
    ledger: [],
    ceiling: null,
    payments: [],
    paymentLatency: null,
    pgbench: null,
    httpPostgres: [],
    httpPglite: [],
    peakRssMb: { postgresServer: null, pgliteServer: null },
    rssUnderLoadMb: { postgresServer: null, pgliteServer: null },
  };
  log(
    `bench ${smoke ? '(smoke) ' : ''}on ${results.machine.cores} × ${results.machine.cpus}; load ${loadAverage()}`,
  );
  const cluster = await startPostgresCluster(binDir, { durable: true });
  try {
    // Through the Unix socket, as a server on the database's machine connects; pgbench likewise.
    await benchPostgres(binDir, cluster.socketUrl, results);
  } finally {
    cluster.stop();
  }
  if (!skipPglite) await benchPglite(results);
  results.loadAverages.end = loadAverage();
  report(results);
  assertEveryPaymentWent(results);
}

async function benchPostgres(binDir: string, adminUrl: string, results: Results): Promise<void> {
  const databaseUrl = await createDatabase(adminUrl, 'hanbat_bench');
  const db = await openPostgres(databaseUrl, POOL_SIZE);
  let data: BenchData;
  try {
    const platform = await openBenchPlatform(db);
    log('seeding PostgreSQL');
    data = await seedBench(platform, SIZES, log);
    log(`ledger by batch size (load ${loadAverage()})`);
    results.ledger = await ledgerByBatchSize(platform, data, SIZES.seconds / 3);
    results.ledger.forEach(printRate);
    results.ceiling = await ledgerCeiling(db, data, {
      batchSize: CEILING_BATCH,
      concurrency: 2,
      seconds: SIZES.seconds / 3,
    });
    printRate(results.ceiling);
    log(`payments in-process (load ${loadAverage()})`);
    for (const hotSpot of [false, true]) {
      const rate = await paymentsInProcess(platform, data, {
        seconds: SIZES.seconds / 2,
        concurrency: PAYMENT_CONCURRENCY,
        hotSpot,
      });
      printRate(rate);
      results.payments.push(rate);
    }
    results.paymentLatency = await paymentLatencyInProcess(platform, data, {
      seconds: SIZES.seconds / 2,
      ratePerSecond: OFFERED_RATE,
    });
    const { p50, p99, p999 } = results.paymentLatency.latencyMs;
    log(`  ${results.paymentLatency.name}: p50 ${p50} ms, p99 ${p99} ms, p99.9 ${p999} ms`);
  } finally {
    await db.close();
  }
  results.loadAverages.beforePgbench = loadAverage();
  log('pgbench');
  results.pgbench = runPgbench(binDir, adminUrl, {
    scale: SIZES.pgbenchScale,
    clients: POOL_SIZE,
    threads: 2,
    seconds: SIZES.seconds,
  });
  log(`  ${results.pgbench.tps.toFixed(0)} TPS`);
  const server = await startServer({ databaseUrl }, [], { HANBAT_METRICS_TOKEN: METRICS_TOKEN });
  try {
    const rssUnderLoad = server.sampleRss();
    results.httpPostgres = await httpSuite(server.url, data, true, async () => {
      const caughtUp = await catchUpBackground(databaseUrl, { consumers: false });
      log(`  public books caught up before the latency run: ${caughtUp.transfersFolded} transfers`);
      await logConsumersCaughtUp(server.url);
    });
    results.rssUnderLoadMb.postgresServer = rssUnderLoad();
    results.peakRssMb.postgresServer = server.peakRssMb();
  } finally {
    await server.stop();
  }
}

async function benchPglite(results: Results): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-bench-pglite-'));
  try {
    const db = await openPglite(dataDir);
    let data: BenchData;
    try {
      log('seeding PGlite');
      data = await seedBench(await openBenchPlatform(db), SIZES, log);
    } finally {
      await db.close();
    }
    const server = await startServer({ dataDir }, [], { HANBAT_METRICS_TOKEN: METRICS_TOKEN });
    try {
      const rssUnderLoad = server.sampleRss();
      results.httpPglite = await httpSuite(server.url, data, false, () => logConsumersCaughtUp(server.url));
      results.rssUnderLoadMb.pgliteServer = rssUnderLoad();
      results.peakRssMb.pgliteServer = server.peakRssMb();
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function openBenchPlatform(db: Database) {
  await migrate(db, allMigrations);
  return createPlatform(loadConfig({}), db, systemClock);
}

/** Waits for the server's event consumers to reach the feed's head before a latency run. */
async function logConsumersCaughtUp(url: string): Promise<void> {
  const { waitedMs, behind } = await waitForConsumers(url, METRICS_TOKEN, CONSUMERS_WAIT_MS);
  log(
    behind.length === 0
      ? `  the server's consumers reached the feed's head in ${(waitedMs / 1000).toFixed(1)} s`
      : `  the server's consumers were still behind after ${(waitedMs / 1000).toFixed(1)} s: ${JSON.stringify(behind)}`,
  );
}

/**
 * The closed-loop throughput run, then the latency run at OFFERED_RATE, then (PostgreSQL) the hot
 * spot. `beforeLatency` works off what the throughput run left to the background jobs, where the
 * bench can reach the database from outside the server (PostgreSQL), so the latency run measures the
 * steady state at its rate.
 */
async function httpSuite(
  url: string,
  data: BenchData,
  withHotSpot: boolean,
  beforeLatency?: () => Promise<void>,
): Promise<HttpResult[]> {
  const runs: HttpResult[] = [];
  const run = async (options: Parameters<typeof payOverHttp>[2]) => {
    log(`${options.name} (load ${loadAverage()})`);
    const result = await payOverHttp(url, data, options);
    printHttp(result);
    runs.push(result);
  };
  const seconds = SIZES.seconds;
  log(`HTTP warm-up, not recorded (load ${loadAverage()})`);
  await payOverHttp(url, data, {
    name: 'warm-up',
    seconds: Math.max(2, seconds / 3),
    connections: HTTP_CONNECTIONS,
  });
  await run({ name: 'HTTP payments, Zipf merchants', seconds, connections: HTTP_CONNECTIONS });
  await beforeLatency?.();
  const latency = await payAtFixedRate(url, data, {
    name: `HTTP latency at ${OFFERED_RATE}/s offered`,
    seconds,
    ratePerSecond: OFFERED_RATE,
  });
  printHttp(latency);
  runs.push(latency);
  if (withHotSpot) {
    await run({ name: 'HTTP payments, one merchant', seconds, connections: HTTP_CONNECTIONS, hotSpot: true });
  }
  return runs;
}

function printRate(rate: RateResult): void {
  log(
    `  ${rate.name}: ${rate.perSecond.toFixed(0)}/s (${rate.completed} ok, ${rate.failed} failed, c=${rate.concurrency})`,
  );
}

function printHttp(result: HttpResult): void {
  const { p50, p99, p999 } = result.latencyMs;
  log(
    `  ${result.perSecond.toFixed(0)}/s, ${result.ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors; ` +
      `p50 ${p50} ms, p99 ${p99} ms, p99.9 ${p999} ms`,
  );
}

/** A run whose payments failed measured errors, not payments: say so and fail (CI runs the smoke version). */
function assertEveryPaymentWent(results: Results): void {
  const failures = [
    ...[...results.ledger, ...(results.ceiling ? [results.ceiling] : []), ...results.payments].map(
      (rate) => [rate.name, rate.failed] as const,
    ),
    ...(results.paymentLatency
      ? [[results.paymentLatency.name, results.paymentLatency.failed] as const]
      : []),
    ...[...results.httpPostgres, ...results.httpPglite].map(
      (run) => [run.name, run.non2xx + run.errors] as const,
    ),
  ].filter(([, failed]) => failed > 0);
  if (failures.length > 0) {
    throw new Error(`requests failed: ${failures.map(([name, failed]) => `${name}: ${failed}`).join('; ')}`);
  }
}

function report(results: Results): void {
  const markdown = toMarkdown(results);
  mkdirSync(resultsDir, { recursive: true });
  const stem = path.join(resultsDir, `${results.startedAt.replaceAll(':', '-')}${smoke ? '-smoke' : ''}`);
  writeFileSync(`${stem}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${stem}.md`, markdown);
  log(`\n${markdown}\nwritten to ${stem}.{json,md}`);
}

function toMarkdown(results: Results): string {
  const rows: string[][] = [];
  const spread = results.payments.find((rate) => rate.name.includes('Zipf'));
  const hot = results.payments.find((rate) => rate.name.includes('one merchant'));
  const tps = results.pgbench?.tps ?? Number.NaN;
  const [httpSpread, httpLatency, httpHot] = results.httpPostgres;
  const [pgliteSpread, pgliteLatency] = results.httpPglite;
  const perSecond = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value)}/s`);
  const verdict = (met: boolean | undefined) => (met === undefined ? '' : met ? 'met' : 'missed');
  for (const rate of results.ledger)
    rows.push([rate.name, `${perSecond(rate.perSecond)} (c=${rate.concurrency})`, '', '']);
  const ledgerAtCeilingBatch = results.ledger.find((rate) =>
    rate.name.endsWith(`batch of ${CEILING_BATCH} per call`),
  );
  if (results.ceiling && ledgerAtCeilingBatch) {
    const ratio = ledgerAtCeilingBatch.perSecond / results.ceiling.perSecond;
    rows.push([
      `${results.ceiling.name} (the ledger's rows, no logic)`,
      `${perSecond(results.ceiling.perSecond)} (c=${results.ceiling.concurrency})`,
      '',
      '',
    ]);
    rows.push([
      `ledger ÷ ceiling at batch ${CEILING_BATCH}`,
      ratio.toFixed(2),
      '≥ 0.5',
      verdict(ratio >= 0.5),
    ]);
  }
  rows.push([
    `full payments in-process, c=${PAYMENT_CONCURRENCY}`,
    perSecond(spread?.perSecond),
    '≥ 10,000/s',
    verdict(spread && spread.perSecond >= 10_000),
  ]);
  rows.push(['same, one merchant (hot spot)', perSecond(hot?.perSecond), '', '']);
  if (results.paymentLatency) {
    const { p50, p99, p999 } = results.paymentLatency.latencyMs;
    rows.push([
      `in-process latency at ${results.paymentLatency.offeredPerSecond}/s offered (achieved ${perSecond(results.paymentLatency.achievedPerSecond)})`,
      `p50 ${p50} ms, p99 ${p99} ms, p99.9 ${p999} ms`,
      '(HTTP below)',
      '',
    ]);
  }
  rows.push([
    `pgbench TPC-B-like, -c ${results.pgbench?.clients} -j ${results.pgbench?.threads}, scale ${results.pgbench?.scale}`,
    perSecond(tps),
    'reference',
    '',
  ]);
  if (httpSpread) {
    rows.push([
      `HTTP payments, ${httpSpread.connections} connections`,
      `${perSecond(httpSpread.perSecond)} (${(httpSpread.perSecond / tps).toFixed(2)} × pgbench)`,
      '≥ 2 × pgbench',
      verdict(httpSpread.perSecond >= 2 * tps),
    ]);
  }
  if (httpLatency) {
    const { p50, p99, p999 } = httpLatency.latencyMs;
    rows.push([
      `HTTP latency at ${httpLatency.offeredPerSecond}/s offered (achieved ${Math.round(httpLatency.perSecond)}/s)`,
      `p50 ${p50} ms, p99 ${p99} ms, p99.9 ${p999} ms`,
      'p99 ≤ 20 ms',
      verdict(p99 <= 20 && httpLatency.perSecond >= 0.95 * (httpLatency.offeredPerSecond ?? 0)),
    ]);
  }
  if (httpHot && httpSpread) {
    rows.push([
      'HTTP payments, one merchant and one budget',
      `${perSecond(httpHot.perSecond)} (${((100 * httpHot.perSecond) / httpSpread.perSecond).toFixed(0)}% of spread)`,
      '≥ 50% of spread',
      verdict(httpHot.perSecond >= 0.5 * httpSpread.perSecond),
    ]);
  }
  if (pgliteSpread)
    rows.push([
      `PGlite HTTP payments, ${pgliteSpread.connections} connections`,
      perSecond(pgliteSpread.perSecond),
      '≥ 3,000/s',
      verdict(pgliteSpread.perSecond >= 3000),
    ]);
  if (pgliteLatency) {
    const { p50, p99, p999 } = pgliteLatency.latencyMs;
    rows.push([
      `PGlite HTTP latency at ${pgliteLatency.offeredPerSecond}/s offered (achieved ${Math.round(pgliteLatency.perSecond)}/s)`,
      `p50 ${p50} ms, p99 ${p99} ms, p99.9 ${p999} ms`,
      '',
      '',
    ]);
  }
  for (const [server, label] of [
    ['postgresServer', 'PostgreSQL'],
    ['pgliteServer', 'PGlite (the database runs inside the server)'],
  ] as const) {
    const underLoadMb = results.rssUnderLoadMb[server];
    rows.push([
      `server RSS under load on ${label}: largest of samples every 100 ms during the HTTP runs (peak since start, start-up included: ${results.peakRssMb[server] ?? 'n/a'} MB)`,
      `${underLoadMb ?? 'n/a'} MB`,
      '≤ 300 MB',
      verdict(underLoadMb === null ? undefined : underLoadMb <= 300),
    ]);
  }
  const header = ['measure', 'result', 'target', ''];
  const lines = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`);
  return [
    machineLine(`Hanbat bench ${results.startedAt}${results.smoke ? ' (smoke)' : ''}`, results.machine),
    `${results.sizes.members} members, ${results.sizes.merchants} merchants (Zipf s=1), ${results.sizes.seconds} s per HTTP run; load average ${loadAveragesText(results.loadAverages)}.`,
    '',
    ...lines,
    '',
  ].join('\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
