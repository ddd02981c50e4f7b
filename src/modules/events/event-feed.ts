import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import {
  type CompanionWrite,
  type Database,
  joinCompanions,
  type Sql,
  writeCompanion,
} from '../../db/database.js';
import { splitColumns, textColumn } from '../../db/text-columns.js';
import { decodePage, encodePage } from './page-codec.js';
import { EVENT_VERSIONS, type EventType, type FeedEvent, type NewEvent } from './types.js';

/** Events one append may carry: a payment batch is at most a few hundred payments. */
const APPEND_MAX = 10_000;
/** Events one consumer step may take, so a step's transaction stays short. */
export const CONSUME_LIMIT_MAX = 5_000;

export interface ConsumeOutcome {
  processed: number;
  /** The consumer's position after this step. */
  lastSeq: number;
  /** True when the step was full: more events are probably waiting. */
  more: boolean;
}

/** What a consumer does with a page of events, inside the transaction that advances its cursor. */
export type EventHandler = (tx: Sql, events: readonly FeedEvent[]) => Promise<void>;

/**
 * The event feed, a transactional outbox. Producers append inside the transaction that moves the
 * money, so an event exists exactly when its fact committed. Order: each tenant has one counter row;
 * an append bumps it and writes its pages' numbered rows in ONE statement (their bodies may come
 * earlier: appendAlongside), and the row stays locked until the
 * producer's transaction ends. Two appends of a tenant therefore commit in the order they took
 * their numbers, so every snapshot sees a gap-free prefix 1..n and a cursor "last seq read" never
 * skips an event that commits later (a bigserial would: a lower number can commit after a higher
 * one is read). The price is that a tenant's producers serialise from their append to their
 * commit; the append is therefore the LAST statement of its transaction, after every other lock
 * (pots, accounts), so it is held only for the commit and never in a lock-order cycle.
 */
export class EventFeed {
  private readonly sources = new Map<string, EventSource>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Appends events in the caller's transaction, in the given order. Call it last in that transaction. */
  async append(tx: Sql, tenantId: string, events: readonly NewEvent[]): Promise<void> {
    await this.write(tx, [{ tenantId, events }]);
  }

  /** Appends the events a source gives back for these subjects, written in the caller's transaction (`serve`). */
  async appendServed(tx: Sql, tenantId: string, source: string, refs: readonly string[]): Promise<void> {
    await this.write(tx, [{ tenantId, source, refs }]);
  }

  private async write(tx: Sql, batches: readonly AppendBatch[]): Promise<void> {
    const append = this.appendAlongside(batches);
    if (append) await writeCompanion(tx, joinCompanions([append.bodies, append.order]));
  }

