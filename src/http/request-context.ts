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
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
});

/** Opaque cursors: the key of the last row seen, so pages stay stable while rows are added. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<Key extends Record<string, string | number>>(
  cursor: string | undefined,
): Key | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Key;
  } catch {
    // fall through to the clear error below
  }
  throw invalidInput('cursor is not one this API issued', '페이지 커서가 올바르지 않습니다');
}
