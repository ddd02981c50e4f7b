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
import { lockMonthlyUsagesOfTenants, recordSpendingOfTenants, type TenantSpending } from './usage.js';

const MEMBERS = 2_000;
const MONTH = '2021-05';

function scannedTables(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scannedTables)];
}

/**
 * A payment batch's usage write for members of several cities, in a city the table statistics do
 * not know yet (it joined, or grew by a bulk import, since the last ANALYZE): the planner then
 * expects no rows and could scan the table instead of probing its keys. Each row must stay one
 * probe, and members with the same id in two cities keep their own rows.
 */
describe.each(databaseKinds())('the usage write of a batch across cities on %s', (kind) => {
  let db: Database;
  let quietCity: string;
  let newCity: string;
  const memberIds = Array.from({ length: MEMBERS }, (_, i) => `m-${String(i).padStart(5, '0')}`);

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const clock = new ManualClock('2021-05-13T03:00:00Z');
    quietCity = await createTestTenant(db, clock);
    await db.query(
      `insert into member_monthly_usage (tenant_id, member_id, month, charged_won) values ($1, 'm-00001', $2, 7)`,
      [quietCity, MONTH],
    );
    await db.query('analyze member_monthly_usage');
    // Statistics that stay as they are now, as they do for a while on a busy server.
    await db.query('alter table member_monthly_usage set (autovacuum_enabled = false)');
    newCity = await createTestTenant(db, clock);
    await db.query(
      `insert into member_monthly_usage (tenant_id, member_id, month, charged_won)
       select $1, m, month, 1000 from unnest($2::text[]) as m, unnest(array['2021-03', '2021-04', $3]) as month`,
      [newCity, memberIds, MONTH],
    );
  }, 300_000);
  afterAll(async () => {
    await db?.close();
  });

  it('adds each delta to its own row by key, without scanning the table', async () => {
    const wanted = memberIds.slice(500, 1_500);
    const parts: TenantSpending[] = [
      {
        tenantId: newCity,
        month: MONTH,
        // m-00600 twice: the deltas of one member add up in one row.
        deltas: [
          ...wanted.map((memberId) => ({ memberId, chargedWon: 10, eligibleSpendWon: 20 })),
          { memberId: 'm-00600', chargedWon: 5 },
        ],
        activities: [],
      },
      {
        tenantId: quietCity,
        month: MONTH,
        deltas: [{ memberId: 'm-00001', cashbackWon: 3 }],
        activities: [],
      },
    ];
    const plans: PlanNode[] = [];
    await db.transaction(async (tx) => {
      await lockMonthlyUsagesOfTenants(
        tx,
        parts.flatMap((part) =>
          part.deltas.map((delta) => ({ tenantId: part.tenantId, memberId: delta.memberId, month: MONTH })),
        ),
      );
      await recordSpendingOfTenants(explainingStatements(tx, plans), parts);
    });
    expect(plans).toHaveLength(1);
    expect(scannedTables(plans[0] as PlanNode)).not.toContain('member_monthly_usage');

    const rows = await db.query<{ tenant_id: string; member_id: string; month: string; total: number }>(
      `select tenant_id, member_id, month, charged_won + eligible_spend_won + cashback_won as total
       from member_monthly_usage where member_id in ('m-00001', 'm-00499', 'm-00500', 'm-00600', 'm-01499', 'm-01500')
       order by tenant_id = $1 desc, member_id, month`,
      [newCity],
    );
    expect(
      rows.map((row) => [
        row.tenant_id === newCity ? 'new' : 'quiet',
        row.member_id,
        row.month,
        Number(row.total),
      ]),
    ).toEqual([
      ['new', 'm-00001', '2021-03', 1_000],
      ['new', 'm-00001', '2021-04', 1_000],
      ['new', 'm-00001', MONTH, 1_000],
      ['new', 'm-00499', '2021-03', 1_000],
      ['new', 'm-00499', '2021-04', 1_000],
      ['new', 'm-00499', MONTH, 1_000],
      ['new', 'm-00500', '2021-03', 1_000],
      ['new', 'm-00500', '2021-04', 1_000],
      ['new', 'm-00500', MONTH, 1_030],
      ['new', 'm-00600', '2021-03', 1_000],
      ['new', 'm-00600', '2021-04', 1_000],
      ['new', 'm-00600', MONTH, 1_035],
      ['new', 'm-01499', '2021-03', 1_000],
      ['new', 'm-01499', '2021-04', 1_000],
      ['new', 'm-01499', MONTH, 1_030],
      ['new', 'm-01500', '2021-03', 1_000],
      ['new', 'm-01500', '2021-04', 1_000],
      ['new', 'm-01500', MONTH, 1_000],
      ['quiet', 'm-00001', MONTH, 10],
    ]);
  });
});
