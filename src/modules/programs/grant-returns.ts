import type { Sql } from '../../db/database.js';
import { monthKey } from '../../time.js';
import type { EventFeed } from '../events/event-feed.js';
import { grantEvents } from '../events/producers.js';
import { PartnerGiftReturns, partnerGiftOfAccount } from '../giving/gift-returns.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { TransferRequest } from '../ledger/types.js';
import {
  assertFresh,
  grantAccountId,
  grantOfAccount,
  poolAccountId,
  recordGrantActivity,
  returnsByIssuer,
} from './grants.js';
import { addCounters, addReclaimed, lockProgramsClosed, lockReclaimCounts, selectProgram } from './store.js';

export interface ReclaimDeps {
  ledger: LedgerService;
  events: EventFeed;
  timeZoneOf: (tenantId: string) => Promise<string>;
}

/** A grant as a returning won finds it, under its programme's (or partner gift's) row lock. */
export interface GrantState {
  /** The programme, or the partner gift (`pgf_…`, 동행협약), whose money the grant holds. */
  programId: string;
  memberId: string;
  /**
   * Expired, or the expiry reclaim has begun (a gift's: finished): what comes back into it belongs
   * to the programme's pool (the partner's deposit).
   */
  closed: boolean;
}

/**
 * The member and the programme or partner gift of a grant account whose returns `GrantReturns`
 * moves; null for any other account.
 */
export function grantIssuerOfAccount(accountId: string): { memberId: string; programId: string } | null {
  const gift = partnerGiftOfAccount(accountId);
  return gift ? { memberId: gift.memberId, programId: gift.giftId } : grantOfAccount(accountId);
}

/**
 * Takes won from members' grants back to their programme's pool, one transfer per grant
 * (`program_reclaim:<programme>:<member>:<n>`), counted as reclaimed like the expiry sweep's own.
 * The caller holds the programme's row lock. `historyLines` writes each member's 지원금 소멸 line;
 * a caller whose money passed through the grant without ever being the member's writes none.
 */
export async function postReclaims(
  tx: Sql,
  deps: ReclaimDeps,
  tenantId: string,
  programId: string,
  reclaims: ReadonlyArray<{ memberId: string; amountWon: number }>,
  now: Date,
  options: { historyLines: boolean },
): Promise<number> {
  if (reclaims.length === 0) return 0;
  const counts = await lockReclaimCounts(
    tx,
    tenantId,
    programId,
    reclaims.map((reclaim) => reclaim.memberId),
  );
  const moves = reclaims.map((reclaim) => ({
    ...reclaim,
    occurrence: (counts.get(reclaim.memberId) ?? 0) + 1,
  }));
  const transfers: TransferRequest[] = moves.map(({ memberId, amountWon, occurrence }) => ({
    id: `program_reclaim:${programId}:${memberId}:${occurrence}`,
    action: 'transfer',
    code: 'program_reclaim',
    postings: [
      { accountId: grantAccountId(memberId, programId), amountWon: -amountWon },
      { accountId: poolAccountId(programId), amountWon },
    ],
    metadata: { programId, memberId },
  }));
  assertFresh(await deps.ledger.postTransfersInTransaction(tx, tenantId, transfers));
  const program = await selectProgram(tx, tenantId, programId);
  if (program && options.historyLines) {
    const month = monthKey(now, await deps.timeZoneOf(tenantId));
    const lines = moves.map((move, at) => ({ ...move, transferId: (transfers[at] as TransferRequest).id }));
    await recordGrantActivity(tx, program, 'grant_expired', month, now, lines);
  }
  const won = reclaims.reduce((sum, reclaim) => sum + reclaim.amountWon, 0);
  await addReclaimed(tx, tenantId, programId, reclaims);
  await addCounters(tx, tenantId, programId, { reclaimedWon: won });
  await deps.events.append(tx, tenantId, grantEvents('grant.expired', programId, moves, now));
  return won;
}

