import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import type { EventFeed } from '../events/event-feed.js';
import { ACCOUNTS_PER_READ_MAX, type LedgerService } from '../ledger/ledger-service.js';
import type { Job, JobOutcome } from '../scheduler/scheduler.js';
import { PROGRAM_RECIPIENTS_MAX } from './disbursement.js';
import { postReclaims } from './grant-returns.js';
import { grantAccountId, poolAccountId } from './grants.js';
import { advanceReclaim, lockReclaimCursor, selectPaidMemberIds, selectProgramsDueReclaim } from './store.js';

/** Grants looked at per job run, across programmes; the job runs again at once while more are waiting. */
export const RECLAIM_GRANTS_PER_RUN = 1000;
const PROGRAMS_PER_RUN_MAX = 20;
/** Recipients whose grant balances one ledger read takes, once the pages have grown. */
const GRANT_SCAN_PAGE_ROWS_MAX = ACCOUNTS_PER_READ_MAX;
/** The pages that grow to the largest, then enough of the largest for every recipient a programme can have. */
const GRANT_SCAN_PAGES_MAX =
  Math.ceil(Math.log2(GRANT_SCAN_PAGE_ROWS_MAX)) + PROGRAM_RECIPIENTS_MAX / GRANT_SCAN_PAGE_ROWS_MAX + 1;

/**
 * Expiry (만료 회수): once a programme's window has ended, every grant's unused rest returns to the
 * programme's pool. The job walks the grants in member order in one pass, a cursor in the programme
 * row marking where it stands. Each page is one transaction that locks the programme row, re-reads
 * the grants under lock and moves what they hold, so two processes, or a run repeated, reclaim each
 * won once. Money that comes back into a grant later (a cancelled payment) goes on to the pool with
 * its return (grant-returns.ts), under the same row lock, so no second pass is needed.
 */
export class GrantExpiry {
  constructor(
    private readonly db: Database,
    private readonly ledger: LedgerService,
    private readonly timeZoneOf: (tenantId: string) => Promise<string>,
    private readonly events: EventFeed,
  ) {}

  job(): Job {
    return {
      name: 'programs.expire_grants',
      everyMs: 5 * 60_000,
      run: async ({ tenantId, now }) => this.sweep(tenantId, now),
    };
  }

  async sweep(tenantId: string, now: Date): Promise<JobOutcome> {
    const due = await selectProgramsDueReclaim(this.db, tenantId, now, PROGRAMS_PER_RUN_MAX);
    let processed = 0;
    let reclaimedWon = 0;
    for (const { id } of due) {
      if (processed === RECLAIM_GRANTS_PER_RUN) break;
      const page = await this.reclaimPage(tenantId, id, now, RECLAIM_GRANTS_PER_RUN - processed);
      processed += page.checked;
      reclaimedWon += page.won;
    }
    return { processed, more: processed === RECLAIM_GRANTS_PER_RUN, details: { reclaimedWon } };
  }

  private async reclaimPage(tenantId: string, programId: string, now: Date, limit: number) {
    return transactionWithRetry(this.db, async (tx) => {
      const cursor = await lockReclaimCursor(tx, tenantId, programId);
      const memberIds = await this.membersWithGrantLeft(tx, tenantId, programId, cursor ?? '', limit);
      const won = await this.reclaim(tx, tenantId, programId, memberIds, now);
      const last = memberIds.at(-1);
      await advanceReclaim(
        tx,
        tenantId,
        programId,
        memberIds.length === limit && last ? { cursor: last } : { cursor: null, at: now },
      );
      return { checked: memberIds.length, won };
    });
  }

  /**
   * Paid recipients after `afterMemberId` whose grant still holds spendable money, at most `limit`, in
   * member order. Reads the recipients in pages that grow from `limit` (most grants hold money at
   * expiry, but a programme spent in full leaves few) and asks the ledger for each page's balances.
   */
  private async membersWithGrantLeft(
    tx: Sql,
    tenantId: string,
    programId: string,
    afterMemberId: string,
    limit: number,
  ): Promise<string[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`reclaim page of ${limit} grants`);
    const found: string[] = [];
    let cursor = afterMemberId;
    let pageRows = Math.min(limit, GRANT_SCAN_PAGE_ROWS_MAX);
    for (let page = 0; page < GRANT_SCAN_PAGES_MAX; page++) {
      const memberIds = await selectPaidMemberIds(tx, tenantId, programId, cursor, pageRows);
      const withMoney = await this.withMoneyLeft(tx, tenantId, programId, memberIds);
      found.push(...withMoney.slice(0, limit - found.length));
      const last = memberIds.at(-1);
      if (found.length === limit || memberIds.length < pageRows || last === undefined) return found;
      cursor = last;
      pageRows = Math.min(pageRows * 2, GRANT_SCAN_PAGE_ROWS_MAX);
    }
    throw new Error(`programme ${programId}: more than ${PROGRAM_RECIPIENTS_MAX} paid recipients`);
  }

  /** Those of `memberIds` whose grant holds money not held for a payment, in the same order. */
  private async withMoneyLeft(
    tx: Sql,
    tenantId: string,
    programId: string,
    memberIds: readonly string[],
  ): Promise<string[]> {
    const grantIdOf = (memberId: string) => grantAccountId(memberId, programId);
    const balances = await this.ledger.balancesOf(tenantId, memberIds.map(grantIdOf), tx);
    return memberIds.filter((memberId) => (balances.get(grantIdOf(memberId))?.availableWon ?? 0) > 0);
  }

  /** Moves what each grant holds, read under lock, back to the pool. Returns the won moved. */
  private async reclaim(
    tx: Sql,
    tenantId: string,
    programId: string,
    memberIds: readonly string[],
    now: Date,
  ) {
    if (memberIds.length === 0) return 0;
    const accounts = await this.ledger.lockAccounts(tx, tenantId, [
      poolAccountId(programId),
      ...memberIds.map((memberId) => grantAccountId(memberId, programId)),
    ]);
    const availableById = new Map(accounts.map((account) => [account.id, account.availableWon]));
    const reclaims = memberIds
      .map((memberId) => ({
        memberId,
        amountWon: availableById.get(grantAccountId(memberId, programId)) ?? 0,
      }))
      .filter((reclaim) => reclaim.amountWon > 0);
    const deps = { ledger: this.ledger, events: this.events, timeZoneOf: this.timeZoneOf };
    return postReclaims(tx, deps, tenantId, programId, reclaims, now, { historyLines: true });
  }
}
