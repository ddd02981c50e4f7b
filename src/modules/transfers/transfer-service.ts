import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { recordId } from '../../ids.js';
import { localIsoDate, monthKey } from '../../time.js';
import type { EventFeed } from '../events/event-feed.js';
import { transferEvent } from '../events/producers.js';
import type { FreezeService } from '../fraud/freeze-service.js';
import { expireTransferId, type LedgerCommand } from '../ledger/batch.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { type MemberService, memberAccountIds } from '../members/member-service.js';
import { maskPhone } from '../members/phone.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { Job } from '../scheduler/scheduler.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { lockMonthlyUsage, recordActivity } from '../wallets/usage.js';
import type { WalletService } from '../wallets/wallet-service.js';
import { TransferErrors } from './errors.js';
import { recipientNameForSender } from './sender-view.js';

export type TransferStatus = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired';

export interface MemberTransfer {
  id: string;
  senderId: string;
  recipientId: string;
  amountWon: number;
  message: string;
  status: TransferStatus;
  createdAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
}

interface TransferRow {
  id: string;
  sender_id: string;
  recipient_id: string;
  amount_won: number;
  message: string;
  status: TransferStatus;
  month: string;
  created_at: Date;
  expires_at: Date;
  resolved_at: Date | null;
}

const HOUR_MS = 3_600_000;
const EXPIRY_BATCH_MAX = 100;
const LIST_PAGE_MAX = 100;

/** The ledger hold behind a transfer: held at send, posted at acceptance, released otherwise. */
function holdIdOf(transferId: string): string {
  return `transfer:${transferId}`;
}

/**
 * Member-to-member transfers (송금) of charged money only. The money is held (a pending ledger
 * transfer) until the recipient accepts; declined, cancelled or not accepted in time, it returns.
 */
