import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { allMigrations } from '../../db/migrations.js';

const JSON_COLUMNS_MIGRATION = 803;

/** Migration 803 keeps payments' source of funds and cashback as json: rows from before read back the same. */
describe.each(databaseKinds())('payments json columns (migration 803) on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(
      kind,
      allMigrations.filter((migration) => migration.version !== JSON_COLUMNS_MIGRATION),
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it('reads a payment written as jsonb the same after, and sums its cash by ->> as before', async () => {
    const tenantId = await createTestTenant(db, new ManualClock('2026-12-04T00:00:00Z'));
    const paidFrom = { cashWon: 19_360, grantWon: 0, grantParts: [], cashbackWon: 2_640 };
    const cashback = {
      draws: [{ accountId: 'bud:national', amountWon: 1_006 }],
      rules: [{ code: 'base', rateBp: 1000, descriptionKo: '기본 캐시백 10%' }],
      amountWon: 2_516,
      limitedBy: [],
      requestedWon: 2_516,
    };
    await db.query(
      `insert into payments (tenant_id, id, member_id, merchant_id, channel, amount_won, paid_from, eligible_won,
         cashback_won, cashback, month, created_at)
       values ($1, 'pay_1', 'usr_1', 'mer_1', 'merchant_presented', 22000, $2::jsonb, 19360, 2516, $3::jsonb,
         '2026-12', now())`,
      [tenantId, JSON.stringify(paidFrom), JSON.stringify(cashback)],
    );
    await migrate(db, allMigrations);
    const types = await db.query<{ column_name: string; data_type: string }>(
      `select column_name, data_type from information_schema.columns
       where table_name = 'payments' and column_name in ('paid_from', 'cashback') order by column_name`,
    );
    expect(types.map((row) => row.data_type)).toEqual(['json', 'json']);
    const [row] = await db.query<{ paid_from: unknown; cashback: unknown; cash_won: string }>(
      `select paid_from, cashback, (paid_from ->> 'cashWon')::bigint as cash_won from payments where tenant_id = $1`,
      [tenantId],
    );
    expect(row).toEqual({ paid_from: paidFrom, cashback, cash_won: 19_360 });
  });
});
