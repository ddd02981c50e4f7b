import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { monthKey } from '../../time.js';
import type { BankGateway, BankOutcome } from '../bank/bank-gateway.js';
import type { OrderService } from '../commerce/order-service.js';
import type { EventFeed } from '../events/event-feed.js';
import { refundCompletedEvent } from '../events/producers.js';
import type { FreezeService } from '../fraud/freeze-service.js';
import type { KeyClaims } from '../idempotency/idempotency.js';
import { sha256Hex } from '../ledger/hashing.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { TransferRequest } from '../ledger/types.js';
import { type MemberService, memberAccountIds } from '../members/member-service.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { Job } from '../scheduler/scheduler.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { lockMonthlyUsage, recordActivity } from '../wallets/usage.js';
import { SYSTEM_ACCOUNTS, type WalletService } from '../wallets/wallet-service.js';
import { decideRefund, type RefundDecision, type RefundFacts, type RefundRule } from './refund-rules.js';

export type RefundStatus = 'pending' | 'paid' | 'failed';

export interface Refund {
  id: string;
  memberId: string;
  amountWon: number;
  rule: RefundRule;
  status: RefundStatus;
  failureCode: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

interface RefundRow {
  id: string;
  member_id: string;
  amount_won: number;
  rule: RefundRule;
  status: RefundStatus;
  failure_code: string | null;
  created_at: Date;
  completed_at: Date | null;
}

const DAY_MS = 86_400_000;
/** The hold outlives any bank outage we reconcile through; after it the money would return by itself. */
const REFUND_HOLD_DAYS = 30;
const RECONCILE_AFTER_MS = 30_000;
const RECONCILE_BATCH_MAX = 100;

/** What the refund rules read of the details of a history line that gave money back. */
interface ReturnDetails {
  paymentId?: string;
  paidFrom?: { cashWon?: number };
  refunded?: { cashWon?: number; cashbackAsCashWon?: number };
  clawback?: { fromCashWon?: number };
}

function holdIdOf(refundId: string): string {
  return `refund:${refundId}`;
}

/**
 * Balance refunds (환불): the rest of a member's charged money back to their bank account, when a rule
 * allows it. The money is held in the ledger, then paid by the bank; only the bank's confirmation
 * posts it, a refusal returns it to the wallet, an unknown answer is reconciled later.
 */
export class RefundService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: {
      ledger: LedgerService;
      tenants: TenantService;
      policy: PolicyService;
      members: MemberService;
      wallets: WalletService;
      bank: BankGateway;
      events: EventFeed;
      freezes: FreezeService;
      /** What counts as used: cash paid to merchants (the payments module's records). */
      payments: Pick<PaymentService, 'cashSpentSince' | 'getPayment'>;
      /** Cash paid to shops by mall and delivery orders, which counts as used like payments. */
      orders: Pick<OrderService, 'cashCapturedSince'>;
      /** A refund answers from its own row, and claims its key in the shared key space. */
      keys: KeyClaims;
    },
  ) {}

  async requestRefund(tenantId: string, memberId: string, idempotencyKey: string): Promise<Refund> {
    await this.deps.freezes.assertNotFrozen(tenantId, { memberId });
    const refundId = `rfd_${sha256Hex(`${tenantId}|${memberId}|${idempotencyKey}`).slice(0, 24)}`;
    const refund = await transactionWithRetry(this.db, (tx) =>
      this.start(tx, tenantId, memberId, refundId, idempotencyKey),
    );
    if (refund.status !== 'pending') return refund;
    return this.payOut(tenantId, refund);
  }

  /**
   * What `requestRefund` would pay now, decided by the same rule on the same facts, for the confirm
   * screen: nothing is held or written. A frozen member is refused as the refund would be.
   */
  async preview(tenantId: string, memberId: string): Promise<RefundDecision> {
    await this.deps.freezes.assertNotFrozen(tenantId, { memberId });
    return this.db.transaction(async (tx) =>
      decideRefund(await this.factsOf(tx, tenantId, memberId, this.clock.now())),
    );
  }

  private async start(
    tx: Sql,
    tenantId: string,
    memberId: string,
    refundId: string,
    idempotencyKey: string,
  ): Promise<Refund> {
    await this.deps.keys.claim(tx, {
      tenantId,
      principalId: memberId,
      key: idempotencyKey,
      claimant: 'refund',
      request: {},
    });
    const existing = await selectRefund(tx, tenantId, refundId, true);
    if (existing) return existing;
    const now = this.clock.now();
    await lockMonthlyUsage(
      tx,
      tenantId,
      memberId,
      monthKey(now, await this.deps.tenants.timeZoneOf(tenantId, tx)),
    );
    const decision = decideRefund(await this.factsOf(tx, tenantId, memberId, now));
    if (!decision.allowed) throw refundRefused(decision.rule);
    await this.hold(tx, tenantId, memberId, refundId, decision.amountWon, now);
    await tx.query(
      `insert into balance_refunds (tenant_id, id, member_id, idempotency_key, amount_won, rule, status, created_at)
       values ($1, $2, $3, $4, $5, $6, 'pending', $7)`,
      [tenantId, refundId, memberId, idempotencyKey, decision.amountWon, JSON.stringify(decision.rule), now],
    );
    const refund = (await selectRefund(tx, tenantId, refundId, false)) as Refund;
    // The hold takes the money from the wallet now, however long the bank takes: so does the history.
    await this.recordLine(tx, tenantId, refund, 'refund', -refund.amountWon, now, { rule: refund.rule });
    return refund;
  }

  private async factsOf(tx: Sql, tenantId: string, memberId: string, now: Date): Promise<RefundFacts> {
    const [cash] = await this.deps.ledger.lockAccounts(tx, tenantId, [memberAccountIds(memberId).cash]);
    const [lastPaid] = await tx.query<{ created_at: Date; refunded_won: number }>(
      `select max(created_at) as created_at, coalesce(sum(amount_won), 0)::bigint as refunded_won
       from balance_refunds where tenant_id = $1 and member_id = $2 and status = 'paid'`,
      [tenantId, memberId],
    );
    const since = lastPaid?.created_at ?? null;
    const fullRefundWindowDays = await this.deps.policy.ruleValue(
      tenantId,
      'refund_full_window_days',
      now,
      tx,
    );
    const windowStart = new Date(now.getTime() - fullRefundWindowDays * DAY_MS);
    const history = await this.deps.wallets.chargeHistory(tenantId, memberId, since, tx);
    const inWindow = await this.deps.wallets.chargeHistory(
      tenantId,
      memberId,
      since && since > windowStart ? since : windowStart,
      tx,
    );
    const spentSinceWon =
      (await this.deps.payments.cashSpentSince(tenantId, memberId, since, tx)) +
      (await this.orderCashSpentSince(tx, tenantId, memberId, since));
    const facts = {
      now,
      cashWon: cash?.availableWon ?? 0,
      chargedSinceLastRefundWon: history.chargedWon,
      chargedInWindowWon: inWindow.chargedWon,
      usedWon: spentSinceWon,
      lastChargeAt: history.lastChargeAt,
      lastRefundAt: since,
      returnedSinceLastRefund: [] as Array<{ at: Date; amountWon: number }>,
      chargedLeftAtLastRefundWon: 0,
      fullRefundWindowDays,
      minimumUsedBp: await this.deps.policy.ruleValue(tenantId, 'refund_min_used_bp', now, tx),
    } satisfies RefundFacts;
    if (!since) return facts;
    const back = await this.returnedSince(tx, tenantId, memberId, since);
    // The used figure nets every cancellation after the refund; one of a payment made before it is
    // not a use undone but charged money back (counted once, as returned).
    const spentBeforeWon =
      (await this.deps.payments.cashSpentSince(tenantId, memberId, null, tx)) +
      (await this.orderCashSpentSince(tx, tenantId, memberId, null)) -
      spentSinceWon -
      back.cancelledEarlierWon;
    const chargedBeforeWon =
      (await this.deps.wallets.chargeHistory(tenantId, memberId, null, tx)).chargedWon - history.chargedWon;
    return {
      ...facts,
      usedWon: spentSinceWon + back.cancelledEarlierWon,
      returnedSinceLastRefund: back.returned,
      chargedLeftAtLastRefundWon: Math.max(
        0,
        chargedBeforeWon - Number(lastPaid?.refunded_won ?? 0) - spentBeforeWon,
      ),
    };
  }

  /**
   * Cash that came back after the last paid refund (`since`) from money that had left before it,
   * read from the member's history: a transfer they sent (declined, cancelled or expired), an order
   * (released, or returned), a payment (cancelled). `cancelledEarlierWon` is the cancellations' part,
   * which the payments module's used figure nets.
   */
  private async returnedSince(
    tx: Sql,
    tenantId: string,
    memberId: string,
    since: Date,
  ): Promise<{ returned: Array<{ at: Date; amountWon: number }>; cancelledEarlierWon: number }> {
    const lines = await this.deps.wallets.activitySince(
      tenantId,
      memberId,
      [
        'transfer_sent',
        'transfer_returned',
        'order',
        'order_released',
        'order_returned',
        'payment_cancellation',
      ],
      since,
      tx,
    );
    // What left after the refund and came back is no return of money that was out at the refund.
    const leftAfter = new Set(
      lines
        .filter((line) => line.type === 'transfer_sent' || line.type === 'order')
        .map((line) => `${line.type === 'order' ? 'order' : 'transfer'}:${line.referenceId}`),
    );
    const returned: Array<{ at: Date; amountWon: number }> = [];
    let cancelledEarlierWon = 0;
    for (const line of lines) {
      const details = line.details as ReturnDetails;
      let cashWon = 0;
      if (line.type === 'transfer_returned') {
        if (!leftAfter.has(`transfer:${line.referenceId}`)) cashWon = line.amountWon;
      } else if (line.type === 'order_released' || line.type === 'order_returned') {
        if (!leftAfter.has(`order:${line.referenceId}`))
          cashWon =
            line.type === 'order_released'
              ? Number(details.paidFrom?.cashWon ?? 0)
              : await this.orderReturnCashWon(
                  tx,
                  tenantId,
                  memberId,
                  line.referenceId,
                  line.amountWon,
                  details,
                );
      } else if (line.type === 'payment_cancellation' && details.paymentId) {
        const payment = await this.deps.payments.getPayment(tenantId, details.paymentId, tx);
        if (payment && payment.createdAt.getTime() <= since.getTime()) {
          cashWon =
            Number(details.refunded?.cashWon ?? 0) +
            Number(details.refunded?.cashbackAsCashWon ?? 0) -
            Number(details.clawback?.fromCashWon ?? 0);
          cancelledEarlierWon += cashWon;
        }
      }
      if (cashWon > 0) returned.push({ at: new Date(line.at), amountWon: cashWon });
    }
    return { returned, cancelledEarlierWon };
  }

  /**
   * Cash orders checked out after `since` paid to shops, less what their returns gave back. A return
   * of an order checked out before `since` is not netted here: it is money back (`returnedSince`).
   */
  private async orderCashSpentSince(
    tx: Sql,
    tenantId: string,
    memberId: string,
    since: Date | null,
  ): Promise<number> {
    const captured = await this.deps.orders.cashCapturedSince(tenantId, memberId, since, tx);
    let returnedWon = 0;
    for (const orderId of captured.returnedOrderIds)
      returnedWon += await this.orderReturnCashWon(tx, tenantId, memberId, orderId, 0, {});
    return captured.cashWon - returnedWon;
  }

  /** The cash a returned order gave back: its ledger transfer's posting to the member's cash. */
  private async orderReturnCashWon(
    tx: Sql,
    tenantId: string,
    memberId: string,
    orderId: string,
    lineWon: number,
    details: ReturnDetails,
  ): Promise<number> {
    const transfer = await this.deps.ledger.getTransfer(tenantId, `order-return:${orderId}`, tx);
    const entry = transfer?.entries.find((posting) => posting.accountId === memberAccountIds(memberId).cash);
    if (entry) return entry.postedDeltaWon;
    return Math.min(Number(details.paidFrom?.cashWon ?? 0), lineWon);
  }

  private async hold(
    tx: Sql,
    tenantId: string,
    memberId: string,
    refundId: string,
    amountWon: number,
    now: Date,
  ) {
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
      {
        id: holdIdOf(refundId),
        action: 'pending',
        code: 'balance_refund',
        timeoutAt: new Date(now.getTime() + REFUND_HOLD_DAYS * DAY_MS),
        postings: [
          { accountId: memberAccountIds(memberId).cash, amountWon: -amountWon },
          { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon },
        ],
        metadata: { refundId },
      },
    ]);
    if (!result?.ok)
      throw new Error(`ledger refused refund hold ${refundId}: ${result?.ok === false ? result.code : ''}`);
  }

  private async payOut(tenantId: string, refund: Refund): Promise<Refund> {
    const outcome = await this.deps.bank.deposit({
      idempotencyKey: refund.id,
      account: await this.deps.members.bankAccountOf(tenantId, refund.memberId),
      amountWon: refund.amountWon,
      memo: `Hanbat refund ${refund.id}`,
      tenantId,
    });
    return this.complete(tenantId, refund.id, outcome);
  }

  /** Applies the bank's answer once. */
  async complete(tenantId: string, refundId: string, outcome: BankOutcome): Promise<Refund> {
    return transactionWithRetry(this.db, async (tx) => {
      const refund = await selectRefund(tx, tenantId, refundId, true);
      if (!refund) throw new Error(`refund ${refundId} does not exist`);
      if (refund.status !== 'pending' || outcome.status === 'unknown') return refund;
      const paid = outcome.status === 'succeeded';
      const resolution: TransferRequest = paid
        ? { id: `refund-paid:${refundId}`, action: 'post_pending', pendingId: holdIdOf(refundId) }
        : { id: `refund-failed:${refundId}`, action: 'void_pending', pendingId: holdIdOf(refundId) };
      const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [resolution]);
      if (!result?.ok)
        throw new Error(`ledger refused ${resolution.id}: ${result?.ok === false ? result.code : ''}`);
      const now = this.clock.now();
      await tx.query(
        `update balance_refunds set status = $3, bank_transaction_id = $4, failure_code = $5, completed_at = $6
         where tenant_id = $1 and id = $2`,
        [
          tenantId,
          refundId,
          paid ? 'paid' : 'failed',
          outcome.status === 'succeeded' ? outcome.bankTransactionId : null,
          outcome.status === 'failed' ? outcome.code : null,
          now,
        ],
      );
      if (paid) await this.deps.events.append(tx, tenantId, [refundCompletedEvent(refund, now)]);
      else
        await this.recordLine(tx, tenantId, refund, 'refund_returned', refund.amountWon, now, {
          failureCode: outcome.code,
        });
      return (await selectRefund(tx, tenantId, refundId, false)) as Refund;
    });
  }

  private async recordLine(
    tx: Sql,
    tenantId: string,
    refund: Refund,
    type: 'refund' | 'refund_returned',
    amountWon: number,
    now: Date,
    details: Record<string, unknown>,
  ): Promise<void> {
    await recordActivity(tx, {
      tenantId,
      memberId: refund.memberId,
      at: now,
      type,
      month: monthKey(now, await this.deps.tenants.timeZoneOf(tenantId, tx)),
      amountWon,
      referenceId: refund.id,
      details,
    });
  }

  /** Pending refunds: ask the bank; one it never received is sent again under the same key. */
  jobs(): Job[] {
    return [
      {
        name: 'refunds.reconcile',
        everyMs: 60_000,
        run: async ({ tenantId, now }) => {
          const pending = await this.db.query<RefundRow>(
            `select * from balance_refunds where tenant_id = $1 and status = 'pending' and created_at <= $2
             order by created_at limit $3`,
            [tenantId, new Date(now.getTime() - RECONCILE_AFTER_MS), RECONCILE_BATCH_MAX],
          );
          for (const row of pending) {
            const known = await this.deps.bank.lookup(row.id);
            if (known) await this.complete(tenantId, row.id, known);
            else await this.payOut(tenantId, toRefund(row));
          }
          return { processed: pending.length, more: pending.length === RECONCILE_BATCH_MAX };
        },
      },
    ];
  }

  async list(tenantId: string, memberId: string): Promise<Refund[]> {
    const rows = await this.db.query<RefundRow>(
      `select * from balance_refunds where tenant_id = $1 and member_id = $2 order by created_at desc limit 100`,
      [tenantId, memberId],
    );
    return rows.map(toRefund);
  }
}

function refundRefused(rule: RefundRule): DomainError {
  return new DomainError({
    code: 'REFUND_NOT_ALLOWED',
    httpStatus: 422,
    message: rule.descriptionEn,
    messageKo: rule.descriptionKo,
    details: { rule },
  });
}

async function selectRefund(
  tx: Sql,
  tenantId: string,
  refundId: string,
  forUpdate: boolean,
): Promise<Refund | undefined> {
  const [row] = await tx.query<RefundRow>(
    `select * from balance_refunds where tenant_id = $1 and id = $2 ${forUpdate ? 'for update' : ''}`,
    [tenantId, refundId],
  );
  return row ? toRefund(row) : undefined;
}

function toRefund(row: RefundRow): Refund {
  return {
    id: row.id,
    memberId: row.member_id,
    amountWon: row.amount_won,
    rule: row.rule,
    status: row.status,
    failureCode: row.failure_code,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}
