import type { Migration } from '../../db/migrate.js';

export const tenantMigrations: Migration[] = [
  {
    version: 100,
    name: 'tenants',
    sql: `
      create table tenants (
        id text primary key check (id ~ '^[a-z][a-z0-9_-]{1,31}$'),
        name text not null,
        currency_code text not null,
        time_zone text not null default 'Asia/Seoul',
        created_at timestamptz not null
      );`,
  },
];
