import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { allMigrations } from '../../db/migrations.js';

const OWN_COLUMNS_MIGRATION = 101;

/**
 * The tenants module adds its `name_en` and `preset` columns itself (101). Databases migrated before
 * that got them from the platform-admin module's migration 1400, which ran earlier there: 101 must
 * then change nothing and keep what the rows hold.
 */
/** Which of migration 101's columns the database's `tenants` has. */
async function ownColumns(db: Database): Promise<string[]> {
  const rows = await db.query<{ column_name: string }>(
    `select column_name from information_schema.columns
     where table_name = 'tenants' and column_name in ('name_en', 'preset') order by column_name`,
  );
  return rows.map((row) => row.column_name);
}

describe.each(databaseKinds())('tenants migration 101 on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(
      kind,
      allMigrations.filter((migration) => migration.version !== OWN_COLUMNS_MIGRATION),
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it('adds the columns where they are missing, and leaves a database that has them as it was', async () => {
    // As 1400 did before 101 existed: the columns are there, with a city's values in them.
    await db.exec(`alter table tenants add column if not exists name_en text;
      alter table tenants add column if not exists preset text;`);
    await db.query(
      `insert into tenants (id, name, name_en, preset, currency_code, created_at)
       values ('old-city', '옛 도시', 'Old City', 'daejeon', 'KRW', now())`,
    );
    expect(await ownColumns(db)).toEqual(['name_en', 'preset']);

    expect(await migrate(db, allMigrations)).toEqual([OWN_COLUMNS_MIGRATION]);

    expect(await ownColumns(db)).toEqual(['name_en', 'preset']);
    const [row] = await db.query<{ name_en: string; preset: string }>(
      `select name_en, preset from tenants where id = 'old-city'`,
    );
    expect(row).toEqual({ name_en: 'Old City', preset: 'daejeon' });
  });

  it('gives a fresh database the columns without the platform-admin migration', async () => {
    const fresh = await openTestDatabase(
      kind,
      allMigrations.filter((migration) => migration.version <= OWN_COLUMNS_MIGRATION),
    );
    try {
      expect(await ownColumns(fresh)).toEqual(['name_en', 'preset']);
    } finally {
      await fresh.close();
    }
  });
});
