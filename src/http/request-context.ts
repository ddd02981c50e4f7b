import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError, invalidInput } from '../errors.js';

const TENANT_PATTERN = /^[a-z][a-z0-9_-]{1,31}$/;

/** The tenant a request belongs to: the caller's own, else the X-Tenant-Id header, else `?tenant=`, else the default. */
export function tenantOf(request: FastifyRequest, defaultTenantId: string): string {
  if (request.principal) return request.principal.tenantId;
  const header = request.headers['x-tenant-id'];
  if (typeof header === 'string') {
    if (!TENANT_PATTERN.test(header))
      throw invalidInput('X-Tenant-Id is not a tenant id', 'X-Tenant-Id가 올바르지 않습니다');
    return header;
  }
  // `?tenant=` names the city on any public page (a link to another city's shop list must not
  // quietly show the default city's), as the public books and branding always allowed.
  const query = (request.query as { tenant?: unknown } | undefined)?.tenant;
  if (query === undefined) return defaultTenantId;
  // `?tenant=a&tenant=b` or `?tenant[]=a` names no one city: refused, never read as the default city.
  if (typeof query !== 'string') throw tenantNotSingle();
  if (!TENANT_PATTERN.test(query))
    throw invalidInput('tenant is not a tenant id', 'tenant가 올바르지 않습니다');
  return query;
}

/**
 * A city named by `X-Tenant-Id` or `?tenant=` must exist: otherwise a typo reads as a city with no
 * shops, no books and no campaigns. Checked for every route as the request arrives. With several
 * clusters the request has already been routed to the one that holds the tenant (or the home
 * cluster), so the local table answers.
 */
export function registerTenantCheck(
  app: FastifyInstance,
  tenants: { exists(id: string): Promise<boolean> },
): void {
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    if (!namesOneTenantAtMost(request.query)) return done(tenantNotSingle());
    const named = namedTenants(request);
    // Most requests name no city (a session or the default decides): no promise for them.
    if (named.length === 0) return done();
    Promise.all(named.map((tenantId) => tenants.exists(tenantId))).then(
      (found) => {
        const missing = named.find((_, index) => !found[index]);
        done(missing === undefined ? undefined : tenantNotFound(missing));
      },
      (error: Error) => done(error),
    );
  });
}

export function namedTenants(request: FastifyRequest): string[] {
  const named: string[] = [];
  const header = request.headers['x-tenant-id'];
  if (typeof header === 'string' && TENANT_PATTERN.test(header)) named.push(header);
  const query = (request.query as { tenant?: unknown } | undefined)?.tenant;
  if (typeof query === 'string' && TENANT_PATTERN.test(query) && query !== header) named.push(query);
  return named;
}

/** `?tenant=a&tenant=b`, `?tenant[]=a` and `?tenant[0]=a` name no one city; a query may name one or none. */
function namesOneTenantAtMost(query: unknown): boolean {
  if (query === null || typeof query !== 'object') return true;
  const { tenant } = query as { tenant?: unknown };
  if (tenant !== undefined && typeof tenant !== 'string') return false;
  return !Object.keys(query).some((key) => key.startsWith('tenant['));
}

function tenantNotSingle(): DomainError {
  return invalidInput(
    'tenant must be given once, as one city id',
    'tenant는 지역 하나로 한 번만 적어 주세요',
  );
}

function tenantNotFound(tenantId: string): DomainError {
  return new DomainError({
    code: 'TENANT_NOT_FOUND',
    httpStatus: 404,
    message: `there is no city ${tenantId} on this platform`,
    messageKo: `이 플랫폼에 ${tenantId} 지역이 없습니다`,
  });
}

export const PAGE_LIMIT_MAX = 100;

export const PageQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'nextCursor of the previous page' })),
});
