import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../test/support/databases.js';
import { ManualClock } from '../clock.js';
import { loadConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { allMigrations } from '../db/migrations.js';
import { createPlatform } from '../platform.js';
import { buildApp } from './app.js';

describe.each(databaseKinds())('HTTP shell on %s', (kind) => {
  let db: Database;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    app = await buildApp(createPlatform(loadConfig({}), db, new ManualClock('2021-05-13T03:00:00Z')), {
      logLevel: false,
    });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('reports health with the database kind and migration version', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      version: expect.any(String),
      time: '2021-05-13T03:00:00.000Z',
      database: { kind, migrationVersion: allMigrations.at(-1)?.version },
    });
  });

  it('publishes an OpenAPI 3.1 document and the docs page', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/health');
    expect((await app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
  });

  it('answers an unknown route with a problem+json 404 in both languages', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/nothing',
      headers: { 'accept-language': 'ko-KR' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      detail: '요청한 경로가 없습니다',
    });
  });
});
