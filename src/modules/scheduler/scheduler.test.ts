import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { type JobContext, Scheduler } from './scheduler.js';

describe.each(databaseKinds())('scheduler on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('runs a job when due, then not again until its interval has passed', async () => {
    const clock = new ManualClock('2021-05-13T00:00:00Z');
    const tenantId = await createTestTenant(db, clock);
    const scheduler = new Scheduler(db, clock);
    const runs: string[] = [];
    scheduler.register({
      name: 'count',
      everyMs: 60_000,
      run: async ({ now }) => {
        runs.push(now.toISOString());
        return { processed: 1 };
      },
    });
    await scheduler.tick([tenantId]);
    await scheduler.tick([tenantId]);
    clock.advanceMs(59_999);
    await scheduler.tick([tenantId]);
    clock.advanceMs(1);
    await scheduler.tick([tenantId]);
    expect(runs).toEqual(['2021-05-13T00:00:00.000Z', '2021-05-13T00:01:00.000Z']);
  });

  it('gives each run its page size and a time budget measured on the clock', async () => {
    const clock = new ManualClock('2021-05-13T00:00:00Z');
    const tenantId = await createTestTenant(db, clock);
    const scheduler = new Scheduler(db, clock, { pageItems: 7, runBudgetMs: 100 });
    const seen: Array<number | boolean> = [];
    scheduler.register({
      name: 'paged',
      everyMs: 60_000,
      run: async ({ budget }) => {
        if (!budget) throw new Error('the scheduler gives every run a budget');
        seen.push(budget.pageItems, budget.spent());
        clock.advanceMs(99);
        seen.push(budget.spent());
        clock.advanceMs(1);
        seen.push(budget.spent());
        return { processed: 1 };
      },
    });
    await scheduler.tick([tenantId]);
    expect(seen).toEqual([7, false, false, true]);
    expect(() => new Scheduler(db, clock, { pageItems: 0, runBudgetMs: 100 })).toThrow('page size');
  });

  it('paces a run: each pace rests the rest ratio times the page since the last, and ratio 0 never rests', async () => {
    const clock = new ManualClock('2021-05-13T00:00:00Z');
    const tenantId = await createTestTenant(db, clock);
    const rests: number[] = [];
    const record = async (ms: number) => {
      rests.push(ms);
    };
    const pagedJob = (pages: number) => ({
      name: 'paced',
      everyMs: 60_000,
      run: async ({ budget }: JobContext) => {
        for (let page = 1; page < pages; page += 1) {
          // A page of real work the pace can measure: a busy wait of at least 2 ms of the monotonic timer.
          const startedMs = performance.now();
          while (performance.now() - startedMs < 2);
          await budget?.pace();
        }
        return { processed: pages };
      },
    });
    const paced = new Scheduler(db, clock, { pageItems: 10, runBudgetMs: 1_000, restRatio: 3 }, record);
    paced.register(pagedJob(4));
    await paced.tick([tenantId]);
    expect(rests).toHaveLength(3);
    for (const ms of rests) expect(ms).toBeGreaterThanOrEqual(6);

    rests.length = 0;
    const unpaced = new Scheduler(db, clock, { pageItems: 10, runBudgetMs: 1_000, restRatio: 0 }, record);
    unpaced.register({ ...pagedJob(4), name: 'unpaced' });
    await unpaced.tick([tenantId]);
    expect(rests).toEqual([]);
    for (const restRatio of [-1, 101, Number.NaN])
      expect(() => new Scheduler(db, clock, { pageItems: 1, runBudgetMs: 1, restRatio })).toThrow(
        'rest ratio',
      );
  });

  it('never runs one job in two schedulers at once', async () => {
    const clock = new ManualClock('2021-05-13T00:00:00Z');
    const tenantId = await createTestTenant(db, clock);
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const job = {
      name: 'exclusive',
      everyMs: 1,
      run: async () => {
        running += 1;
        overlapped ||= running > 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        runs += 1;
        return { processed: 1 };
      },
    };
    const schedulers = [new Scheduler(db, clock), new Scheduler(db, clock)];
    for (const scheduler of schedulers) scheduler.register(job);
    await Promise.all(schedulers.map((scheduler) => scheduler.tick([tenantId])));
    expect(overlapped).toBe(false);
    expect(runs).toBe(1);
  });

  it('keeps going while a bounded job says there is more, and records failures without stopping', async () => {
    const clock = new ManualClock('2021-05-13T00:00:00Z');
    const tenantId = await createTestTenant(db, clock);
    const scheduler = new Scheduler(db, clock);
    let backlog = 25;
    scheduler.register({
      name: 'drain',
      everyMs: 60_000,
      run: async () => {
        const processed = Math.min(10, backlog);
        backlog -= processed;
        return { processed, more: backlog > 0 };
      },
    });
    scheduler.register({
      name: 'broken',
      everyMs: 60_000,
      run: async () => {
        throw new Error('bank is down');
      },
    });
    const reports = await scheduler.tick([tenantId]);
    expect(
      reports.filter((report) => report.name === 'drain').map((report) => report.outcome?.processed),
    ).toEqual([10, 10, 5]);
    expect(reports.find((report) => report.name === 'broken')?.error).toBe('bank is down');
    const [row] = await db.query<{ last_outcome: { details: { error: string } } }>(
      `select last_outcome from scheduled_jobs where tenant_id = $1 and name = 'broken'`,
      [tenantId],
    );
    expect(row?.last_outcome.details.error).toBe('bank is down');
  });

  it('keeps polling after a poll fails as a whole (the database lost in a failover), reporting it', async () => {
    const scheduler = new Scheduler(db, new ManualClock('2021-05-13T00:00:00Z'));
    const reports: Array<{ name: string; error?: string }> = [];
    let polls = 0;
    await new Promise<void>((resolve) => {
      scheduler.start(
        async () => {
          polls += 1;
          if (polls === 1)
            throw Object.assign(new Error('cannot execute INSERT in a read-only transaction'), {
              code: '25006',
            });
          if (polls === 2) resolve();
          return [];
        },
        1,
        (report) => reports.push(report),
      );
    });
    scheduler.stop();
    expect(reports).toEqual([
      { tenantId: '*', name: 'poll', error: 'cannot execute INSERT in a read-only transaction' },
    ]);
    expect(polls).toBe(2);
  });
});
