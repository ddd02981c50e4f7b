import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { requirePlatformAdmin } from '../platform-admin/routes.js';
import type { Branding } from './branding-service.js';

const COLOUR = { pattern: '^#[0-9a-fA-F]{6}$', examples: ['#0a7c55'] };
const TenantQuery = Type.Object({
  tenant: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{1,31}$', description: 'which city' })),
});

const BrandingSchema = Type.Object({
  tenantId: Type.String(),
  host: Type.Union([Type.String(), Type.Null()]),
  nameKo: Type.String(),
  nameEn: Type.String(),
  primaryColour: Type.String(),
  accentColour: Type.String(),
  logoUrl: Type.Union([Type.String(), Type.Null()], { description: 'null: the app shows its own mark' }),
  custom: Type.Boolean({ description: "false: not set yet (the tenant's names, Hanbat's colours)" }),
});

const BrandingBody = Type.Object(
  {
    host: Type.Optional(
      Type.Union([Type.String({ pattern: '^[a-zA-Z0-9.-]{1,253}(:[0-9]{1,5})?$' }), Type.Null()], {
        description: 'the host name this city is served on; null: only by ?tenant=',
      }),
    ),
    nameKo: Type.String({ minLength: 1, maxLength: 60 }),
    nameEn: Type.String({ minLength: 1, maxLength: 60 }),
    primaryColour: Type.String(COLOUR),
    accentColour: Type.String(COLOUR),
    logoSvg: Type.Optional(Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()])),
  },
  { additionalProperties: false },
);

function view(branding: Branding) {
  const { hasLogo, ...rest } = branding;
  return { ...rest, logoUrl: hasLogo ? `/v1/branding/logo.svg?tenant=${branding.tenantId}` : null };
}

/**
 * Per-city branding for the web app: the city is found by `?tenant=`, else by the host name the
 * request came to (a city with its own domain), else the X-Tenant-Id header or the default city.
 */
export function brandingRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const brandings = platform.brandings;
  const tenantFor = async (request: FastifyRequest, query: { tenant?: string }) =>
    query.tenant ??
    (await brandings.tenantOfHost(request.hostname)) ??
    tenantOf(request, platform.config.defaultTenantId);
  return async (app) => {
    app.get(
      '/v1/branding',
      {
        schema: {
          tags: ['branding'],
          summary: "A city's name, colours and logo for its web app (no sign-in)",
          querystring: TenantQuery,
          response: { 200: BrandingSchema, ...problemResponses(400, 404) },
        },
      },
      async (request) => view(await brandings.get(await tenantFor(request, request.query))),
    );
    app.get(
      '/v1/branding/logo.svg',
      {
        schema: {
          tags: ['branding'],
          summary: "A city's logo (SVG)",
          querystring: TenantQuery,
          response: { 200: Type.String(), ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const tenantId = await tenantFor(request, request.query);
        const svg = await brandings.logoSvg(tenantId);
        if (svg === null) return reply.callNotFound();
        // Served from our origin: a sandbox keeps even a missed script from running.
        return reply
          .type('image/svg+xml')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
          .header('cache-control', 'no-cache')
          .send(svg);
      },
    );
    app.put(
      '/v1/platform/tenants/:tenantId/branding',
      {
        preValidation: requirePlatformAdmin(platform.platformAdmins),
        schema: {
          tags: ['platform'],
          summary: "Set a city's name, colours, logo and host name for its web app",
          params: Type.Object({ tenantId: Type.String({ pattern: '^[a-z][a-z0-9_-]{1,31}$' }) }),
          body: BrandingBody,
          response: { 200: BrandingSchema, ...problemResponses(400, 401, 404, 409) },
        },
      },
      async (request) => {
        // The city's own cluster: this route is served by the home cluster's app for every city.
        const owner = platform.clusters?.platformOf(request.params.tenantId) ?? platform;
        return view(await owner.brandings.set(request.params.tenantId, request.body));
      },
    );
  };
}
