import type { TestProject } from 'vitest/node';
import { createMigratedTemplates, type MigratedTemplates } from './migrated-templates.js';
import { findPostgresBinDir, type PostgresCluster, startPostgresCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string | null;
    migratedTemplates: MigratedTemplates;
  }
}

/**
 * PostgreSQL suites run against DATABASE_URL, or a throwaway cluster when the binaries are found.
 * Without either they are skipped with one line; REQUIRE_POSTGRES=1 turns that into a failure.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let cluster: PostgresCluster | undefined;
  let adminUrl: string | null = process.env.DATABASE_URL || null;
  if (!adminUrl) {
    const binDir = findPostgresBinDir();
    if (binDir) {
      cluster = await startPostgresCluster(binDir);
      adminUrl = cluster.adminUrl;
    }
  }
  if (adminUrl) {
    console.log(`PostgreSQL suites: running against ${cluster ? 'a throwaway cluster' : 'DATABASE_URL'}`);
  } else if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error('REQUIRE_POSTGRES=1 but no PostgreSQL: set DATABASE_URL or install PostgreSQL binaries');
  } else {
    console.log('PostgreSQL suites: SKIPPED (no DATABASE_URL and no PostgreSQL binaries found)');
  }
  project.provide('postgresAdminUrl', adminUrl);
  const { templates, remove } = await createMigratedTemplates(adminUrl);
  project.provide('migratedTemplates', templates);
  return async () => {
    await remove();
    cluster?.stop();
  };
}
