import type { Migration } from '../../db/migrate.js';

export const schedulerMigrations: Migration[] = [
  {
    version: 290,
    name: 'job schedule',
    sql: `
      create table scheduled_jobs (
        tenant_id text not null references tenants (id),
        name text not null,
        next_run_at timestamptz not null,
        leased_until timestamptz,
        leased_by text,
        last_started_at timestamptz,
        last_finished_at timestamptz,
        last_outcome jsonb,
        run_count bigint not null default 0,
        primary key (tenant_id, name)
      );`,
  },
];
