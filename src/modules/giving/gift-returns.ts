import type { Sql } from '../../db/database.js';
import { monthKey } from '../../time.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { TransferRequest } from '../ledger/types.js';
import { returnsByIssuer } from '../programs/grants.js';
import {
  type PartnerGiftMovement,
  partnerGiftExpiryTransferId,
  recordPartnerGiftLines,
} from './history-lines.js';
import { partnerDepositAccountId, partnerGrantAccountId } from './partners.js';

const PARTNER_GRANT_ACCOUNT_ID = /^(.+):grant:(pgf_[A-Za-z0-9_-]+)$/;

/** The member and gift of a partner gift's grant account (`partnerGrantAccountId`); null for any other account. */
export function partnerGiftOfAccount(accountId: string): { memberId: string; giftId: string } | null {
  const [, memberId, giftId] = PARTNER_GRANT_ACCOUNT_ID.exec(accountId) ?? [];
  return memberId && giftId ? { memberId, giftId } : null;
}

/** A partner gift's grant as a returning won finds it, under the gift's row lock. */
export interface PartnerGiftState {
  giftId: string;
  memberId: string;
  /** Expired, or the expiry sweep has finished: what comes back into it belongs to the partner's deposit. */
  closed: boolean;
}

interface LockedGift {
  id: string;
  partner_id: string;
  expires_at: Date;
  reclaim_runs: number;
  closed: boolean;
}

/**
 * Partner-gift money that comes back after it was spent (a cancellation refunds it, a fraud
 * claw-back takes it from the merchant), by the rule `GrantReturns` keeps for programme grants: while
 * the gift is live a refund is the employee's again; once it has expired (or its sweep has
 * finished), or when a claw-back took it, it goes on at once to the partner's deposit, where the
 * sweep sends an expired gift's leftover, and counts as reclaimed. So nothing is stranded in an expired grant that
 * can neither be spent nor swept. `lock` takes the gift's row lock, which the sweep takes first, so a
 * return and the sweep run one after the other and exactly one of them moves each won.
 */
export class PartnerGiftReturns {
  constructor(
    private readonly deps: { ledger: LedgerService; timeZoneOf: (tenantId: string) => Promise<string> },
  ) {}

  /** Locks the gifts of these grant accounts (in id order) and gives each partner-gift grant's state. */
  async lock(
    tx: Sql,
    tenantId: string,
    grantAccountIds: readonly string[],
    now: Date,
  ): Promise<Map<string, PartnerGiftState>> {
    const grants = grantAccountIds.flatMap((accountId) => {
      const grant = partnerGiftOfAccount(accountId);
      return grant ? [{ accountId, ...grant }] : [];
    });
    const giftIds = [...new Set(grants.map((grant) => grant.giftId))];
    if (giftIds.length === 0) return new Map();
    const closedById = new Map(
      (await lockGifts(tx, tenantId, giftIds, now)).map((gift) => [gift.id, gift.closed]),
    );
    const states = new Map<string, PartnerGiftState>();
    for (const { accountId, memberId, giftId } of grants) {
      const closed = closedById.get(giftId);
      if (closed !== undefined) states.set(accountId, { giftId, memberId, closed });
    }
    return states;
  }

  /** Moves each amount from its grant to the gift's partner's deposit; the caller `lock`ed the gifts first. */
  async takeBack(
    tx: Sql,
    tenantId: string,
    returns: ReadonlyArray<{ grantAccountId: string; amountWon: number }>,
    now: Date,
    options: { historyLines: boolean },
  ): Promise<void> {
    const issuerOf = (accountId: string) => {
      const gift = partnerGiftOfAccount(accountId);
      return gift && { memberId: gift.memberId, issuerId: gift.giftId };
    };
    for (const [giftId, returned] of returnsByIssuer(returns, issuerOf))
      await this.returnToDeposit(tx, tenantId, giftId, returned, now, options);
  }

