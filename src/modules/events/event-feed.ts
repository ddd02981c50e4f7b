import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import {
  type CompanionWrite,
  type Database,
  joinCompanions,
  type Sql,
  writeCompanion,
} from '../../db/database.js';
import { splitColumn, textColumn } from '../../db/text-columns.js';
import { decodePage, encodePage } from './page-codec.js';
import type { FeedEvent, NewEvent } from './types.js';

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
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Appends events in the caller's transaction, in the given order. Call it last in that transaction. */
  async append(tx: Sql, tenantId: string, events: readonly NewEvent[]): Promise<void> {
    const append = this.appendAlongside([{ tenantId, events }]);
    if (append) await writeCompanion(tx, joinCompanions([append.bodies, append.order]));
  }

  /**
   * The same append, for one city or several (a payment batch across cities), as CTEs for the
   * caller to put into its own statements, so the feed costs no round trip of its own. Null when
   * there is nothing to append.
   *
   * Each city's events become ONE page: a body (its events as one compact JSON array, written as
   * text: page-codec.ts) and a small row with the numbers the counter hands out that names the
   * body. The database neither parses nor indexes an event (docs/events.md, "Storage"). The two
   * halves go into different statements of the payment batch:
   * - `bodies` into any statement before the last (the batch's payment rows): a body's bytes are
   *   most of what the feed costs the database, and there they are not inside the window below;
   * - `order` into the LAST statement (the ledger's write): it takes the cities' counter rows, in
   *   city order, which then stay locked to the commit, as the cashback pots' rows do from there.
   * Both must commit together: a caller writes the two in the same transaction. Bodies travel in
   * one parameter, joined by the record separator U+001E, which JSON.stringify never writes raw.
   */
  appendAlongside(
    batches: ReadonlyArray<{ tenantId: string; events: readonly NewEvent[] }>,
  ): { bodies: CompanionWrite; order: CompanionWrite } | null {
    const pages = new Map<string, NewEvent[]>();
    let total = 0;
    for (const { tenantId, events } of batches) {
      if (events.length === 0) continue;
      total += events.length;
      if (total > APPEND_MAX) throw new Error(`event append of more than ${APPEND_MAX} events`);
      const page = pages.get(tenantId) ?? [];
      page.push(...events);
      pages.set(tenantId, page);
    }
    if (pages.size === 0) return null;
    const ordered = [...pages].sort(([a], [b]) => (a < b ? -1 : 1));
    const tenantIds = ordered.map(([tenantId]) => tenantId);
    const counts = ordered.map(([, events]) => events.length);
    const bodyIds = ordered.map(() => randomUUID());
    const texts = ordered.map(([, events]) => encodePage(events));
    return {
      bodies: {
        ctes: (first) => `feed_bodies as (
           insert into event_page_bodies (id, tenant_id, events)
           select * from unnest($${first}::uuid[], $${first + 1}::text[], ${splitColumn(first + 2, 'text')})
         )`,
        params: [bodyIds, tenantIds, textColumn(texts)],
      },
      order: {
        ctes: (first) => `feed_counter as (
           insert into event_sequences (tenant_id, last_seq)
           select tenant_id, appended from unnest($${first}::text[], $${first + 1}::bigint[]) as c(tenant_id, appended)
           order by tenant_id
           on conflict (tenant_id) do update set last_seq = event_sequences.last_seq + excluded.last_seq
           returning tenant_id, last_seq
         ), feed_events as (
           insert into event_pages (tenant_id, first_seq, last_seq, body_id)
           select p.tenant_id, c.last_seq - p.appended + 1, c.last_seq, p.body_id
           from unnest($${first}::text[], $${first + 1}::bigint[], $${first + 2}::uuid[]) as p(tenant_id, appended, body_id)
           join feed_counter c on c.tenant_id = p.tenant_id
         )`,
        params: [tenantIds, counts, bodyIds],
      },
    };
  }

  /** Events of a tenant after `afterSeq`, in order, at most `limit`. */
  async read(tenantId: string, afterSeq: number, limit: number, tx?: Sql): Promise<FeedEvent[]> {
    assertLimit(limit);
    const lastWanted = afterSeq + limit;
    // The pages holding (afterSeq, lastWanted]: they end after afterSeq and start by lastWanted. A
    // page holds at most APPEND_MAX events, so the index range ends there too.
    const pages = await (tx ?? this.db).query<PageRow>(
      `select p.first_seq, coalesce(p.events, b.events) as events
       from event_pages p left join event_page_bodies b on b.id = p.body_id
       where p.tenant_id = $1 and p.last_seq > $2::bigint and p.last_seq < $3::bigint + ${APPEND_MAX}
         and p.first_seq <= $3::bigint
       order by p.last_seq`,
      [tenantId, afterSeq, lastWanted],
    );
    const events: FeedEvent[] = [];
    for (const page of pages)
      for (const event of decodePage(page.events, tenantId, Number(page.first_seq)))
        if (event.seq > afterSeq && event.seq <= lastWanted) events.push(event);
    return events;
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
  events: string;
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
