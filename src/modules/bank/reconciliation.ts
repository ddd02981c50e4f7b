import type { Job, JobOutcome } from '../scheduler/scheduler.js';
import type { Charge } from '../wallets/types.js';
import type { WalletService } from '../wallets/wallet-service.js';
import type { BankGateway, BankOutcome } from './bank-gateway.js';

export interface ReconciliationLimits {
  /**
   * A charge younger than this most likely still has its bank call in flight (HttpBankGateway.callMsMax
   * is 19 s with the defaults), so asking about it would be wasted; asking early is harmless, though,
   * since only an abandon ends a charge the bank has no record of.
   */
  graceMs: number;
  /** A charge the bank has not applied by this age is abandoned at the bank and failed here. */
  giveUpMs: number;
  batchMax: number;
}

export const RECONCILIATION_LIMITS: ReconciliationLimits = {
  graceMs: 30_000,
  giveUpMs: 10 * 60_000,
  batchMax: 100,
};

const RECONCILE_EVERY_MS = 30_000;

export interface ReconciliationDeps {
  wallets: Pick<WalletService, 'pendingCharges' | 'completeCharge'>;
  bank: BankGateway;
}

/** The bank module's scheduled jobs; `registerJobs` registers them. */
export function reconciliationJobs(deps: ReconciliationDeps): Job[] {
  return [
    {
      name: 'bank.reconcile_charges',
      everyMs: RECONCILE_EVERY_MS,
      run: ({ tenantId, now }) => reconcileCharges(deps, tenantId, now),
    },
  ];
}

interface Tally {
  succeeded: number;
  failed: number;
  waiting: number;
  bankUnreachable: boolean;
}

/**
 * Settles charges left pending by an unknown bank outcome, oldest first, from what the bank itself
 * says: money is issued only on the bank's confirmation, and `completeCharge` applies an outcome
 * once however many processes or callbacks race it. Past the give-up age the key is abandoned at the
 * bank, which answers the applied outcome if there is one and otherwise refuses every later copy,
 * so a failed charge can never be debited afterwards.
 */
export async function reconcileCharges(
  deps: ReconciliationDeps,
  tenantId: string,
  now: Date,
  limits: ReconciliationLimits = RECONCILIATION_LIMITS,
): Promise<JobOutcome> {
  const olderThan = new Date(now.getTime() - limits.graceMs);
  const charges = await deps.wallets.pendingCharges(tenantId, olderThan, limits.batchMax);
  const tally: Tally = { succeeded: 0, failed: 0, waiting: 0, bankUnreachable: false };
  for (const charge of charges) {
    const outcome = await askBank(deps.bank, charge, now, limits);
    if (outcome?.status === 'unknown') {
      // One unanswered question means the bank is down: the rest would wait out their timeouts too.
      tally.bankUnreachable = true;
      break;
    }
    if (!outcome) {
      tally.waiting += 1;
      continue;
    }
    const completed = await deps.wallets.completeCharge(tenantId, charge.id, outcome);
    if (completed.status === 'succeeded') tally.succeeded += 1;
    if (completed.status === 'failed') tally.failed += 1;
  }
  const processed = tally.succeeded + tally.failed;
  return {
    processed,
    // Only a full batch that made progress runs again at once; waiting charges wait for the next run.
    more: charges.length >= limits.batchMax && processed > 0 && !tally.bankUnreachable,
    details: { ...tally },
  };
}

function askBank(
  bank: BankGateway,
  charge: Charge,
  now: Date,
  limits: ReconciliationLimits,
): Promise<BankOutcome | null> {
  const ageMs = now.getTime() - charge.createdAt.getTime();
  return ageMs >= limits.giveUpMs ? bank.abandon(charge.id) : bank.lookup(charge.id);
}
