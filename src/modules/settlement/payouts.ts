import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { recordId } from '../../ids.js';
import type { BankAccountRef, BankOutcome } from '../bank/bank-gateway.js';
import type { TransferRequest } from '../ledger/types.js';
import { SYSTEM_ACCOUNTS } from '../wallets/wallet-service.js';
import {
  claimInFlightPayouts,
  finishPayout,
  insertPayout,
  releaseUnknownPayout,
  type StoredPayout,
  selectPayout,
  selectStatement,
  setStatementOutcome,
} from './store.js';
import type { SettlementDeps, Statement } from './types.js';

const DAY_MS = 86_400_000;
/** Long enough for a bank outage to be resolved by lookup before the ledger releases the money. */
export const PAYOUT_HOLD_MS = 7 * DAY_MS;
/** How long the process that opened a payout has to call the bank before another may take it over. */
const PAYOUT_LEASE_MS = 2 * 60_000;

/** Where a merchant is paid: its registered settlement account, else a sandbox account named after it. */
export async function payeeAccountOf(
  deps: Pick<SettlementDeps, 'merchants'>,
  tenantId: string,
  merchantId: string,
  tx: Sql,
): Promise<BankAccountRef> {
  const application = await deps.merchants.getApplication(tenantId, merchantId, tx);
  const registered = application?.settlementAccount;
  return registered
    ? { bankCode: registered.bankCode, accountNumber: registered.accountNumber }
    : { bankCode: 'SANDBOX', accountNumber: merchantId };
}

/**
 * Payouts through the bank, as steps with their compensations: (1) hold the amount in the ledger
 * (receivable → bank clearing, pending) in the caller's transaction; (2) ask the bank to deposit, keyed
 * by the payout id; (3) post the hold on success, void it on a definite failure (the money stays in the
 * receivable), keep it on an unknown outcome until `resolveInFlight` learns the answer from the bank.
 */
