import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { unauthenticated } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { PRESET_NAMES } from '../../presets/catalog.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { createTenant } from './create-tenant.js';
import type { PlatformAdminService } from './platform-admin-service.js';

const LOGIN_ATTEMPTS_PER_MINUTE_MAX = 10;

const TenantSchema = Type.Object({
  tenantId: Type.String(),
  nameKo: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  timeZone: Type.String(),
  currencyCode: Type.String(),
  preset: Type.Union([Type.String(), Type.Null()], {
    description: 'null: seeded by `serve` (a city being created is not listed until it is complete)',
  }),
  cluster: Type.Optional(
    Type.String({ description: 'the database cluster holding the city (deployments with HANBAT_CLUSTERS)' }),
  ),
});

const NewTenantBody = Type.Object(
  {
    tenantId: Type.String({ pattern: '^[a-z][a-z0-9_-]{1,31}$', examples: ['sejong'] }),
    nameKo: Type.String({ minLength: 1, maxLength: 60, examples: ['여민전'] }),
    nameEn: Type.String({ minLength: 1, maxLength: 60, examples: ['Yeominjeon'] }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, examples: ['Asia/Seoul'] }),
    preset: Type.Union(
      PRESET_NAMES.map((name) => Type.Literal(name)),
      { description: 'the rules, reference data and budget the city starts from' },
    ),
    operatorPhone: Type.Optional(
      Type.String({
        minLength: 10,
        maxLength: 13,
        description: "the first operator's phone (default 010-0000-0000)",
      }),
    ),
  },
  { additionalProperties: false },
);

function tenantView(tenant: Tenant) {
  return {
    tenantId: tenant.id,
    nameKo: tenant.name,
    nameEn: tenant.nameEn ?? null,
    timeZone: tenant.timeZone,
    currencyCode: tenant.currencyCode,
    preset: tenant.preset ?? null,
  };
}

/**
 * Every city of the deployment: with several clusters, each cluster's cities that the directory
 * places there (a copy left behind by a move is not listed twice), each naming its cluster.
 */
async function listEveryCluster(platform: Platform) {
  const clusters = platform.clusters;
  if (!clusters) return (await platform.tenants.list()).map(tenantView);
  const lists = await Promise.all(
    clusters
      .members()
      .map(async (member) =>
        (await member.platform.tenants.list())
          .filter((tenant) => clusters.clusterOf(tenant.id) === member.name)
          .map((tenant) => ({ ...tenantView(tenant), cluster: member.name })),
      ),
  );
  return lists.flat().sort((a, b) => a.tenantId.localeCompare(b.tenantId));
}

export function requirePlatformAdmin(admins: PlatformAdminService) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!(await admins.authenticate(token))) throw unauthenticated();
  };
}

/** The platform administrator's API: sign in, create a city from a preset, list the cities. */
export function platformAdminRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const admins = platform.platformAdmins;
  const guard = requirePlatformAdmin(admins);
  return async (app) => {
    await app.register(rateLimit, { global: false, hook: 'preHandler' });
    app.post(
      '/v1/platform/sessions',
      {
        config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE_MAX, timeWindow: '1 minute' } },
        schema: {
          tags: ['platform'],
          summary: 'Sign in as the platform administrator (HANBAT_PLATFORM_ADMIN_PHONE / _PASSWORD)',
          body: Type.Object(
            {
              phone: Type.String({ minLength: 1, maxLength: 20 }),
              password: Type.String({ minLength: 1, maxLength: 128 }),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
            ...problemResponses(400, 401, 429),
          },
        },
      },
      async (request, reply) => {
        const session = await admins.logIn(request.body.phone, request.body.password);
        return reply.code(201).send({ token: session.token, expiresAt: session.expiresAt.toISOString() });
      },
    );
    app.post(
      '/v1/platform/tenants',
      {
        preValidation: guard,
        schema: {
          tags: ['platform'],
          summary: 'Create a city from a preset, with its first operator (whose password is shown only here)',
          body: NewTenantBody,
          response: {
            201: Type.Object({
              tenant: TenantSchema,
              firstOperator: Type.Object({
                userId: Type.String(),
                phone: Type.String(),
                password: Type.String({ description: 'generated; shown once, stored only as a hash' }),
                roles: Type.Array(Type.String()),
              }),
            }),
            ...problemResponses(400, 401, 409),
          },
        },
      },
      async (request, reply) => {
        const created = await createTenant(platform, request.body);
        return reply
          .code(201)
          .send({ tenant: tenantView(created.tenant), firstOperator: created.firstOperator });
      },
    );
    app.get(
      '/v1/platform/tenants',
      {
        preValidation: guard,
        schema: {
          tags: ['platform'],
          summary: 'Every tenant on this deployment',
          response: { 200: Type.Object({ tenants: Type.Array(TenantSchema) }), ...problemResponses(401) },
        },
      },
      async () => ({ tenants: await listEveryCluster(platform) }),
    );
  };
}
