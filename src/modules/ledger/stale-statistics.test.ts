import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  databaseKinds,
  explainingStatements,
  openTestDatabase,
  type PlanNode,
} from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { LedgerService } from './ledger-service.js';
import { selectAccounts, selectTransfers } from './store.js';

const ACCOUNTS = 3_000;

function rowsThrownAway(node: PlanNode): number {
  const own = (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Join Filter'] ?? 0);
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsThrownAway(child), 0);
}

/**
 * A city that joins a busy cluster, or a tenant that grows by a bulk import, is unknown to the
 * table statistics until the next ANALYZE: the planner then expects one row for it and may scan the
 * tenant's rows instead of probing keys. Batched lookups must stay linear in that case (CI once
 * spent 60 s in a quadratic join filter of 3,000 keys against 3,000 accounts).
 */
describe.each(databaseKinds())('batched ledger lookups with stale statistics on %s', (kind) => {
  let db: Database;
  let tenantId: string;
  const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => `acct-${String(i).padStart(5, '0')}`);

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const clock = new ManualClock('2021-05-13T03:00:00Z');
    const ledger = new LedgerService(db, clock);
    const earlierCity = await createTestTenant(db, clock);
    await ledger.createAccounts(earlierCity, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'one', kind: 'member_cash', currencyCode: 'KRW' },
    ]);
    await ledger.postTransfers(earlierCity, [
      {
        id: 't0',
        action: 'transfer',
        code: 'test',
        postings: [
          { accountId: 'bank', amountWon: -1 },
          { accountId: 'one', amountWon: 1 },
        ],
      },
    ]);
    await db.query('analyze ledger_accounts, ledger_transfers, ledger_entries');
    // Statistics that stay as they are now, as they do for a while on a busy server.
    for (const table of ['ledger_accounts', 'ledger_transfers', 'ledger_entries'])
      await db.query(`alter table ${table} set (autovacuum_enabled = false)`);

    tenantId = await createTestTenant(db, clock);
    await ledger.createAccounts(tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      ...accountIds.map((id) => ({ id, kind: 'member_cash' as const, currencyCode: 'KRW' })),
    ]);
    for (let from = 0; from < ACCOUNTS; from += 500) {
      await ledger.postTransfers(
        tenantId,
        accountIds.slice(from, from + 500).map((id) => ({
          id: `charge:${id}`,
          action: 'transfer' as const,
          code: 'test',
          postings: [
            { accountId: 'bank', amountWon: -1_000 },
            { accountId: id, amountWon: 1_000 },
          ],
        })),
      );
    }
  }, 300_000);
  afterAll(async () => {
    await db?.close();
  });

  it('reads 2,000 accounts and transfers by key, throwing away at most a linear number of rows', async () => {
    const wanted = accountIds.slice(500, 2_500);
    const plans: PlanNode[] = [];
    await selectAccounts(explainingStatements(db, plans, { analyze: true }), tenantId, wanted);
    await selectTransfers(
      explainingStatements(db, plans, { analyze: true }),
      tenantId,
      wanted.map((id) => `charge:${id}`),
    );
    expect(plans).toHaveLength(3);
    const tenantRows = 2 * (ACCOUNTS + 1);
    for (const plan of plans) expect(rowsThrownAway(plan)).toBeLessThanOrEqual(tenantRows);
    // The keys are real: read normally, every one comes back with its balance.
    const accounts = await selectAccounts(db, tenantId, wanted);
    expect(accounts.map((account) => [account.id, account.postedWon])).toEqual(
      wanted.map((id) => [id, 1_000]),
    );
  });
});