/**
 * Grant money that comes back after it was spent: a payment's cancellation refunds it, a fraud
 * claw-back takes it from the merchant. The rule: while the grant is live the money is the member's
 * again; once the programme has expired or begun its reclaim, or when a fraud claw-back took it, it
 * goes on to the programme's pool at once (through the grant, so the programme's report sees the
 * merchant give it back and the pool take it as reclaimed). Nothing is left in a closed grant for a
 * later sweep: `lock` takes the row lock the expiry sweep takes first, so a return and the sweep
 * run one after the other and exactly one of them moves each won. A partner's gift is a grant by
 * the same rule, its money going back to the partner's deposit (giving's `PartnerGiftReturns`): a
 * cancellation and a claw-back find it here whichever kind of grant a payment spent.
 */
export class GrantReturns {
  /** A partner's gift (동행협약) follows the same rule; its money returns to the partner's deposit. */
  private readonly partnerGifts: PartnerGiftReturns;

  constructor(private readonly deps: ReclaimDeps) {
    this.partnerGifts = new PartnerGiftReturns(deps);
  }

  /**
   * Locks the programmes, then the partner gifts, of these grant accounts, before any ledger account
   * (the sweeps' lock order), and gives each grant's state. Accounts of neither are left out.
   */
  async lock(
    tx: Sql,
    tenantId: string,
    grantAccountIds: readonly string[],
    now: Date,
  ): Promise<Map<string, GrantState>> {
    const states = await this.lockProgrammes(tx, tenantId, grantAccountIds, now);
    const gifts = await this.partnerGifts.lock(tx, tenantId, grantAccountIds, now);
    for (const [accountId, { giftId, memberId, closed }] of gifts)
      states.set(accountId, { programId: giftId, memberId, closed });
    return states;
  }

  private async lockProgrammes(
    tx: Sql,
    tenantId: string,
    grantAccountIds: readonly string[],
    now: Date,
  ): Promise<Map<string, GrantState>> {
    const grants = grantAccountIds.flatMap((accountId) => {
      const grant = grantOfAccount(accountId);
      return grant ? [{ accountId, ...grant }] : [];
    });
    const programIds = [...new Set(grants.map((grant) => grant.programId))];
    if (programIds.length === 0) return new Map();
    const closedById = await lockProgramsClosed(tx, tenantId, programIds, now);
    const states = new Map<string, GrantState>();
    for (const { accountId, memberId, programId } of grants) {
      const closed = closedById.get(programId);
      if (closed !== undefined) states.set(accountId, { programId, memberId, closed });
    }
    return states;
  }

  /**
   * Moves each amount from its grant to the programme's pool, or a partner gift's to the partner's
   * deposit; the caller `lock`ed the grants first.
   */
  async takeBack(
    tx: Sql,
    tenantId: string,
    returns: ReadonlyArray<{ grantAccountId: string; amountWon: number }>,
    now: Date,
    options: { historyLines: boolean },
  ): Promise<void> {
    const isGift = (r: { grantAccountId: string }) => partnerGiftOfAccount(r.grantAccountId) !== null;
    const toPools = returns.filter((r) => !isGift(r));
    await this.toPools(tx, tenantId, toPools, now, options);
    await this.partnerGifts.takeBack(tx, tenantId, returns.filter(isGift), now, options);
  }

  private async toPools(
    tx: Sql,
    tenantId: string,
    returns: ReadonlyArray<{ grantAccountId: string; amountWon: number }>,
    now: Date,
    options: { historyLines: boolean },
  ): Promise<void> {
    const issuerOf = (accountId: string) => {
      const grant = grantOfAccount(accountId);
      return grant && { memberId: grant.memberId, issuerId: grant.programId };
    };
    for (const [programId, reclaims] of returnsByIssuer(returns, issuerOf))
      await postReclaims(tx, this.deps, tenantId, programId, reclaims, now, options);
  }
}
