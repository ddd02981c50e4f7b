import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
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

const cluster = await startPostgresCluster(findPostgresBinDir() as string, { durable: true, settings: [] });
try {
  const db = await openPostgres(await createDatabase(cluster.socketUrl, 'hanbat_alloc'), 10);
  await migrate(db, allMigrations);
  const platform = createPlatform(loadConfig({}), db, systemClock);
  const data = await seedBench(platform, { members: 20_000, merchants: 1_000 }, () => {});
  await paymentsInProcess(platform, data, { seconds: 3, concurrency: 256, hotSpot: false });
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  const rate = await paymentsInProcess(platform, data, { seconds: 8, concurrency: 256, hotSpot: false });
  const { profile } = await session.post('HeapProfiler.stopSampling');
  writeFileSync('/tmp/alloc.json', JSON.stringify(profile));
  console.log(rate.perSecond, rate.completed);
  await db.close();
} finally {
  cluster.stop();
}
