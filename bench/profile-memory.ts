/**
 * `tsx bench/profile-memory.ts [seconds] [--pglite] [--members=N] [--rounds=N] [--connections=N]
 * [--snapshot | --snapshot-under-load] [--smaps] [--idle-seconds=N]
 * [--node-args='A B|C']`: where the server's memory goes under payment traffic. Pays over HTTP in
 * rounds and prints, after each, the server's RSS, peak RSS and V8's heap and external memory (its
 * /metrics); with --snapshot, writes a heap snapshot after the last round. `--node-args` runs one
 * server after another on the same seeded database, one per `|`-separated set of node options and
 * NAME=value environment settings (e.g. `--node-args='HANBAT_HEAP_GROWING_PERCENT=0|'`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../src/db/database.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { payOverHttp, type Server, startServer } from './http.js';
import { loadAverage } from './machine.js';
import { type BenchData, seedAndClose } from './seed.js';

const args = process.argv.slice(2);
const seconds = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 10);
const numberArg = (name: string, fallback: number) => {
  const arg = args.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
};
const onPglite = args.includes('--pglite');
const members = numberArg('members', 100_000);
const rounds = numberArg('rounds', 4);
const snapshot = args.includes('--snapshot');
/** The snapshot is taken halfway through the last round, with payments in flight, instead of after it. */
const snapshotUnderLoad = args.includes('--snapshot-under-load');
const connections = numberArg('connections', 64);
/** After each round, the server's resident memory by mapping (/proc/PID/smaps): what RSS is made of. */
const smaps = args.includes('--smaps');
/** Seconds without traffic after the last round before the last reading (the consumers catch up meanwhile). */
const idleSeconds = numberArg('idle-seconds', 5);
const nodeArgSets = (args.find((a) => a.startsWith('--node-args='))?.slice('--node-args='.length) ?? '')
  .split('|')
  .map((set) => set.split(' ').filter(Boolean));
const SIZES = { members, merchants: Math.max(10, Math.round(members / 20)) };
const METRICS_TOKEN = 'profile-memory';
const snapshotDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-heap-'));

const seed = (db: Database) => seedAndClose(db, SIZES, console.log);

const mb = (bytes: number) => Math.round(bytes / 1_048_576);

function statusMb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024);
}

const ARENA_BYTES = 64 * 1024 * 1024;

/**
 * Resident MB by kind of mapping: the executable and libraries, glibc's malloc arenas (the main
 * thread's [heap], and each other thread's 64 MB-aligned reservation), V8's heap pages (≤ 1 MB), and
 * the other anonymous mappings by size (WASM memories and V8's code spaces among them); and the
 * largest anonymous mappings, resident / reserved MB.
 */
function residentByMapping(pid: number): Record<string, number | string[]> {
  const kb: Record<string, number> = {};
  const anonymous: Array<{ sizeKb: number; rssKb: number }> = [];
  let kind = '';
  let sizeKb = 0;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const start = Number.parseInt(header[1] as string, 16);
      sizeKb = (Number.parseInt(header[2] as string, 16) - start) / 1024;
      const name = (header[3] as string).trim();
      if (name.startsWith('/')) kind = path.basename(name).replace(/\.so.*$/, '.so');
      else if (name === '[heap]') kind = 'malloc: main arena';
      else if (name) kind = name;
      else if (start % ARENA_BYTES === 0 && sizeKb * 1024 <= ARENA_BYTES) kind = 'malloc: thread arenas';
      else kind = sizeKb <= 1024 ? 'anon ≤1 MB' : sizeKb <= 65_536 ? 'anon ≤64 MB' : 'anon >64 MB';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    kb[kind] = (kb[kind] ?? 0) + Number(rss[1]);
    if (kind.startsWith('anon')) anonymous.push({ sizeKb, rssKb: Number(rss[1]) });
  }
  const mbOf = (kbs: number) => Math.round(kbs / 1024);
  return {
    ...Object.fromEntries(
      Object.entries(kb)
        .filter(([, value]) => value >= 1024)
        .sort((a, b) => b[1] - a[1])
        .map(([key, value]) => [key, mbOf(value)]),
    ),
    largestAnonymous: anonymous
      .sort((a, b) => b.rssKb - a.rssKb)
      .slice(0, 4)
      .map((mapping) => `${mbOf(mapping.rssKb)} / ${mbOf(mapping.sizeKb)}`),
  };
}

