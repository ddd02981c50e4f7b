import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { invalidInput } from '../errors.js';

const TENANT_PATTERN = /^[a-z][a-z0-9_-]{1,31}$/;

/** The tenant a request belongs to: the caller's own, else the X-Tenant-Id header, else the default. */
export function tenantOf(request: FastifyRequest, defaultTenantId: string): string {
  if (request.principal) return request.principal.tenantId;
  const header = request.headers['x-tenant-id'];
  if (typeof header !== 'string') return defaultTenantId;
  if (!TENANT_PATTERN.test(header))
    throw invalidInput('X-Tenant-Id is not a tenant id', 'X-Tenant-Id가 올바르지 않습니다');
  return header;
}

export const PAGE_LIMIT_MAX = 100;

export const PageQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'nextCursor of the previous page' })),
});
