/**
 * Background backlogs before a latency run, so that the run measures the steady state at its offered
 * rate (the jobs' work during it is the run's own traffic), not the catching up on a seed or on an
 * earlier closed-loop run's payments:
 * - `catchUpBackground` works them off in the bench process, on a second connection to the server's
 *   PostgreSQL: the public books to the commit watermark and, optionally, the analytics and fraud
 *   consumers to the feed's head; then it makes every job due;
 * - `waitForConsumers` waits until the server's own consumers have read the feed to its head, which is
 *   what to do while a server runs: a consumer advanced from outside leaves the server's in-memory
 *   fraud detector behind its cursor, and the server rebuilds it at its next step.
 */
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { openPostgres } from '../src/db/postgres.js';
import { createPlatform } from '../src/platform.js';
import { BENCH_TENANT } from './seed.js';

/** Catch-up calls per consumer at most: each takes a bounded number of pages. */
const CATCH_UP_CALLS_MAX = 10_000;
const POLL_MS = 500;

export interface CaughtUp {
  transfersFolded: number;
  analyticsEvents: number;
  fraudEvents: number;
}

export async function catchUpBackground(
  databaseUrl: string,
  options: { consumers: boolean },
): Promise<CaughtUp> {
  const db = await openPostgres(databaseUrl, 2);
  try {
    const platform = createPlatform(loadConfig({}), db, systemClock);
    const watermark = await platform.ledger.commitWatermark(BENCH_TENANT);
    const { processed: transfersFolded } = await platform.publicBooks.integrator.integrate(
      BENCH_TENANT,
      watermark,
    );
    const drain = async (catchUp: () => Promise<{ processed: number; more: boolean }>) => {
      let processed = 0;
      for (let call = 0; call < CATCH_UP_CALLS_MAX; call += 1) {
        const step = await catchUp();
        processed += step.processed;
        if (!step.more) return processed;
      }
      throw new Error(`bench: a consumer still had more after ${CATCH_UP_CALLS_MAX} catch-ups`);
    };
    const analyticsEvents = options.consumers
      ? await drain(() => platform.analytics.catchUp(BENCH_TENANT))
      : 0;
    const fraudEvents = options.consumers ? await drain(() => platform.fraud.catchUp(BENCH_TENANT)) : 0;
    await db.query('update scheduled_jobs set next_run_at = now(), leased_until = null');
    return { transfersFolded, analyticsEvents, fraudEvents };
  } finally {
    await db.close();
  }
}

/**
 * Polls the server's /metrics until every consumer of every city has read the feed to its head, or
 * `timeoutMs` passed; says how long it waited and which lags were left (none when caught up).
 */
export async function waitForConsumers(
  serverUrl: string,
  metricsToken: string,
  timeoutMs: number,
): Promise<{ waitedMs: number; behind: Array<{ labels: string; lag: number }> }> {
  const startedMs = performance.now();
  for (;;) {
    const response = await fetch(`${serverUrl}/metrics`, {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    const text = await response.text();
    const lags = [...text.matchAll(/^hanbat_event_feed_lag_events\{([^}]*)\} (\S+)$/gm)]
      .map((match) => ({ labels: match[1] as string, lag: Number(match[2]) }))
      .filter((sample) => sample.lag !== 0);
    const waitedMs = performance.now() - startedMs;
    if (lags.length === 0 || waitedMs > timeoutMs) return { waitedMs, behind: lags };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
