import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { type Guards, guards } from './http/auth.js';
import { OperatorActionLog } from './modules/audit-trail/operator-actions.js';
import { BudgetService } from './modules/budgets/budget-service.js';
import { LedgerService } from './modules/ledger/ledger-service.js';
import { MerchantService } from './modules/merchants/merchant-service.js';
import { PolicyService } from './modules/policy/policy-service.js';
import { ReferenceService } from './modules/reference/reference-service.js';
import { TenantService } from './modules/tenants/tenant-service.js';

/** The composition root: every module's service, wired once from a database and a clock. */
export interface Platform {
  config: Config;
  db: Database;
  clock: Clock;
  tenants: TenantService;
  ledger: LedgerService;
  operatorActions: OperatorActionLog;
  reference: ReferenceService;
  merchants: MerchantService;
  policy: PolicyService;
  budgets: BudgetService;
  guards: Guards;
}

export function createPlatform(config: Config, db: Database, clock: Clock): Platform {
  const ledger = new LedgerService(db, clock);
  const operatorActions = new OperatorActionLog(db, clock);
  const reference = new ReferenceService(db, clock);
  const merchants = new MerchantService(db, clock, ledger, reference, operatorActions);
  const authenticator = {
    authenticateSession: async () => null,
    authenticatePosKey: (key: string) => merchants.authenticatePosKey(key),
    ownedMerchantIds: (tenantId: string, userId: string) => merchants.ownedMerchantIds(tenantId, userId),
  };
  return {
    config,
    db,
    clock,
    tenants: new TenantService(db, clock),
    ledger,
    operatorActions,
    reference,
    merchants,
    policy: new PolicyService(db, clock, operatorActions),
    budgets: new BudgetService(db, clock, ledger, operatorActions),
    guards: guards(authenticator),
  };
}