  /**
   * The same append, for one city or several (a payment batch across cities), as CTEs for the
   * caller to put into its own statements, so the feed costs no round trip of its own. Null when
   * there is nothing to append.
   *
   * Each page is a body and a small row with the numbers the counter hands out that names the body
   * (docs/events.md, "Storage"). A body holds either
   * - events a producer hands over whole (a city's, of one append), as one compact JSON array written
   *   as text (page-codec.ts), or
   * - the ids of subjects whose events their producer gives back from rows it writes in the same
   *   transaction (`serve`: a payment batch's `payment.made`, from its payment rows), in order, so the
   *   fact is not written twice.
   * The database neither parses nor indexes an event. The halves go into different statements:
   * - `bodies` into any statement before the last (a payment batch's payment rows), where batches
   *   overlap: a body's bytes are outside the window below;
   * - `order` into the LAST statement (the ledger's write): it takes the cities' counter rows, in
   *   city order, which then stay locked to the commit, as the cashback pots' rows do from there, and
   *   writes only the small numbered rows in that window.
   * Both must commit together: a caller writes the two in the same transaction. Bodies and subject
   * lists travel in one parameter each, split by separators an id or a JSON text never holds raw.
   */
  appendAlongside(batches: readonly AppendBatch[]): { bodies: CompanionWrite; order: CompanionWrite } | null {
    const pages = pagesOf(batches);
    if (pages.length === 0) return null;
    const tenants = new Map<string, number>();
    for (const page of pages) tenants.set(page.tenantId, (tenants.get(page.tenantId) ?? 0) + page.count);
    const bodyIds = pages.map(() => randomUUID());
    return {
      bodies: {
        ctes: (first) => `feed_bodies as (
           insert into event_page_bodies (id, tenant_id, events, source, refs)
           select id, tenant_id, events, source, string_to_array(refs, E'\\x1d')
           from unnest($${first}::uuid[], $${first + 1}::text[], ${splitColumns(first + 2, ['text', 'text', 'text'])})
             as b(id, tenant_id, events, source, refs)
         )`,
        params: [
          bodyIds,
          pages.map((page) => page.tenantId),
          textColumn(pages.map((page) => (page.events ? encodePage(page.events) : null))),
          textColumn(pages.map((page) => page.source?.name ?? null)),
          textColumn(pages.map((page) => (page.source ? page.source.refs.join(REF_SEPARATOR) : null))),
        ],
      },
      order: {
        // A page's numbers: the city's new last number, less what the city's later pages of this
        // append take (`after`).
        ctes: (first) => `feed_counter as (
           insert into event_sequences (tenant_id, last_seq)
           select tenant_id, appended from unnest($${first}::text[], $${first + 1}::bigint[]) as c(tenant_id, appended)
           order by tenant_id
           on conflict (tenant_id) do update set last_seq = event_sequences.last_seq + excluded.last_seq
           returning tenant_id, last_seq
         ), feed_events as (
           insert into event_pages (tenant_id, first_seq, last_seq, body_id)
           select p.tenant_id, c.last_seq - p.after - p.appended + 1, c.last_seq - p.after, p.body_id
           from unnest($${first + 2}::text[], $${first + 3}::bigint[], $${first + 4}::bigint[], $${first + 5}::uuid[])
             as p(tenant_id, appended, after, body_id)
           join feed_counter c on c.tenant_id = p.tenant_id
         )`,
        params: [
          [...tenants.keys()],
          [...tenants.values()],
          pages.map((page) => page.tenantId),
          pages.map((page) => page.count),
          pages.map((page) => page.after),
          bodyIds,
        ],
      },
    };
  }

  /**
   * Registers the producer that gives back the events of pages stored as subjects' ids (one source a
   * type; the payments module serves `payment.made` from its payment rows). Its events must be
   * exactly the ones it would have appended whole: `read` cannot tell the two kinds of page apart.
   */
  serve(source: EventSource): void {
    if (this.sources.has(source.name)) throw new Error(`event source ${source.name} served twice`);
    this.sources.set(source.name, source);
  }

  /** Events of a tenant after `afterSeq`, in order, at most `limit`. */
  async read(tenantId: string, afterSeq: number, limit: number, tx?: Sql): Promise<FeedEvent[]> {
    assertLimit(limit);
    const sql = tx ?? this.db;
    const lastWanted = afterSeq + limit;
    // The pages holding (afterSeq, lastWanted]: they end after afterSeq and start by lastWanted. A
    // page holds at most APPEND_MAX events, so the index range ends there too.
    const pages = await sql.query<PageRow>(
      `select p.first_seq, p.last_seq, coalesce(p.events, b.events) as events, b.source, b.refs
       from event_pages p left join event_page_bodies b on b.id = p.body_id
       where p.tenant_id = $1 and p.last_seq > $2::bigint and p.last_seq < $3::bigint + ${APPEND_MAX}
         and p.first_seq <= $3::bigint
       order by p.last_seq`,
      [tenantId, afterSeq, lastWanted],
    );
    const served = await this.servedEvents(sql, tenantId, pages, afterSeq, lastWanted);
    const events: FeedEvent[] = [];
    const wanted = (seq: number) => seq > afterSeq && seq <= lastWanted;
    for (const page of pages) {
      const firstSeq = Number(page.first_seq);
      if (page.events !== null) {
        for (const event of decodePage(page.events, tenantId, firstSeq))
          if (wanted(event.seq)) events.push(event);
        continue;
      }
      if (page.source === null || page.refs?.length !== Number(page.last_seq) - firstSeq + 1)
        throw new Error(
          `event feed: page ${firstSeq}..${page.last_seq} of ${tenantId} has no body of its size`,
        );
      page.refs.forEach((ref, index) => {
        const seq = firstSeq + index;
        if (wanted(seq)) events.push(feedEventOf(tenantId, seq, served.get(`${page.source}\u001d${ref}`)));
      });
    }
    return events;
  }

