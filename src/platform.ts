import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { LedgerService } from './modules/ledger/ledger-service.js';
import { TenantService } from './modules/tenants/tenant-service.js';

/** The composition root: every module's service, wired once from a database and a clock. */
export interface Platform {
  config: Config;
  db: Database;
  clock: Clock;
  tenants: TenantService;
  ledger: LedgerService;
}

export function createPlatform(config: Config, db: Database, clock: Clock): Platform {
  return {
    config,
    db,
    clock,
    tenants: new TenantService(db, clock),
    ledger: new LedgerService(db, clock),
  };
}
