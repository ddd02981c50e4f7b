import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import type { Database, DatabaseKind, Sql } from '../../src/db/database.js';
import { type Migration, migrate } from '../../src/db/migrate.js';
import { allMigrations } from '../../src/db/migrations.js';
import { openPglite } from '../../src/db/pglite.js';
import { openPostgres } from '../../src/db/postgres.js';
import { withAdmin } from './migrated-templates.js';

export function postgresAdminUrl(): string | null {
  return inject('postgresAdminUrl');
}

/** Every suite that touches SQL runs once per kind available here. */
export function databaseKinds(): DatabaseKind[] {
  return postgresAdminUrl() ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * A fresh database, in-memory PGlite or a new database on the PostgreSQL server, with `migrations`
 * applied (every one unless a test needs an older schema).
 */
export async function openTestDatabase(
  kind: DatabaseKind,
  migrations: readonly Migration[] = allMigrations,
): Promise<Database> {
  const fromTemplate = migrations === allMigrations;
  if (kind === 'pglite') {
    const db = await openPglite(undefined, undefined, fromTemplate ? await migratedPgliteDump() : undefined);
    await migrate(db, migrations);
    return db;
  }
  const { url, drop } = await createPostgresDatabase(
    fromTemplate ? inject('migratedTemplates').postgresTemplate : null,
  );
  const db = await openPostgres(url, 20);
  await migrate(db, migrations);
  return {
    ...db,
    close: async () => {
      await db.close();
      await drop();
    },
  };
}

/** The migrated PGlite's data directory (see migrated-templates.ts), read once per test process. */
let pgliteDump: Promise<Blob> | undefined;
function migratedPgliteDump(): Promise<Blob> {
  pgliteDump ??= readFile(inject('migratedTemplates').pgliteDumpPath).then((bytes) => new Blob([bytes]));
  return pgliteDump;
}

/** A new, empty database on the test server; a copy of `template` when one is named. */
export async function createPostgresDatabase(
  template: string | null = null,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) throw new Error('no PostgreSQL available');
  const name = `hanbat_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) =>
    client.query(`create database ${name}${template ? ` template ${template}` : ''}`),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // Without FORCE the drop waits for the pool's closing connections instead of killing them mid-close.
    drop: () => withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name}`)),
  };
}

/** `sql` that records the text of every statement it runs into `statements`, for tests that count them. */
export function recordingStatements(sql: Sql, statements: string[]): Sql {
  return {
    query: (text, params) => {
      statements.push(text);
      return sql.query(text, params);
    },
    exec: (script) => sql.exec(script),
  };
}

/** A node of PostgreSQL's JSON plan (EXPLAIN (FORMAT JSON)), with the fields tests read. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Join Filter'?: number;
  Plans?: PlanNode[];
}

/**
 * `sql` that keeps the plan of every statement in `plans`, then runs it. With `analyze` the plan
 * comes from EXPLAIN ANALYZE, which runs the statement once more: only for reads.
 */
export function explainingStatements(sql: Sql, plans: PlanNode[], { analyze = false } = {}): Sql {
  return {
    async query(text, params) {
      const [row] = await sql.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
        `explain (${analyze ? 'analyze, ' : ''}format json) ${text}`,
        params,
      );
      const plan = row?.['QUERY PLAN'][0]?.Plan;
      if (plan) plans.push(plan);
      return sql.query(text, params);
    },
    exec: (script) => sql.exec(script),
  } as Sql;
}