export class PayoutDesk {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: SettlementDeps,
  ) {}

  /** Step 1, inside the caller's transaction with the merchant's accounts locked. */
  async open(
    tx: Sql,
    statement: Statement,
    payee: { receivableAccountId: string; account: BankAccountRef },
    attempt: number,
    amountWon: number,
  ): Promise<StoredPayout> {
    if (!Number.isSafeInteger(amountWon) || amountWon <= 0)
      throw new Error(`payout of ${amountWon} won for ${statement.id}`);
    const now = this.clock.now();
    const payout: StoredPayout = {
      id: recordId('spo'),
      statementId: statement.id,
      merchantId: statement.merchantId,
      receivableAccountId: payee.receivableAccountId,
      attempt,
      amountWon,
      bankCode: payee.account.bankCode,
      accountNumber: payee.account.accountNumber,
      status: 'pending',
      holdTimeoutAt: new Date(now.getTime() + PAYOUT_HOLD_MS),
      bankTransactionId: null,
      failureCode: null,
      failureMessage: null,
      unknownReason: null,
      createdAt: now,
      completedAt: null,
    };
    await this.postOrFail(tx, statement.tenantId, {
      id: holdId(payout.id),
      action: 'pending',
      code: 'settlement_payout',
      postings: [
        { accountId: payout.receivableAccountId, amountWon: -amountWon },
        { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon },
      ],
      timeoutAt: payout.holdTimeoutAt,
      metadata: { statementId: statement.id, payoutId: payout.id, merchantId: payout.merchantId },
    });
    await insertPayout(tx, statement.tenantId, payout, new Date(now.getTime() + PAYOUT_LEASE_MS));
    return payout;
  }

  /** Steps 2 and 3 for a payout just opened by this process. */
  async send(tenantId: string, payout: StoredPayout): Promise<StoredPayout> {
    return this.complete(tenantId, payout.id, await this.deposit(tenantId, payout));
  }

  /**
   * Asks the bank what happened to in-flight payouts (a lost answer, a crash before the call) and
   * settles them. One the bank never received is sent again under the same key while its hold lasts;
   * after that it is abandoned at the bank, which refuses any copy still in flight from then on.
   */
  async resolveInFlight(tenantId: string, limit: number): Promise<{ resolved: number; more: boolean }> {
    const now = this.clock.now();
    const claimed = await claimInFlightPayouts(
      this.db,
      tenantId,
      now,
      new Date(now.getTime() + PAYOUT_LEASE_MS),
      limit,
    );
    let resolved = 0;
    for (const payout of claimed) {
      const settled = await this.complete(tenantId, payout.id, await this.recover(tenantId, payout, now));
      if (settled.status !== 'pending') resolved += 1;
    }
    return { resolved, more: claimed.length === limit };
  }

  private async recover(tenantId: string, payout: StoredPayout, now: Date): Promise<BankOutcome> {
    const known = await this.askBank(() => this.deps.bank.lookup(payout.id));
    if (known !== null) return known;
    if (payout.holdTimeoutAt.getTime() > now.getTime()) return this.deposit(tenantId, payout);
    return this.askBank(() => this.deps.bank.abandon(payout.id));
  }

  private async deposit(tenantId: string, payout: StoredPayout): Promise<BankOutcome> {
    return this.askBank(() =>
      this.deps.bank.deposit({
        idempotencyKey: payout.id,
        account: { bankCode: payout.bankCode, accountNumber: payout.accountNumber },
        amountWon: payout.amountWon,
        memo: `Hanbat settlement ${payout.statementId}`,
        tenantId,
      }),
    );
  }

  /** A gateway that throws (a bug, a dropped connection) is an unknown outcome, never a failure. */
  private async askBank<T extends BankOutcome | null>(call: () => Promise<T>): Promise<T | BankOutcome> {
    try {
      return await call();
    } catch (error) {
      return unknown(error instanceof Error ? error.message : String(error));
    }
  }

  /** Step 3, once: the payout row is locked and only a pending payout changes. */
  async complete(tenantId: string, payoutId: string, outcome: BankOutcome): Promise<StoredPayout> {
    const unlocked = await selectPayout(this.db, tenantId, payoutId);
    if (!unlocked) throw new Error(`payout ${payoutId} does not exist`);
    return transactionWithRetry(this.db, async (tx) => {
      await this.deps.ledger.lockAccounts(tx, tenantId, [
        unlocked.receivableAccountId,
        SYSTEM_ACCOUNTS.bankClearing,
      ]);
      const payout = (await selectPayout(tx, tenantId, payoutId, true)) as StoredPayout;
      if (payout.status !== 'pending') return payout;
      if (outcome.status === 'unknown') {
        await releaseUnknownPayout(tx, tenantId, payout.id, outcome.reason);
      } else if (outcome.status === 'succeeded') {
        await this.postPaid(tx, tenantId, payout);
        await finishPayout(
          tx,
          tenantId,
          payout.id,
          { status: 'succeeded', bankTransactionId: outcome.bankTransactionId },
          this.clock.now(),
        );
        await this.setStatement(tx, tenantId, payout.statementId, 'paid', payout.amountWon);
        // Last statement of the transaction: the feed's per-tenant lock is held only for the commit.
        await this.deps.events?.append(tx, tenantId, [
          {
            type: 'settlement.paid',
            subjectId: payout.id,
            occurredAt: this.clock.now(),
            payload: { payoutId: payout.id, merchantId: payout.merchantId, amountWon: payout.amountWon },
          },
        ]);
      } else {
        await this.releaseHold(tx, tenantId, payout);
        await finishPayout(
          tx,
          tenantId,
          payout.id,
          { status: 'failed', failureCode: outcome.code, failureMessage: outcome.message },
          this.clock.now(),
        );
        await this.setStatement(tx, tenantId, payout.statementId, 'failed', 0);
      }
      return (await selectPayout(tx, tenantId, payoutId)) as StoredPayout;
    });
  }

  /** Posts the hold; if it expired meanwhile (its money back in the receivable), records the payment anew. */
  private async postPaid(tx: Sql, tenantId: string, payout: StoredPayout): Promise<void> {
    const [posted] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
      { id: `${holdId(payout.id)}:post`, action: 'post_pending', pendingId: holdId(payout.id) },
    ]);
    if (posted?.ok) return;
    if (posted?.code !== 'PENDING_EXPIRED') throw ledgerRefused(payout.id, posted?.code);
    await this.postOrFail(tx, tenantId, {
      id: `${holdId(payout.id)}:late`,
      action: 'transfer',
      code: 'settlement_payout',
      postings: [
        { accountId: payout.receivableAccountId, amountWon: -payout.amountWon },
        { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: payout.amountWon },
      ],
      metadata: { statementId: payout.statementId, payoutId: payout.id, afterHoldExpired: true },
    });
  }

  /** Voids the hold; one that has expired is released by the ledger's expiry job instead. */
  private async releaseHold(tx: Sql, tenantId: string, payout: StoredPayout): Promise<void> {
    const [voided] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
      { id: `${holdId(payout.id)}:void`, action: 'void_pending', pendingId: holdId(payout.id) },
    ]);
    if (!voided?.ok && voided?.code !== 'PENDING_EXPIRED') throw ledgerRefused(payout.id, voided?.code);
  }

  private async setStatement(
    tx: Sql,
    tenantId: string,
    statementId: string,
    status: 'paid' | 'failed',
    paidDeltaWon: number,
  ): Promise<void> {
    const statement = await selectStatement(tx, tenantId, statementId, true);
    if (!statement) throw new Error(`statement ${statementId} of a payout does not exist`);
    await setStatementOutcome(tx, tenantId, statementId, status, paidDeltaWon, this.clock.now());
  }

  private async postOrFail(tx: Sql, tenantId: string, request: TransferRequest): Promise<void> {
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [request]);
    if (!result?.ok) throw ledgerRefused(request.id, result?.code);
  }
}

function unknown(reason: string): BankOutcome {
  return { status: 'unknown', reason };
}

function holdId(payoutId: string): string {
  return `settlement:${payoutId}`;
}

/** Every amount was computed under lock in the same transaction: a refusal is a bug, not a user error. */
function ledgerRefused(id: string, code: string | undefined): Error {
  return new Error(`ledger refused settlement transfer ${id}: ${code ?? 'no result'}`);
}
