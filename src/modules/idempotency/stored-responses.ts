/**
 * Stored responses, set-based, for a caller that answers many requests in one transaction (the
 * payment batch): one lookup for all its keys, and a write that rides in the caller's own statement
 * (one round trip while it holds its locks), which `IdempotentRequests`, one request at a time,
 * does not offer.
 */
import type { CompanionWrite, Sql } from '../../db/database.js';
import { splitColumns, textColumn } from '../../db/text-columns.js';

export interface IdempotencyRef {
  principalId: string;
  key: string;
  requestHash: string;
}

export interface StoredIdempotentResponse {
  requestHash: string;
  statusCode: number;
  body: unknown;
}

/** A stored response to write, with the city it belongs to. */
export type NewIdempotentResponse = IdempotencyRef & { tenantId: string; statusCode: number; body: unknown };

/** The key of a stored response within its city, for the maps `selectIdempotentResponsesByTenant` returns. */
export function idempotencySlot(ref: Pick<IdempotencyRef, 'principalId' | 'key'>): string {
  return JSON.stringify([ref.principalId, ref.key]);
}

/**
 * The stored responses of many requests, for all their tenants in one statement: tenant → slot →
 * stored response (every tenant asked for has a map, empty when none is stored).
 */
export async function selectIdempotentResponsesByTenant(
  sql: Sql,
  refs: ReadonlyArray<IdempotencyRef & { tenantId: string }>,
): Promise<Map<string, Map<string, StoredIdempotentResponse>>> {
  const rows = await sql.query<{
    tenant_id: string;
    principal_id: string;
    key: string;
    request_hash: string;
    status_code: number;
    response: string;
  }>(
    `select tenant_id, principal_id, key, request_hash, status_code, response from idempotency_keys
     where (tenant_id, principal_id, key) in (select * from unnest($1::text[], $2::text[], $3::text[]))`,
    [refs.map((ref) => ref.tenantId), refs.map((ref) => ref.principalId), refs.map((ref) => ref.key)],
  );
  const byTenant = new Map<string, Map<string, StoredIdempotentResponse>>(
    refs.map((ref) => [ref.tenantId, new Map()]),
  );
  for (const row of rows)
    byTenant.get(row.tenant_id)?.set(idempotencySlot({ principalId: row.principal_id, key: row.key }), {
      requestHash: row.request_hash,
      statusCode: row.status_code,
      body: JSON.parse(row.response),
    });
  return byTenant;
}

/**
 * Responses of one city or several, stored as a CTE (`stored_responses`) of the caller's statement,
 * so they commit with the work they answer at no round trip of their own; null when there are none.
 * A key stored meanwhile fails the statement with a unique violation, and the caller's retry
 * replays it. Each column travels as one split text parameter (`src/db/text-columns.ts`), which
 * PostgreSQL splits with less work than it parses a JSON document of rows.
 */
export function storeResponsesAlongside(
  responses: readonly NewIdempotentResponse[],
  now: Date,
): CompanionWrite | null {
  if (responses.length === 0) return null;
  return {
    ctes: (first) => `stored_responses as (
       insert into idempotency_keys (tenant_id, principal_id, key, request_hash, status_code, response, created_at)
       select tenant_id, principal_id, key, request_hash, status_code, response, $${first + RESPONSE_COLUMN_TYPES.length}
       from unnest(${splitColumns(first, RESPONSE_COLUMN_TYPES)})
         as x(tenant_id, principal_id, key, request_hash, status_code, response)
     )`,
    params: [...responseColumns(responses), now],
  };
}

const RESPONSE_COLUMN_TYPES = ['text', 'text', 'text', 'text', 'int', 'text'] as const;

function responseColumns(responses: readonly NewIdempotentResponse[]): string[] {
  const column = (value: (row: NewIdempotentResponse) => string | number) => textColumn(responses.map(value));
  return [
    column((row) => row.tenantId),
    column((row) => row.principalId),
    column((row) => row.key),
    column((row) => row.requestHash),
    column((row) => row.statusCode),
    column((row) => JSON.stringify(row.body)),
  ];
}
