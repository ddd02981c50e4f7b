import type { Migration } from '../../db/migrate.js';
import { COMMIT_ORDER_LOCK_KEY } from './commit-order.js';

/**
 * Journal = ledger_transfers + ledger_entries: insert-only, enforced by triggers.
 * ledger_accounts holds balances maintained in the same transaction as the journal (O(1) reads),
 * and the head of each account's hash chain; `hanbat audit` proves both against the journal.
 * ledger_open_holds is derived state (open pending transfers) so expiry scans stay O(open holds).
 */
export const ledgerMigrations: Migration[] = [
  {
    version: 200,
    name: 'ledger',
    sql: `
      create table ledger_accounts (
        tenant_id text not null references tenants (id),
        id text not null,
        kind text not null,
        owner_id text,
        currency_code text not null,
        allow_negative boolean not null default false,
        metadata jsonb not null default '{}',
        created_at timestamptz not null,
        closed_at timestamptz,
        posted_won bigint not null default 0,
        pending_debit_won bigint not null default 0,
        pending_credit_won bigint not null default 0,
        entry_count bigint not null default 0,
        head_hash text not null,
        primary key (tenant_id, id),
        check (pending_debit_won >= 0 and pending_credit_won >= 0),
        check (allow_negative or posted_won - pending_debit_won >= 0)
      );
      create index ledger_accounts_owner on ledger_accounts (tenant_id, owner_id);

      create table ledger_transfers (
        tenant_id text not null references tenants (id),
        id text not null,
        action text not null check (action in ('transfer', 'pending', 'post_pending', 'void_pending', 'expire_pending')),
        code text not null,
        pending_id text,
        corrects_id text,
        timeout_at timestamptz,
        metadata jsonb not null default '{}',
        request_hash text not null,
        content_hash text not null,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        foreign key (tenant_id, pending_id) references ledger_transfers (tenant_id, id),
        foreign key (tenant_id, corrects_id) references ledger_transfers (tenant_id, id)
      );
      create unique index ledger_transfers_one_resolution on ledger_transfers (tenant_id, pending_id)
        where pending_id is not null;
      create index ledger_transfers_corrects on ledger_transfers (tenant_id, corrects_id) where corrects_id is not null;

      create table ledger_entries (
        tenant_id text not null,
        account_id text not null,
        seq bigint not null,
        transfer_id text not null,
        posted_delta_won bigint not null,
        pending_debit_delta_won bigint not null,
        pending_credit_delta_won bigint not null,
        hash text not null,
        primary key (tenant_id, account_id, seq),
        foreign key (tenant_id, account_id) references ledger_accounts (tenant_id, id),
        foreign key (tenant_id, transfer_id) references ledger_transfers (tenant_id, id)
      );
      create index ledger_entries_transfer on ledger_entries (tenant_id, transfer_id);

      create table ledger_open_holds (
        tenant_id text not null,
        transfer_id text not null,
        timeout_at timestamptz not null,
        primary key (tenant_id, transfer_id),
        foreign key (tenant_id, transfer_id) references ledger_transfers (tenant_id, id)
      );
      create index ledger_open_holds_timeout on ledger_open_holds (tenant_id, timeout_at);

      create function ledger_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'the ledger journal is append-only: % on % refused', tg_op, tg_table_name
          using errcode = 'HB001';
      end $$;
      create trigger ledger_transfers_append_only before update or delete on ledger_transfers
        for each row execute function ledger_refuse_change();
      create trigger ledger_transfers_no_truncate before truncate on ledger_transfers
        for each statement execute function ledger_refuse_change();
      create trigger ledger_entries_append_only before update or delete on ledger_entries
        for each row execute function ledger_refuse_change();
      create trigger ledger_entries_no_truncate before truncate on ledger_entries
        for each statement execute function ledger_refuse_change();
    `,
  },
  {
    version: 201,
    name: 'journal without per-row foreign keys',
    // Each foreign key costs an index probe and a key-share row lock per entry, and the one tenants
    // row was locked by every batch. Entries are written only by the ledger, from accounts it has
    // just locked in the same tenant; the audit's journal_references check proves the references.
    sql: `
      alter table ledger_entries drop constraint ledger_entries_tenant_id_account_id_fkey;
      alter table ledger_entries drop constraint ledger_entries_tenant_id_transfer_id_fkey;
      alter table ledger_transfers drop constraint ledger_transfers_tenant_id_fkey;
    `,
  },
  {
    version: 1200,
    name: 'journal commit order',
    // Public checkpoints seal transfers in commit order. Each transfer takes a number from a sequence
    // when inserted; numbers are taken in insert order, not commit order, so every insert statement
    // first takes a shared advisory lock (one statement-level trigger per batch, no per-row cost) and
    // the sealer takes it exclusively for an instant: once granted, every number handed out before it
    // belongs to a finished transaction, so the sealed prefix can never gain a row. See commit-order.ts.
    sql: `
      alter table ledger_transfers add column commit_seq bigint;
      create sequence ledger_commit_seq;
      alter table ledger_transfers disable trigger ledger_transfers_append_only;
      update ledger_transfers t set commit_seq = ordered.seq
        from (select tenant_id, id, row_number() over (order by created_at, tenant_id, id) as seq from ledger_transfers) ordered
        where t.tenant_id = ordered.tenant_id and t.id = ordered.id;
      alter table ledger_transfers enable trigger ledger_transfers_append_only;
      select setval('ledger_commit_seq', coalesce(max(commit_seq), 0) + 1, false) from ledger_transfers;
      alter table ledger_transfers alter column commit_seq set default nextval('ledger_commit_seq');
      alter table ledger_transfers alter column commit_seq set not null;
      create unique index ledger_transfers_commit_seq on ledger_transfers (tenant_id, commit_seq);
      create function ledger_commit_order_share() returns trigger language plpgsql as $$
      begin
        perform pg_advisory_xact_lock_shared(${COMMIT_ORDER_LOCK_KEY});
        return null;
      end $$;
      create trigger ledger_transfers_commit_order before insert on ledger_transfers
        for each statement execute function ledger_commit_order_share();
    `,
  },
  {
    version: 3100,
    name: 'journal entries in commit order',
    // A sealer read a million transfers' entries with one index probe each (ledger_entries_transfer,
    // in id order, not commit order): most of a 1M seal. Each entry now carries its transfer's commit
    // number, written by the same insert (writeBatch), so a range of commit order is one index range.
    // The trigger fills the number only for an insert that left it out (scripts, tests); the write
    // path gives it, so the trigger's function never runs there. The audit checks every entry's number.
    sql: `
      alter table ledger_entries add column commit_seq bigint;
      alter table ledger_entries disable trigger ledger_entries_append_only;
      update ledger_entries e set commit_seq = t.commit_seq
        from ledger_transfers t where t.tenant_id = e.tenant_id and t.id = e.transfer_id;
      alter table ledger_entries enable trigger ledger_entries_append_only;
      alter table ledger_entries alter column commit_seq set not null;
      create index ledger_entries_commit_order on ledger_entries (tenant_id, commit_seq);
      create function ledger_entry_commit_seq() returns trigger language plpgsql as $$
      begin
        select commit_seq into new.commit_seq from ledger_transfers
          where tenant_id = new.tenant_id and id = new.transfer_id;
        return new;
      end $$;
      create trigger ledger_entries_commit_seq before insert on ledger_entries
        for each row when (new.commit_seq is null) execute function ledger_entry_commit_seq();
    `,
  },
  {
    version: 3102,
    name: 'account rows leave room on their pages for their next versions',
    // Every payment rewrites the balances of its member's, its shop's and its city's pot accounts.
    // An update stays on its page (a heap-only tuple: no new entry in either index, nothing for
    // vacuum to clean there) only when the page has room; with full pages ~4% of these updates went
    // to other pages, with room ~0.5%. Two paired in-process runs did not show it in throughput
    // (+3.7% and -2.2%, docs/engine.md "Session 17"): kept for the indexes' long-run bloat under
    // a city's year of updates, not for speed. Pages written from now on.
    sql: 'alter table ledger_accounts set (fillfactor = 70);',
  },
  {
    version: 3103,
    name: "a transfer's entries found by its commit number, not by a second index on its id",
    // Every entry carries its transfer's commit number (migration 3100, proven by the audit), and
    // ledger_entries_commit_order finds a transfer's entries by it. The index on the transfer's id
    // was a third key entry per journal row, at a random leaf (payment ids are random): paired
    // in-process rounds without it, +15% payments a second (docs/engine.md, "Session 23").
    sql: 'drop index ledger_entries_transfer;',
  },
];
