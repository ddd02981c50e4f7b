import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { auditLedger } from './audit.js';
import { LedgerBatcher } from './batcher.js';
import { LedgerService } from './ledger-service.js';
import type { TransferRequest } from './types.js';

const move = (id: string, from: string, to: string, amountWon: number): TransferRequest => ({
  id,
  action: 'transfer',
  code: 'test',
  postings: [
    { accountId: from, amountWon: -amountWon },
    { accountId: to, amountWon },
  ],
});

describe.each(databaseKinds())('LedgerBatcher on %s', (kind) => {
  let db: Database;
  let clock: ManualClock;
  let ledger: LedgerService;
  let tenantId: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    clock = new ManualClock('2021-05-13T03:00:00Z');
    ledger = new LedgerService(db, clock);
    tenantId = await createTestTenant(db, clock);
    await ledger.createAccounts(tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW' },
      { id: 'bob', kind: 'member_cash', currencyCode: 'KRW' },
    ]);
    await ledger.postTransfers(tenantId, [move('fund', 'bank', 'alice', 50)]);
  });

  it('decides 200 concurrent 1-won debits of a 50-won account in arrival order: the first 50 pass', async () => {
    const batcher = new LedgerBatcher(ledger, { batchSizeMax: 64 });

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        batcher.postTransfer(tenantId, move(`spend-${index}`, 'alice', 'bob', 1)),
      ),
    );

    expect(results.slice(0, 50).every((result) => result.ok && !result.replayed)).toBe(true);
    expect(results.slice(50).map((result) => (result.ok ? 'ok' : result.code))).toEqual(
      Array.from({ length: 150 }, () => 'INSUFFICIENT_FUNDS'),
    );
    expect(await ledger.getAccount(tenantId, 'alice')).toMatchObject({ postedWon: 0 });
    expect(await ledger.getAccount(tenantId, 'bob')).toMatchObject({ postedWon: 50 });
    const report = await auditLedger(db, tenantId, clock.now());
    expect(report.violations).toEqual([]);
  });

  it('answers a repeated id within one batch as a replay of the first, moving money once', async () => {
    const batcher = new LedgerBatcher(ledger);

    const [first, second, conflicting] = await Promise.all([
      batcher.postTransfer(tenantId, move('twice', 'alice', 'bob', 7)),
      batcher.postTransfer(tenantId, move('twice', 'alice', 'bob', 7)),
      batcher.postTransfer(tenantId, move('twice', 'alice', 'bob', 8)),
    ]);

    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(second).toMatchObject({ ok: true, replayed: true });
    expect(conflicting).toMatchObject({ ok: false, code: 'IDEMPOTENCY_CONFLICT' });
    expect(await ledger.getAccount(tenantId, 'bob')).toMatchObject({ postedWon: 7 });
  });

  it('refuses a request beyond its queue bound instead of queueing without limit', async () => {
    const batcher = new LedgerBatcher(ledger, { batchSizeMax: 2, queuedMax: 2 });
    // Two fill a batch, which is written at once; two more wait for it and fill the queue.
    const accepted = [1, 2, 3, 4].map((index) =>
      batcher.postTransfer(tenantId, move(`q-${index}`, 'alice', 'bob', 1)),
    );

    await expect(batcher.postTransfer(tenantId, move('q-5', 'alice', 'bob', 1))).rejects.toMatchObject({
      code: 'BUSY',
      httpStatus: 503,
    });
    expect((await Promise.all(accepted)).every((result) => result.ok)).toBe(true);
  });
});
