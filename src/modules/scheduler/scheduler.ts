import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { inBackground } from '../../db/priority-gate.js';

export interface JobOutcome {
  /** Items handled this run; a job handles at most its own fixed bound per run. */
  processed: number;
  /** True when the bound was hit and more work is waiting: the job runs again at once. */
  more?: boolean;
  details?: Record<string, unknown>;
}

/**
 * How much one run of a job that works through pages (an event consumer, an expiry sweep) may do:
 * each page is one short transaction of at most `pageItems` items, and the run stops after the page
 * in hand once `spent()` (its time budget, on the scheduler's clock) and reports `more`.
 */
export interface RunBudget {
  pageItems: number;
  spent(): boolean;
  /**
   * Call after each page that leaves more to do: rests `restRatio` times as long as the page took
   * (since the run began or the last call). A job catching up a backlog then takes at most
   * 1 / (1 + restRatio) of the time, in stretches of one page, instead of holding the event loop and
   * the database for page after page beside the requests of the same process.
   */
  pace(): Promise<void>;
}

/** Configured per deployment (see `Config.background`); defaults depend on the database. */
export interface BackgroundLimits {
  pageItems: number;
  runBudgetMs: number;
  /** Rest after a page, as a multiple of the page's time (0: none; see `RunBudget.pace`). */
  restRatio?: number;
}

/** Waits `ms` before the next page; injectable so that tests see the pacing without waiting. */
export type Rest = (ms: number) => Promise<void>;
const restOnTimer: Rest = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const REST_RATIO_MAX = 100;

export interface JobContext {
  tenantId: string;
  now: Date;
  /** Set by the scheduler; a job run by hand (tests, the simulator) may be given none. */
  budget?: RunBudget;
}

export interface Job {
  name: string;
  everyMs: number;
  /** Must be idempotent and bounded: safe to run twice, never unbounded work. */
  run(context: JobContext): Promise<JobOutcome>;
}

export interface JobRunReport {
  tenantId: string;
  name: string;
  outcome?: JobOutcome;
  error?: string;
}

const LEASE_MS = 5 * 60_000;
const RUNS_PER_TICK_MAX = 20;

/**
 * A database-backed schedule of idempotent jobs per tenant. A run is claimed with one conditional
 * UPDATE (a lease), so two server processes never run the same job at once; a crashed run's lease
 * expires and the job runs again. Time comes from the clock, so tests drive it with `tick()`.
 */
