import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { openTestPlatform, type TestPlatform } from '../../../test/support/platform.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import type { TransferRequest } from '../ledger/index.js';

const WRITERS = 6;
const TRANSFERS_PER_WRITER = 30;

/**
 * Transfers that commit in another order than they drew their commit numbers must never be skipped:
 * a checkpoint seals only a prefix that no later commit can enter (src/modules/ledger/commit-order.ts).
 */
describe.each(databaseKinds())('sealing in commit order on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    tenantId = await createTestTenant(t.db, t.clock);
    await t.platform.ledger.createAccounts(tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'bank2', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      ...Array.from({ length: WRITERS }, (_, i) => ({
        id: `m${i}`,
        kind: 'member_cash',
        currencyCode: 'KRW',
      })),
    ]);
  });

  const charge = (id: string, accountId: string, bank = 'bank') => ({
    id,
    action: 'transfer' as const,
    code: 'test',
    postings: [
      { accountId: bank, amountWon: -1_000 },
      { accountId, amountWon: 1_000 },
    ],
  });

  it('names no member in a checkpoint: ids that carry a member id are published hashed', async () => {
    const memberId = 'usr_Abc123_-Xyz789Qw';
    const grantId = `program_grant:prg_relief:${memberId}`;
    const clawbackId = `fraud_clawback:fcs_1:${memberId}`;
    for (const id of [grantId, 'charge:plain', clawbackId])
      expect((await t.platform.ledger.postTransfers(tenantId, [charge(id, 'm0')]))[0]?.ok).toBe(true);
    const { checkpoint } = await t.platform.publicBooks.seal(tenantId);
    expect(checkpoint.firstTransferId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(checkpoint.lastTransferId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(checkpoint)).not.toContain(memberId);
    expect(checkpoint.firstTransferId).toBe(
      `sha256:${createHash('sha256').update(`hanbat-transfer|${tenantId}|${grantId}`).digest('hex')}`,
    );
    expect(await t.platform.publicBooks.audit(tenantId)).toEqual([]);
    // Ids that name no member are published as they are.
    expect((await t.platform.ledger.postTransfers(tenantId, [charge('charge:next', 'm1')]))[0]?.ok).toBe(
      true,
    );
    const { checkpoint: next } = await t.platform.publicBooks.seal(tenantId);
    expect(next).toMatchObject({ firstTransferId: 'charge:next', lastTransferId: 'charge:next' });
  });

  it('seals every transfer exactly once while writers and sealers race', async () => {
    const writers = Array.from({ length: WRITERS }, async (_, writer) => {
      for (let i = 0; i < TRANSFERS_PER_WRITER; i += 1) {
        const [result] = await t.platform.ledger.postTransfers(tenantId, [
          charge(`w${writer}:${i}`, `m${writer}`),
        ]);
        expect(result?.ok).toBe(true);
      }
    });
    const sealer = (async () => {
      for (let i = 0; i < 10; i += 1) await t.platform.publicBooks.seal(tenantId);
    })();
    await Promise.all([...writers, sealer]);
    const { checkpoint } = await t.platform.publicBooks.seal(tenantId);
    expect(checkpoint.treeSize).toBe(WRITERS * TRANSFERS_PER_WRITER);
    expect(checkpoint.figures.circulationWon).toBe(WRITERS * TRANSFERS_PER_WRITER * 1_000);
    expect(await t.platform.publicBooks.audit(tenantId)).toEqual([]);
  });

  it('reads a commit-order range exactly as the transfers are read one by one', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      ids.push(`r${i}`);
      // Holds, their postings and plain transfers: pending amounts travel too.
      const request: TransferRequest =
        i % 3 === 0
          ? {
              ...charge(`r${i}`, `m${i % WRITERS}`),
              action: 'pending',
              timeoutAt: new Date(Date.UTC(2100, 0)),
            }
          : i % 3 === 1
            ? { id: `r${i}`, action: 'post_pending', pendingId: `r${i - 1}` }
            : charge(`r${i}`, `m${i % WRITERS}`);
      expect((await t.platform.ledger.postTransfers(tenantId, [request]))[0]?.ok).toBe(true);
    }
    const byRange = await t.platform.ledger.transfersInCommitOrder(
      tenantId,
      0,
      Number.MAX_SAFE_INTEGER,
      1000,
    );
    const byIds = await t.platform.ledger.sealableTransfers(tenantId, ids);
    const sorted = (transfers: typeof byRange) =>
      transfers.map((transfer) => ({
        ...transfer,
        entries: [...transfer.entries].sort((a, b) => (a.accountId < b.accountId ? -1 : 1)),
      }));
    expect(byRange.map((transfer) => transfer.id)).toEqual(ids);
    expect(byRange.every((transfer) => transfer.entries.length === 2)).toBe(true);
    expect(sorted(byRange)).toEqual(sorted(byIds));
    // A page that ends inside the range carries the entries of its own transfers only.
    const page = await t.platform.ledger.transfersInCommitOrder(tenantId, 0, Number.MAX_SAFE_INTEGER, 7);
    expect(sorted(page)).toEqual(sorted(byIds).slice(0, 7));
  });

  it.skipIf(kind === 'pglite')(
    'waits for a transfer that drew an earlier number but commits later',
    async () => {
      let releaseEarly: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        releaseEarly = resolve;
      });
      let markInserted: () => void = () => undefined;
      const inserted = new Promise<void>((resolve) => {
        markInserted = resolve;
      });
      const early = t.db.transaction(async (tx) => {
        await t.platform.ledger.postTransfersInTransaction(tx, tenantId, [charge('early', 'm0')]);
        markInserted();
        await gate;
      });
      await inserted;
      expect((await t.platform.ledger.postTransfers(tenantId, [charge('late', 'm1', 'bank2')]))[0]?.ok).toBe(
        true,
      );
      const sealing = t.platform.publicBooks.seal(tenantId);
      // The sealer is queued behind the open transaction's share lock: wait for that state, not for time.
      let sealerQueued = false;
      for (let polls = 0; polls < 10_000 && !sealerQueued; polls += 1) {
        const [row] = await t.db.query<{ waiting: number }>(
          "select count(*)::int as waiting from pg_locks where locktype = 'advisory' and not granted",
        );
        sealerQueued = (row?.waiting ?? 0) > 0;
      }
      expect(sealerQueued).toBe(true);
      releaseEarly();
      await early;
      const { checkpoint } = await sealing;
      expect(checkpoint).toMatchObject({ treeSize: 2, firstTransferId: 'early', lastTransferId: 'late' });
      expect(await t.platform.publicBooks.audit(tenantId)).toEqual([]);
    },
  );
});
