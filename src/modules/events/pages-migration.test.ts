import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { allMigrations } from '../../db/migrations.js';
import { EventFeed } from './event-feed.js';

const PAGES_MIGRATION = 1103;
/** Bodies apart from their numbers (1104) and served pages (1105) build on the pages. */
const BODIES_MIGRATION = 1104;
const SERVED_MIGRATION = 1105;
const at = new Date('2024-03-01T00:00:00Z');

/**
 * Migration 1103 moves a feed written one row per event into pages. A consumer must read exactly
 * what it would have read before: every event, numbered as it was, and new appends after them.
 */
describe.each(databaseKinds())('event feed pages migration on %s', (kind) => {
  let db: Database;
  const clock = new ManualClock(at.toISOString());
  beforeAll(async () => {
    db = await openTestDatabase(
      kind,
      allMigrations.filter(
        (migration) => ![PAGES_MIGRATION, BODIES_MIGRATION, SERVED_MIGRATION].includes(migration.version),
      ),
    );
  });
  afterAll(async () => {
    await db.close();
  });

  async function writeOldEvents(tenantId: string, count: number): Promise<void> {
    await db.query(`insert into event_sequences (tenant_id, last_seq) values ($1, $2)`, [tenantId, count]);
    await db.query(
      `insert into events (tenant_id, seq, id, type, version, occurred_at, payload)
       select $1, n, 'charge.confirmed:c' || n, 'charge.confirmed', 1, $2::timestamptz + n * interval '1 second',
         json_build_object('chargeId', 'c' || n, 'memberId', 'usr_' || n, 'amountWon', n * 1000)
       from generate_series(1, $3::int) as n`,
      [tenantId, at.toISOString(), count],
    );
  }

  it('moves every event into pages of a city, same numbers and contents, and appends go on after them', async () => {
    const busy = await createTestTenant(db, clock);
    const quiet = await createTestTenant(db, clock);
    await writeOldEvents(busy, 1_203);
    await writeOldEvents(quiet, 2);

    expect(await migrate(db, allMigrations)).toEqual([PAGES_MIGRATION, BODIES_MIGRATION, SERVED_MIGRATION]);

    const pagesOf = async (tenantId: string) =>
      (
        await db.query<{ first_seq: number; last_seq: number }>(
          'select first_seq, last_seq from event_pages where tenant_id = $1 order by last_seq',
          [tenantId],
        )
      ).map((page) => [Number(page.first_seq), Number(page.last_seq)]);
    expect(await pagesOf(busy)).toEqual([
      [1, 500],
      [501, 1_000],
      [1_001, 1_203],
    ]);
    expect(await pagesOf(quiet)).toEqual([[1, 2]]);
    const feed = new EventFeed(db, clock);
    const read: Array<{ seq: number; id: string; amountWon: number; occurredAt: number }> = [];
    for (let after = 0; after < 1_203; after = read.at(-1)?.seq ?? after) {
      for (const event of await feed.read(busy, after, 499)) {
        if (event.type !== 'charge.confirmed') throw new Error(`unexpected ${event.type}`);
        read.push({
          seq: event.seq,
          id: event.id,
          amountWon: event.payload.amountWon,
          occurredAt: event.occurredAt.getTime(),
        });
      }
    }
    expect(read).toHaveLength(1_203);
    read.forEach((event, index) => {
      const n = index + 1;
      expect(event).toEqual({
        seq: n,
        id: `charge.confirmed:c${n}`,
        amountWon: n * 1000,
        occurredAt: at.getTime() + n * 1000,
      });
    });

    await db.transaction((tx) =>
      feed.append(tx, quiet, [
        {
          type: 'charge.confirmed',
          subjectId: 'after',
          occurredAt: at,
          payload: { chargeId: 'after', memberId: 'usr_9', amountWon: 9 },
        },
      ]),
    );
    expect((await feed.read(quiet, 0, 10)).map((event) => [event.seq, event.id])).toEqual([
      [1, 'charge.confirmed:c1'],
      [2, 'charge.confirmed:c2'],
      [3, 'charge.confirmed:after'],
    ]);
    // The old pages keep their events inline; the new one has a body.
    const [inline] = await db.query<{ inline: number; bodies: number }>(
      `select count(events)::int as inline, count(body_id)::int as bodies from event_pages where tenant_id = $1`,
      [quiet],
    );
    expect(inline).toEqual({ inline: 1, bodies: 1 });
    // A body is one kind: events, or a source's subjects (at least one).
    const body = (columns: string, values: string) =>
      db.query(
        `insert into event_page_bodies (id, tenant_id, ${columns}) values (gen_random_uuid(), $1, ${values})`,
        [quiet],
      );
    await expect(body('events, source, refs', `'[]', 'payments', '{a}'`)).rejects.toThrow(
      /event_page_bodies_one_kind/,
    );
    await expect(body('source, refs', `'payments', '{}'`)).rejects.toThrow(/event_page_bodies_one_kind/);
    await expect(body('source', `'payments'`)).rejects.toThrow(/event_page_bodies_one_kind/);
    await expect(body('events', 'null')).rejects.toThrow(/event_page_bodies_one_kind/);
    const compression = await db.query<{ method: string }>(
      `select attcompression::text as method from pg_attribute
       where attrelid in ('event_pages'::regclass, 'event_page_bodies'::regclass) and attname = 'events'`,
    );
    // lz4 where the server has it; the embedded database keeps its default.
    expect(compression.map((column) => column.method)).toEqual(kind === 'postgres' ? ['l', 'l'] : ['', '']);
  });
});
