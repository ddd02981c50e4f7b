import type { Migration } from '../../db/migrate.js';

/**
 * Public books: signed checkpoints of the journal. public_book_nodes keeps every perfect subtree
 * hash of the tenant's one growing RFC 6962 tree, 1024 per row and level, so a proof reads a few
 * dozen hashes (1202: from level 8 up only); public_book_blocks maps blocks of 256 leaves to the
 * ledger's commit numbers.
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
  {
    version: 1202,
    name: 'public books: stored levels and leaf blocks',
    // Sealing a million transfers wrote every leaf and low node; now only subtrees of BLOCK_LEAVES
    // leaves and up are kept, and a proof rehashes its block (one page of the journal). A block is
    // found by the commit number of its first leaf. See public-books-service.ts.
    sql: `
      create table public_book_blocks (
        tenant_id text not null,
        block bigint not null,
        first_commit_seq bigint not null,
        primary key (tenant_id, block)
      );
      create unique index public_book_blocks_first on public_book_blocks (tenant_id, first_commit_seq);
      insert into public_book_blocks (tenant_id, block, first_commit_seq)
        select s.tenant_id, (s.chunk * 1024 + u.ord - 1) / 256, u.seq
        from public_book_leaf_seqs s cross join lateral unnest(s.commit_seqs) with ordinality as u (seq, ord)
        where (s.chunk * 1024 + u.ord - 1) % 256 = 0;
      drop table public_book_leaf_seqs;
      delete from public_book_nodes where level < 8;
    `,
  },
  {
    version: 3101,
    name: 'public books: the journal integrated continuously',
    // The integrator (integrator.ts) folds each committed transfer into the tree as the journal grows:
    // its leaf hash, the perfect subtrees from level 4 up (public_book_nodes) and a cursor, in one
    // transaction per page. Sealing then only signs the integrated tree. Leaf hashes need the leaf
    // encoding (Node code), so this migration cannot fill them: the integrator starts from leaf 0 on
    // its first run and rebuilds every node, which is why the nodes sealed by earlier versions are
    // removed here (all derived from the journal, which stays the source of truth).
    sql: `
      create table public_book_leaves (
        tenant_id text not null,
        leaf_index bigint not null,
        commit_seq bigint not null,
        leaf_hash bytea not null,
        primary key (tenant_id, leaf_index)
      );
      create unique index public_book_leaves_commit on public_book_leaves (tenant_id, commit_seq);

      create table public_book_integration (
        tenant_id text primary key references tenants (id),
        tree_size bigint not null,
        through_commit_seq bigint not null,
        last_transfer_id text,
        frontier jsonb not null,
        tally jsonb
      );

      delete from public_book_nodes;
      drop table public_book_blocks;
    `,
  },
];
