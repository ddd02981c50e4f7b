import type { Migration } from '../../db/migrate.js';

/**
 * charges: each request to move money in from the bank. member_monthly_usage: derived counters for
 * the monthly caps, kept in the same transaction as the money (pending charges count, so two
 * concurrent charges cannot both pass the cap). member_activity: the member's history, appended by
 * every module that moves a member's money.
 */
export const walletMigrations: Migration[] = [
  {
    version: 700,
    name: 'charges, monthly usage, member activity',
    sql: `
      create table charges (
        tenant_id text not null references tenants (id),
        id text not null,
        member_id text not null,
        idempotency_key text not null,
        amount_won bigint not null check (amount_won > 0),
        month text not null,
        status text not null check (status in ('pending', 'succeeded', 'failed')),
        bank_transaction_id text,
        failure_code text,
        failure_message text,
        created_at timestamptz not null,
        completed_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, member_id, idempotency_key)
      );
      create index charges_pending on charges (tenant_id, created_at) where status = 'pending';

      create table member_monthly_usage (
        tenant_id text not null references tenants (id),
        member_id text not null,
        month text not null,
        charged_won bigint not null default 0 check (charged_won >= 0),
        eligible_spend_won bigint not null default 0 check (eligible_spend_won >= 0),
        cashback_won bigint not null default 0 check (cashback_won >= 0),
        primary key (tenant_id, member_id, month)
      );

      create table member_activity (
        tenant_id text not null references tenants (id),
        member_id text not null,
        seq bigint generated always as identity,
        at timestamptz not null,
        type text not null,
        month text not null,
        amount_won bigint not null,
        reference_id text not null,
        merchant_id text,
        details jsonb not null default '{}',
        primary key (tenant_id, member_id, seq)
      );`,
  },
  {
    version: 701,
    name: 'auto-charge settings',
    sql: `
      create table auto_charge_settings (
        tenant_id text not null references tenants (id),
        member_id text not null,
        enabled boolean not null,
        amount_won bigint not null check (amount_won > 0),
        updated_at timestamptz not null,
        primary key (tenant_id, member_id)
      );`,
  },
  {
    version: 702,
    name: 'member_activity without the tenant foreign key',
    // Every insert took a key-share lock on the one tenants row, from every payment batch at once.
    // The tenant is proven by the member whose accounts the same transaction locked.
    sql: 'alter table member_activity drop constraint member_activity_tenant_id_fkey;',
  },
  {
    version: 703,
    name: 'member_monthly_usage without the tenant foreign key',
    // A payment batch updates each member's row twice (the lock, then the spending), and PostgreSQL
    // checks a foreign key again on a row its own transaction wrote: a key-share lock on the city's
    // tenants row per member per batch, a multixact each when the next batch takes the same rows. The
    // city is proven by the member whose accounts the same transaction locked.
    sql: 'alter table member_monthly_usage drop constraint member_monthly_usage_tenant_id_fkey;',
  },
  {
    version: 704,
    name: 'monthly usage rows leave room on their pages for their next versions',
    // Every payment updates its member's row of the month; with room on the page the new version
    // stays there (no index entry, nothing to vacuum there). As ledger_accounts (ledger migration 3102).
    sql: 'alter table member_monthly_usage set (fillfactor = 70);',
  },
  {
    version: 705,
    name: 'activity details kept as written (json), not re-encoded (jsonb)',
    // A payment's line (~400 bytes: the merchant, source of funds, cashback rules) is written on the
    // payment batch's path and only ever read back whole: jsonb's re-encoding was CPU for nothing
    // (as payments' columns, migration 803).
    sql: `alter table member_activity alter column details type json using details::json,
            alter column details set default '{}'::json;`,
  },
  {
    version: 706,
    name: 'cashback a member repaid in cash',
    // A cancellation claws back cashback the member already spent from their cash; when the payment
    // that spent it is cancelled later, that much of its cashback comes back as cash (usage.ts).
    sql: `create table member_cashback_repaid (
            tenant_id text not null,
            member_id text not null,
            cash_repaid_won bigint not null default 0 check (cash_repaid_won >= 0),
            primary key (tenant_id, member_id)
          );`,
  },
  {
    version: 707,
    name: 'eligible spending the budget paid no cashback on',
    // The month's eligible spending stays whole (동네사랑기부제 gives on it); the part whose cashback an
    // empty or short budget did not pay does not use up the member's cashback allowance (usage.ts).
    sql: `alter table member_monthly_usage
            add column unearned_spend_won bigint not null default 0 check (unearned_spend_won >= 0);`,
  },
];
