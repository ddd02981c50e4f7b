/**
 * `tsx bench/profile-http.ts [seconds]`: a CPU profile of the server process (node --cpu-prof) while
 * autocannon pays through the API on PostgreSQL; prints self time by function and by file.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { payOverHttp, startServer } from './http.js';
import { seedBench } from './seed.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const seconds = Number(process.argv[2] ?? 10);
const binDir = findPostgresBinDir();
if (!binDir) throw new Error('needs PostgreSQL binaries');
const cluster = await startPostgresCluster(binDir, { durable: true });
const profileDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-cpu-prof-'));
try {
  const db = await openPostgres(cluster.adminUrl, 10);
  await migrate(db, allMigrations);
  const data = await seedBench(
    createPlatform(loadConfig({}), db, systemClock),
    { members: 20_000, merchants: 1_000 },
    console.log,
  );
  await db.close();
  const server = await startServer({ databaseUrl: cluster.adminUrl }, [
    '--cpu-prof',
    `--cpu-prof-dir=${profileDir}`,
  ]);
  const result = await payOverHttp(server.url, data, { name: 'profile', seconds, connections: 64 });
  console.log(
    `${result.perSecond.toFixed(0)} payments/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`,
  );
  await server.stop();
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  summarize(JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as Profile);
} finally {
  cluster.stop();
}

function summarize(profile: Profile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    totalUs += delta;
    const frame = byId.get(id)?.callFrame;
    const file = frame?.url
      ? frame.url.replace(/^.*node_modules\//, 'npm:').replace(/^file:\/\/.*\/work\/main\//, '')
      : '(native/idle)';
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
  console.log(`\nserver CPU self time over ${(totalUs / 1e6).toFixed(1)} s, by file or package:`);
  console.log(top(selfByFile, 25).join('\n'));
  console.log('\nby function:');
  console.log(top(selfByFunction, 30).join('\n'));
}