/** The process's user and system CPU so far (/proc/PID/stat, in clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return 10 * (Number(fields[11]) + Number(fields[12]));
}

async function heapOf(server: Server): Promise<Record<string, number>> {
  const response = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await response.text();
  const sample = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    heapUsedMb: mb(sample('hanbat_nodejs_heap_size_used_bytes')),
    heapTotalMb: mb(sample('hanbat_nodejs_heap_size_total_bytes')),
    externalMb: mb(sample('hanbat_nodejs_external_memory_bytes')),
  };
}

async function measureEach(database: { databaseUrl: string } | { dataDir: string }, data: BenchData) {
  for (const nodeArgs of nodeArgSets) {
    console.log(`\nnode options: ${nodeArgs.join(' ') || '(none)'}`);
    await measure(database, data, nodeArgs);
  }
}

async function measure(
  database: { databaseUrl: string } | { dataDir: string },
  data: BenchData,
  nodeArgs: readonly string[],
) {
  const env = Object.fromEntries(
    nodeArgs.filter((arg) => !arg.startsWith('--')).map((arg) => arg.split('=', 2) as [string, string]),
  );
  const server = await startServer(
    database,
    [
      ...nodeArgs.filter((arg) => arg.startsWith('--')),
      '--heapsnapshot-signal=SIGUSR2',
      `--diagnostic-dir=${snapshotDir}`,
    ],
    { ...env, HANBAT_METRICS_TOKEN: METRICS_TOKEN },
  );
  try {
    const report = async (label: string, paid: number) =>
      console.log(
        `${label}: ${paid} paid so far; RSS ${statusMb(server.pid, 'VmRSS')} MB, peak ${statusMb(server.pid, 'VmHWM')} MB; ${JSON.stringify(await heapOf(server))}; load ${loadAverage()}${smaps ? `\n  resident MB by mapping: ${JSON.stringify(residentByMapping(server.pid))}` : ''}`,
      );
    await report('started', 0);
    let paid = 0;
    for (let round = 1; round <= rounds; round += 1) {
      const cpuBeforeMs = cpuMsOf(server.pid);
      const midRound =
        snapshotUnderLoad && round === rounds
          ? setTimeout(() => process.kill(server.pid, 'SIGUSR2'), (seconds * 1000) / 2)
          : undefined;
      const result = await payOverHttp(server.url, data, { name: `round ${round}`, seconds, connections });
      clearTimeout(midRound);
      const cpuUsPerPayment = (1000 * (cpuMsOf(server.pid) - cpuBeforeMs)) / Math.max(1, result.ok);
      paid += result.ok;
      await report(
        `round ${round} (${result.perSecond.toFixed(0)}/s, server CPU ${cpuUsPerPayment.toFixed(0)} µs a payment, ${result.non2xx} non-2xx)`,
        paid,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    await report(`${idleSeconds} s idle`, paid);
    if (snapshot || snapshotUnderLoad) {
      if (snapshot) process.kill(server.pid, 'SIGUSR2');
      // The snapshot is written synchronously by the server; wait for the file to stop growing.
      let size = -1;
      for (let wait = 0; wait < 120; wait += 1) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const files = readdirSync(snapshotDir).filter((name) => name.endsWith('.heapsnapshot'));
        const now = files.length ? statusSize(path.join(snapshotDir, files[0] as string)) : -1;
        if (now > 0 && now === size) break;
        size = now;
      }
      console.log(`heap snapshot in ${snapshotDir}`);
    }
  } finally {
    await server.stop();
  }
}

function statusSize(file: string): number {
  try {
    return readFileSync(file).length;
  } catch {
    return -1;
  }
}

try {
  if (onPglite) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-mem-pglite-'));
    try {
      await measureEach({ dataDir }, await seed(await openPglite(dataDir)));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  } else {
    const binDir = findPostgresBinDir();
    if (!binDir) throw new Error('needs PostgreSQL binaries');
    const cluster = await startPostgresCluster(binDir, { durable: true });
    try {
      const data = await seed(await openPostgres(cluster.adminUrl, 10));
      await measureEach({ databaseUrl: cluster.adminUrl }, data);
    } finally {
      cluster.stop();
    }
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