export class TransferService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: {
      events: EventFeed;
      ledger: LedgerService;
      tenants: TenantService;
      policy: PolicyService;
      members: MemberService;
      wallets: WalletService;
      freezes: FreezeService;
    },
  ) {}

  async send(
    tx: Sql,
    tenantId: string,
    senderId: string,
    input: { recipientPhone: string; amountWon: number; message?: string },
  ): Promise<MemberTransfer> {
    if (!Number.isSafeInteger(input.amountWon) || input.amountWon <= 0) throw TransferErrors.invalidAmount();
    const recipient = await this.deps.members.findByPhone(tenantId, input.recipientPhone, tx);
    if (!recipient) throw TransferErrors.recipientNotFound();
    if (recipient.id === senderId) throw TransferErrors.toSelf();
    await this.deps.freezes.assertNotFrozen(tenantId, { memberId: senderId }, tx);
    const now = this.clock.now();
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId, tx);
    const day = localIsoDate(now, timeZone);
    const month = monthKey(now, timeZone);
    await lockMonthlyUsage(tx, tenantId, senderId, month);
    await this.checkLimits(tx, tenantId, senderId, input.amountWon, day, month, now);
    const windowHours = await this.deps.policy.ruleValue(tenantId, 'transfer_accept_window_hours', now, tx);
    const transfer: MemberTransfer = {
      id: recordId('trf'),
      senderId,
      recipientId: recipient.id,
      amountWon: input.amountWon,
      message: (input.message ?? '').trim(),
      status: 'pending',
      createdAt: now,
      expiresAt: new Date(now.getTime() + windowHours * HOUR_MS),
      resolvedAt: null,
    };
    await this.hold(tx, tenantId, transfer);
    await tx.query(
      `insert into member_transfers (tenant_id, id, sender_id, recipient_id, amount_won, message, status, local_date, month,
         created_at, expires_at) values ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10)`,
      [
        tenantId,
        transfer.id,
        senderId,
        recipient.id,
        transfer.amountWon,
        transfer.message,
        day,
        month,
        now,
        transfer.expiresAt,
      ],
    );
    await this.recordFor(tx, tenantId, senderId, 'transfer_sent', -transfer.amountWon, transfer, month);
    return transfer;
  }

  private async checkLimits(
    tx: Sql,
    tenantId: string,
    senderId: string,
    amountWon: number,
    day: string,
    month: string,
    now: Date,
  ): Promise<void> {
    const rule = (key: 'transfer_per_send_cap_won' | 'transfer_daily_cap_won' | 'transfer_monthly_cap_won') =>
      this.deps.policy.ruleValue(tenantId, key, now, tx);
    const perSendCapWon = await rule('transfer_per_send_cap_won');
    if (amountWon > perSendCapWon)
      throw TransferErrors.limitExceeded('per_send', perSendCapWon, perSendCapWon);
    const [sent] = await tx.query<{ day_won: number; month_won: number }>(
      `select coalesce(sum(amount_won) filter (where local_date = $3), 0)::bigint as day_won,
         coalesce(sum(amount_won), 0)::bigint as month_won
       from member_transfers
       where tenant_id = $1 and sender_id = $2 and month = $4 and status in ('pending', 'accepted')`,
      [tenantId, senderId, day, month],
    );
    const dailyCapWon = await rule('transfer_daily_cap_won');
    const sentTodayWon = sent?.day_won ?? 0;
    if (sentTodayWon + amountWon > dailyCapWon) {
      throw TransferErrors.limitExceeded('daily', dailyCapWon, Math.max(0, dailyCapWon - sentTodayWon));
    }
    const monthlyCapWon = await rule('transfer_monthly_cap_won');
    const sentThisMonthWon = sent?.month_won ?? 0;
    if (sentThisMonthWon + amountWon > monthlyCapWon) {
      throw TransferErrors.limitExceeded(
        'monthly',
        monthlyCapWon,
        Math.max(0, monthlyCapWon - sentThisMonthWon),
      );
    }
  }

  private async hold(tx: Sql, tenantId: string, transfer: MemberTransfer): Promise<void> {
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
      {
        id: holdIdOf(transfer.id),
        action: 'pending',
        code: 'member_transfer',
        timeoutAt: transfer.expiresAt,
        postings: [
          { accountId: memberAccountIds(transfer.senderId).cash, amountWon: -transfer.amountWon },
          { accountId: memberAccountIds(transfer.recipientId).cash, amountWon: transfer.amountWon },
        ],
        metadata: { transferId: transfer.id },
      },
    ]);
    if (result?.ok) return;
    if (result?.code === 'INSUFFICIENT_FUNDS') throw TransferErrors.insufficientCash();
    throw new Error(`ledger refused transfer hold ${transfer.id}: ${result?.code}`);
  }

  async accept(tx: Sql, tenantId: string, recipientId: string, transferId: string): Promise<MemberTransfer> {
    const transfer = await this.lockPending(
      tx,
      tenantId,
      transferId,
      (row) => row.recipient_id === recipientId,
    );
    const now = this.clock.now();
    if (transfer.expires_at.getTime() <= now.getTime()) throw TransferErrors.expired();
    // A freeze that came after the send stops the money leaving, as it stops a new send; the hold
    // stays until the sender cancels, the recipient declines or it expires back to the sender.
    await this.deps.freezes.assertNotFrozen(
      tenantId,
      { memberId: transfer.sender_id },
      tx,
      'transfer_recipient',
    );
    // The recipient's own flows are serialised by their usage row, like their charges.
    await lockMonthlyUsage(
      tx,
      tenantId,
      recipientId,
      monthKey(now, await this.deps.tenants.timeZoneOf(tenantId, tx)),
    );
    await this.deps.wallets.assertWithinHoldingCap(tx, tenantId, recipientId, transfer.amount_won, now);
    await this.resolveHold(tx, tenantId, {
      id: `accept:${transferId}`,
      action: 'post_pending',
      pendingId: holdIdOf(transferId),
    });
    await this.markResolved(tx, tenantId, transferId, 'accepted');
    await this.recordFor(
      tx,
      tenantId,
      recipientId,
      'transfer_received',
      transfer.amount_won,
      toTransfer(transfer),
      transfer.month,
    );
    return (await this.get(tenantId, transferId, tx)) as MemberTransfer;
  }

  async decline(tx: Sql, tenantId: string, recipientId: string, transferId: string): Promise<MemberTransfer> {
    return this.release(tx, tenantId, transferId, 'declined', (row) => row.recipient_id === recipientId);
  }

  async cancel(tx: Sql, tenantId: string, senderId: string, transferId: string): Promise<MemberTransfer> {
    return this.release(tx, tenantId, transferId, 'cancelled', (row) => row.sender_id === senderId);
  }

  private async release(
    tx: Sql,
    tenantId: string,
    transferId: string,
    status: 'declined' | 'cancelled',
    mayAct: (row: TransferRow) => boolean,
  ): Promise<MemberTransfer> {
    const transfer = await this.lockPending(tx, tenantId, transferId, mayAct);
    if (transfer.expires_at.getTime() <= this.clock.now().getTime()) throw TransferErrors.expired();
    await this.resolveHold(tx, tenantId, {
      id: `${status}:${transferId}`,
      action: 'void_pending',
      pendingId: holdIdOf(transferId),
    });
    await this.markResolved(tx, tenantId, transferId, status);
    await this.recordFor(
      tx,
      tenantId,
      transfer.sender_id,
      'transfer_returned',
      transfer.amount_won,
      toTransfer(transfer),
      transfer.month,
    );
    return (await this.get(tenantId, transferId, tx)) as MemberTransfer;
  }

  /** Returns transfers nobody accepted in time to their senders; bounded per run. */
  async expireDue(tenantId: string): Promise<number> {
    const due = await this.db.query<{ id: string }>(
      `select id from member_transfers where tenant_id = $1 and status = 'pending' and expires_at <= $2
       order by expires_at limit $3`,
      [tenantId, this.clock.now(), EXPIRY_BATCH_MAX],
    );
    for (const { id } of due) {
      await transactionWithRetry(this.db, async (tx) => {
        const [row] = await tx.query<TransferRow>(
          `select * from member_transfers where tenant_id = $1 and id = $2 and status = 'pending' for update`,
          [tenantId, id],
        );
        if (!row) return;
        const holdId = holdIdOf(id);
        await this.resolveHold(tx, tenantId, {
          id: expireTransferId(holdId),
          action: 'expire_pending',
          pendingId: holdId,
        });
        await this.markResolved(tx, tenantId, id, 'expired');
        await this.recordFor(
          tx,
          tenantId,
          row.sender_id,
          'transfer_returned',
          row.amount_won,
          toTransfer(row),
          row.month,
        );
      });
    }
    return due.length;
  }

  jobs(): Job[] {
    return [
      {
        name: 'transfers.expire_unaccepted',
        everyMs: 60_000,
        run: async ({ tenantId }) => {
          const expired = await this.expireDue(tenantId);
          return { processed: expired, more: expired === EXPIRY_BATCH_MAX };
        },
      },
    ];
  }

  private async lockPending(
    tx: Sql,
    tenantId: string,
    transferId: string,
    mayAct: (row: TransferRow) => boolean,
  ): Promise<TransferRow> {
    const [row] = await tx.query<TransferRow>(
      `select * from member_transfers where tenant_id = $1 and id = $2 for update`,
      [tenantId, transferId],
    );
    if (!row || !mayAct(row)) throw TransferErrors.notFound();
    if (row.status === 'expired') throw TransferErrors.expired();
    if (row.status !== 'pending') throw TransferErrors.notPending(row.status);
    return row;
  }

  private async resolveHold(tx: Sql, tenantId: string, command: LedgerCommand): Promise<void> {
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [command]);
    if (result?.ok) return;
    if (result?.code === 'PENDING_EXPIRED') throw TransferErrors.expired();
    throw new Error(`ledger refused ${command.id}: ${result?.code}`);
  }

  private async markResolved(
    tx: Sql,
    tenantId: string,
    transferId: string,
    status: TransferStatus,
  ): Promise<void> {
    await tx.query(
      `update member_transfers set status = $3, resolved_at = $4 where tenant_id = $1 and id = $2`,
      [tenantId, transferId, status, this.clock.now()],
    );
  }

  private async recordFor(
    tx: Sql,
    tenantId: string,
    memberId: string,
    type: 'transfer_sent' | 'transfer_received' | 'transfer_returned',
    amountWon: number,
    transfer: MemberTransfer,
    month: string,
  ): Promise<void> {
    const forSender = memberId === transfer.senderId;
    const counterpartId = forSender ? transfer.recipientId : transfer.senderId;
    const counterpart = await this.deps.members.getMember(tenantId, counterpartId, tx);
    const name = counterpart?.name ?? '';
    await recordActivity(tx, {
      tenantId,
      memberId,
      at: this.clock.now(),
      type,
      month,
      amountWon,
      referenceId: transfer.id,
      // Members see each other by name and masked phone only, never by id; the sender sees the
      // recipient's name masked, as the recipient lookup shows it.
      details: {
        counterpart: {
          name: forSender ? recipientNameForSender(name) : name,
          phoneMasked: maskPhone(counterpart?.phone ?? ''),
        },
        message: transfer.message,
      },
    });
    await this.deps.events.append(tx, tenantId, [transferEvent(type, transfer, this.clock.now())]);
  }

  async get(tenantId: string, transferId: string, tx?: Sql): Promise<MemberTransfer | undefined> {
    const [row] = await (tx ?? this.db).query<TransferRow>(
      `select * from member_transfers where tenant_id = $1 and id = $2`,
      [tenantId, transferId],
    );
    return row ? toTransfer(row) : undefined;
  }

  /** Newest first; `before` pages backwards by creation time. */
  async list(
    tenantId: string,
    memberId: string,
    direction: 'incoming' | 'outgoing',
    limit: number,
    before?: { at: string; id: string },
  ): Promise<MemberTransfer[]> {
    const column = direction === 'incoming' ? 'recipient_id' : 'sender_id';
    const rows = await this.db.query<TransferRow>(
      `select * from member_transfers
       where tenant_id = $1 and ${column} = $2 and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::text))
       order by created_at desc, id desc limit $5`,
      [tenantId, memberId, before?.at ?? null, before?.id ?? '', Math.min(limit, LIST_PAGE_MAX)],
    );
    return rows.map(toTransfer);
  }
}

function toTransfer(row: TransferRow): MemberTransfer {
  return {
    id: row.id,
    senderId: row.sender_id,
    recipientId: row.recipient_id,
    amountWon: row.amount_won,
    message: row.message,
    status: row.status,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    resolvedAt: row.resolved_at,
  };
}
