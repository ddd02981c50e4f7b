import { reconciliationJobs } from './modules/bank/reconciliation.js';
import type { Platform } from './platform.js';

const EXPIRY_BATCH_MAX = 1000;

/** Every scheduled job of the platform, in one place; each module's job lives in its module. */
export function registerJobs(platform: Platform): void {
  platform.scheduler.register({
    name: 'ledger.expire_pending',
    everyMs: 60_000,
    run: async ({ tenantId }) => {
      const expired = await platform.ledger.expirePending(tenantId, EXPIRY_BATCH_MAX);
      return { processed: expired, more: expired === EXPIRY_BATCH_MAX };
    },
  });
  for (const job of [
    ...platform.transfers.jobs(),
    ...platform.refunds.jobs(),
    ...platform.programs.jobs(),
    ...platform.settlement.jobs(),
    ...platform.giving.jobs(),
    ...platform.merchantFunds.jobs(),
    ...platform.publicBooks.jobs(),
    ...reconciliationJobs(platform),
    platform.analytics.job(),
    platform.fraud.job(),
    ...platform.commerce.orders.jobs(),
  ])
    platform.scheduler.register(job);
}
