import { systemClock } from '../clock.js';
import { type Config, loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { allMigrations } from '../db/migrations.js';
import { openDatabase } from '../db/open.js';
import { createPlatform, type Platform } from '../platform.js';

/** Opens the configured database, brings its schema up to date and wires the platform. */
export async function openPlatform(config: Config = loadConfig()): Promise<Platform> {
  const db = await openDatabase(config);
  try {
    await migrate(db, allMigrations);
  } catch (error) {
    await db.close();
    throw error;
  }
  // Until the HTTP bank boundary lands, the demo charges against the in-process sandbox bank.
  return createPlatform(config, db, systemClock);
}
