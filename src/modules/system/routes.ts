import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { schemaVersion } from '../../db/migrate.js';
import type { Platform } from '../../platform.js';

const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  time: Type.String({ format: 'date-time' }),
  database: Type.Object({ kind: Type.String(), migrationVersion: Type.Integer() }),
});

export function systemRoutes(platform: Platform, appVersion: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/health',
      {
        schema: {
          tags: ['system'],
          summary: 'Liveness and database status',
          response: { 200: HealthSchema },
        },
      },
      async () => ({
        status: 'ok' as const,
        version: appVersion,
        time: platform.clock.now().toISOString(),
        database: { kind: platform.db.kind, migrationVersion: await schemaVersion(platform.db) },
      }),
    );
  };
}
