/**
 * `tsx bench/profile-http.ts [seconds] [--pglite] [--no-prof] [--members=N] [--connections=N]`: a CPU profile of the server process
 * (node --cpu-prof) while autocannon pays through the API on PostgreSQL (or PGlite, the database
 * inside the server); prints the rate, self time by function and by file, and the statements the
 * server ran per payment (PostgreSQL: pg_stat_statements is not needed, pg_stat_database counts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../src/db/database.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { payOverHttp, startServer } from './http.js';
import { loadAverage } from './machine.js';
import { openStatementsAdmin, PG_STAT_STATEMENTS_SETTINGS, statementsOf } from './pg-statements.js';
import { seedAndClose } from './seed.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  endTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const seconds = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 10);
const onPglite = args.includes('--pglite');
const profiling = !args.includes('--no-prof');
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const membersArg = args.find((arg) => arg.startsWith('--members='));
const members = membersArg ? Number(membersArg.slice('--members='.length)) : 20_000;
const SIZES = { members, merchants: Math.max(10, Math.round(members / 20)) };
const connectionsArg = args.find((arg) => arg.startsWith('--connections='));
const connections = connectionsArg ? Number(connectionsArg.slice('--connections='.length)) : 64;

const profileDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-cpu-prof-'));
const nodeArgs = profiling ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];

const seed = (db: Database) => seedAndClose(db, SIZES, console.log);

async function measure(
  database: { databaseUrl: string } | { dataDir: string },
  data: Awaited<ReturnType<typeof seed>>,
  statements?: { reset(): Promise<void>; report(payments: number): Promise<void> },
) {
  const traceFile = path.join(profileDir, 'sql-trace.json');
  const server = await startServer(
    database,
    'dataDir' in database ? [...nodeArgs, '--import', path.join(benchDir, 'sql-trace.mjs')] : nodeArgs,
    { HANBAT_SQL_TRACE_FILE: traceFile },
  );
  const signalTrace = () => 'dataDir' in database && process.kill(server.pid, 'SIGUSR2');
  try {
    await payOverHttp(server.url, data, { name: 'warm-up', seconds: 2, connections });
    console.log(`load ${loadAverage()}`);
    await statements?.reset();
    signalTrace();
    const startedMs = performance.now();
    const result = await payOverHttp(server.url, data, { name: 'profile', seconds, connections });
    window.endedMs = performance.now();
    signalTrace();
    if ('dataDir' in database) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      reportTrace(traceFile, result.ok);
    }
    window.startedMs = startedMs;
    await statements?.report(result.ok);
    console.log(
      `${result.perSecond.toFixed(0)} payments/s (${result.ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors), p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; peak RSS ${server.peakRssMb()} MB; load ${loadAverage()}`,
    );
    if (result.non2xx > 0) console.log(server.logTail());
  } finally {
    await server.stop();
    window.exitedMs = performance.now();
  }
}

/** When the measured run started and ended, and when the server exited (its profile's end). */
const window = { startedMs: 0, endedMs: 0, exitedMs: 0 };

try {
  if (onPglite) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-prof-pglite-'));
    try {
      const data = await seed(await openPglite(dataDir));
      await measure({ dataDir }, data);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  } else {
    const binDir = findPostgresBinDir();
    if (!binDir) throw new Error('needs PostgreSQL binaries');
    const cluster = await startPostgresCluster(binDir, {
      durable: true,
      settings: PG_STAT_STATEMENTS_SETTINGS,
    });
    try {
      const data = await seed(await openPostgres(cluster.adminUrl, 10));
      const admin = await openStatementsAdmin(cluster.adminUrl);
      try {
        // The server connects as `npm run bench` connects it: through the Unix socket.
        await measure({ databaseUrl: cluster.socketUrl }, data, statementsOf(admin));
      } finally {
        await admin.close();
      }
    } finally {
      cluster.stop();
    }
  }
  if (profiling) {
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('no profile written');
    summarize(JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as Profile);
    console.log(`profile: ${path.join(profileDir, file)}`);
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}

/** PGlite's statements as bench/sql-trace.mjs counted them in the server during the measured run. */
function reportTrace(file: string, payments: number): void {
  const trace = JSON.parse(readFileSync(file, 'utf8')) as {
    windowMs: number;
    rows: Array<{ statement: string; calls: number; ms: number; rows: number }>;
  };
  const per = (value: number) => (payments > 0 ? value / payments : Number.NaN);
  const statements = trace.rows.filter((row) => !row.statement.startsWith('transaction'));
  const totalCalls = statements.reduce((sum, row) => sum + row.calls, 0);
  const txMs = statements
    .filter((row) => row.statement.startsWith('tx'))
    .reduce((sum, row) => sum + row.ms, 0);
  console.log(
    `\nPGlite: ${per(totalCalls).toFixed(2)} statements per payment, ${(1000 * per(txMs)).toFixed(0)} µs per payment inside transactions, over ${(trace.windowMs / 1000).toFixed(1)} s (${payments} payments)`,
  );
  console.log(
    'calls/payment  ms/payment  rows/call  statement (pool: time includes waiting for the connection)',
  );
  for (const row of trace.rows.sort((a, b) => b.ms - a.ms).slice(0, 45)) {
    console.log(
      `${per(row.calls).toFixed(3).padStart(13)}  ${per(row.ms).toFixed(3).padStart(10)}  ${(row.rows / row.calls).toFixed(1).padStart(9)}  ${row.statement.slice(0, 150)}`,
    );
  }
}

function summarize(profile: Profile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  let totalUs = 0;
  // Only the samples of the measured run: start-up (module loading, schema compiling) is not a payment's cost.
  const fromUs = profile.endTime - 1000 * (window.exitedMs - window.startedMs);
  const toUs = profile.endTime - 1000 * (window.exitedMs - window.endedMs);
  let atUs = profile.endTime - profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    atUs += delta;
    if (atUs < fromUs || atUs > toUs) return;
    totalUs += delta;
    const frame = byId.get(id)?.callFrame;
    const file = frame?.url
      ? frame.url.replace(/^.*node_modules\//, 'npm:').replace(/^file:\/\/.*?\/(dist|src)\//, '$1/')
      : `(native) ${frame?.functionName}`;
    const name = `${frame?.functionName || '(anonymous)'} ${file}:${(frame?.lineNumber ?? 0) + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + delta);
    const pkg = file.startsWith('npm:')
      ? file
          .split('/')
          .slice(0, file.startsWith('npm:@') ? 2 : 1)
          .join('/')
      : file;
    selfByFile.set(pkg, (selfByFile.get(pkg) ?? 0) + delta);
  });
  const top = (map: Map<string, number>, count: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${name}`);
  const idleUs = selfByFile.get('(native) (idle)') ?? 0;
  console.log(`\nbusy ${(100 * (1 - idleUs / totalUs)).toFixed(0)}% of the measured run`);
  console.log(`\nserver CPU self time over ${(totalUs / 1e6).toFixed(1)} s, by file or package:`);
  console.log(top(selfByFile, 25).join('\n'));
  console.log('\nby function:');
  console.log(top(selfByFunction, 30).join('\n'));
}
