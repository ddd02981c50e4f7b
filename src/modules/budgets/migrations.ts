import type { Migration } from '../../db/migrate.js';

export const budgetMigrations: Migration[] = [];
