import type { Migration } from '../../db/migrate.js';

export const auditTrailMigrations: Migration[] = [
  {
    version: 250,
    name: 'operator audit trail',
    sql: `
      create table operator_actions (
        tenant_id text not null references tenants (id),
        seq bigint generated always as identity,
        at timestamptz not null,
        actor_user_id text not null,
        action text not null,
        subject_type text not null,
        subject_id text not null,
        details jsonb not null default '{}',
        primary key (tenant_id, seq)
      );
      create trigger operator_actions_append_only before update or delete on operator_actions
        for each row execute function ledger_refuse_change();`,
  },
];
