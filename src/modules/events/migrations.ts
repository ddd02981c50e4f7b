import type { Migration } from '../../db/migrate.js';

/**
 * The event feed (transactional outbox). `event_pages` (which replaced `events`) is insert-only;
 * `event_sequences` holds each tenant's last sequence number, locked by the append that bumps it until its transaction commits,
 * so sequence order is commit order and a reader never sees a gap (see event-feed.ts).
 * `event_cursors` holds each consumer's position per tenant.
 */
export const eventMigrations: Migration[] = [
  {
    version: 1100,
    name: 'event feed: events, per-tenant sequences, consumer cursors',
    sql: `
      create table event_sequences (
        tenant_id text primary key references tenants (id),
        last_seq bigint not null check (last_seq >= 0)
      );

      create table events (
        tenant_id text not null references tenants (id),
        seq bigint not null check (seq > 0),
        id text not null,
        type text not null,
        version integer not null check (version > 0),
        occurred_at timestamptz not null,
        payload jsonb not null,
        primary key (tenant_id, seq),
        unique (tenant_id, id)
      );

      create function events_insert_only() returns trigger language plpgsql as $$
      begin
        raise exception 'events are insert-only';
      end $$;
      create trigger events_no_update before update or delete on events
        for each statement execute function events_insert_only();

      create table event_cursors (
        consumer text not null,
        tenant_id text not null references tenants (id),
        last_seq bigint not null default 0 check (last_seq >= 0),
        updated_at timestamptz not null,
        primary key (consumer, tenant_id)
      );`,
  },
  {
    version: 1101,
    name: 'event feed: payloads kept as written (json), not re-encoded (jsonb)',
    // Nothing queries inside a payload: consumers read whole events. jsonb's binary re-encoding of
    // every payload in the payment batch's transaction was work the feed did for no reader.
    sql: `alter table events alter column payload type json using payload::json;`,
  },
  {
    version: 1102,
    name: 'events without the tenant foreign key',
    // Its check took a key-share lock on the tenant's row for every event, so a payment batch over
    // 32 cities shared 32 tenant rows with the batch beside it (a multixact each). An event's city is
    // still a real one: every append joins its events to the city's event_sequences row, which it
    // upserts in the same statement and which keeps its foreign key.
    sql: 'alter table events drop constraint events_tenant_id_fkey;',
  },
  {
    version: 1103,
    name: 'event feed in pages: one row per city and append, not one per event',
    // A payment batch's events cost one row per city instead of one per payment: no per-event tuple,
    // primary-key entry, unique-id entry or JSON parse in the batch's transaction (event-feed.ts).
    // Existing events move into pages of at most 500 consecutive events of a city. lz4 makes a
    // page's compression cheap where the server has it (PostgreSQL builds with lz4; the embedded
    // database does not and keeps the default).
    sql: `
      create table event_pages (
        tenant_id text not null,
        first_seq bigint not null check (first_seq > 0),
        last_seq bigint not null,
        events text not null,
        primary key (tenant_id, last_seq),
        check (last_seq >= first_seq)
      );
      create trigger event_pages_no_update before update or delete on event_pages
        for each statement execute function events_insert_only();

      insert into event_pages (tenant_id, first_seq, last_seq, events)
      select tenant_id, min(seq), max(seq),
        json_agg(json_build_object('id', id, 'type', type, 'version', version, 'occurredAt', occurred_at,
          'payload', payload) order by seq)::text
      from events group by tenant_id, (seq - 1) / 500;
      drop table events;

      do $$ begin
        alter table event_pages alter column events set compression lz4;
      exception when feature_not_supported then null;
      end $$;`,
  },
  {
    version: 1104,
    name: "event feed: a page's body written before its place in the order",
    // A page's bytes (received, checked, compressed, TOASTed, logged) cost the payment batch most
    // inside its last statement, where the batch holds the cashback pots' rows until the commit and
    // every other batch of the city waits. A body has no number yet, so it can be written by an
    // earlier statement of the transaction, outside that window; the last statement then only takes
    // the numbers and inserts a small row naming the body. Old pages keep their events inline.
    sql: `
      create table event_page_bodies (
        id uuid primary key,
        tenant_id text not null,
        events text not null
      );
      create trigger event_page_bodies_no_update before update or delete on event_page_bodies
        for each statement execute function events_insert_only();
      alter table event_pages alter column events drop not null;
      alter table event_pages add column body_id uuid references event_page_bodies (id);
      alter table event_pages add constraint event_pages_events_or_body
        check ((events is null) <> (body_id is null));

      do $$ begin
        alter table event_page_bodies alter column events set compression lz4;
      exception when feature_not_supported then null;
      end $$;`,
  },
  {
    version: 1105,
    name: 'event feed: bodies whose events their producer gives back from its own rows',
    // A payment batch's payment.made events repeated its payment rows (~400 bytes a payment, built
    // and encoded in Node, compressed, TOASTed and logged by PostgreSQL). Such a body now holds only
    // the source's name and the subjects' ids in order; the source (the payments module) gives each
    // event back from the row it wrote in the same transaction (docs/events.md, "Storage").
    // The pages' foreign key to their bodies goes: its check took a key-share lock on the body in the
    // ledger's statement, inside the window where a city's batches wait for each other. A body and
    // its page are written by the same transaction (EventFeed.appendAlongside), and a page whose body
    // is missing fails every read of it.
    sql: `
      alter table event_page_bodies alter column events drop not null;
      alter table event_page_bodies add column source text, add column refs text[];
      alter table event_page_bodies add constraint event_page_bodies_one_kind check (
        (events is null) <> (source is null) and (source is null) = (refs is null)
        and (refs is null or cardinality(refs) > 0));
      alter table event_pages drop constraint event_pages_body_id_fkey;`,
  },
];
