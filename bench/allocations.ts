/**
 * `npx tsx bench/allocations.ts [seconds=8] [--top=N]`: what a payment allocates in Node, by the
 * function that allocated it. In-process payments (as `npm run bench`: 256 callers, PostgreSQL with
 * fsync on, through the socket) under V8's sampling heap profiler, with the objects the collector
 * already freed counted in: the garbage, which is what the young generation's collections cost
 * (docs/engine.md, "Session 24"). Sampled: bytes are estimates, good for comparing trees.
 */
import { Session } from 'node:inspector/promises';
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

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

const args = process.argv.slice(2);
const seconds = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 8);
const top = Number(args.find((arg) => arg.startsWith('--top='))?.slice('--top='.length) ?? 30);
const CONCURRENCY = 256;
const SAMPLING_INTERVAL_BYTES = 4096;

/** Bytes by `function file:line`, over the whole tree (children walked with an explicit, bounded stack). */
function bytesByFunction(head: SamplingNode): Map<string, number> {
  const bytes = new Map<string, number>();
  const stack = [head];
  while (stack.length > 0) {
    const node = stack.pop() as SamplingNode;
    const file = node.callFrame.url.replace(/^.*node_modules\//, 'npm:').replace(/^.*\/src\//, 'src/');
    const key = `${node.callFrame.functionName || '(anonymous)'} ${file.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber}`;
    bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    stack.push(...node.children);
  }
  return bytes;
}

const binDir = findPostgresBinDir();
if (!binDir) throw new Error('needs PostgreSQL binaries');
const cluster = await startPostgresCluster(binDir, { durable: true });
try {
  const db = await openPostgres(await createDatabase(cluster.socketUrl, 'hanbat_allocations'), 10);
  await migrate(db, allMigrations);
  const platform = createPlatform(loadConfig({}), db, systemClock);
  const data = await seedBench(platform, { members: 20_000, merchants: 1_000 }, () => {});
  await paymentsInProcess(platform, data, { seconds: 3, concurrency: CONCURRENCY, hotSpot: false });
  await db.exec('vacuum analyze');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: SAMPLING_INTERVAL_BYTES,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const run = await paymentsInProcess(platform, data, { seconds, concurrency: CONCURRENCY, hotSpot: false });
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  const bytes = bytesByFunction(profile.head as unknown as SamplingNode);
  const total = [...bytes.values()].reduce((sum, value) => sum + value, 0);
  console.log(
    `${run.completed} payments (${run.perSecond.toFixed(0)}/s): ~${(total / run.completed).toFixed(0)} bytes allocated a payment; by function:`,
  );
  for (const [key, value] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${(value / run.completed).toFixed(0).padStart(8)}  ${key}`);
  await db.close();
} finally {
  cluster.stop();
}
