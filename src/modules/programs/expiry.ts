import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { monthKey } from '../../time.js';
import type { EventFeed } from '../events/event-feed.js';
import { grantEvents } from '../events/producers.js';
import { ACCOUNTS_PER_READ_MAX, type LedgerService } from '../ledger/ledger-service.js';
import type { TransferRequest } from '../ledger/types.js';
import type { Job, JobOutcome } from '../scheduler/scheduler.js';
import { PROGRAM_RECIPIENTS_MAX } from './disbursement.js';
import { assertFresh, grantAccountId, poolAccountId, recordGrantActivity } from './grants.js';
import {
  addCounters,
  addReclaimed,
  advanceReclaim,
  lockReclaimCounts,
  lockReclaimCursor,
  selectPaidMemberIds,
  selectProgram,
  selectProgramsDueReclaim,
} from './store.js';

/** Grants looked at per job run, across programmes; the job runs again at once while more are waiting. */
export const RECLAIM_GRANTS_PER_RUN = 1000;
/**
 * How long after expiry the job keeps looking for refunds into expired grants (a payment cancelled
 * after the window closed). Longer than any payment cancellation window a city would set.
 */
export const LATE_REFUND_SWEEP_DAYS = 90;
/** After a full pass, the next pass (for late refunds) starts this much later. */
const LATE_REFUND_PASS_INTERVAL_MS = 60 * 60_000;
const DAY_MS = 86_400_000;
const PROGRAMS_PER_RUN_MAX = 20;
/** Recipients whose grant balances one ledger read takes, once the pages have grown. */
const GRANT_SCAN_PAGE_ROWS_MAX = ACCOUNTS_PER_READ_MAX;
/** The pages that grow to the largest, then enough of the largest for every recipient a programme can have. */
const GRANT_SCAN_PAGES_MAX =
  Math.ceil(Math.log2(GRANT_SCAN_PAGE_ROWS_MAX)) + PROGRAM_RECIPIENTS_MAX / GRANT_SCAN_PAGE_ROWS_MAX + 1;

/**
 * Expiry (만료 회수): once a programme's window has ended, every grant's unused rest returns to the
 * programme's pool. The job walks the grants in member order in passes, a cursor in the programme row
 * marking where the pass stands: the first pass right at expiry, then one an hour for refunds into
 * grants that already expired. Each page is one transaction that locks the programme row, re-reads
 * the grants under lock and moves what they hold, so two processes, or a run repeated, reclaim each
 * won once.
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
    const since = new Date(now.getTime() - LATE_REFUND_SWEEP_DAYS * DAY_MS);
    const due = await selectProgramsDueReclaim(this.db, tenantId, now, since, PROGRAMS_PER_RUN_MAX);
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
        memberIds.length === limit && last
          ? { cursor: last }
          : { cursor: null, at: now, nextAt: new Date(now.getTime() + LATE_REFUND_PASS_INTERVAL_MS) },
      );
      return { checked: memberIds.length, won };
    });
  }

  /**
   * Paid recipients after `afterMemberId` whose grant still holds spendable money, at most `limit`, in
   * member order. Reads the recipients in pages that grow from `limit` (a first pass finds money in
   * most grants, a late pass in few) and asks the ledger for each page's balances.
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
    const pool = poolAccountId(programId);
    const accounts = await this.ledger.lockAccounts(tx, tenantId, [
      pool,
      ...memberIds.map((memberId) => grantAccountId(memberId, programId)),
    ]);
    const availableById = new Map(accounts.map((account) => [account.id, account.availableWon]));
    const reclaims = memberIds
      .map((memberId) => ({
        memberId,
        amountWon: availableById.get(grantAccountId(memberId, programId)) ?? 0,
      }))
      .filter((reclaim) => reclaim.amountWon > 0);
    const counts = await lockReclaimCounts(tx, tenantId, programId, memberIds);
    const transfers: TransferRequest[] = reclaims.map(({ memberId, amountWon }) => ({
      id: `program_reclaim:${programId}:${memberId}:${(counts.get(memberId) ?? 0) + 1}`,
      action: 'transfer',
      code: 'program_reclaim',
      postings: [
        { accountId: grantAccountId(memberId, programId), amountWon: -amountWon },
        { accountId: pool, amountWon },
      ],
      metadata: { programId, memberId },
    }));
    assertFresh(await this.ledger.postTransfersInTransaction(tx, tenantId, transfers));
    const program = await selectProgram(tx, tenantId, programId);
    if (program && reclaims.length > 0) {
      const month = monthKey(now, await this.timeZoneOf(tenantId));
      const lines = reclaims.map((reclaim, at) => ({
        ...reclaim,
        transferId: (transfers[at] as TransferRequest).id,
      }));
      await recordGrantActivity(tx, program, 'grant_expired', month, now, lines);
    }
    const won = reclaims.reduce((sum, reclaim) => sum + reclaim.amountWon, 0);
    await addReclaimed(tx, tenantId, programId, reclaims);
    await addCounters(tx, tenantId, programId, { reclaimedWon: won });
    const expired = reclaims.map((reclaim) => ({
      ...reclaim,
      occurrence: (counts.get(reclaim.memberId) ?? 0) + 1,
    }));
    await this.events.append(tx, tenantId, grantEvents('grant.expired', programId, expired, now));
    return won;
  }
}
