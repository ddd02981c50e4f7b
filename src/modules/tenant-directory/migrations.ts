import type { Migration } from '../../db/migrate.js';

/**
 * The tenant directory (issue 17, range 1420–1499): which cluster holds each tenant. Only the home
 * cluster's copy (DATABASE_URL) is read; a tenant without a row lives on the home cluster, so a
 * single-database deployment needs no rows at all.
 */
export const tenantDirectoryMigrations: Migration[] = [
  {
    version: 1420,
    name: 'tenant directory: placements and moves',
    sql: `
      create table tenant_placements (
        tenant_id text primary key,
        cluster text not null check (cluster ~ '^[a-z][a-z0-9_-]{0,31}$'),
        state text not null check (state in ('active', 'moving')),
        updated_at timestamptz not null
      );
      create table tenant_moves (
        id bigint generated always as identity primary key,
        tenant_id text not null,
        from_cluster text not null,
        to_cluster text not null,
        started_at timestamptz not null,
        finished_at timestamptz not null,
        outcome text not null check (outcome in ('moved', 'failed')),
        report jsonb not null
      );`,
  },
];
