/**
 * Stored responses, set-based, for a caller that answers many requests in one transaction (the
 * payment batch): one lookup for all its keys, which `IdempotentRequests`, one request at a time,
 * does not offer. The batch keeps its own answers in its payments' rows (payments/batch-store.ts);
 * this lookup finds the keys other requests used, and payments stored before migration 804.
 */
import type { Sql } from '../../db/database.js';

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
    claimed_by: string | null;
    status_code: number | null;
    response: string | null;
  }>(
    `select tenant_id, principal_id, key, request_hash, claimed_by, status_code, response from idempotency_keys
     where (tenant_id, principal_id, key) in (select * from unnest($1::text[], $2::text[], $3::text[]))`,
    [refs.map((ref) => ref.tenantId), refs.map((ref) => ref.principalId), refs.map((ref) => ref.key)],
  );
  const byTenant = new Map<string, Map<string, StoredIdempotentResponse>>(
    refs.map((ref) => [ref.tenantId, new Map()]),
  );
  for (const row of rows)
    byTenant
      .get(row.tenant_id)
      ?.set(idempotencySlot({ principalId: row.principal_id, key: row.key }), storedResponseOf(row));
  return byTenant;
}

/**
 * A key another module claimed (`IdempotentRequests.claim`) has no response to replay here (the answer
 * a claimant keeps is its own route's): its hash is given as text that is no hash, so every request
 * with the key is refused as another request's.
 */
function storedResponseOf(row: {
  request_hash: string;
  claimed_by: string | null;
  status_code: number | null;
  response: string | null;
}): StoredIdempotentResponse {
  if (row.claimed_by !== null || row.status_code === null || row.response === null)
    return { requestHash: 'claimed by another route', statusCode: 409, body: null };
  return { requestHash: row.request_hash, statusCode: row.status_code, body: JSON.parse(row.response) };
}
