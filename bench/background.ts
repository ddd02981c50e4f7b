/**
 * The bench city's background backlogs worked off in the bench process, on a second connection to
 * the server's PostgreSQL: the public books integrated to the commit watermark, the analytics and
 * fraud consumers read to the feed's head, and every job made due. A latency run that starts after
 * this measures the steady state at its offered rate (the jobs' work during it is the run's own
 * traffic), not the catching up on a seed or on an earlier closed-loop run's payments.
 */
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { openPostgres } from '../src/db/postgres.js';
import { createPlatform } from '../src/platform.js';
import { BENCH_TENANT } from './seed.js';

/** Catch-up calls per consumer at most: each takes a bounded number of pages. */
const CATCH_UP_CALLS_MAX = 10_000;

export interface CaughtUp {
  transfersFolded: number;
  analyticsEvents: number;
  fraudEvents: number;
}

export async function catchUpBackground(databaseUrl: string): Promise<CaughtUp> {
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
    const analyticsEvents = await drain(() => platform.analytics.catchUp(BENCH_TENANT));
    const fraudEvents = await drain(() => platform.fraud.catchUp(BENCH_TENANT));
    await db.query('update scheduled_jobs set next_run_at = now(), leased_until = null');
    return { transfersFolded, analyticsEvents, fraudEvents };
  } finally {
    await db.close();
  }
}