  /** The events of the wanted pages stored as subjects' ids, from their sources, one read a source. */
  private async servedEvents(
    sql: Sql,
    tenantId: string,
    pages: readonly PageRow[],
    afterSeq: number,
    lastWanted: number,
  ): Promise<Map<string, NewEvent>> {
    const wanted = new Map<string, string[]>();
    for (const page of pages) {
      if (page.source === null || page.refs === null) continue;
      const firstSeq = Number(page.first_seq);
      const refs = wanted.get(page.source) ?? [];
      page.refs.forEach((ref, index) => {
        const seq = firstSeq + index;
        if (seq > afterSeq && seq <= lastWanted) refs.push(ref);
      });
      wanted.set(page.source, refs);
    }
    const served = new Map<string, NewEvent>();
    for (const [name, refs] of wanted) {
      const source = this.sources.get(name);
      if (!source) throw new Error(`event feed: no source ${name} is served to read its pages`);
      for (const event of await source.events(sql, tenantId, refs)) {
        if (event.type !== source.type) throw new Error(`event source ${name} gave a ${event.type}`);
        served.set(`${name}\u001d${event.subjectId}`, event);
      }
    }
    return served;
  }

  /** The tenant's last committed sequence number (0 before any event). */
  async head(tenantId: string): Promise<number> {
    const [row] = await this.db.query<{ last_seq: number }>(
      'select last_seq from event_sequences where tenant_id = $1',
      [tenantId],
    );
    return row?.last_seq ?? 0;
  }

  /**
   * One step of a consumer: locks its cursor (so two processes never take the same events), reads
   * up to `limit` events after it, runs `handle` and advances the cursor, all in one transaction.
   * A handler that throws (or a process that dies) rolls the whole step back: its writes and the
   * cursor together, so the next step sees the same events again and each is applied exactly once.
   * A handler with effects outside this database must itself be idempotent by event id.
   */
  async consume(
    consumer: string,
    tenantId: string,
    handle: EventHandler,
    limit = 1_000,
  ): Promise<ConsumeOutcome> {
    assertLimit(limit);
    return this.db.transaction(async (tx) => {
      const lastSeq = await this.lockCursor(tx, consumer, tenantId);
      const events = await this.read(tenantId, lastSeq, limit, tx);
      if (events.length === 0) return { processed: 0, lastSeq, more: false };
      assertContiguous(events, lastSeq);
      await handle(tx, events);
      const newSeq = (events.at(-1) as FeedEvent).seq;
      await tx.query(
        'update event_cursors set last_seq = $3, updated_at = $4 where consumer = $1 and tenant_id = $2',
        [consumer, tenantId, newSeq, this.clock.now()],
      );
      return { processed: events.length, lastSeq: newSeq, more: events.length === limit };
    });
  }

  /** A consumer's position (0 when it has never run). */
  /** Events written and not yet read, per tenant and consumer with a cursor (bounded; for the metrics scrape). */
  async lags(limit: number): Promise<Array<{ tenantId: string; consumer: string; lag: number }>> {
    return this.db.query<{ tenantId: string; consumer: string; lag: number }>(
      `select c.tenant_id as "tenantId", c.consumer, (coalesce(s.last_seq, 0) - c.last_seq)::bigint as lag
       from event_cursors c left join event_sequences s on s.tenant_id = c.tenant_id
       order by c.tenant_id, c.consumer limit $1`,
      [limit],
    );
  }

  async position(consumer: string, tenantId: string): Promise<number> {
    const [row] = await this.db.query<{ last_seq: number }>(
      'select last_seq from event_cursors where consumer = $1 and tenant_id = $2',
      [consumer, tenantId],
    );
    return row?.last_seq ?? 0;
  }

  /**
   * Rebuild from zero: in the transaction where the consumer empties its own tables, its cursor
   * goes back to 0 (locked, so no step of it runs meanwhile).
   */
  async rewind(tx: Sql, consumer: string, tenantId: string): Promise<void> {
    await this.lockCursor(tx, consumer, tenantId);
    await tx.query(
      'update event_cursors set last_seq = 0, updated_at = $3 where consumer = $1 and tenant_id = $2',
      [consumer, tenantId, this.clock.now()],
    );
  }

  private async lockCursor(tx: Sql, consumer: string, tenantId: string): Promise<number> {
    await tx.query(
      `insert into event_cursors (consumer, tenant_id, last_seq, updated_at) values ($1, $2, 0, $3)
       on conflict (consumer, tenant_id) do nothing`,
      [consumer, tenantId, this.clock.now()],
    );
    const [row] = await tx.query<{ last_seq: number }>(
      'select last_seq from event_cursors where consumer = $1 and tenant_id = $2 for update',
      [consumer, tenantId],
    );
    return row?.last_seq ?? 0;
  }
}

