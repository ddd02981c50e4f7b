import type { Migration } from '../../db/migrate.js';

/**
 * Settlement (정산) records. The money is in the ledger (fee transfers, payout holds); these tables say
 * what was settled for whom and what the bank answered. One statement per merchant and business day
 * makes a repeated run pay once; at most one payout in flight per statement keeps retries single.
 */
export const settlementMigrations: Migration[] = [
  {
    version: 1000,
    name: 'settlement fee rules, runs, statements and payouts',
    sql: `
      create table settlement_fee_rules (
        tenant_id text not null references tenants (id),
        id text not null,
        rate_bp integer not null check (rate_bp between 0 and 10000),
        fee_free_annual_revenue_up_to_won bigint check (fee_free_annual_revenue_up_to_won >= 0),
        effective_from timestamptz not null,
        effective_to timestamptz,
        created_by text not null,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        unique (tenant_id, effective_from),
        check (effective_to is null or effective_to > effective_from)
      );
      create trigger settlement_fee_rules_append_only before update or delete on settlement_fee_rules
        for each row execute function ledger_refuse_change();

      create table settlement_runs (
        tenant_id text not null references tenants (id),
        business_day date not null,
        status text not null check (status in ('running', 'completed')),
        requested_by text not null,
        cursor_name text,
        cursor_id text,
        started_at timestamptz not null,
        completed_at timestamptz,
        primary key (tenant_id, business_day)
      );

      create table settlement_statements (
        tenant_id text not null references tenants (id),
        id text not null,
        merchant_id text not null,
        business_day date not null,
        period_start timestamptz not null,
        period_end timestamptz not null,
        status text not null check (status in ('paying', 'paid', 'failed', 'nothing_to_pay')),
        payments_count integer not null check (payments_count >= 0),
        gross_won bigint not null check (gross_won >= 0),
        cancellations_count integer not null check (cancellations_count >= 0),
        cancelled_won bigint not null check (cancelled_won >= 0),
        fee_rule_id text,
        fee_rate_bp integer not null check (fee_rate_bp between 0 and 10000),
        fee_won bigint not null check (fee_won >= 0),
        net_won bigint not null,
        due_won bigint not null,
        paid_won bigint not null default 0,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        primary key (tenant_id, id),
        unique (tenant_id, merchant_id, business_day),
        check (net_won = gross_won - cancelled_won - fee_won),
        check (paid_won >= 0 and paid_won <= greatest(due_won, 0)),
        check (period_end > period_start)
      );
      create index settlement_statements_by_day on settlement_statements (tenant_id, business_day, merchant_id);

      create table settlement_payouts (
        tenant_id text not null,
        id text not null,
        statement_id text not null,
        merchant_id text not null,
        receivable_account_id text not null,
        attempt integer not null check (attempt >= 1),
        amount_won bigint not null check (amount_won > 0),
        bank_code text not null,
        account_number text not null,
        status text not null check (status in ('pending', 'succeeded', 'failed')),
        hold_timeout_at timestamptz not null,
        claimed_until timestamptz,
        bank_transaction_id text,
        failure_code text,
        failure_message text,
        unknown_reason text,
        created_at timestamptz not null,
        completed_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, statement_id, attempt),
        foreign key (tenant_id, statement_id) references settlement_statements (tenant_id, id),
        check ((status = 'pending') = (completed_at is null))
      );
      create unique index settlement_payouts_one_in_flight on settlement_payouts (tenant_id, statement_id)
        where status = 'pending';
      create index settlement_payouts_in_flight on settlement_payouts (tenant_id, claimed_until)
        where status = 'pending';
      create index settlement_payouts_by_merchant on settlement_payouts (tenant_id, merchant_id, status);`,
  },
  {
    version: 1601,
    name: 'settlement: commerce commission lines on statements (issue 14)',
    sql: `alter table settlement_statements add column commerce jsonb;`,
  },
  {
    version: 1603,
    name: "settlement: a fraud hold's days get statements whose payout waits (status 'held')",
    sql: `alter table settlement_statements drop constraint settlement_statements_status_check,
      add constraint settlement_statements_status_check
        check (status in ('paying', 'paid', 'failed', 'nothing_to_pay', 'held'));`,
  },
];
