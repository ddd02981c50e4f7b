import type { Clock } from '../../clock.js';
import { type Database, transactionWithRetry } from '../../db/database.js';
import { recordId } from '../../ids.js';
import type { BankGateway, BankOutcome } from '../bank/bank-gateway.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { TransferRequest } from '../ledger/types.js';
import type { Job } from '../scheduler/scheduler.js';
import { SYSTEM_ACCOUNTS } from '../wallets/wallet-service.js';
import { selectCharities } from './store.js';
import { charityAccountId } from './types.js';

const DAY_MS = 86_400_000;
/** The hold outlives any bank outage we reconcile through, as for settlement payouts. */
const PAYOUT_HOLD_DAYS = 30;
const RECONCILE_AFTER_MS = 30_000;
const PAYOUTS_PER_RUN_MAX = 50;
const CHARITIES_MAX = 500;

interface PayoutRow {
  id: string;
  charity_id: string;
  amount_won: number;
  status: 'pending' | 'paid' | 'failed';
  bank_account: { bankCode: string; accountNumber: string };
}

function holdIdOf(payoutId: string): string {
  return `charity-payout:${payoutId}`;
}

/**
 * Pays what charities received to their bank accounts through the bank gateway, as refunds and
 * settlements do: the balance is held (charity → bank clearing) before the bank is asked; the bank's
 * success posts the hold, a refusal voids it (the money stays with the charity), an unknown answer
 * is reconciled by the next run with the same key, so a charity is never paid twice.
 */
export class CharityPayouts {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: { ledger: LedgerService; bank: BankGateway },
  ) {}

  async run(tenantId: string, now: Date) {
    const reconciled = await this.reconcile(tenantId, now);
    const started = await this.startPayouts(tenantId, now);
    return {
      processed: reconciled + started,
      more: started === PAYOUTS_PER_RUN_MAX,
      details: { reconciled, started },
    };
  }

  /** At most PAYOUTS_PER_RUN_MAX payouts a run; the next run starts where this one stopped. */
  private async startPayouts(tenantId: string, now: Date): Promise<number> {
    const charities = await selectCharities(this.db, tenantId, CHARITIES_MAX);
    let started = 0;
    for (const charity of charities) {
      if (started === PAYOUTS_PER_RUN_MAX) break;
      const payoutId = await this.hold(tenantId, charity.id, now);
      if (!payoutId) continue;
      started += 1;
      await this.complete(tenantId, payoutId, await this.deposit(tenantId, payoutId));
    }
    return started;
  }

  /** Holds the charity's whole available balance for one new payout; none while another is pending. */
  private async hold(tenantId: string, charityId: string, now: Date): Promise<string | null> {
    return transactionWithRetry(this.db, async (tx) => {
      const [account] = await this.deps.ledger.lockAccounts(tx, tenantId, [charityAccountId(charityId)]);
      if (!account || account.availableWon <= 0) return null;
      const [pending] = await tx.query(
        `select 1 from charity_payouts where tenant_id = $1 and charity_id = $2 and status = 'pending'`,
        [tenantId, charityId],
      );
      if (pending) return null;
      const payoutId = recordId('cpo');
      const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
        {
          id: holdIdOf(payoutId),
          action: 'pending',
          code: 'charity_payout',
          timeoutAt: new Date(now.getTime() + PAYOUT_HOLD_DAYS * DAY_MS),
          postings: [
            { accountId: charityAccountId(charityId), amountWon: -account.availableWon },
            { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: account.availableWon },
          ],
          metadata: { payoutId, charityId },
        },
      ]);
      if (!result?.ok) throw new Error(`ledger refused charity payout hold ${payoutId}`);
      await tx.query(
        `insert into charity_payouts (tenant_id, id, charity_id, amount_won, status, created_at)
         values ($1, $2, $3, $4, 'pending', $5)`,
        [tenantId, payoutId, charityId, account.availableWon, now],
      );
      return payoutId;
    });
  }

  private async payoutRow(tenantId: string, payoutId: string): Promise<PayoutRow> {
    const [row] = await this.db.query<PayoutRow>(
      `select p.id, p.charity_id, p.amount_won, p.status, c.bank_account
       from charity_payouts p join charities c on c.tenant_id = p.tenant_id and c.id = p.charity_id
       where p.tenant_id = $1 and p.id = $2`,
      [tenantId, payoutId],
    );
    if (!row) throw new Error(`charity payout ${payoutId} does not exist`);
    return row;
  }

  private async deposit(tenantId: string, payoutId: string): Promise<BankOutcome> {
    const payout = await this.payoutRow(tenantId, payoutId);
    return this.deps.bank.deposit({
      idempotencyKey: `${tenantId}:${payout.id}`,
      account: payout.bank_account,
      amountWon: payout.amount_won,
      memo: `Hanbat donations ${payout.id}`,
      tenantId,
    });
  }

  /** Applies the bank's answer once. */
  async complete(tenantId: string, payoutId: string, outcome: BankOutcome): Promise<void> {
    if (outcome.status === 'unknown') return;
    await transactionWithRetry(this.db, async (tx) => {
      const [row] = await tx.query<{ status: string }>(
        'select status from charity_payouts where tenant_id = $1 and id = $2 for update',
        [tenantId, payoutId],
      );
      if (row?.status !== 'pending') return;
      const paid = outcome.status === 'succeeded';
      const resolution: TransferRequest = paid
        ? { id: `charity-paid:${payoutId}`, action: 'post_pending', pendingId: holdIdOf(payoutId) }
        : { id: `charity-unpaid:${payoutId}`, action: 'void_pending', pendingId: holdIdOf(payoutId) };
      const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [resolution]);
      if (!result?.ok) throw new Error(`ledger refused ${resolution.id}`);
      await tx.query(
        `update charity_payouts set status = $3, bank_transaction_id = $4, failure_code = $5, completed_at = $6
         where tenant_id = $1 and id = $2`,
        [
          tenantId,
          payoutId,
          paid ? 'paid' : 'failed',
          outcome.status === 'succeeded' ? outcome.bankTransactionId : null,
          outcome.status === 'failed' ? outcome.code : null,
          this.clock.now(),
        ],
      );
    });
  }

  private async reconcile(tenantId: string, now: Date): Promise<number> {
    const pending = await this.db.query<{ id: string }>(
      `select id from charity_payouts where tenant_id = $1 and status = 'pending' and created_at <= $2
       order by created_at limit $3`,
      [tenantId, new Date(now.getTime() - RECONCILE_AFTER_MS), PAYOUTS_PER_RUN_MAX],
    );
    for (const { id } of pending) {
      const known = await this.deps.bank.lookup(`${tenantId}:${id}`);
      await this.complete(tenantId, id, known ?? (await this.deposit(tenantId, id)));
    }
    return pending.length;
  }

  jobs(): Job[] {
    return [
      {
        name: 'giving.charity_payouts',
        everyMs: 60 * 60_000,
        run: ({ tenantId, now }) => this.run(tenantId, now),
      },
    ];
  }
}
