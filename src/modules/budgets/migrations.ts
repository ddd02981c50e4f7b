import type { Migration } from '../../db/migrate.js';

/**
 * The money of a pot lives in the ledger (one non-negative account per funding source), so the
 * ledger itself refuses to overspend it. budget_fundings records each funding transfer in the same
 * transaction, so "funded" and "moved to monthly pots" read without scanning a pot's cashback entries.
 * Both tables are history: rows are only added.
 */
export const budgetMigrations: Migration[] = [
  {
    version: 650,
    name: 'cashback budget pots',
    sql: `
      create table budget_pots (
        tenant_id text not null references tenants (id),
        id text not null,
        name text not null,
        period text not null check (period in ('annual', 'monthly')),
        period_from timestamptz not null,
        period_to timestamptz not null,
        national_share_bp integer not null check (national_share_bp between 0 and 10000),
        annual_pot_id text,
        created_by text not null,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        foreign key (tenant_id, annual_pot_id) references budget_pots (tenant_id, id),
        check (period_to > period_from),
        check ((period = 'monthly') = (annual_pot_id is not null))
      );
      create index budget_pots_period on budget_pots (tenant_id, period_from, period_to);
      create trigger budget_pots_append_only before update or delete on budget_pots
        for each row execute function ledger_refuse_change();

      create table budget_fundings (
        tenant_id text not null,
        transfer_id text not null,
        pot_id text not null,
        from_pot_id text,
        amount_won bigint not null check (amount_won > 0),
        created_at timestamptz not null,
        primary key (tenant_id, transfer_id),
        foreign key (tenant_id, pot_id) references budget_pots (tenant_id, id),
        foreign key (tenant_id, from_pot_id) references budget_pots (tenant_id, id),
        foreign key (tenant_id, transfer_id) references ledger_transfers (tenant_id, id)
      );
      create index budget_fundings_pot on budget_fundings (tenant_id, pot_id);
      create index budget_fundings_from_pot on budget_fundings (tenant_id, from_pot_id) where from_pot_id is not null;
      create trigger budget_fundings_append_only before update or delete on budget_fundings
        for each row execute function ledger_refuse_change();`,
  },
];
