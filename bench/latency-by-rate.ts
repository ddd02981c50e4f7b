/**
 * `tsx bench/latency-by-rate.ts [seconds=10] [--rates=250,500,750,1000] [--members=N] [--rounds=N] [--roots=DIR,DIR]`:
 * the server's HTTP payment latency at fixed offered rates, open loop (`payAtFixedRate`), on a
 * throwaway PostgreSQL cluster (fsync on) seeded once. Before each run the public books and the
 * analytics and fraud consumers are caught up and every background job is made due
 * (`catchUpBackground`), and after the warm-up the server's own consumers have read its events
 * (`waitForConsumers`), so each run starts from the same state and the jobs' work during it is the
 * run's own traffic (docs/engine.md, "Session 14"). Prints p50 / p99 / p99.9 and the
 * event-loop lag the server's /metrics saw during the run. `--roots` runs the servers of several
 * checkouts in turn at each rate of each round (a `git worktree` of another commit, with
 * `node_modules` linked): a paired comparison on one seeded database.
 */
import { openPostgres } from '../src/db/postgres.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { catchUpBackground, waitForConsumers } from './background.js';
import { payAtFixedRate, type Server, startServer } from './http.js';
import { loadAverage } from './machine.js';
import { seedAndClose } from './seed.js';

const args = process.argv.slice(2);
const seconds = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 10);
const listArg = (name: string, fallback: number[]) =>
  args
    .find((arg) => arg.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',')
    .map(Number) ?? fallback;
const rates = listArg('rates', [250, 500, 750, 1_000]);
const [members = 100_000] = listArg('members', [100_000]);
const [rounds = 1] = listArg('rounds', [1]);
const roots = args
  .find((arg) => arg.startsWith('--roots='))
  ?.slice('--roots='.length)
  .split(',') ?? [undefined];
const WARM_UP_SECONDS = 3;
const METRICS_TOKEN = 'latency-by-rate';
const CONSUMERS_WAIT_MS = 300_000;

/** The event-loop lag (max and p99, ms) since the last call: prom-client resets it at each scrape. */
async function eventLoopLag(server: Server): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await response.text();
  const ms = (stat: string) =>
    1000 *
    Number(
      new RegExp(`^hanbat_nodejs_eventloop_lag_${stat}_seconds(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1],
    );
  return `max ${ms('max').toFixed(0)} ms, p99 ${ms('p99').toFixed(0)} ms`;
}

const binDir = findPostgresBinDir();
if (!binDir) throw new Error('needs PostgreSQL binaries');
const cluster = await startPostgresCluster(binDir, { durable: true });
try {
  const sizes = { members, merchants: Math.max(10, Math.round(members / 20)) };
  const data = await seedAndClose(await openPostgres(cluster.adminUrl, 10), sizes, console.log);
  for (let round = 1; round <= rounds; round += 1) {
    for (const rate of rates) {
      for (const root of roots) {
        const caughtUp = await catchUpBackground(cluster.adminUrl, { consumers: true });
        const server = await startServer(
          { databaseUrl: cluster.adminUrl },
          [],
          { HANBAT_METRICS_TOKEN: METRICS_TOKEN },
          root,
        );
        try {
          await payAtFixedRate(server.url, data, {
            name: 'warm-up',
            seconds: WARM_UP_SECONDS,
            ratePerSecond: rate,
          });
          // The warm-up's events make a fresh server's fraud consumer rebuild its window; the run starts
          // once every consumer has read them.
          const waited = await waitForConsumers(server.url, METRICS_TOKEN, CONSUMERS_WAIT_MS);
          await eventLoopLag(server);
          const result = await payAtFixedRate(server.url, data, {
            name: `${rate}/s`,
            seconds,
            ratePerSecond: rate,
          });
          const { p50, p99, p999 } = result.latencyMs;
          console.log(
            `round ${round}${root ? ` ${root}` : ''}, ${rate}/s offered: ${result.perSecond.toFixed(0)}/s achieved, p50 ${p50} ms, p99 ${p99} ms, p99.9 ${p999} ms, ${result.non2xx} non-2xx; event-loop lag ${await eventLoopLag(server)}; caught up before: ${caughtUp.transfersFolded} transfers, ${caughtUp.analyticsEvents} + ${caughtUp.fraudEvents} events, then the server's consumers in ${(waited.waitedMs / 1000).toFixed(1)} s${waited.behind.length > 0 ? ` (still behind: ${JSON.stringify(waited.behind)})` : ''}; load ${loadAverage()}`,
          );
        } finally {
          await server.stop();
        }
      }
    }
  }
} finally {
  cluster.stop();
}
