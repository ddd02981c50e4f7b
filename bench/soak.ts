/**
 * `npm run soak -- --minutes M --rate R`: open-loop payments (R/s) and wallet reads (R/4 per second)
 * against the server on a throwaway PostgreSQL cluster (fsync on), with a table per minute of
 * throughput, latency percentiles, errors and server RSS, ending with the ledger audit. Exits 1 on
 * any error or a red audit. Payments are evenly spaced and timed from when they were due.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { systemClock } from '../src/clock.js';
import { openPostgres } from '../src/db/postgres.js';
import { auditLedger } from '../src/modules/ledger/audit.js';
import { LedgerService } from '../src/modules/ledger/ledger-service.js';
import { memberAccountIds } from '../src/modules/members/member-service.js';
import { SYSTEM_ACCOUNTS } from '../src/modules/wallets/wallet-service.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { exited, fundedPayers, SERVER_TENANT, startServer } from '../test/support/server-process.js';
import { createDatabase } from './database.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    rate: { type: 'string', default: '50' },
    members: { type: 'string', default: '200' },
    'cpu-prof': { type: 'string' },
    // PostgreSQL's stock settings (128 MB of shared buffers) instead of the production ones below.
    'stock-postgres': { type: 'boolean', default: false },
  },
});

/**
 * The server settings docs/operations.md gives for production ("PostgreSQL settings"). With the stock
 * 128 MB of shared buffers, a 500/s hour outgrows the cache after ~25 minutes (about 1 GB of
 * indexes): backends write out dirty pages themselves and every checkpoint (forced by WAL volume
 * every ~2 minutes) re-logs whole pages, and the same server falls behind (session 8's run).
 */
const PRODUCTION_POSTGRES = [
  'shared_buffers=2GB',
  'max_wal_size=8GB',
  'checkpoint_timeout=15min',
  'wal_compression=lz4',
];
const minutes = Number(values.minutes);
const ratePerSecond = Number(values.rate);
const MEMBERS = Number(values.members);
const CONNECTIONS_MAX = 256;

interface Minute {
  payments: number;
  reads: number;
  errors: number;
  latenciesMs: number[];
  rssMb: number;
}

function rssMbOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((row) => row.startsWith('VmRSS:'));
  return Math.round(Number(line?.replace(/\D+/g, '') ?? 0) / 1024);
}

function percentile(sorted: number[], quantile: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? 0);
}

