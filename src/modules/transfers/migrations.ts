import type { Migration } from '../../db/migrate.js';

/** Member-to-member transfers (송금); the money itself is a two-phase hold in the ledger. */
export const transferMigrations: Migration[] = [
  {
    version: 750,
    name: 'member transfers',
    sql: `
      create table member_transfers (
        tenant_id text not null references tenants (id),
        id text not null,
        sender_id text not null,
        recipient_id text not null,
        amount_won bigint not null check (amount_won > 0),
        message text not null default '',
        status text not null check (status in ('pending', 'accepted', 'declined', 'cancelled', 'expired')),
        local_date text not null,
        month text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        resolved_at timestamptz,
        primary key (tenant_id, id),
        check (sender_id <> recipient_id)
      );
      create index member_transfers_sender on member_transfers (tenant_id, sender_id, created_at desc);
      create index member_transfers_recipient on member_transfers (tenant_id, recipient_id, created_at desc);
      create index member_transfers_pending on member_transfers (tenant_id, expires_at) where status = 'pending';`,
  },
];
