import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase, recordingStatements } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import {
  type CompanionWrite,
  type Database,
  joinCompanions,
  type Sql,
  writeCompanion,
} from '../../db/database.js';
import { LedgerService } from '../ledger/ledger-service.js';
import type { TransferRequest } from '../ledger/types.js';
import { type AppendBatch, EventFeed, type EventSource } from './event-feed.js';
import type { FeedEvent, NewEvent } from './types.js';

const at = new Date('2021-05-13T03:00:00Z');

function charge(subjectId: string, amountWon = 1000): NewEvent {
  return {
    type: 'charge.confirmed',
    subjectId,
    occurredAt: at,
    payload: { chargeId: subjectId, memberId: 'usr_1', amountWon },
  };
}

/** Both halves of an append, as one write. */
function whole(append: { bodies: CompanionWrite; order: CompanionWrite }): CompanionWrite {
  return joinCompanions([append.bodies, append.order]);
}

/**
 * A producer that keeps its facts in its own table and gives their events back (EventFeed.serve):
 * a charge's event from its row.
 */
function chargesFrom(table: string, name = table): EventSource {
  return {
    name,
    type: 'charge.confirmed',
    events: async (sql, tenantId, refs) =>
      (
        await sql.query<{ id: string; amount_won: number }>(
          `select id, amount_won from ${table} where tenant_id = $1 and id = any($2::text[])`,
          [tenantId, [...refs]],
        )
      ).map((row) => charge(row.id, Number(row.amount_won))),
  };
}

/** A consumer whose effect lives in the same database: one row per event applied. */
async function createSink(db: Database, name: string): Promise<void> {
  await db.exec(`create table ${name} (tenant_id text, event_id text, seq bigint)`);
}

function sinkInto(name: string, failAfter?: { count: number; seen: { n: number } }) {
  return async (tx: Sql, events: readonly FeedEvent[]) => {
    for (const event of events) {
      await tx.query(`insert into ${name} values ($1, $2, $3)`, [event.tenantId, event.id, event.seq]);
      if (failAfter && ++failAfter.seen.n === failAfter.count) throw new Error('injected: consumer died');
    }
  };
}

