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
  {
    // These two columns were first added by the platform-admin module's migration 1400; databases
    // migrated before this one already have them, hence `if not exists`.
    version: 101,
    name: "tenants' English name and the preset installed",
    sql: `
      alter table tenants add column if not exists name_en text;
      alter table tenants add column if not exists preset text;`,
  },
  {
    // A city a platform administrator is creating is written in several transactions (its preset's
    // installers and its first operator's sign-up each commit their own): until the last one it is
    // not live, and no request, job or listing sees it.
    version: 102,
    name: 'tenants: live once created in full',
    sql: 'alter table tenants add column live boolean not null default true;',
  },
];
