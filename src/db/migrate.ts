import type { Database } from './database.js';

export interface Migration {
  /** Globally unique and increasing across modules; the order migrations run in. */
  version: number;
  name: string;
  sql: string;
}

const MIGRATION_LOCK_KEY = 7_240_001;

/** Applies pending migrations in one transaction; a second process waits on the advisory lock. */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<number[]> {
  assertOrdered(migrations);
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`create table if not exists schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const rows = await tx.query<{ version: number }>('select version from schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const appliedNow: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      appliedNow.push(migration.version);
    }
    return appliedNow;
  });
}

export async function schemaVersion(db: Database): Promise<number> {
  const rows = await db.query<{ version: number | null }>(
    'select max(version) as version from schema_migrations',
  );
  return rows[0]?.version ?? 0;
}

/** Versions this build knows that the database has not applied (a table not there yet: all of them). */
export async function pendingMigrations(db: Database, migrations: readonly Migration[]): Promise<number[]> {
  const [exists] = await db.query<{ present: boolean }>(
    `select to_regclass('schema_migrations') is not null as present`,
  );
  if (!exists?.present) return migrations.map((migration) => migration.version);
  const rows = await db.query<{ version: number }>('select version from schema_migrations');
  const applied = new Set(rows.map((row) => row.version));
  return migrations.filter((migration) => !applied.has(migration.version)).map((m) => m.version);
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous && previous.version >= migration.version) {
      throw new Error(`migration ${migration.version} must come after ${previous.version}`);
    }
  });
}
