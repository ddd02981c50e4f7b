import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { schemaVersion } from '../../db/migrate.js';
import type { Platform } from '../../platform.js';
import { DEMO_CREDENTIALS } from '../../presets/daejeon.js';

const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  time: Type.String({ format: 'date-time' }),
  database: Type.Object({ kind: Type.String(), migrationVersion: Type.Integer() }),
});

const ModeSchema = Type.Object({
  mode: Type.Union([Type.Literal('demo'), Type.Literal('production')]),
  demoSignIns: Type.Array(
    Type.Object({ who: Type.String(), phone: Type.String(), password: Type.String() }),
    { description: "the demo preset's published sign-ins; always empty in production mode" },
  ),
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

    app.get(
      '/v1/mode',
      {
        schema: {
          tags: ['system'],
          summary: 'Demo or production mode, and in demo mode the demo sign-ins the log-in page shows',
          response: { 200: ModeSchema },
        },
      },
      async () => ({
        mode: platform.config.mode,
        demoSignIns:
          platform.config.mode === 'demo'
            ? Object.values(DEMO_CREDENTIALS).map(({ who, phone, password }) => ({ who, phone, password }))
            : [],
      }),
    );
  };
}