export class Scheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly workerId = `w_${randomBytes(6).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly limits: BackgroundLimits = { pageItems: 2_000, runBudgetMs: 1_000 },
    private readonly rest: Rest = restOnTimer,
  ) {
    if (!Number.isSafeInteger(limits.pageItems) || limits.pageItems < 1)
      throw new Error(`background page size must be a positive integer, got ${limits.pageItems}`);
    if (!Number.isSafeInteger(limits.runBudgetMs) || limits.runBudgetMs < 0)
      throw new Error(`background run budget must be a whole number of ms, got ${limits.runBudgetMs}`);
    const restRatio = limits.restRatio ?? 0;
    if (!(Number.isFinite(restRatio) && restRatio >= 0 && restRatio <= REST_RATIO_MAX))
      throw new Error(`background rest ratio must be between 0 and ${REST_RATIO_MAX}, got ${restRatio}`);
  }

  register(job: Job): void {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
    if (!Number.isSafeInteger(job.everyMs) || job.everyMs <= 0)
      throw new Error(`job ${job.name} needs a positive interval`);
    this.jobs.set(job.name, job);
  }

  jobNames(): string[] {
    return [...this.jobs.keys()];
  }

  /**
   * Runs every job that is due for each tenant, each at most RUNS_PER_TICK_MAX times, as background
   * work: on the embedded database every statement of a tick waits while requests are being served.
   */
  tick(tenantIds: readonly string[]): Promise<JobRunReport[]> {
    return inBackground(() => this.tickNow(tenantIds));
  }

  private async tickNow(tenantIds: readonly string[]): Promise<JobRunReport[]> {
    const reports: JobRunReport[] = [];
    for (const tenantId of tenantIds) {
      const due = await this.dueJobNames(tenantId, this.clock.now());
      for (const job of this.jobs.values()) {
        if (!due.has(job.name)) continue;
        for (let run = 0; run < RUNS_PER_TICK_MAX; run += 1) {
          const report = await this.runIfDue(tenantId, job);
          if (!report) break;
          reports.push(report);
          if (!report.outcome?.more) break;
        }
      }
    }
    return reports;
  }

  /**
   * The jobs that may be due (never run, or due and not leased), in one query: most ticks find none,
   * and each claim is two statements on a database the payments share. The claim still decides.
   */
  private async dueJobNames(tenantId: string, now: Date): Promise<Set<string>> {
    const rows = await this.db.query<{ name: string }>(
      `select j.name from unnest($2::text[]) as j(name)
         left join scheduled_jobs s on s.tenant_id = $1 and s.name = j.name
       where s.name is null or (s.next_run_at <= $3 and (s.leased_until is null or s.leased_until <= $3))`,
      [tenantId, [...this.jobs.keys()], now],
    );
    return new Set(rows.map((row) => row.name));
  }

  private async runIfDue(tenantId: string, job: Job): Promise<JobRunReport | null> {
    const now = this.clock.now();
    if (!(await this.claim(tenantId, job.name, now))) return null;
    try {
      const outcome = await job.run({ tenantId, now, budget: this.budgetFrom(now) });
      await this.finish(tenantId, job, outcome.more ? now : new Date(now.getTime() + job.everyMs), outcome);
      return { tenantId, name: job.name, outcome };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.finish(tenantId, job, new Date(now.getTime() + job.everyMs), {
        processed: 0,
        details: { error: message },
      });
      return { tenantId, name: job.name, error: message };
    }
  }

  private budgetFrom(startedAt: Date): RunBudget {
    const endsAtMs = startedAt.getTime() + this.limits.runBudgetMs;
    const restRatio = this.limits.restRatio ?? 0;
    // A page's length is measured on the machine's monotonic timer, not the clock: it paces real
    // work, and a test's manual clock does not move while a page runs.
    let pageStartedMs = performance.now();
    return {
      pageItems: this.limits.pageItems,
      spent: () => this.clock.now().getTime() >= endsAtMs,
      pace: async () => {
        if (restRatio > 0) await this.rest(restRatio * (performance.now() - pageStartedMs));
        pageStartedMs = performance.now();
      },
    };
  }

  private async claim(tenantId: string, name: string, now: Date): Promise<boolean> {
    await this.db.query(
      `insert into scheduled_jobs (tenant_id, name, next_run_at) values ($1, $2, $3) on conflict do nothing`,
      [tenantId, name, now],
    );
    const claimed = await this.db.query(
      `update scheduled_jobs set leased_until = $4, leased_by = $5, last_started_at = $3
       where tenant_id = $1 and name = $2 and next_run_at <= $3 and (leased_until is null or leased_until <= $3)
       returning name`,
      [tenantId, name, now, new Date(now.getTime() + LEASE_MS), this.workerId],
    );
    return claimed.length === 1;
  }

  private async finish(tenantId: string, job: Job, nextRunAt: Date, outcome: JobOutcome): Promise<void> {
    await this.db.query(
      `update scheduled_jobs set leased_until = null, leased_by = null, next_run_at = $3, last_finished_at = $4,
         last_outcome = $5, run_count = run_count + 1
       where tenant_id = $1 and name = $2 and leased_by = $6`,
      [tenantId, job.name, nextRunAt, this.clock.now(), JSON.stringify(outcome), this.workerId],
    );
  }

  /** In-process polling for `serve`; the timer does not keep the process alive. */
  start(tenantIds: () => Promise<string[]>, pollMs: number, onReport: (report: JobRunReport) => void): void {
    const poll = async () => {
      try {
        for (const report of await this.tick(await tenantIds())) onReport(report);
      } catch (error) {
        // The database lost (a failover): this poll is skipped, the next one tries again; never an unhandled rejection.
        onReport({
          tenantId: '*',
          name: 'poll',
          error: error instanceof Error ? error.message : String(error),
        });
      } finally {
        this.timer = setTimeout(poll, pollMs);
        this.timer.unref();
      }
    };
    this.timer = setTimeout(poll, pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