interface PageRow {
  first_seq: number;
  last_seq: number;
  /** The body, for a page of events appended whole. */
  events: string | null;
  /** The source and the subjects' ids, for a page its source gives back. */
  source: string | null;
  refs: string[] | null;
}

/** What one append takes for one city: events whole, or the subjects of a source's events. */
export type AppendBatch =
  | { tenantId: string; events: readonly NewEvent[] }
  | { tenantId: string; source: string; refs: readonly string[] };

/**
 * A producer that gives back, from rows it wrote with the append, the events of pages stored as
 * subjects' ids: `events(sql, tenantId, refs)` returns one event of `type` a subject, any order.
 */
export interface EventSource {
  name: string;
  type: EventType;
  events(sql: Sql, tenantId: string, refs: readonly string[]): Promise<NewEvent[]>;
}

interface Page {
  tenantId: string;
  count: number;
  /** Events of this city in this append's later pages. */
  after: number;
  events?: readonly NewEvent[];
  source?: { name: string; refs: readonly string[] };
}

// Splits a page's subjects in their one parameter; textColumn's separators never appear in an id either.
const REF_SEPARATOR = '\u001d';
// biome-ignore lint/suspicious/noControlCharactersInRegex: the separators are control characters by design
const NOT_A_REF = /[\u001d\u001e\u001f]/;

/** The append's pages in city order (a city's whole events as one page); bounded by APPEND_MAX. */
function pagesOf(batches: readonly AppendBatch[]): Page[] {
  const pages: Page[] = [];
  const wholeByTenant = new Map<string, NewEvent[]>();
  let total = 0;
  for (const batch of batches) {
    const count = 'events' in batch ? batch.events.length : batch.refs.length;
    if (count === 0) continue;
    total += count;
    if (total > APPEND_MAX) throw new Error(`event append of more than ${APPEND_MAX} events`);
    if ('events' in batch) {
      let whole = wholeByTenant.get(batch.tenantId);
      if (!whole) {
        whole = [];
        wholeByTenant.set(batch.tenantId, whole);
        pages.push({ tenantId: batch.tenantId, count: 0, after: 0, events: whole });
      }
      whole.push(...batch.events);
    } else {
      assertRefs(batch.source, batch.refs);
      pages.push({
        tenantId: batch.tenantId,
        count,
        after: 0,
        source: { name: batch.source, refs: batch.refs },
      });
    }
  }
  for (const page of pages) if (page.events) page.count = page.events.length;
  pages.sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
  const laterOfTenant = new Map<string, number>();
  for (let at = pages.length - 1; at >= 0; at -= 1) {
    const page = pages[at] as Page;
    page.after = laterOfTenant.get(page.tenantId) ?? 0;
    laterOfTenant.set(page.tenantId, page.after + page.count);
  }
  return pages;
}

/** A source page names each subject once, with ids its one parameter can carry. */
function assertRefs(source: string, refs: readonly string[]): void {
  const seen = new Set<string>();
  for (const ref of refs) {
    if (ref === '' || NOT_A_REF.test(ref))
      throw new Error(`event source ${source}: bad subject ${JSON.stringify(ref)}`);
    if (seen.has(ref)) throw new Error(`event append names ${source}:${ref} twice`);
    seen.add(ref);
  }
}

function feedEventOf(tenantId: string, seq: number, event: NewEvent | undefined): FeedEvent {
  if (!event) throw new Error(`event feed: the source of seq ${seq} of ${tenantId} did not give it back`);
  return {
    tenantId,
    seq,
    id: `${event.type}:${event.subjectId}`,
    type: event.type,
    version: EVENT_VERSIONS[event.type],
    occurredAt: event.occurredAt,
    payload: event.payload,
  } as FeedEvent;
}

function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > CONSUME_LIMIT_MAX)
    throw new Error(`event page limit must be 1..${CONSUME_LIMIT_MAX}, got ${limit}`);
}

/** The read-side pair of the append's guarantee: a page starts right after the cursor, without gaps. */
function assertContiguous(events: readonly FeedEvent[], afterSeq: number): void {
  events.forEach((event, index) => {
    if (event.seq !== afterSeq + index + 1)
      throw new Error(`event feed gap: expected seq ${afterSeq + index + 1}, read ${event.seq}`);
  });
}
