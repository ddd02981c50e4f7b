import type { Migration } from '../../db/migrate.js';

/** Balance refunds (환불) back to the member's bank account; the money is held in the ledger until the bank pays. */
export const refundMigrations: Migration[] = [
  {
    version: 760,
    name: 'balance refunds',
    sql: `
      create table balance_refunds (
        tenant_id text not null references tenants (id),
        id text not null,
        member_id text not null,
        idempotency_key text not null,
        amount_won bigint not null check (amount_won > 0),
        rule jsonb not null,
        status text not null check (status in ('pending', 'paid', 'failed')),
        bank_transaction_id text,
        failure_code text,
        created_at timestamptz not null,
        completed_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, member_id, idempotency_key)
      );
      create index balance_refunds_pending on balance_refunds (tenant_id, created_at) where status = 'pending';`,
  },
];
