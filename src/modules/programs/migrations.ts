import type { Migration } from '../../db/migrate.js';

/**
 * Policy programmes and their recipients. The money is in the ledger (the programme's pool and one
 * grant account per recipient); these rows say who is owed what and what has been paid, and the
 * counters repeat the ledger's totals so progress reads in O(1). The checks repeat the invariants.
 */
export const programMigrations: Migration[] = [
  {
    version: 900,
    name: 'policy programmes and recipients',
    sql: `
      create table programs (
        tenant_id text not null references tenants (id),
        id text not null check (id ~ '^prg_[A-Za-z0-9_-]{8,40}$'),
        name text not null check (char_length(name) between 1 and 100),
        budget_won bigint not null check (budget_won > 0),
        national_share_bp integer not null check (national_share_bp between 0 and 10000),
        recipient_amount_won bigint check (recipient_amount_won > 0),
        recipient_amount_max_won bigint not null check (recipient_amount_max_won > 0),
        usable_from timestamptz not null,
        expires_at timestamptz not null,
        allowed_industries jsonb not null,
        allowed_districts jsonb not null,
        requires_application boolean not null,
        created_by text not null,
        created_at timestamptz not null,
        recipient_count integer not null default 0,
        recipient_won bigint not null default 0,
        disbursed_count integer not null default 0,
        disbursed_won bigint not null default 0,
        reclaimed_won bigint not null default 0,
        disbursement_status text not null default 'not_requested'
          check (disbursement_status in ('not_requested', 'running', 'completed', 'stopped_at_expiry')),
        disbursement_requested_by text,
        disbursement_requested_at timestamptz,
        disbursement_finished_at timestamptz,
        disbursement_error text,
        reclaim_cursor text,
        reclaim_next_at timestamptz,
        reclaim_completed_at timestamptz,
        primary key (tenant_id, id),
        check (usable_from < expires_at),
        check (recipient_amount_won is null or recipient_amount_won <= recipient_amount_max_won),
        check (recipient_won <= budget_won),
        check (disbursed_count between 0 and recipient_count),
        check (disbursed_won between 0 and recipient_won),
        check (reclaimed_won between 0 and disbursed_won)
      );
      create index programs_by_created on programs (tenant_id, created_at desc, id desc);
      create index programs_running on programs (tenant_id) where disbursement_status = 'running';
      create index programs_by_expiry on programs (tenant_id, expires_at);

      create table program_recipients (
        tenant_id text not null,
        program_id text not null,
        member_id text not null,
        amount_won bigint not null check (amount_won > 0),
        line integer not null check (line > 0),
        imported_at timestamptz not null,
        applied_at timestamptz,
        disbursed_at timestamptz,
        reclaimed_won bigint not null default 0 check (reclaimed_won between 0 and amount_won),
        reclaim_count integer not null default 0,
        primary key (tenant_id, program_id, member_id),
        foreign key (tenant_id, program_id) references programs (tenant_id, id),
        check (disbursed_at is not null or reclaimed_won = 0)
      );
      create index program_recipients_undisbursed on program_recipients (tenant_id, program_id, member_id)
        where disbursed_at is null;
      create index program_recipients_by_member on program_recipients (tenant_id, member_id);`,
  },
  {
    version: 2150,
    name: 'programme recipients a disbursement set aside, so one refused row never stalls a run',
    sql: `
      alter table program_recipients add column disburse_failed_at timestamptz;
      alter table program_recipients add column disburse_failure text;`,
  },
  {
    version: 2151,
    name: 'programmes whose grants recipients may give to charity',
    // Giving offered 'grant' as a source, but no programme could say its grants may be given.
    sql: 'alter table programs add column donation_allowed boolean not null default false;',
  },
];
