import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../db/migrate.js';
import { allMigrations } from '../../db/migrations.js';
import { openPostgres } from '../../db/postgres.js';
import { buildApp } from '../../http/app.js';
import { registerJobs } from '../../jobs.js';
import { createPlatform, type Platform } from '../../platform.js';
import type { JobRunReport } from '../scheduler/scheduler.js';
import type { ClusterConfig } from './cluster-config.js';
import { createClusterServer } from './cluster-server.js';
import { ClusterSet } from './cluster-set.js';
import { TenantDirectory } from './directory.js';
import { installFenceTriggers } from './fence.js';

const DRAIN_TIMEOUT_MS = 30_000;
const DIRECTORY_REFRESH_MS = 2_000;

/**
 * With HANBAT_CLUSTERS set: opens and migrates every other cluster, wires a platform per cluster
 * (sharing the home platform's config, clock and bank) and the directory on the home cluster.
 * Without it: undefined, and the deployment is the single-database one, unchanged.
 */
export async function openClusters(home: Platform, clusters: ClusterConfig): Promise<ClusterSet | undefined> {
  const names = Object.keys(clusters.clusterUrls);
  if (names.length === 0) return undefined;
  const platforms = new Map<string, Platform>([[clusters.homeCluster, home]]);
  for (const name of names) {
    const db = await openPostgres(clusters.clusterUrls[name] as string);
    await migrate(db, allMigrations);
    platforms.set(name, createPlatform(home.config, db, home.clock, home.bank));
  }
  // The write fence of moves, on every cluster, for every instance (see fence.ts).
  for (const platform of platforms.values()) await installFenceTriggers(platform.db);
  const directory = new TenantDirectory(home.db, home.clock, clusters.homeCluster);
  const set = new ClusterSet(platforms, directory, {
    lookupCacheSize: clusters.tenantLookupCacheSize,
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
  });
  await set.refresh();
  home.clusters = set;
  return set;
}

export interface RunningClusters {
  server: Server;
  apps: Map<string, FastifyInstance>;
  /** Stops the schedulers, answers what is in flight, closes every app and pool. */
  close(): Promise<void>;
}

/** Each cluster's jobs (its own scheduler, for the tenants placed on it) and one HTTP server for all. */
export async function startClusters(
  set: ClusterSet,
  options: { logLevel: string | false; pollMs: number; onReport: (report: JobRunReport) => void },
): Promise<RunningClusters> {
  const apps = new Map<string, FastifyInstance>();
  for (const [name, platform] of set.platforms) {
    if (platform !== set.home) registerJobs(platform);
    platform.scheduler.start(() => set.tenantsOn(name), options.pollMs, options.onReport);
    const app = await buildApp(platform, { logLevel: options.logLevel });
    await app.ready();
    apps.set(name, app);
  }
  const refresher = setInterval(() => void set.refresh().catch(() => undefined), DIRECTORY_REFRESH_MS);
  refresher.unref();
  const server = createClusterServer(set, apps);
  return {
    server,
    apps,
    async close() {
      clearInterval(refresher);
      for (const platform of set.platforms.values()) platform.scheduler.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const [name, app] of apps) {
        await app.close();
        const platform = set.platforms.get(name) as Platform;
        await platform.programs.stop();
        await platform.db.close();
      }
    },
  };
}

/** `serve` on several clusters: listen, and on SIGTERM drain every cluster's app before exiting. */
export async function serveClusters(
  set: ClusterSet,
  options: { pollMs: number; onClosed: () => Promise<unknown> | undefined },
): Promise<void> {
  const config = set.home.config;
  const running = await startClusters(set, {
    logLevel: config.logLevel,
    pollMs: options.pollMs,
    onReport: (report) =>
      report.error && console.error(`job ${report.name} of ${report.tenantId} failed: ${report.error}`),
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    await running.close();
    await options.onClosed();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  await new Promise<void>((resolve) => running.server.listen(config.port, config.host, resolve));
  console.log(
    `hanbat is serving http://${config.host}:${config.port} on ${set.platforms.size} clusters: ${set
      .clusters()
      .map((cluster) => `${cluster.name}${cluster.home ? ' (home)' : ''}`)
      .join(', ')}`,
  );
}