async function signUpMembers(url: string, db: Awaited<ReturnType<typeof openPostgres>>, count: number) {
  const ledger = new LedgerService(db, systemClock);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const phone = `010-7${String(i).padStart(3, '0')}-${String(i).padStart(4, '0')}`;
    const headers = { 'content-type': 'application/json', 'x-tenant-id': SERVER_TENANT };
    const password = 'soak-member-1';
    const signUp = await fetch(`${url}/v1/members`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        phone,
        password,
        name: '소크',
        birthDate: '1990-01-01',
        district: 'seo-gu',
        dong: '둔산동',
      }),
    });
    const { memberId } = (await signUp.json()) as { memberId: string };
    const [funded] = await ledger.postTransfers(SERVER_TENANT, [
      {
        id: `soak-fund:${memberId}`,
        action: 'transfer',
        code: 'charge',
        postings: [
          { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: -1_000_000_000 },
          { accountId: memberAccountIds(memberId).cash, amountWon: 1_000_000_000 },
        ],
      },
    ]);
    if (!funded?.ok) throw new Error(`funding ${memberId} failed`);
    const session = await fetch(`${url}/v1/sessions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ phone, password }),
    });
    tokens.push(((await session.json()) as { token: string }).token);
  }
  return tokens;
}

async function main(): Promise<void> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('the soak needs PostgreSQL binaries (postgresql-15)');
  const cluster = await startPostgresCluster(binDir, {
    durable: true,
    settings: values['stock-postgres'] ? [] : PRODUCTION_POSTGRES,
  });
  const work = mkdtempSync(path.join(os.tmpdir(), 'hanbat-soak-'));
  const databaseUrl = await createDatabase(cluster.adminUrl, `hanbat_soak_${process.pid}`);
  // --cpu-prof DIR: the server's CPU profile, written when it exits at the end of the soak.
  const profileDir = values['cpu-prof'];
  const server = await startServer(
    databaseUrl,
    path.join(work, 'bank'),
    {},
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [],
  );
  const db = await openPostgres(databaseUrl, 2);
  const pid = server.child.pid as number;
  let failed = false;
  try {
    const { merchantCode } = await fundedPayers(db, server, 1_000);
    const tokens = await signUpMembers(server.url, db, MEMBERS);
    const pool = new Pool(server.url, { connections: CONNECTIONS_MAX, pipelining: 1 });
    const table: Minute[] = [];
    const startedMs = performance.now();
    const totalMs = minutes * 60_000;
    // Only the requests still in flight are kept: an hour at 500/s is 2.25 M requests, and keeping
    // every settled promise grew the driver to 1.5 GB and stalled it (session 7's run 2).
    const inFlight = new Set<Promise<void>>();
    const send = (work: Promise<void>) => {
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    };
    const minuteOf = (dueMs: number) => {
      const index = Math.floor((dueMs - startedMs) / 60_000);
      table[index] ??= { payments: 0, reads: 0, errors: 0, latenciesMs: [], rssMb: 0 };
      return table[index] as Minute;
    };
    const request = async (dueMs: number, kind: 'pay' | 'read', serial: number) => {
      const minute = minuteOf(dueMs);
      const token = tokens[serial % tokens.length] as string;
      try {
        const response = await pool.request(
          kind === 'pay'
            ? {
                method: 'POST',
                path: '/v1/me/payments',
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${token}`,
                  'idempotency-key': `soak-${serial}`,
                },
                body: JSON.stringify({ merchantCode, amountWon: 1_000 + (serial % 50) * 100 }),
              }
            : { method: 'GET', path: '/v1/me/wallet', headers: { authorization: `Bearer ${token}` } },
        );
        await response.body.text();
        const ok = kind === 'pay' ? response.statusCode === 201 : response.statusCode === 200;
        if (!ok) minute.errors += 1;
        else if (kind === 'pay') {
          minute.payments += 1;
          minute.latenciesMs.push(performance.now() - dueMs);
        } else minute.reads += 1;
      } catch {
        minute.errors += 1;
      }
    };
    let payments = 0;
    let reads = 0;
    let lastRssMinute = -1;
    while (performance.now() - startedMs < totalMs) {
      const nowMs = performance.now();
      for (; startedMs + (payments * 1000) / ratePerSecond <= nowMs; payments++)
        send(request(startedMs + (payments * 1000) / ratePerSecond, 'pay', payments));
      for (; startedMs + (reads * 4000) / ratePerSecond <= nowMs; reads++)
        send(request(startedMs + (reads * 4000) / ratePerSecond, 'read', reads));
      const minuteIndex = Math.floor((nowMs - startedMs) / 60_000);
      if (minuteIndex !== lastRssMinute && nowMs - startedMs > minuteIndex * 60_000 + 55_000) {
        const minute = minuteOf(nowMs);
        minute.rssMb = rssMbOf(pid);
        lastRssMinute = minuteIndex;
        // Progress while it runs: a soak that falls behind shows it here, not an hour later.
        console.error(
          `minute ${minuteIndex + 1}: ${minute.payments} payments answered so far, ${payments} sent in all, ${minute.errors} errors, ${inFlight.size} in flight, server RSS ${minute.rssMb} MB, driver RSS ${Math.round(process.memoryUsage.rss() / 1_048_576)} MB`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(inFlight);
    await pool.close();
    console.log(
      `soak: ${minutes} min at ${ratePerSecond} payments/s + ${ratePerSecond / 4} reads/s, ${MEMBERS} members, PostgreSQL ${values['stock-postgres'] ? 'stock settings' : PRODUCTION_POSTGRES.join(' ')}`,
    );
    console.log('| minute | payments/s | reads/s | p50 ms | p99 ms | p99.9 ms | errors | server RSS MB |');
    console.log('|---|---|---|---|---|---|---|---|');
    let errors = 0;
    table.forEach((minute, index) => {
      const sorted = minute.latenciesMs.sort((x, y) => x - y);
      errors += minute.errors;
      console.log(
        `| ${index + 1} | ${(minute.payments / 60).toFixed(1)} | ${(minute.reads / 60).toFixed(1)} | ${percentile(sorted, 0.5)} | ${percentile(sorted, 0.99)} | ${percentile(sorted, 0.999)} | ${minute.errors} | ${minute.rssMb || rssMbOf(pid)} |`,
      );
    });
    // RSS after warm-up (the first sixth, at most 10 minutes) against the last minute.
    const warmMinute = table[Math.min(9, Math.floor(table.length / 6))];
    const lastMinute = table.at(-1);
    if (warmMinute?.rssMb && lastMinute?.rssMb)
      console.log(
        `server RSS after warm-up ${warmMinute.rssMb} MB, at the end ${lastMinute.rssMb} MB (${(((lastMinute.rssMb - warmMinute.rssMb) * 100) / warmMinute.rssMb).toFixed(1)}%)`,
      );
    const report = await auditLedger(db, SERVER_TENANT, systemClock.now());
    console.log(
      `audit: ${report.ok ? 'green' : 'RED'} (${report.violations.length} violations); errors: ${errors}`,
    );
    failed = errors > 0 || !report.ok;
  } finally {
    await db.close();
    server.child.kill('SIGTERM');
    await exited(server.child);
    cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
  if (failed) process.exit(1);
}

await main();
