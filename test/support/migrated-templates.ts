import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { allMigrations } from '../../src/db/migrations.js';
import { openPglite } from '../../src/db/pglite.js';
import { openPostgres } from '../../src/db/postgres.js';

/**
 * Every suite opens fresh databases, and a fresh PGlite spends ~3 s in initdb and ~1 s in the
 * migrations; a PostgreSQL database ~1 s in the migrations. The test run migrates once, here, and each
 * test database starts as a copy: PGlite from a dump of its data directory, PostgreSQL from a template.
 * Suites that need an older schema still migrate from nothing.
 */
export interface MigratedTemplates {
  /** An uncompressed dump of a migrated in-memory PGlite. */
  pgliteDumpPath: string;
  /** A database on the admin URL's server with every migration applied, never connected to after. */
  postgresTemplate: string | null;
}

export async function createMigratedTemplates(
  adminUrl: string | null,
): Promise<{ templates: MigratedTemplates; remove: () => Promise<void> }> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'hanbat-test-templates-'));
  const pgliteDumpPath = path.join(directory, 'migrated-pglite.tar');
  const pglite = await openPglite(undefined);
  await migrate(pglite, allMigrations);
  writeFileSync(pgliteDumpPath, Buffer.from(await (await pglite.dumpDataDir()).arrayBuffer()));
  await pglite.close();

  const postgresTemplate = adminUrl ? await migratedPostgresTemplate(adminUrl) : null;
  return {
    templates: { pgliteDumpPath, postgresTemplate },
    async remove() {
      rmSync(directory, { recursive: true, force: true });
      if (adminUrl && postgresTemplate)
        await withAdmin(adminUrl, (client) => client.query(`drop database if exists ${postgresTemplate}`));
    },
  };
}

async function migratedPostgresTemplate(adminUrl: string): Promise<string> {
  const name = `hanbat_template_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), 1);
  try {
    await migrate(db, allMigrations);
  } finally {
    await db.close();
  }
  return name;
}

export async function withAdmin(
  adminUrl: string,
  work: (client: pg.Client) => Promise<unknown>,
): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
