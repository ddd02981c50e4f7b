import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { monthKey } from '../../time.js';
import type { BankGateway, BankOutcome } from '../bank/bank-gateway.js';
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
import { decideRefund, type RefundFacts, type RefundRule } from './refund-rules.js';

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
      payments: Pick<PaymentService, 'cashSpentSince'>;
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
    const [lastPaid] = await tx.query<{ created_at: Date }>(
      `select created_at from balance_refunds where tenant_id = $1 and member_id = $2 and status = 'paid'
       order by created_at desc limit 1`,
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
    return {
      now,
      cashWon: cash?.availableWon ?? 0,
      chargedSinceLastRefundWon: history.chargedWon,
      chargedInWindowWon: inWindow.chargedWon,
      usedWon: await this.deps.payments.cashSpentSince(tenantId, memberId, since, tx),
      lastChargeAt: history.lastChargeAt,
      fullRefundWindowDays,
      minimumUsedBp: await this.deps.policy.ruleValue(tenantId, 'refund_min_used_bp', now, tx),
    };
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
