import { auditTrailMigrations } from '../modules/audit-trail/migrations.js';
import { budgetMigrations } from '../modules/budgets/migrations.js';
import { idempotencyMigrations } from '../modules/idempotency/migrations.js';
import { ledgerMigrations } from '../modules/ledger/migrations.js';
import { memberMigrations } from '../modules/members/migrations.js';
import { merchantMigrations } from '../modules/merchants/migrations.js';
import { paymentMigrations } from '../modules/payments/migrations.js';
import { policyMigrations } from '../modules/policy/migrations.js';
import { programMigrations } from '../modules/programs/migrations.js';
import { referenceMigrations } from '../modules/reference/migrations.js';
import { refundMigrations } from '../modules/refunds/migrations.js';
import { schedulerMigrations } from '../modules/scheduler/migrations.js';
import { settlementMigrations } from '../modules/settlement/migrations.js';
import { tenantMigrations } from '../modules/tenants/migrations.js';
import { transferMigrations } from '../modules/transfers/migrations.js';
import { walletMigrations } from '../modules/wallets/migrations.js';
import type { Migration } from './migrate.js';

/**
 * Every module's migrations, in version order. Each module owns a range of versions:
 * tenants 100s, ledger 200s, audit trail 250s, idempotency 280s, scheduler 290s, members 300s, reference 400s, merchants 500s,
 * policy 600s, budgets 650s, wallets 700s, transfers 750s, refunds 760s, payments 800s, programmes 900s, settlement 1000s.
 * Issue 11 (apps people trust): 2200–2299 (members' payment PINs).
 */
export const allMigrations: Migration[] = [
  ...tenantMigrations,
  ...ledgerMigrations,
  ...auditTrailMigrations,
  ...idempotencyMigrations,
  ...schedulerMigrations,
  ...memberMigrations,
  ...referenceMigrations,
  ...merchantMigrations,
  ...policyMigrations,
  ...budgetMigrations,
  ...walletMigrations,
  ...transferMigrations,
  ...refundMigrations,
  ...paymentMigrations,
  ...programMigrations,
  ...settlementMigrations,
].sort((a, b) => a.version - b.version);
