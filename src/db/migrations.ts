import { analyticsMigrations } from '../modules/analytics/migrations.js';
import { auditTrailMigrations } from '../modules/audit-trail/migrations.js';
import { brandingMigrations } from '../modules/branding/migrations.js';
import { budgetMigrations } from '../modules/budgets/migrations.js';
import { commerceMigrations } from '../modules/commerce/migrations.js';
import { eventMigrations } from '../modules/events/migrations.js';
import { fraudMigrations } from '../modules/fraud/migrations.js';
import { givingMigrations } from '../modules/giving/migrations.js';
import { idempotencyMigrations } from '../modules/idempotency/migrations.js';
import { ledgerMigrations } from '../modules/ledger/migrations.js';
import { memberMigrations } from '../modules/members/migrations.js';
import { merchantFundMigrations } from '../modules/merchant-funds/migrations.js';
import { merchantMigrations } from '../modules/merchants/migrations.js';
import { paymentMigrations } from '../modules/payments/migrations.js';
import { platformAdminMigrations } from '../modules/platform-admin/migrations.js';
import { policyMigrations } from '../modules/policy/migrations.js';
import { programMigrations } from '../modules/programs/migrations.js';
import { publicBookMigrations } from '../modules/public-books/migrations.js';
import { referenceMigrations } from '../modules/reference/migrations.js';
import { refundMigrations } from '../modules/refunds/migrations.js';
import { schedulerMigrations } from '../modules/scheduler/migrations.js';
import { settlementMigrations } from '../modules/settlement/migrations.js';
import { tenantDirectoryMigrations } from '../modules/tenant-directory/migrations.js';
import { tenantMigrations } from '../modules/tenants/migrations.js';
import { transferMigrations } from '../modules/transfers/migrations.js';
import { walletMigrations } from '../modules/wallets/migrations.js';
import type { Migration } from './migrate.js';

/**
 * Every module's migrations, in version order. Each module owns a range of versions:
 * tenants 100s, ledger 200s, audit trail 250s, idempotency 280s, scheduler 290s, members 300s, reference 400s, merchants 500s,
 * policy 600s, budgets 650s, wallets 700s, transfers 750s, refunds 760s, payments 800s, programmes 900s, settlement 1000s.
 * Deployment safety and accounts (h10-deploy): 2000–2099.
 * Issue 10 (input hardening): 2100–2199, in the modules whose tables they change.
 * events 1100–1149, analytics 1150–1199, policy-lab changes to existing modules' tables 2300–2399.
 * giving 1300s, merchant funds 1340s, tax statements 1370s.
 * Issue 15, round 2 session 2 (funds, partners): 1340–1369 and 1700–1799.
 * public books 1200s (1200 is the ledger's commit order, in the ledger's migrations).
 * platform administrators and operations (issue 17) 1400s (branding 1410), and 2900s.
 * fraud 1500–1599 (1550: members' sign-in address salts, for fraud's shared-address signal).
 * commerce (online mall and delivery, issue 14) 1600–1699.
 * Issue 11 (apps people trust): 2200–2299 (members' payment PINs).
 * Issue 18, round 2 session 3 (public books at scale): 1203–1299, and 3100–3199 in the ledger (entries in commit order).
 * Tenant directory and clusters (issue 17, round 2 session 3): 1420–1499 and 2900–2999.
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
  ...eventMigrations,
  ...analyticsMigrations,
  ...givingMigrations,
  ...merchantFundMigrations,
  ...publicBookMigrations,
  ...platformAdminMigrations,
  ...brandingMigrations,
  ...fraudMigrations,
  ...commerceMigrations,
  ...tenantDirectoryMigrations,
].sort((a, b) => a.version - b.version);
