import { ledgerMigrations } from '../modules/ledger/migrations.js';
import { tenantMigrations } from '../modules/tenants/migrations.js';
import type { Migration } from './migrate.js';

/** Every module's migrations, in version order. A module adds its list here. */
export const allMigrations: Migration[] = [...tenantMigrations, ...ledgerMigrations].sort(
  (a, b) => a.version - b.version,
);