describe.each(databaseKinds())('event feed on %s', (kind) => {
  let db: Database;
  const clock = new ManualClock(at.toISOString());
  let feed: EventFeed;
  let sinks = 0;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    feed = new EventFeed(db, clock);
  });
  afterAll(async () => {
    await db.close();
  });

  async function newSink(): Promise<string> {
    sinks += 1;
    const name = `sink_${sinks}`;
    await createSink(db, name);
    return name;
  }

  it('numbers each tenant 1, 2, 3… in append order, and an append naming one fact twice is refused', async () => {
    const tenantId = await createTestTenant(db, clock);
    const other = await createTestTenant(db, clock);
    await db.transaction((tx) => feed.append(tx, tenantId, [charge('a'), charge('b')]));
    await db.transaction((tx) => feed.append(tx, other, [charge('x')]));
    await db.transaction((tx) => feed.append(tx, tenantId, [charge('c')]));
    const events = await feed.read(tenantId, 0, 10);
    expect(events.map((event) => [event.seq, event.id, event.version])).toEqual([
      [1, 'charge.confirmed:a', 1],
      [2, 'charge.confirmed:b', 1],
      [3, 'charge.confirmed:c', 1],
    ]);
    expect((await feed.read(other, 0, 10)).map((event) => event.seq)).toEqual([1]);
    await expect(
      db.transaction((tx) => feed.append(tx, tenantId, [charge('d'), charge('e'), charge('d')])),
    ).rejects.toThrow('charge.confirmed:d twice');
    expect(await feed.head(tenantId)).toBe(3);
  });

  it('numbers the events of several cities appended together each in its own city, after its plain appends', async () => {
    const [first, second, quiet] = [
      await createTestTenant(db, clock),
      await createTestTenant(db, clock),
      await createTestTenant(db, clock),
    ];
    await db.transaction((tx) => feed.append(tx, second, [charge('s1')]));
    const together = feed.appendAlongside([
      { tenantId: second, events: [charge('s2'), charge('s3')] },
      { tenantId: quiet, events: [] },
      { tenantId: first, events: [charge('f1')] },
    ]);
    if (!together) throw new Error('two cities have events to append');
    await db.transaction((tx) => writeCompanion(tx, whole(together)));
    await db.transaction((tx) => feed.append(tx, first, [charge('f2')]));
    const seqs = async (tenantId: string) =>
      (await feed.read(tenantId, 0, 10)).map((event) => [event.seq, event.id.split(':')[1]]);
    expect(await seqs(first)).toEqual([
      [1, 'f1'],
      [2, 'f2'],
    ]);
    expect(await seqs(second)).toEqual([
      [1, 's1'],
      [2, 's2'],
      [3, 's3'],
    ]);
    expect(await feed.head(quiet)).toBe(0);
    expect(feed.appendAlongside([{ tenantId: quiet, events: [] }])).toBeNull();
  });

  it("refuses events of a city that does not exist, with the real city's events of the same append", async () => {
    const tenantId = await createTestTenant(db, clock);
    const together = feed.appendAlongside([
      { tenantId, events: [charge('real')] },
      { tenantId: 'no-such-city', events: [charge('ghost')] },
    ]);
    if (!together) throw new Error('two cities have events to append');
    // events has no foreign key of its own: the city's sequence row, upserted by the same statement, has.
    await expect(db.transaction((tx) => writeCompanion(tx, whole(together)))).rejects.toThrow(/foreign key/);
    expect(await feed.head(tenantId)).toBe(0);
    expect(await feed.read('no-such-city', 0, 10)).toEqual([]);
  });

  it('a rolled-back producer leaves no event and no gap', async () => {
    const tenantId = await createTestTenant(db, clock);
    await db.transaction((tx) => feed.append(tx, tenantId, [charge('a')]));
    await expect(
      db.transaction(async (tx) => {
        await feed.append(tx, tenantId, [charge('b')]);
        throw new Error('the ledger write failed');
      }),
    ).rejects.toThrow('the ledger write failed');
    await db.transaction((tx) => feed.append(tx, tenantId, [charge('c')]));
    expect((await feed.read(tenantId, 0, 10)).map((event) => [event.seq, event.id])).toEqual([
      [1, 'charge.confirmed:a'],
      [2, 'charge.confirmed:c'],
    ]);
  });

  it("appended alongside the ledger's write: bodies in an earlier statement, numbers in the ledger's, numbered with the plain appends, gone with a rollback, written alone when the ledger writes nothing", async () => {
    const tenantId = await createTestTenant(db, clock);
    const ledger = new LedgerService(db, clock);
    await ledger.createAccounts(tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_alice' },
    ]);
    const move = (id: string, amountWon: number): TransferRequest => ({
      id,
      action: 'transfer',
      code: 'test',
      postings: [
        { accountId: 'bank', amountWon: -amountWon },
        { accountId: 'alice', amountWon },
      ],
    });
    const statements: string[] = [];
    const postAlongside = (request: TransferRequest, events: NewEvent[]) =>
      db.transaction(async (tx) => {
        const counted = recordingStatements(tx, statements);
        const append = feed.appendAlongside([{ tenantId, events }]);
        if (append) await writeCompanion(counted, append.bodies);
        return ledger.postTransfersInTransaction(counted, tenantId, [request], append?.order);
      });

    await db.transaction((tx) => feed.append(tx, tenantId, [charge('a')]));
    const [posted] = await postAlongside(move('t1', 5_000), [charge('b', 5_000), charge('c', 7)]);
    expect(posted?.ok).toBe(true);
    const writes = statements.filter((text) => /insert into (ledger_transfers|event_pages)/.test(text));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('feed_events');
    expect(writes[0]).not.toContain('event_page_bodies');
    const bodies = statements.findIndex((text) => text.includes('insert into event_page_bodies'));
    expect(bodies).toBeGreaterThanOrEqual(0);
    expect(bodies).toBeLessThan(statements.indexOf(writes[0] as string));

    await expect(
      db.transaction(async (tx) => {
        const append = feed.appendAlongside([{ tenantId, events: [charge('lost')] }]);
        if (!append) throw new Error('one event to append');
        await writeCompanion(tx, append.bodies);
        await ledger.postTransfersInTransaction(tx, tenantId, [move('t2', 1)], append.order);
        throw new Error('the batch failed after its write');
      }),
    ).rejects.toThrow('the batch failed after its write');

    // A replayed transfer writes no ledger row; its companion is still written, on its own.
    const [replayed] = await postAlongside(move('t1', 5_000), [charge('d')]);
    expect(replayed?.ok && replayed.replayed).toBe(true);
    expect((await feed.read(tenantId, 0, 10)).map((event) => [event.seq, event.id])).toEqual([
      [1, 'charge.confirmed:a'],
      [2, 'charge.confirmed:b'],
      [3, 'charge.confirmed:c'],
      [4, 'charge.confirmed:d'],
    ]);
    expect((await ledger.getAccounts(tenantId, ['alice']))[0]?.availableWon).toBe(5_000);
  });

  describe('pages a source gives back', () => {
    let facts = '';
    const source = () => chargesFrom(facts);
    beforeAll(async () => {
      facts = await newSink();
      await db.exec(`create table ${facts}_rows (tenant_id text, id text, amount_won bigint)`);
      facts = `${facts}_rows`;
      feed.serve(source());
    });
    const writeFacts = (tx: Sql, tenantId: string, ids: readonly string[]) =>
      tx.query(
        `insert into ${facts} select $1, id, 100 + ordinality from unnest($2::text[]) with ordinality as f(id, ordinality)`,
        [tenantId, [...ids]],
      );

    it('keeps only numbers and ids, numbers them with the whole pages of the same append, and reads them back from the source', async () => {
      const [tenantId, other] = [await createTestTenant(db, clock), await createTestTenant(db, clock)];
      const append = feed.appendAlongside([
        { tenantId, events: [charge('w1')] },
        { tenantId, source: facts, refs: ['f2', 'f1'] },
        { tenantId: other, source: facts, refs: ['f3'] },
        { tenantId, events: [charge('w2')] },
      ]);
      if (!append) throw new Error('events to append');
      await db.transaction(async (tx) => {
        await writeFacts(tx, tenantId, ['f1', 'f2']);
        await writeFacts(tx, other, ['f3']);
        await writeCompanion(tx, whole(append));
      });
      const read = async (tenant: string, after = 0, limit = 10) =>
        (await feed.read(tenant, after, limit)).map((event) => [
          event.seq,
          event.id,
          event.type === 'charge.confirmed' ? event.payload.amountWon : null,
        ]);
      expect(await read(tenantId)).toEqual([
        [1, 'charge.confirmed:w1', 1000],
        [2, 'charge.confirmed:w2', 1000],
        [3, 'charge.confirmed:f2', 102],
        [4, 'charge.confirmed:f1', 101],
      ]);
      expect(await read(tenantId, 2, 1)).toEqual([[3, 'charge.confirmed:f2', 102]]);
      expect(await read(other)).toEqual([[1, 'charge.confirmed:f3', 101]]);
      // A served page's body keeps the ids only; a whole page's body, the events.
      const bodies = await db.query<{ events: string | null; source: string | null; refs: string[] | null }>(
        `select b.events, b.source, b.refs from event_pages p join event_page_bodies b on b.id = p.body_id
         where p.tenant_id = $1 order by p.last_seq`,
        [tenantId],
      );
      expect(bodies.map((body) => [body.events === null, body.source, body.refs])).toEqual([
        [false, null, null],
        [true, facts, ['f2', 'f1']],
      ]);
    });

    it('refuses a subject named twice or one its parameter cannot carry, and a read fails loudly when a source is missing or gives too little', async () => {
      const tenantId = await createTestTenant(db, clock);
      expect(() => feed.appendAlongside([{ tenantId, source: facts, refs: ['a', 'b', 'a'] }])).toThrow(
        `${facts}:a twice`,
      );
      expect(() => feed.appendAlongside([{ tenantId, source: facts, refs: ['a\u001db'] }])).toThrow(
        'bad subject',
      );
      expect(() => feed.serve(source())).toThrow('served twice');
      await db.transaction(async (tx) => {
        await writeFacts(tx, tenantId, ['kept']);
        await feed.appendServed(tx, tenantId, facts, ['kept', 'never-written']);
      });
      await expect(feed.read(tenantId, 0, 10)).rejects.toThrow('did not give it back');
      expect((await feed.read(tenantId, 0, 1)).map((event) => event.id)).toEqual(['charge.confirmed:kept']);
      await expect(new EventFeed(db, clock).read(tenantId, 0, 1)).rejects.toThrow(`no source ${facts}`);
      // A page and its body are written by one transaction; a page without its body is never skipped.
      const orphaned = await createTestTenant(db, clock);
      await db.query(
        'insert into event_pages (tenant_id, first_seq, last_seq, body_id) values ($1, 1, 2, gen_random_uuid())',
        [orphaned],
      );
      await expect(feed.read(orphaned, 0, 10)).rejects.toThrow('has no body of its size');
    });

    it('any mix of whole and served appends over several cities reads back gap-free, in append order (property)', async () => {
      const batch = fc.record({
        city: fc.integer({ min: 0, max: 2 }),
        served: fc.boolean(),
        count: fc.integer({ min: 0, max: 4 }),
      });
      let fact = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(batch, { maxLength: 4 }), { minLength: 1, maxLength: 4 }),
          async (appends) => {
            const cities = [
              await createTestTenant(db, clock),
              await createTestTenant(db, clock),
              await createTestTenant(db, clock),
            ];
            const expected = new Map<string, string[]>(cities.map((city) => [city, []]));
            for (const batches of appends) {
              // The model: a city's whole events are one page where they first appear; each served batch is a page.
              const slots = new Map<string, string[][]>(cities.map((city) => [city, []]));
              const wholeSlot = new Map<string, string[]>();
              const written: AppendBatch[] = [];
              const rows: Array<[string, string]> = [];
              for (const { city, served, count } of batches) {
                const tenantId = cities[city] as string;
                const ids = Array.from({ length: count }, (_, index) => `x${fact + index + 1}`);
                fact += count;
                if (count === 0) continue;
                if (served) {
                  written.push({ tenantId, source: facts, refs: ids });
                  slots.get(tenantId)?.push(ids);
                  for (const id of ids) rows.push([tenantId, id]);
                } else {
                  written.push({ tenantId, events: ids.map((id) => charge(id)) });
                  const slot = wholeSlot.get(tenantId) ?? [];
                  if (!wholeSlot.has(tenantId)) slots.get(tenantId)?.push(slot);
                  wholeSlot.set(tenantId, slot);
                  slot.push(...ids);
                }
              }
              await db.transaction(async (tx) => {
                for (const [tenantId, id] of rows) await writeFacts(tx, tenantId, [id]);
                const append = feed.appendAlongside(written);
                if (append) await writeCompanion(tx, whole(append));
              });
              for (const [city, citySlots] of slots) expected.get(city)?.push(...citySlots.flat());
            }
            for (const city of cities) {
              const events = await feed.read(city, 0, 100);
              expect(events.map((event) => event.id.split(':')[1])).toEqual(expected.get(city));
              expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
            }
          },
        ),
        { numRuns: 12 },
      );
    });
  });

  it('delivers every event exactly once to a consumer that dies mid-batch, at any point (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 4 }),
        async (eventCount, pageSize, crashes) => {
          const tenantId = await createTestTenant(db, clock);
          const sink = await newSink();
          await db.transaction((tx) =>
            feed.append(
              tx,
              tenantId,
              Array.from({ length: eventCount }, (_, index) => charge(`e${index}`)),
            ),
          );
          // Each crash kills the consumer after it applied the crash-th event of its life.
          for (const crash of crashes) {
            const seen = { n: 0 };
            try {
              for (;;) {
                const step = await feed.consume(
                  'sink',
                  tenantId,
                  sinkInto(sink, { count: crash, seen }),
                  pageSize,
                );
                if (!step.more && step.processed === 0) break;
              }
            } catch (error) {
              expect(String(error)).toContain('injected');
            }
          }
          for (;;) {
            const step = await feed.consume('sink', tenantId, sinkInto(sink), pageSize);
            if (step.processed === 0) break;
          }
          const rows = await db.query<{ seq: number }>(
            `select seq from ${sink} where tenant_id = $1 order by seq`,
            [tenantId],
          );
          expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: eventCount }, (_, i) => i + 1));
          expect(await feed.position('sink', tenantId)).toBe(eventCount);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('rebuilds a consumer from zero: rewound with its tables emptied, it reads everything again once', async () => {
    const tenantId = await createTestTenant(db, clock);
    const sink = await newSink();
    await db.transaction((tx) => feed.append(tx, tenantId, [charge('a'), charge('b'), charge('c')]));
    await feed.consume('rebuilt', tenantId, sinkInto(sink));
    await db.transaction(async (tx) => {
      await tx.query(`delete from ${sink} where tenant_id = $1`, [tenantId]);
      await feed.rewind(tx, 'rebuilt', tenantId);
    });
    expect(await feed.position('rebuilt', tenantId)).toBe(0);
    await db.transaction((tx) => feed.append(tx, tenantId, [charge('d')]));
    const step = await feed.consume('rebuilt', tenantId, sinkInto(sink));
    expect(step).toEqual({ processed: 4, lastSeq: 4, more: false });
    const rows = await db.query<{ event_id: string }>(
      `select event_id from ${sink} where tenant_id = $1 order by seq`,
      [tenantId],
    );
    expect(rows.map((row) => row.event_id)).toEqual([
      'charge.confirmed:a',
      'charge.confirmed:b',
      'charge.confirmed:c',
      'charge.confirmed:d',
    ]);
  });

  it('concurrent producers and consumers: every event reaches each consumer once, in sequence, no gap', async () => {
    const tenantId = await createTestTenant(db, clock);
    const sink = await newSink();
    const producers = 12;
    const perProducer = 8;
    let producing = true;
    const consumed: number[] = [];
    const collect = async (tx: Sql, events: readonly FeedEvent[]) => {
      await sinkInto(sink)(tx, events);
      consumed.push(...events.map((event) => event.seq));
    };
    const consumers = Array.from({ length: 2 }, async () => {
      // Bounded: at most one empty step per produced event plus a final drain.
      for (let step = 0; step < producers * perProducer * 20; step += 1) {
        const outcome = await feed.consume('racer', tenantId, collect, 5);
        if (!producing && outcome.processed === 0) return;
      }
    });
    await Promise.all(
      Array.from({ length: producers }, async (_, producer) => {
        for (let index = 0; index < perProducer; index += 1) {
          await db.transaction(async (tx) => {
            await tx.query('select 1');
            await feed.append(tx, tenantId, [charge(`p${producer}-${index}`)]);
            // Work after the append, before the commit: where a bigserial would let a later number commit first.
            await tx.query('select count(*) from event_pages where tenant_id = $1', [tenantId]);
          });
        }
      }),
    );
    producing = false;
    await Promise.all(consumers);
    const total = producers * perProducer;
    const rows = await db.query<{ seq: number }>(`select seq from ${sink} order by seq`);
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect([...consumed].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });
});
