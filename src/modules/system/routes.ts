import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { pendingMigrations, schemaVersion } from '../../db/migrate.js';
import { allMigrations } from '../../db/migrations.js';
import { DomainError } from '../../errors.js';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { DEMO_CREDENTIALS } from '../../presets/daejeon.js';

const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  time: Type.String({ format: 'date-time' }),
  database: Type.Object({ kind: Type.String(), migrationVersion: Type.Integer() }),
});

const ReadySchema = Type.Object({
  status: Type.Literal('ready'),
  database: Type.Object({ kind: Type.String(), migrationVersion: Type.Integer() }),
  clusters: Type.Optional(
    Type.Array(Type.Object({ name: Type.String(), home: Type.Boolean(), migrationVersion: Type.Integer() }), {
      description: 'with several clusters (HANBAT_CLUSTERS): each one, home first; all must be ready',
    }),
  ),
});

function notReady(message: string, messageKo: string): DomainError {
  return new DomainError({ code: 'NOT_READY', httpStatus: 503, message, messageKo });
}

/** Ready to take traffic: every database answers and has every migration this build knows applied. */
async function readiness(platform: Platform) {
  const members = platform.clusters?.members() ?? [{ name: 'home', home: true, platform }];
  const checked = await Promise.all(
    members.map(async (member) => ({ member, problem: await unready(member.platform) })),
  );
  const failing = checked.filter(({ problem }) => problem);
  if (failing.length > 0) {
    const where = (named: (typeof failing)[number]) =>
      platform.clusters ? `cluster ${named.member.name}: ` : '';
    throw notReady(
      failing.map((named) => `${where(named)}${named.problem?.en}`).join('; '),
      failing.map((named) => `${where(named)}${named.problem?.ko}`).join('; '),
    );
  }
  const versions = await Promise.all(members.map((member) => schemaVersion(member.platform.db)));
  return {
    status: 'ready' as const,
    database: { kind: platform.db.kind, migrationVersion: versions[0] as number },
    ...(platform.clusters && {
      clusters: members.map((member, i) => ({
        name: member.name,
        home: member.home,
        migrationVersion: versions[i] as number,
      })),
    }),
  };
}

/** Why a platform's database cannot take traffic, or undefined when it can. */
async function unready(platform: Platform): Promise<{ en: string; ko: string } | undefined> {
  let pending: number[];
  try {
    pending = await pendingMigrations(platform.db, allMigrations);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { en: `database unreachable: ${reason}`, ko: '데이터베이스에 연결할 수 없습니다' };
  }
  if (pending.length === 0) return undefined;
  return {
    en: `migrations not applied: ${pending.join(', ')}`,
    ko: `적용되지 않은 마이그레이션이 있습니다: ${pending.join(', ')}`,
  };
}

const ModeSchema = Type.Object({
  mode: Type.Union([Type.Literal('demo'), Type.Literal('production')]),
  demoSignIns: Type.Array(
    Type.Object({
      who: Type.String({ description: 'as the start banner and the README name the account' }),
      phone: Type.String(),
      password: Type.String(),
      name: Type.String({ description: 'the person or shop, a proper name shown as written' }),
      roleKo: Type.String({ description: 'what the account is for, in Korean' }),
      roleEn: Type.String({ description: 'what the account is for, in English' }),
    }),
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
          summary: 'Liveness: the process answers (see /ready for the database)',
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
      '/ready',
      {
        schema: {
          tags: ['system'],
          summary: 'Readiness: the database is reachable and its migrations are current (503 otherwise)',
          response: { 200: ReadySchema, ...problemResponses(503) },
        },
      },
      async () => readiness(platform),
    );

    app.get(
      '/v1/mode',
      {
        schema: {
          tags: ['system'],
          summary:
            "Demo or production mode, and in demo mode the demo sign-ins the log-in page shows (the default city's only: other cities have no demo people)",
          response: { 200: ModeSchema },
        },
      },
      async (request) => ({
        mode: platform.config.mode,
        // The demo people are planted in the default city only; another city's log-in page lists none.
        demoSignIns:
          platform.config.mode === 'demo' &&
          tenantOf(request, platform.config.defaultTenantId) === platform.config.defaultTenantId
            ? Object.values(DEMO_CREDENTIALS).map(({ who, phone, password, shown }) => ({
                who,
                phone,
                password,
                ...shown,
              }))
            : [],
      }),
    );
  };
}
