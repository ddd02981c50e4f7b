/** The real server in its own process, driven over HTTP by autocannon. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { freePort } from '../test/support/postgres-cluster.js';
import { type BenchData, zipfPick } from './seed.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_READY_MS_MAX = 120_000;
const RSS_SAMPLE_MS = 100;

export interface Server {
  url: string;
  pid: number;
  /** Peak resident set size since the process started (VmHWM), start-up included, in MB. */
  peakRssMb(): number;
  /**
   * Samples the resident set every `intervalMs` until the returned function is called, which gives
   * the largest sample in MB: the server's memory under the load run in between, without its start-up.
   */
  sampleRss(intervalMs?: number): () => number;
  /** The last lines the server printed, for diagnosing failed requests. */
  logTail(): string;
  stop(): Promise<void>;
}

const built = new Set<string>();

/** The server runs as `npm start` runs it, compiled, not through the tsx loader; built once per run. */
function buildServerOnce(root: string): void {
  if (built.has(root)) return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  built.add(root);
}

export async function startServer(
  database: { databaseUrl: string } | { dataDir: string },
  nodeArgs: readonly string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
  /** The checkout whose server runs (another worktree, for paired comparisons of two commits). */
  root = projectRoot,
): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // Payments never call the bank: a bank URL keeps serve from running its sandbox bank (its own
    // embedded database) in the measured process. Nothing listens there.
    BANK_URL: `http://127.0.0.1:${await freePort()}`,
    BANK_SIGNING_SECRET: randomBytes(24).toString('hex'),
    ...('databaseUrl' in database
      ? { DATABASE_URL: database.databaseUrl }
      : { DATABASE_URL: '', DATA_DIR: database.dataDir }),
    ...extraEnv,
  };
  buildServerOnce(root);
  const child = spawn(process.execPath, [...nodeArgs, 'bin/hanbat.js', 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keepTail = (chunk: string) => {
    output = (output + chunk).slice(-8000);
  };
  child.stdout?.setEncoding('utf8').on('data', keepTail);
  child.stderr?.setEncoding('utf8').on('data', keepTail);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => output);
  return {
    url,
    pid: child.pid as number,
    peakRssMb: () => statusMb(child.pid as number, 'VmHWM'),
    sampleRss: (intervalMs = RSS_SAMPLE_MS) => sampleRss(child.pid as number, intervalMs),
    logTail: () => output,
    stop: () => stopChild(child),
  };
}

async function waitForHealth(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + SERVER_READY_MS_MAX;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server not healthy after ${SERVER_READY_MS_MAX} ms: ${stderr()}`);
}

function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 1024);
}

function sampleRss(pid: number, intervalMs: number): () => number {
  let largestMb = statusMb(pid, 'VmRSS');
  const timer = setInterval(() => {
    try {
      largestMb = Math.max(largestMb, statusMb(pid, 'VmRSS'));
    } catch {
      // The server has exited; the run that follows reports it, and the samples so far stand.
    }
  }, intervalMs);
  return () => {
    clearInterval(timer);
    return Math.max(largestMb, statusMb(pid, 'VmRSS'));
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

export interface HttpResult {
  name: string;
  connections: number;
  offeredPerSecond: number | null;
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number; p999: number; max: number };
}

let keySerial = 0;

/** One payment request: a random member (uniform), a merchant by popularity (Zipf) or the top one. */
function paymentRequest(data: BenchData, hotSpot: boolean) {
  const member = Math.floor(Math.random() * data.memberIds.length);
  const merchant = hotSpot ? 0 : zipfPick(data.merchantCdf);
  keySerial += 1;
  return {
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${data.tokens[member]}`,
      'idempotency-key': `bench-${process.pid}-${keySerial}`,
      'x-tenant-id': data.tenantId,
    },
    body: JSON.stringify({
      merchantCode: data.merchantCodes[merchant],
      amountWon: 1000 + Math.floor(Math.random() * 29) * 1000,
    }),
  };
}

/** Closed loop: `connections` clients each send their next payment when the last is answered. */
export async function payOverHttp(
  url: string,
  data: BenchData,
  options: { name: string; seconds: number; connections: number; hotSpot?: boolean },
): Promise<HttpResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        path: '/v1/me/payments',
        setupRequest: (request) => ({ ...request, ...paymentRequest(data, options.hotSpot ?? false) }),
      },
    ],
  });
  const ok = result['2xx'];
  return {
    name: options.name,
    connections: options.connections,
    offeredPerSecond: null,
    seconds: result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    perSecond: ok / result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      p999: result.latency.p99_9,
      max: result.latency.max,
    },
  };
}

const OPEN_LOOP_CONNECTIONS_MAX = 256;

/**
 * Open loop at a constant offered rate: payment i is due at start + i / rate, sent then whether or
 * not earlier ones were answered (people at tills do not wait for each other), and its latency runs
 * from when it was due, so a stalled server is charged for the requests it delayed. autocannon's
 * own rate limit sends each second's quota in a burst at the start of the second, which measures
 * bursts, not a rate.
 */
export async function payAtFixedRate(
  url: string,
  data: BenchData,
  options: { name: string; seconds: number; ratePerSecond: number },
): Promise<HttpResult> {
  const pool = new Pool(url, { connections: OPEN_LOOP_CONNECTIONS_MAX, pipelining: 1 });
  const latenciesMs: number[] = [];
  const outcome = { ok: 0, non2xx: 0, errors: 0 };
  const sent: Array<Promise<void>> = [];
  const startedMs = performance.now();
  const total = Math.round(options.seconds * options.ratePerSecond);
  try {
    for (let index = 0; index < total; ) {
      const nowMs = performance.now();
      for (; index < total && startedMs + (index * 1000) / options.ratePerSecond <= nowMs; index++) {
        const dueMs = startedMs + (index * 1000) / options.ratePerSecond;
        sent.push(payOnce(pool, data, dueMs, latenciesMs, outcome));
      }
      // A millisecond's sleep, not a spin: the generator shares the cores with the server.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(sent);
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - startedMs) / 1000;
  latenciesMs.sort((a, b) => a - b);
  const at = (quantile: number) =>
    Math.round(latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(quantile * latenciesMs.length))] ?? 0);
  return {
    name: options.name,
    connections: OPEN_LOOP_CONNECTIONS_MAX,
    offeredPerSecond: options.ratePerSecond,
    seconds,
    ...outcome,
    perSecond: outcome.ok / seconds,
    latencyMs: { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: Math.round(latenciesMs.at(-1) ?? 0) },
  };
}

async function payOnce(
  pool: Pool,
  data: BenchData,
  dueMs: number,
  latenciesMs: number[],
  outcome: { ok: number; non2xx: number; errors: number },
): Promise<void> {
  try {
    const response = await pool.request({
      method: 'POST',
      path: '/v1/me/payments',
      ...paymentRequest(data, false),
    });
    await response.body.dump();
    latenciesMs.push(performance.now() - dueMs);
    if (response.statusCode >= 200 && response.statusCode < 300) outcome.ok += 1;
    else outcome.non2xx += 1;
  } catch {
    outcome.errors += 1;
  }
}
