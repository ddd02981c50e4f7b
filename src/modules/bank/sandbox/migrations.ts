import type { Migration } from '../../../db/migrate.js';

/**
 * The sandbox bank's own database, apart from the platform's: a bank keeps its books itself.
 * transfers holds every request the bank answered, by idempotency key: applied, refused or abandoned.
 */
export const sandboxBankMigrations: Migration[] = [
  {
    version: 1,
    name: 'sandbox bank accounts and transfers',
    sql: `
      create table accounts (
        bank_code text not null,
        account_number text not null,
        balance_won bigint not null check (balance_won >= 0),
        opened_at timestamptz not null,
        closed_at timestamptz,
        primary key (bank_code, account_number)
      );

      create table transfers (
        seq bigint generated always as identity primary key,
        idempotency_key text not null unique,
        status text not null check (status in ('succeeded', 'failed', 'abandoned')),
        kind text check (kind in ('withdrawal', 'deposit')),
        bank_code text,
        account_number text,
        counter_bank_code text,
        counter_account_number text,
        amount_won bigint check (amount_won > 0),
        memo text,
        tenant_id text,
        failure_code text,
        failure_message text,
        at timestamptz not null,
        check ((status = 'abandoned') = (kind is null))
      );
      create index transfers_applied on transfers (seq) where status = 'succeeded';`,
  },
];
