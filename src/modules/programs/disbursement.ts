import type { Clock } from '../../clock.js';
import { type Database, transactionWithRetry } from '../../db/database.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { EventFeed } from '../events/event-feed.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { Job, JobOutcome } from '../scheduler/scheduler.js';
import { ProgramErrors } from './errors.js';
import { LedgerRefusedGrant, payGrants } from './grants.js';
import {
  markDisbursement,
  recordDisbursementError,
  selectProgram,
  selectRunningProgramIds,
  selectUndisbursed,
  setAsideFirstUndisbursed,
} from './store.js';

/** Recipients paid per database transaction: one ledger batch of this many transfers. */
export const DISBURSE_BATCH_RECIPIENTS = 500;
/** A programme's list is bounded, so a run that pays it all has a bound too. */
export const PROGRAM_RECIPIENTS_MAX = 1_000_000;
const RUN_BATCHES_MAX = Math.ceil(PROGRAM_RECIPIENTS_MAX / DISBURSE_BATCH_RECIPIENTS) + 1;
const JOB_BATCHES_PER_PROGRAM = 20;
const JOB_PROGRAMS_MAX = 10;

export interface RunOutcome {
  batches: number;
  count: number;
  won: number;
  /** The run is over: everyone is paid, the window closed, or nobody asked for it. */
  done: boolean;
}

/**
 * Disbursement (지급): an operator's request marks the programme's run `running`; the run then pays
 * the unpaid recipients in batches until none is left. Each batch is one transaction that locks the
 * programme row, picks the next unpaid recipients, pays them and marks them paid, so running it twice
 * pays once and a crash loses at most the batch in flight, which rolls back. The request starts the
 * run in the background; the `programs.disburse` job continues any run left unfinished (a crash, a
 * restart, another process), and both may run at once: the row lock makes their batches take turns.
 */
export class Disbursements {
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: {
      ledger: LedgerService;
      events: EventFeed;
      operatorActions: OperatorActionLog;
      currencyOf: (tenantId: string) => Promise<string>;
      timeZoneOf: (tenantId: string) => Promise<string>;
    },
  ) {}

  /** Marks the run requested (recorded in the audit trail); a request while one runs changes nothing. */
  async request(tenantId: string, actorUserId: string, programId: string): Promise<void> {
    await transactionWithRetry(this.db, async (tx) => {
      const program = await selectProgram(tx, tenantId, programId, 'for update');
      if (!program) throw ProgramErrors.notFound(programId);
      if (program.requiresApplication) throw ProgramErrors.paidOnApplication();
      const now = this.clock.now();
      if (now.getTime() >= program.expiresAt.getTime()) throw ProgramErrors.expired(program.expiresAt);
      if (program.disbursement.status === 'running') return;
      await markDisbursement(tx, tenantId, programId, {
        status: 'running',
        requestedBy: actorUserId,
        at: now,
      });
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'program.disburse',
        subjectType: 'program',
        subjectId: programId,
        details: {
          recipientCount: program.recipientCount,
          recipientWon: program.recipientWon,
          alreadyDisbursedCount: program.disbursedCount,
          alreadyDisbursedWon: program.disbursedWon,
        },
      });
    });
  }

  /** Continues the run in this process without waiting; at most one background run per programme. */
  startInBackground(tenantId: string, programId: string): void {
    const key = `${tenantId}\n${programId}`;
    if (this.inFlight.has(key)) return;
    const run = this.run(tenantId, programId, RUN_BATCHES_MAX)
      .then(
        () => undefined,
        // The run stays `running`: the scheduled job continues it. The error is shown on the programme.
        (error: unknown) =>
          recordDisbursementError(this.db, tenantId, programId, String(error)).catch(() => undefined),
      )
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, run);
  }

  /** Resolves once no background run of this process is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight.values());
  }

  /** For shutdown: runs end after their current batch; the scheduled job continues them later. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  /** Pays up to `batchesMax` batches. */
  async run(tenantId: string, programId: string, batchesMax: number): Promise<RunOutcome> {
    const outcome: RunOutcome = { batches: 0, count: 0, won: 0, done: false };
    while (outcome.batches < batchesMax && !this.stopping) {
      const paid = await this.batch(tenantId, programId);
      if (paid === 'done') return { ...outcome, done: true };
      outcome.batches += 1;
      outcome.count += paid.count;
      outcome.won += paid.won;
    }
    return outcome;
  }

  /**
   * The next batch of unpaid recipients, or the end of the run. A batch the database or the ledger
   * refuses is tried again on its first half, down to one recipient, who is then set aside with the
   * reason: every other recipient is still paid (at most log2(batch) + 1 tries per refused row).
   */
  async batch(tenantId: string, programId: string): Promise<{ count: number; won: number } | 'done'> {
    const currencyCode = await this.deps.currencyOf(tenantId);
    const timeZone = await this.deps.timeZoneOf(tenantId);
    for (let limit = DISBURSE_BATCH_RECIPIENTS; ; limit = Math.ceil(limit / 2)) {
      try {
        return await this.payNext(tenantId, programId, { currencyCode, timeZone, limit });
      } catch (error) {
        if (!isRecipientRefusal(error)) throw error;
        if (limit > 1) continue;
        await transactionWithRetry(this.db, (tx) =>
          setAsideFirstUndisbursed(tx, tenantId, programId, String(error), this.clock.now()),
        );
        return { count: 0, won: 0 };
      }
    }
  }

  /** One transaction: the next `limit` unpaid recipients, or the end of the run. */
  private async payNext(
    tenantId: string,
    programId: string,
    options: { currencyCode: string; timeZone: string; limit: number },
  ): Promise<{ count: number; won: number } | 'done'> {
    return transactionWithRetry(this.db, async (tx) => {
      const program = await selectProgram(tx, tenantId, programId, 'for update');
      if (program?.disbursement.status !== 'running') return 'done';
      const now = this.clock.now();
      if (now.getTime() >= program.expiresAt.getTime()) {
        await markDisbursement(tx, tenantId, programId, { status: 'stopped_at_expiry', at: now });
        return 'done';
      }
      const recipients = await selectUndisbursed(tx, tenantId, programId, options.limit);
      if (recipients.length === 0) {
        await markDisbursement(tx, tenantId, programId, { status: 'completed', at: now });
        return 'done';
      }
      const context = { program, currencyCode: options.currencyCode, timeZone: options.timeZone, now };
      return payGrants(tx, this.deps, { ...context, onApplication: false }, recipients);
    });
  }

  job(): Job {
    return {
      name: 'programs.disburse',
      everyMs: 60_000,
      run: async ({ tenantId }) => this.continueRunning(tenantId),
    };
  }

  private async continueRunning(tenantId: string): Promise<JobOutcome> {
    const programIds = await selectRunningProgramIds(this.db, tenantId, JOB_PROGRAMS_MAX);
    let processed = 0;
    let more = programIds.length === JOB_PROGRAMS_MAX;
    for (const programId of programIds) {
      const outcome = await this.run(tenantId, programId, JOB_BATCHES_PER_PROGRAM);
      processed += outcome.count;
      more ||= !outcome.done;
    }
    return { processed, more };
  }
}

/**
 * A refusal that belongs to the rows of a batch, not to the database as a whole: the ledger refusing
 * a grant (`assertFresh`), or PostgreSQL's data (22) and integrity (23) errors. A lost connection or
 * anything else stops the run instead, and the job continues it later.
 */
function isRecipientRefusal(error: unknown): boolean {
  if (error instanceof LedgerRefusedGrant) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
