import type { Migration } from '../../db/migrate.js';

/**
 * Public books: signed checkpoints of the journal. public_book_nodes keeps every perfect subtree
 * hash of the tenant's one growing RFC 6962 tree, 1024 per row and level, so a proof reads a few
 * dozen hashes; public_book_leaf_seqs maps leaf positions to the ledger's commit numbers.
 * Everything here is derived from the journal and the signing key, and `hanbat audit` recomputes it.
 */
export const publicBookMigrations: Migration[] = [
  {
    version: 1201,
    name: 'public books',
    sql: `
      create table public_checkpoints (
        tenant_id text not null references tenants (id),
        sequence bigint not null,
        sealed_at timestamptz not null,
        through_commit_seq bigint not null,
        first_transfer_id text,
        last_transfer_id text,
        transfer_count bigint not null,
        tree_size bigint not null,
        root_hash text not null,
        previous_root_hash text not null,
        signature text not null,
        public_key_id text not null,
        frontier jsonb not null,
        figures jsonb not null,
        primary key (tenant_id, sequence)
      );

      create table public_book_keys (
        tenant_id text not null references tenants (id),
        key_id text not null,
        public_key text not null,
        valid_from timestamptz not null,
        valid_until timestamptz,
        primary key (tenant_id, key_id)
      );

      create table public_book_nodes (
        tenant_id text not null,
        level smallint not null,
        chunk bigint not null,
        hashes bytea not null,
        primary key (tenant_id, level, chunk)
      );

      create table public_book_leaf_seqs (
        tenant_id text not null,
        chunk bigint not null,
        first_commit_seq bigint not null,
        commit_seqs bigint[] not null,
        primary key (tenant_id, chunk)
      );
      create index public_book_leaf_seqs_first on public_book_leaf_seqs (tenant_id, first_commit_seq);
    `,
  },
];
