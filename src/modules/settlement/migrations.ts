import type { Migration } from '../../db/migrate.js';

export const settlementMigrations: Migration[] = [];
