import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { ledgerFingerprint } from './fingerprint.js';
import { LedgerService } from './ledger-service.js';

describe.each(databaseKinds())('ledger fingerprint on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => db.close());

  it("changes with every transfer of its tenant and with no other tenant's", async () => {
    const clock = new ManualClock('2021-05-13T03:00:00Z');
    const ledger = new LedgerService(db, clock);
    const [mine, other] = [await createTestTenant(db, clock), await createTestTenant(db, clock)];
    for (const tenantId of [mine, other] as string[])
      await ledger.createAccounts(tenantId, [
        { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
        { id: 'kim', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_kim' },
      ]);
    const fund = (tenantId: string, id: string, amountWon: number) =>
      ledger.postTransfers(tenantId, [
        {
          id,
          action: 'transfer',
          code: 'charge',
          postings: [
            { accountId: 'bank', amountWon: -amountWon },
            { accountId: 'kim', amountWon },
          ],
        },
      ]);
    await fund(mine as string, 'f1', 10_000);
    const first = await ledgerFingerprint(db, mine as string);
    expect(first).toMatchObject({ transfers: 1, accounts: 2, postedWonTotal: 20_000 });
    expect(await ledgerFingerprint(db, mine as string)).toEqual(first);
    await fund(other as string, 'f1', 10_000);
    expect(await ledgerFingerprint(db, mine as string)).toEqual(first);
    await fund(mine as string, 'f2', 1);
    const second = await ledgerFingerprint(db, mine as string);
    expect(second.transfers).toBe(2);
    expect(second.transferDigest).not.toBe(first.transferDigest);
    expect(second.balanceDigest).not.toBe(first.balanceDigest);
  });
});
