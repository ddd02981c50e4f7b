import type { Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { allMigrations } from '../db/migrations.js';
import { openPglite } from '../db/pglite.js';
import { openPostgres } from '../db/postgres.js';

/** Connections for the simulator: the group commit keeps two payment batches in flight. */
const POOL_SIZE = 10;

/**
 * Where `hanbat simulate` runs its synthetic city, migrated: an in-memory embedded database, or a
 * PostgreSQL database given by URL, which must be EMPTY. The simulator writes a whole synthetic
 * city (members, merchants, money), so a database that already holds anything, a real city's books
 * above all, is refused before a single row is written.
 */
export async function openSimulationDatabase(databaseUrl?: string): Promise<Database> {
  if (databaseUrl === undefined) {
    const db = await openPglite(undefined);
    await migrate(db, allMigrations);
    return db;
  }
  const db = await openPostgres(databaseUrl, POOL_SIZE);
  try {
    const [found] = await db.query<{ tables: number }>(
      `select count(*)::int as tables from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`,
    );
    const tables = found?.tables ?? 0;
    if (tables > 0)
      throw new Error(
        `simulate writes a synthetic city: --database-url must name an empty database, and this one has ${tables} table${tables === 1 ? '' : 's'}`,
      );
    await migrate(db, allMigrations);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
