import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, postgresAdminUrl } from '../../test/support/databases.js';
import { openPostgres } from '../db/postgres.js';
import { auditLedger } from '../modules/ledger/audit.js';
import { openSimulationDatabase } from './simulation-database.js';
import { simulate } from './simulator.js';

describe.skipIf(!postgresAdminUrl())('hanbat simulate --database-url', () => {
  const drops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop();
  });

  it('refuses a database that holds anything, and writes nothing to it', async () => {
    const { url, drop } = await createPostgresDatabase();
    drops.push(drop);
    const books = await openPostgres(url, 1);
    try {
      await books.exec('create table city_books (id int primary key); insert into city_books values (1)');
      await expect(openSimulationDatabase(url)).rejects.toThrow(/empty database, and this one has 1 table$/);
      const tables = await books.query<{ tablename: string }>(
        `select tablename from pg_tables where schemaname = 'public' order by tablename`,
      );
      expect(tables.map((row) => row.tablename)).toEqual(['city_books']);
    } finally {
      await books.close();
    }
  });

  it('runs the synthetic city through the engine on an empty PostgreSQL database', async () => {
    const { url, drop } = await createPostgresDatabase();
    drops.push(drop);
    const db = await openSimulationDatabase(url);
    try {
      const result = await simulate({ db, months: 1, members: 12, seed: 5, startMonth: '2024-03' });
      const overview = await result.platform.analytics.overview(result.tenantId, result.period);
      expect(result.payments.succeeded).toBeGreaterThan(100);
      // Every payment the engine accepted reached the dashboards through the feed.
      expect(overview.spendingByDistrict.reduce((sum, row) => sum + row.count, 0)).toBe(
        result.payments.succeeded,
      );
      const [stored] = await db.query<{ payments: number }>('select count(*)::int as payments from payments');
      expect(stored?.payments).toBe(result.payments.succeeded);
      expect((await auditLedger(db, result.tenantId, result.platform.clock.now())).ok).toBe(true);
    } finally {
      await db.close();
    }
  }, 240_000);
});
