import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { openTestPlatform, type TestPlatform } from '../../../test/support/platform.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { auditLedger } from '../ledger/audit.js';
import { withCheckpointCheck } from './audit.js';
import { leafText } from './leaf.js';
import { consistencyRanges, leafHash, rootOfLeafHashes, verifyConsistency } from './merkle.js';
import type { StoredCheckpoint } from './types.js';

/**
 * A database owner can bypass the append-only triggers. What they cannot do is make the journal
 * agree with checkpoints already signed and published: `hanbat audit` recomputes them, and a monitor
 * that kept an old root refuses the rebuilt books through a consistency proof.
 */
describe.each(databaseKinds())('tampering with the sealed journal on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let first: StoredCheckpoint;
  let second: StoredCheckpoint;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function post(id: string, from: string, to: string, amountWon: number) {
    const [result] = await t.platform.ledger.postTransfers(tenantId, [
      {
        id,
        action: 'transfer',
        code: 'test',
        postings: [
          { accountId: from, amountWon: -amountWon },
          { accountId: to, amountWon },
        ],
      },
    ]);
    expect(result?.ok).toBe(true);
  }

  beforeEach(async () => {
    tenantId = await createTestTenant(t.db, t.clock);
    await t.platform.ledger.createAccounts(tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_alice' },
      { id: 'bob', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_bob' },
    ]);
    for (let i = 1; i <= 5; i += 1) await post(`charge:${i}`, 'bank', i % 2 ? 'alice' : 'bob', 10_000 * i);
    first = (await t.platform.publicBooks.seal(tenantId)).checkpoint;
    await post('pay:1', 'alice', 'bob', 3_000);
    await post('pay:2', 'bob', 'alice', 1_000);
    second = (await t.platform.publicBooks.seal(tenantId)).checkpoint;
    expect(first).toMatchObject({ sequence: 1, treeSize: 5, figures: { circulationWon: 150_000 } });
    expect(second).toMatchObject({ sequence: 2, treeSize: 7, transferCount: 2 });
    expect(await audit()).toEqual({ ok: true, violations: [] });
  });

  async function audit() {
    const ledger = await auditLedger(t.db, tenantId, t.clock.now());
    const report = withCheckpointCheck(ledger, await t.platform.publicBooks.audit(tenantId));
    return { ok: report.ok, violations: report.violations.filter((v) => v.check === 'public_checkpoints') };
  }

  /** As a database owner could: with the append-only triggers switched off for one transaction. */
  async function asOwner(statements: string[]) {
    await t.db.transaction(async (tx) => {
      await tx.query('alter table ledger_transfers disable trigger ledger_transfers_append_only');
      await tx.query('alter table ledger_entries disable trigger ledger_entries_append_only');
      for (const statement of statements) await tx.query(statement, [tenantId]);
      await tx.query('alter table ledger_transfers enable trigger ledger_transfers_append_only');
      await tx.query('alter table ledger_entries enable trigger ledger_entries_append_only');
    });
  }

  /** The operator rebuilds the books from the altered journal and publishes the new root. */
  async function rebuiltBooks() {
    const transfers = await t.platform.ledger.transfersInCommitOrder(
      tenantId,
      0,
      Number.MAX_SAFE_INTEGER,
      1000,
    );
    const leaves = transfers.map((transfer) => leafHash(leafText(tenantId, transfer)));
    return { size: leaves.length, root: rootOfLeafHashes(leaves), leaves };
  }

  async function monitorAcceptsRebuild(): Promise<boolean> {
    const rebuilt = await rebuiltBooks();
    if (rebuilt.size < first.treeSize) return false;
    const proof = consistencyRanges(first.treeSize, rebuilt.size).map((range) =>
      rootOfLeafHashes(rebuilt.leaves.slice(range.start, range.end)),
    );
    return verifyConsistency(
      first.treeSize,
      rebuilt.size,
      Buffer.from(first.rootHash, 'hex'),
      rebuilt.root,
      proof,
    );
  }

  it('an honest rebuild is accepted by the monitor (the control case)', async () => {
    expect(await monitorAcceptsRebuild()).toBe(true);
  });

  it('detects an altered amount in a sealed transfer', async () => {
    await asOwner([
      "update ledger_entries set posted_delta_won = posted_delta_won + 500 where tenant_id = $1 and transfer_id = 'charge:2' and posted_delta_won > 0",
      "update ledger_entries set posted_delta_won = posted_delta_won - 500 where tenant_id = $1 and transfer_id = 'charge:2' and posted_delta_won < 0",
    ]);
    const report = await audit();
    expect(report.ok).toBe(false);
    expect(report.violations.map((v) => v.subject)).toContain('checkpoint 1');
    expect(report.violations.find((v) => v.message.startsWith('rootHash'))?.subject).toBe('checkpoint 1');
    expect(await monitorAcceptsRebuild()).toBe(false);
  });

  it('detects a deleted sealed transfer', async () => {
    await asOwner([
      "delete from ledger_entries where tenant_id = $1 and transfer_id = 'charge:3'",
      "delete from ledger_transfers where tenant_id = $1 and id = 'charge:3'",
    ]);
    const report = await audit();
    expect(report.ok).toBe(false);
    expect(report.violations).toContainEqual({
      check: 'public_checkpoints',
      subject: 'checkpoint 1',
      message: 'transferCount is 5 but the journal gives 4',
    });
    expect(await monitorAcceptsRebuild()).toBe(false);
  });

  it('detects a transfer inserted into the sealed past', async () => {
    await asOwner([
      `insert into ledger_transfers (tenant_id, id, action, code, metadata, request_hash, content_hash, created_at, commit_seq)
       select $1, 'backdated', 'transfer', 'test', '{}', 'x', 'x', '2021-01-01T00:00:00Z', min(commit_seq) - 1
       from ledger_transfers where tenant_id = $1`,
      `insert into ledger_entries (tenant_id, account_id, seq, transfer_id, posted_delta_won, pending_debit_delta_won, pending_credit_delta_won, hash)
       values ($1, 'bank', 1000, 'backdated', -1, 0, 0, 'x'), ($1, 'bob', 1000, 'backdated', 1, 0, 0, 'x')`,
    ]);
    const report = await audit();
    expect(report.ok).toBe(false);
    expect(report.violations).toContainEqual({
      check: 'public_checkpoints',
      subject: 'checkpoint 1',
      message: 'transferCount is 5 but the journal gives 6',
    });
    expect(await monitorAcceptsRebuild()).toBe(false);
  });

  it('detects a rewritten checkpoint row (the signature no longer verifies)', async () => {
    await t.db.query(
      `update public_checkpoints set sealed_at = sealed_at + interval '1 second' where tenant_id = $1 and sequence = 2`,
      [tenantId],
    );
    const report = await audit();
    expect(report.violations).toEqual([
      {
        check: 'public_checkpoints',
        subject: 'checkpoint 2',
        message: 'the signature does not verify with the published key',
      },
    ]);
  });
});
