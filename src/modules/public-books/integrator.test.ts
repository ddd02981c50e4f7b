import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { openTestPlatform, type TestPlatform } from '../../../test/support/platform.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import type { Database, Sql } from '../../db/database.js';
import { JournalIntegrator } from './integrator.js';
import { leafText } from './leaf.js';
import { leafHash, rootOfLeafHashes } from './merkle.js';

/** The database, except that the `nth` statement matching `pattern` inside a transaction fails. */
function failingOnce(db: Database, pattern: RegExp, nth: number): Database {
  let seen = 0;
  const failing = (tx: Sql): Sql => ({
    query: (text, params) => {
      if (pattern.test(text) && ++seen === nth) throw new Error('injected fault in the page write');
      return tx.query(text, params);
    },
    exec: (script) => tx.exec(script),
  });
  return new Proxy(db, {
    get(target, property) {
      if (property === 'transaction')
        return <T>(work: (tx: Sql) => Promise<T>) => target.transaction((tx) => work(failing(tx)));
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe.each(databaseKinds())('the journal integrator on %s', (kind) => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function newTenant(): Promise<string> {
    const tenantId = await createTestTenant(t.db, t.clock);
    await t.platform.ledger.createAccounts(tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_alice' },
      { id: 'bob', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_bob' },
    ]);
    return tenantId;
  }

  /** `amounts.length` charges from the bank to alice or bob, in one batch. */
  async function post(tenantId: string, firstNumber: number, amounts: readonly number[]) {
    const results = await t.platform.ledger.postTransfers(
      tenantId,
      amounts.map((amountWon, i) => ({
        id: `charge:n${firstNumber + i}`,
        action: 'transfer' as const,
        code: 'charge',
        postings: [
          { accountId: 'bank', amountWon: -amountWon },
          { accountId: (firstNumber + i) % 3 ? 'alice' : 'bob', amountWon },
        ],
      })),
    );
    expect(results.every((result) => result.ok)).toBe(true);
  }

  /** Every leaf hash of the journal, computed from scratch (as the seal did before the integrator). */
  async function journalLeaves(tenantId: string): Promise<Buffer[]> {
    const transfers = await t.platform.ledger.transfersInCommitOrder(
      tenantId,
      0,
      Number.MAX_SAFE_INTEGER,
      10_000,
    );
    return transfers.map((transfer) => leafHash(leafText(tenantId, transfer)));
  }

  async function storedLeaves(tenantId: string) {
    return t.db.query<{ leaf_index: number; hash: string }>(
      `select leaf_index::int as leaf_index, encode(leaf_hash, 'hex') as hash from public_book_leaves
       where tenant_id = $1 order by leaf_index`,
      [tenantId],
    );
  }

  it('leaves the tree at a page edge when a page write fails: no gap, no leaf twice, and goes on from there', async () => {
    const tenantId = await newTenant();
    await post(
      tenantId,
      1,
      Array.from({ length: 40 }, (_, i) => 1_000 + i),
    );
    const watermark = await t.platform.ledger.commitWatermark(tenantId);
    // Pages of 7: the third page's leaf insert fails after its cursor update in the same transaction.
    const faulty = new JournalIntegrator(failingOnce(t.db, /insert into public_book_leaves/, 3), t.platform);
    await expect(faulty.integrate(tenantId, watermark, { pageTransfers: 7 })).rejects.toThrow(
      'injected fault in the page write',
    );
    const cursor = await faulty.cursor(tenantId);
    expect(cursor.treeSize).toBe(14);
    const leaves = await journalLeaves(tenantId);
    expect(await storedLeaves(tenantId)).toEqual(
      leaves.slice(0, 14).map((hash, i) => ({ leaf_index: i, hash: hash.toString('hex') })),
    );
    // Integrating again (another page size) resumes at leaf 14.
    const resumed = await t.platform.publicBooks.integrator.integrate(tenantId, watermark, {
      pageTransfers: 16,
    });
    expect(resumed).toMatchObject({ processed: 26, more: false, cursor: { treeSize: 40 } });
    expect((await storedLeaves(tenantId)).map((leaf) => leaf.leaf_index)).toEqual([...Array(40).keys()]);
    const { checkpoint } = await t.platform.publicBooks.seal(tenantId);
    expect(checkpoint).toMatchObject({
      treeSize: 40,
      transferCount: 40,
      firstTransferId: 'charge:n1',
      lastTransferId: 'charge:n40',
      rootHash: rootOfLeafHashes(leaves).toString('hex'),
    });
    expect(await t.platform.publicBooks.audit(tenantId)).toEqual([]);
  });

  it('is paced by the run budget after each page that leaves more, never after the last', async () => {
    const tenantId = await newTenant();
    await post(
      tenantId,
      1,
      Array.from({ length: 23 }, (_, i) => 700 + i),
    );
    const watermark = await t.platform.ledger.commitWatermark(tenantId);
    let paces = 0;
    const budget = (pageItems: number) => ({
      pageItems,
      spent: () => false,
      pace: async () => {
        paces += 1;
      },
    });
    const integrator = new JournalIntegrator(t.db, t.platform);
    const outcome = await integrator.integrate(tenantId, watermark, {
      pageTransfers: 5,
      budget: budget(256),
    });
    expect(outcome).toMatchObject({ processed: 23, more: false, cursor: { treeSize: 23 } });
    // Pages of 5, 5, 5, 5 and 3: paced after each of the first four, not once caught up.
    expect(paces).toBe(4);
    // The job's page bound and the scheduler's budget: the smaller wins (pages of 4, so paced after two).
    await post(tenantId, 24, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    paces = 0;
    const budgeted = await integrator.integrate(tenantId, await t.platform.ledger.commitWatermark(tenantId), {
      pageTransfers: 256,
      budget: budget(4),
    });
    expect(budgeted).toMatchObject({ processed: 12, more: false, cursor: { treeSize: 35 } });
    expect(paces).toBe(2);
    const { checkpoint } = await t.platform.publicBooks.seal(tenantId);
    expect(checkpoint.rootHash).toBe(rootOfLeafHashes(await journalLeaves(tenantId)).toString('hex'));
  });

  it('lets a seal and the integrator job race: one tree, every leaf once, the same root', async () => {
    const tenantId = await newTenant();
    await post(
      tenantId,
      1,
      Array.from({ length: 60 }, (_, i) => 500 + i),
    );
    const watermark = await t.platform.ledger.commitWatermark(tenantId);
    const [, sealed] = await Promise.all([
      t.platform.publicBooks.integrator.integrate(tenantId, watermark, { pageTransfers: 5 }),
      t.platform.publicBooks.seal(tenantId),
    ]);
    expect(sealed.checkpoint.treeSize).toBe(60);
    expect(sealed.checkpoint.rootHash).toBe(rootOfLeafHashes(await journalLeaves(tenantId)).toString('hex'));
    expect((await storedLeaves(tenantId)).map((leaf) => leaf.leaf_index)).toEqual([...Array(60).keys()]);
  });

  it('gives every checkpoint the root a seal from scratch gives, whatever the pages and seal points', async () => {
    const step = fc.oneof(
      fc.record({ post: fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 25 }) }),
      fc.record({ integratePage: fc.integer({ min: 1, max: 20 }), pagesMax: fc.integer({ min: 1, max: 3 }) }),
      fc.constant({ seal: true as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const tenantId = await newTenant();
        let posted = 0;
        for (const action of steps) {
          if ('post' in action) {
            await post(tenantId, posted + 1, action.post);
            posted += action.post.length;
          } else if ('integratePage' in action) {
            const watermark = await t.platform.ledger.commitWatermark(tenantId);
            await t.platform.publicBooks.integrator.integrate(tenantId, watermark, {
              pageTransfers: action.integratePage,
              pagesMax: action.pagesMax,
            });
          } else await t.platform.publicBooks.seal(tenantId);
        }
        await t.platform.publicBooks.seal(tenantId);
        const leaves = await journalLeaves(tenantId);
        const checkpoints = await t.platform.publicBooks.checkpoints(tenantId, { limit: 100 });
        expect(checkpoints[0]?.treeSize).toBe(posted);
        let previousSize = 0;
        for (const checkpoint of [...checkpoints].reverse()) {
          expect(checkpoint.rootHash).toBe(
            rootOfLeafHashes(leaves.slice(0, checkpoint.treeSize)).toString('hex'),
          );
          expect(checkpoint.transferCount).toBe(checkpoint.treeSize - previousSize);
          expect(checkpoint.firstTransferId).toBe(
            checkpoint.transferCount ? `charge:n${previousSize + 1}` : null,
          );
          previousSize = checkpoint.treeSize;
        }
        expect(await t.platform.publicBooks.audit(tenantId)).toEqual([]);
      }),
      { numRuns: 6 },
    );
  }, 300_000);
});
