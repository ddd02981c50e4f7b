import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { openTestPlatform, type TestPlatform } from '../../../test/support/platform.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { leafText } from './leaf.js';
import { inclusionRanges, leafHash, rootOfLeafHashes, verifyConsistency, verifyInclusion } from './merkle.js';
import type { InclusionProof } from './proof.js';
import { GROUP_LEAVES, STORED_LEVEL } from './scan.js';

const FIRST_SEAL = 300;
const TRANSFERS = 700;
/** Leaves on both sides of the edges of 256 (chunks of the older layouts) that proofs are checked at. */
const BLOCK_LEAVES = 256;

/**
 * Trees bigger than a group: nodes below GROUP_LEAVES leaves are not stored, so proofs rehash their
 * group from the stored leaf hashes (and check the member's own leaf against the journal). Leaves on
 * both sides of group edges and of a checkpoint boundary; and a tree whose first checkpoint was sealed
 * before the integrator existed (`upgraded`: migration 3101 leaves no leaves, nodes or cursor behind,
 * so the integrator starts again from leaf 0).
 */
describe.each(
  databaseKinds().flatMap((kind) => [
    [kind, 'current'],
    [kind, 'upgraded'],
  ]),
)('proofs across groups of leaves on %s (%s first checkpoint)', (kind, firstSeal) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await createTestTenant(t.db, t.clock);
    await t.platform.ledger.createAccounts(tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_alice' },
    ]);
    await post(1, FIRST_SEAL);
    await t.platform.publicBooks.seal(tenantId);
    if (firstSeal === 'upgraded')
      for (const table of ['public_book_leaves', 'public_book_nodes', 'public_book_integration'])
        await t.db.query(`delete from ${table} where tenant_id = $1`, [tenantId]);
    await post(FIRST_SEAL + 1, TRANSFERS);
    await t.platform.publicBooks.seal(tenantId);
  }, 300_000);
  afterAll(async () => {
    await t.close();
  });

  async function post(from: number, through: number) {
    for (let start = from; start <= through; start += 100) {
      const ids = Array.from({ length: Math.min(100, through - start + 1) }, (_, i) => start + i);
      const results = await t.platform.ledger.postTransfers(
        tenantId,
        ids.map((n) => ({
          id: `charge:n${n}`,
          action: 'transfer' as const,
          code: 'charge',
          postings: [
            { accountId: 'bank', amountWon: -n },
            { accountId: 'alice', amountWon: n },
          ],
        })),
      );
      expect(results.every((result) => result.ok)).toBe(true);
    }
  }

  async function proofOf(n: number): Promise<InclusionProof> {
    const answer = await t.platform.publicBooks.proofFor(tenantId, 'mem_alice', `n${n}`);
    if (answer.status !== 'sealed') throw new Error(`charge ${n} is not sealed`);
    expect(answer.proofs).toHaveLength(1);
    return answer.proofs[0] as InclusionProof;
  }

  it(`seals in two checkpoints, every leaf stored once and the tree from level ${STORED_LEVEL} up`, async () => {
    const [second, first] = await t.platform.publicBooks.checkpoints(tenantId, { limit: 10 });
    expect(first).toMatchObject({ sequence: 1, treeSize: FIRST_SEAL, transferCount: FIRST_SEAL });
    expect(second).toMatchObject({
      sequence: 2,
      treeSize: TRANSFERS,
      transferCount: TRANSFERS - FIRST_SEAL,
      firstTransferId: `charge:n${FIRST_SEAL + 1}`,
      lastTransferId: `charge:n${TRANSFERS}`,
    });
    expect(second?.figures.circulationWon).toBe((TRANSFERS * (TRANSFERS + 1)) / 2);
    const [leaves] = await t.db.query<{ count: number; first: number; last: number }>(
      `select count(*)::int as count, min(leaf_index)::int as first, max(leaf_index)::int as last
       from public_book_leaves where tenant_id = $1`,
      [tenantId],
    );
    expect(leaves).toEqual({ count: TRANSFERS, first: 0, last: TRANSFERS - 1 });
    const levels = await t.db.query<{ level: number }>(
      'select distinct level from public_book_nodes where tenant_id = $1 order by level',
      [tenantId],
    );
    expect(levels.map((row) => Number(row.level))).toEqual([4, 5, 6, 7, 8, 9]);
    const level4 = await t.db.query<{ hashes: Buffer }>(
      'select hashes from public_book_nodes where tenant_id = $1 and level = 4 and chunk = 0',
      [tenantId],
    );
    const stored = Buffer.from(level4[0]?.hashes ?? []);
    expect(stored.length).toBe(32 * Math.floor(TRANSFERS / GROUP_LEAVES));
    expect(stored.subarray(0, 32).equals(Buffer.alloc(32))).toBe(false);
  });

  /** The path as the RFC defines it, from the whole journal (what every earlier layout served). */
  async function referencePath(leafIndex: number, treeSize: number): Promise<string[]> {
    const transfers = await t.platform.ledger.transfersInCommitOrder(
      tenantId,
      0,
      Number.MAX_SAFE_INTEGER,
      treeSize,
    );
    const leaves = transfers.map((transfer) => leafHash(leafText(tenantId, transfer)));
    return inclusionRanges(leafIndex, treeSize).map((range) =>
      rootOfLeafHashes(leaves.slice(range.start, range.end)).toString('hex'),
    );
  }

  it('gives an inclusion proof that verifies for leaves at every block edge', async () => {
    const [latest] = await t.platform.publicBooks.checkpoints(tenantId, { limit: 1 });
    const root = Buffer.from(latest?.rootHash ?? '', 'hex');
    for (const n of [
      1,
      GROUP_LEAVES,
      GROUP_LEAVES + 1,
      BLOCK_LEAVES,
      BLOCK_LEAVES + 1,
      FIRST_SEAL,
      FIRST_SEAL + 1,
      2 * BLOCK_LEAVES + 1,
      TRANSFERS,
    ]) {
      const proof = await proofOf(n);
      expect(proof.leafIndex).toBe(n - 1);
      expect(proof.treeSize).toBe(TRANSFERS);
      expect(JSON.parse(proof.leaf)).toMatchObject({ transferId: `charge:n${n}` });
      const path = proof.inclusionPath.map((hex) => Buffer.from(hex, 'hex'));
      expect(verifyInclusion(leafHash(proof.leaf), proof.leafIndex, TRANSFERS, path, root)).toBe(true);
      expect(proof.inclusionPath).toEqual(await referencePath(n - 1, TRANSFERS));
    }
  });

  it('gives a consistency proof from the first checkpoint that a monitor accepts', async () => {
    const answer = await t.platform.publicBooks.consistency(tenantId, 2, 1);
    const path = answer.consistencyPath.map((hex) => Buffer.from(hex, 'hex'));
    const [from, to] = [answer.from.rootHash, answer.to.rootHash].map((hex) => Buffer.from(hex, 'hex'));
    expect(verifyConsistency(FIRST_SEAL, TRANSFERS, from as Buffer, to as Buffer, path)).toBe(true);
    expect(await t.platform.publicBooks.audit(tenantId)).toEqual([]);
  });

  it('refuses to prove a transfer altered in the journal after integration, and the audit names the checkpoint', async () => {
    await t.db.transaction(async (tx) => {
      await tx.query('alter table ledger_entries disable trigger ledger_entries_append_only');
      await tx.query(
        `update ledger_entries set posted_delta_won = posted_delta_won + 1 where tenant_id = $1 and transfer_id = 'charge:n290' and account_id = 'alice'`,
        [tenantId],
      );
      await tx.query('alter table ledger_entries enable trigger ledger_entries_append_only');
    });
    // Its leaf, re-encoded from the journal, no longer hashes to the integrated leaf: refused.
    await expect(proofOf(290)).rejects.toMatchObject({ code: 'JOURNAL_DIFFERS_FROM_CHECKPOINT' });
    // Proofs of other leaves, even of its group, and the consistency proof come from the tree as sealed.
    expect((await proofOf(289)).leafIndex).toBe(288);
    expect((await proofOf(1)).leafIndex).toBe(0);
    const answer = await t.platform.publicBooks.consistency(tenantId, 2, 1);
    expect(answer.consistencyPath.length).toBeGreaterThan(0);
    expect((await proofOf(BLOCK_LEAVES + 1)).leafIndex).toBe(BLOCK_LEAVES);
    const violations = await t.platform.publicBooks.audit(tenantId);
    expect(violations.map((violation) => violation.subject)).toContain('checkpoint 1');
  });
});
