import type { Migration } from '../../db/migrate.js';
import { NEXT_HISTORY_SEQ_SQL } from '../wallets/member-history.js';

/** Operational records of payments; the money itself is in the ledger, referenced by transfer id. */
export const paymentMigrations: Migration[] = [
  {
    version: 800,
    name: 'payments, cancellations, one-time payment codes',
    sql: `
      create table payments (
        tenant_id text not null references tenants (id),
        id text not null,
        member_id text not null,
        merchant_id text not null,
        channel text not null check (channel in ('merchant_presented', 'customer_presented')),
        amount_won bigint not null check (amount_won > 0),
        paid_from jsonb not null,
        eligible_won bigint not null,
        cashback_won bigint not null,
        cashback jsonb not null,
        month text not null,
        cancelled_won bigint not null default 0,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        check (cancelled_won between 0 and amount_won)
      );
      create index payments_by_merchant on payments (tenant_id, merchant_id, created_at desc);
      create index payments_by_member on payments (tenant_id, member_id, created_at desc);

      create table payment_cancellations (
        tenant_id text not null,
        id text not null,
        payment_id text not null,
        amount_won bigint not null check (amount_won > 0),
        breakdown jsonb not null,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        foreign key (tenant_id, payment_id) references payments (tenant_id, id)
      );

      create table payment_codes (
        code_hash text primary key,
        tenant_id text not null references tenants (id),
        member_id text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        used_at timestamptz,
        payment_id text
      );
      create index payment_codes_expiry on payment_codes (expires_at);`,
  },
  {
    version: 801,
    name: 'payment cancellations by time (settlement reads them per business day)',
    sql: 'create index payment_cancellations_by_time on payment_cancellations (tenant_id, created_at);',
  },
  {
    version: 802,
    name: 'payments without the tenant foreign key',
    // Every insert took a key-share lock on the one tenants row, from every payment batch at once.
    // The tenant is proven by its member and merchant, both read in the same tenant.
    sql: 'alter table payments drop constraint payments_tenant_id_fkey;',
  },
  {
    version: 803,
    name: "payments' source of funds and cashback kept as written (json), not re-encoded (jsonb)",
    // Every payment writes both (~500 bytes); jsonb's binary re-encoding cost PostgreSQL ~15 µs of
    // CPU a KB more than json's syntax check (docs/engine.md, "Session 18"). Readers take them whole
    // or by ->> (which json has too); nothing indexes or compares them.
    sql: `alter table payments alter column paid_from type json using paid_from::json,
            alter column cashback type json using cashback::json;`,
  },
  {
    version: 804,
    name: 'a batched payment keeps its own idempotency key and what its receipt needs beyond the row',
    // The receipt a replay returns is rebuilt from the payment's row: it stores the key, the request's
    // hash and the receipt's context (merchant name, wallet after, auto-charge), ~300 bytes, instead
    // of a second row in idempotency_keys with the whole receipt (~800 bytes and its own index entry;
    // docs/engine.md, "Session 21"). Older payments' responses stay in idempotency_keys and replay
    // from there.
    sql: `alter table payments add column principal_id text, add column idempotency_key text,
            add column request_hash text, add column receipt_context json;
          create unique index payments_by_idempotency_key on payments (tenant_id, principal_id, idempotency_key)
            where idempotency_key is not null;`,
  },
  {
    version: 805,
    name: "a payment is its own line in the member's history",
    // The history line of a payment was a member_activity row (a tuple and a key entry a payment;
    // without it, +8.7% payments a second in paired rounds: docs/engine.md, "Session 23"). Now the payment row takes its place
    // in the history from the history's own sequence (wallets' member_activity.seq) and the history
    // reads it from here. Payments stored before keep their lines in member_activity and no place
    // here (null), so no line shows twice. The member index is keyed by that place: the history pages
    // through it, and a member's other lookups (the refund rule's sums) still find their rows by it.
    // The place is the column's default, added after the column so that older rows keep none; as a
    // default it also tells a tenant's move (copy-tenant.ts) to carry the sequence past the copied places.
    sql: `alter table payments add column history_seq bigint;
          alter table payments alter column history_seq set default ${NEXT_HISTORY_SEQ_SQL};
          create index payments_by_member_history on payments (tenant_id, member_id, history_seq);
          drop index payments_by_member;`,
  },
  {
    version: 806,
    name: 'a payment row holds what its payment.made event says beyond it',
    // The feed no longer stores a payment's event apart from its row: the payments module gives the
    // event back from the row (feed-source.ts). The row therefore keeps the three facts the event
    // carries that the payment does not: the member's eligible spending of the month before it, the
    // welfare flag and the policy that priced it, as they were. Rows stored before keep their events
    // in the feed's pages and need none (null).
    sql: `alter table payments add column month_eligible_spent_before_won bigint,
            add column is_welfare_recipient boolean, add column policy_id text;`,
  },
];