  /**
   * One gift's returns, one transfer per employee, named as a sweep run is
   * (`partner_gift_expiry:<gift>:<member>[:<run>]`): each return takes the next run number, so the
   * sweep's later runs and other returns never reuse its id.
   */
  private async returnToDeposit(
    tx: Sql,
    tenantId: string,
    giftId: string,
    returned: ReadonlyArray<{ memberId: string; amountWon: number }>,
    now: Date,
    options: { historyLines: boolean },
  ): Promise<void> {
    // Already locked by `lock`: read again for the run number and the partner.
    const [gift] = await lockGifts(tx, tenantId, [giftId], now);
    if (!gift) throw new Error(`partner gift ${giftId} does not exist`);
    const run = gift.reclaim_runs + 1;
    const movements: PartnerGiftMovement[] = returned.map(({ memberId, amountWon }) => ({
      memberId,
      amountWon,
      transferId: partnerGiftExpiryTransferId(giftId, memberId, run),
    }));
    await this.post(tx, tenantId, gift, movements);
    if (options.historyLines) await this.recordLines(tx, tenantId, gift, movements, now);
    const returnedWon = returned.reduce((sum, one) => sum + one.amountWon, 0);
    await tx.query(
      `update partner_gifts set reclaimed_won = reclaimed_won + $3, reclaim_runs = $4
       where tenant_id = $1 and id = $2`,
      [tenantId, giftId, returnedWon, run],
    );
  }

  private async post(
    tx: Sql,
    tenantId: string,
    gift: LockedGift,
    movements: readonly PartnerGiftMovement[],
  ): Promise<void> {
    const transfers: TransferRequest[] = movements.map((movement) => ({
      id: movement.transferId,
      action: 'transfer',
      code: 'partner_gift_expiry',
      postings: [
        { accountId: partnerGrantAccountId(movement.memberId, gift.id), amountWon: -movement.amountWon },
        { accountId: partnerDepositAccountId(gift.partner_id), amountWon: movement.amountWon },
      ],
      metadata: { giftId: gift.id, partnerId: gift.partner_id, memberId: movement.memberId },
    }));
    const results = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, transfers);
    // The run number is new under the gift's lock: a refusal or a replay is a fault, not a retry.
    for (const result of results)
      if (!result.ok || result.replayed) throw new Error(`ledger refused partner gift return ${result.id}`);
  }

  /** 지원금 소멸 lines, as the sweep writes them: the refund the member just saw leaves with the gift. */
  private async recordLines(
    tx: Sql,
    tenantId: string,
    gift: LockedGift,
    movements: readonly PartnerGiftMovement[],
    now: Date,
  ): Promise<void> {
    const [partner] = await tx.query<{ name: string }>(
      'select name from partners where tenant_id = $1 and id = $2',
      [tenantId, gift.partner_id],
    );
    await recordPartnerGiftLines(tx, {
      tenantId,
      type: 'grant_expired',
      at: now,
      month: monthKey(now, await this.deps.timeZoneOf(tenantId)),
      partner: { id: gift.partner_id, name: partner?.name ?? '' },
      gift: { id: gift.id, expiresAt: new Date(gift.expires_at) },
      movements,
    });
  }
}

/**
 * Locks these gifts' rows in id order (the sweep locks its gift's row before its grants) and says
 * of each whether it is closed: expired at `now`, or its sweep has finished. (A sweep run that left
 * the gift open, for a hold, runs again: a won refunded into the grant meanwhile is swept then.)
 * `reclaim_runs` is no sign of a sweep: a claw-back's return counts a run on a live gift too.
 */
async function lockGifts(
  tx: Sql,
  tenantId: string,
  giftIds: readonly string[],
  now: Date,
): Promise<LockedGift[]> {
  return tx.query<LockedGift>(
    `select id, partner_id, expires_at, reclaim_runs,
       (expires_at <= $3 or reclaimed_at is not null) as closed
     from partner_gifts where tenant_id = $1 and id = any($2::text[]) order by id for update`,
    [tenantId, [...giftIds], now],
  );
}
