import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { allMigrations } from '../../db/migrations.js';

const DETAILS_AS_JSON_MIGRATION = 705;

/** Migration 705 keeps activity details as json: lines from before read back the same, and the default stays `{}`. */
describe.each(databaseKinds())('activity details as json (migration 705) on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(
      kind,
      allMigrations.filter((migration) => migration.version !== DETAILS_AS_JSON_MIGRATION),
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it('reads a line written as jsonb the same after, and gives a line without details {}', async () => {
    const tenantId = await createTestTenant(db, new ManualClock('2026-12-04T00:00:00Z'));
    const details = { merchantName: '성심당', amountWon: 22_000, paidFrom: { cashWon: 22_000 }, rules: [] };
    await db.query(
      `insert into member_activity (tenant_id, member_id, at, type, month, amount_won, reference_id, details)
       values ($1, 'usr_1', now(), 'payment', '2026-12', -22000, 'pay_1', $2::jsonb)`,
      [tenantId, JSON.stringify(details)],
    );
    await migrate(db, allMigrations);
    await db.query(
      `insert into member_activity (tenant_id, member_id, at, type, month, amount_won, reference_id)
       values ($1, 'usr_1', now(), 'charge', '2026-12', 10000, 'chg_1')`,
      [tenantId],
    );
    const rows = await db.query<{ details: unknown }>(
      'select details from member_activity where tenant_id = $1 order by seq',
      [tenantId],
    );
    expect(rows.map((row) => row.details)).toEqual([details, {}]);
  });
});
