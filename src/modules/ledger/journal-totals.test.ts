import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { ACCOUNTS_PER_READ_MAX, LedgerService } from './ledger-service.js';
import type { AccountQuery } from './types.js';

/** The accounts of a list, as the query another module would pass. */
function accountIdsQuery(ids: readonly string[]): AccountQuery {
  return { sql: (first) => `select unnest($${first}::text[]) as account_id`, params: [[...ids]] };
}

describe.each(databaseKinds())('ledger reads over many accounts on %s', (kind) => {
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
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_alice' },
      { id: 'bob', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_bob' },
      { id: 'shop_a', kind: 'shop_receivable', currencyCode: 'KRW', ownerId: 'mer_a', allowNegative: true },
      { id: 'shop_b', kind: 'shop_receivable', currencyCode: 'KRW', ownerId: 'mer_b', allowNegative: true },
    ]);
  });

  async function move(id: string, code: string, from: string, to: string, amountWon: number): Promise<void> {
    const [result] = await ledger.postTransfers(tenantId, [
      {
        id,
        action: 'transfer',
        code,
        postings: [
          { accountId: from, amountWon: -amountWon },
          { accountId: to, amountWon },
        ],
      },
    ]);
    expect(result?.ok).toBe(true);
  }

  it('gives posted and available balances of the accounts asked for, unknown ids absent', async () => {
    await move('in:1', 'charge', 'bank', 'alice', 10_000);
    await ledger.postTransfers(tenantId, [
      {
        id: 'hold:1',
        action: 'pending',
        code: 'hold',
        timeoutAt: new Date(clock.now().getTime() + 60_000),
        postings: [
          { accountId: 'alice', amountWon: -6_000 },
          { accountId: 'bob', amountWon: 6_000 },
        ],
      },
    ]);
    expect(await ledger.balancesOf(tenantId, ['alice', 'bob', 'nobody'])).toEqual(
      new Map([
        ['alice', { postedWon: 10_000, availableWon: 4_000 }],
        ['bob', { postedWon: 0, availableWon: 0 }],
      ]),
    );
  });

  it('sums what the accounts exchanged with each counterparty owner, net of refunds', async () => {
    await move('in:1', 'charge', 'bank', 'alice', 50_000);
    await move('in:2', 'charge', 'bank', 'bob', 50_000);
    await move('pay:1', 'payment', 'alice', 'shop_a', 30_000);
    await move('pay:2', 'payment', 'alice', 'shop_b', 5_000);
    await move('refund:1', 'refund', 'shop_a', 'alice', 10_000);
    await move('pay:3', 'payment', 'bob', 'shop_a', 2_000);
    await move('gift:1', 'transfer', 'alice', 'bob', 1_000);
    await move('own:1', 'payment', 'alice', 'shop_a', 700);
    const counterparty = { kind: 'shop_receivable', excludeTransferIdPrefix: 'own:' };
    expect(
      await ledger.postedWonByCounterpartyOwner(tenantId, accountIdsQuery(['alice']), counterparty),
    ).toEqual(
      new Map([
        ['mer_a', -20_000],
        ['mer_b', -5_000],
      ]),
    );
    expect(
      await ledger.postedWonByCounterpartyOwner(tenantId, accountIdsQuery(['alice', 'bob']), counterparty),
    ).toEqual(
      new Map([
        ['mer_a', -22_000],
        ['mer_b', -5_000],
      ]),
    );
    expect(
      (
        await ledger.postedWonByCounterpartyOwner(tenantId, accountIdsQuery(['alice']), {
          kind: 'shop_receivable',
        })
      ).get('mer_a'),
    ).toBe(-20_700);
    expect(
      await ledger.postedWonByCounterpartyOwner(tenantId, accountIdsQuery(['alice']), {
        kind: 'member_cash',
      }),
    ).toEqual(new Map([['mem_bob', -1_000]]));
    expect(await ledger.postedWonOf(tenantId, accountIdsQuery(['alice', 'bob', 'nobody']))).toBe(
      72_300, // alice 50,000 − 35,000 + 10,000 − 1,000 − 700; bob 50,000 − 2,000 + 1,000
    );
    expect(await ledger.postedWonOf(tenantId, accountIdsQuery([]))).toBe(0);
  });

  it('sums posted won per local day, split at local midnight, leaving out the excluded codes', async () => {
    await move('fund:1', 'fund', 'bank', 'alice', 100_000);
    clock.set('2021-05-12T14:59:59Z');
    await move('pay:1', 'payment', 'alice', 'shop_a', 3_000);
    await move('pay:2', 'payment', 'alice', 'shop_b', 4_000);
    clock.set('2021-05-12T15:00:00Z');
    await move('pay:3', 'payment', 'alice', 'shop_a', 5_000);
    await move('refund:1', 'refund', 'shop_a', 'alice', 1_500);
    await move('fund:2', 'fund', 'bank', 'alice', 9_999);
    const filter = { timeZone: 'Asia/Seoul', excludeCodes: ['fund'] };
    expect(await ledger.dailyPostedWon(tenantId, ['alice'], filter)).toEqual([
      { day: '2021-05-12', postedWon: -7_000 },
      { day: '2021-05-13', postedWon: -3_500 },
    ]);
    expect(await ledger.dailyPostedWon(tenantId, ['alice', 'shop_a'], filter)).toEqual([
      { day: '2021-05-12', postedWon: -4_000 },
      { day: '2021-05-13', postedWon: 0 },
    ]);
  });

  it('refuses a read of more accounts than its bound', async () => {
    const ids = Array.from({ length: ACCOUNTS_PER_READ_MAX + 1 }, (_, index) => `a${index}`);
    await expect(ledger.balancesOf(tenantId, ids)).rejects.toThrow(/at most 10000 accounts/);
    expect(await ledger.balancesOf(tenantId, ids.slice(1))).toEqual(new Map());
  });
});
