import type { Sql } from '../../db/database.js';
import type { AccountState } from './batch.js';
import type { Account } from './types.js';

/**
 * Accounts a transaction has locked through the ledger (a payment batch's members), handed back to
 * `postTransfersOfTenants` in the same transaction so that it neither locks nor reads them again
 * while it holds the accounts other batches wait for (docs/engine.md, "Session 17"). The states are
 * the rows as locked; nothing but the ledger's write changes a ledger account, so they are current
 * until a batch uses them, and a batch may use them once (afterwards its own write has moved on).
 */
export class HeldAccounts {
  readonly #tx: Sql;
  /** City → account id → state as locked. */
  readonly #states: Map<string, Map<string, AccountState>>;
  #taken = false;

  constructor(
    tx: Sql,
    readonly accounts: readonly Account[],
    states: ReadonlyArray<{ tenantId: string; state: AccountState }>,
  ) {
    this.#tx = tx;
    this.#states = new Map();
    for (const { tenantId, state } of states) {
      const tenantStates = this.#states.get(tenantId) ?? new Map<string, AccountState>();
      tenantStates.set(state.id, state);
      this.#states.set(tenantId, tenantStates);
    }
  }

  /** For the ledger's batch: the states, once, in the transaction that locked them. */
  take(tx: Sql): Map<string, Map<string, AccountState>> {
    if (tx !== this.#tx) throw new Error('held accounts belong to another transaction');
    if (this.#taken) throw new Error('held accounts were already used by a ledger batch');
    this.#taken = true;
    return this.#states;
  }
}
