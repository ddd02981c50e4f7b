/**
 * The set-based SQL of a payment batch. Stored responses belong to the idempotency module's table;
 * a batch reads them for all its orders at once and writes them in the same statement as its
 * payments (one round trip while it holds its locks), which `IdempotentRequests`, one request at a
 * time, does not offer.
 */
import { type CompanionWrite, type Sql, writeCompanion } from '../../db/database.js';
import type { Payment } from './types.js';

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

export function idempotencySlot(ref: Pick<IdempotencyRef, 'principalId' | 'key'>): string {
  return JSON.stringify([ref.principalId, ref.key]);
}

/**
 * The stored responses of a batch's orders, for all its tenants in one statement: tenant → slot →
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
    response: unknown;
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
      body: row.response,
    });
  return byTenant;
}

/** A stored response to write, with the city it belongs to. */
export type NewIdempotentResponse = IdempotencyRef & { tenantId: string; statusCode: number; body: unknown };

/**
 * A batch's new payments and their stored responses, of one city or several, in one statement (one
 * round trip under the batch's locks).
 */
export async function insertPaymentsWithResponses(
  tx: Sql,
  now: Date,
  payments: readonly Payment[],
  responses: readonly NewIdempotentResponse[],
  companion?: CompanionWrite,
): Promise<void> {
  if (payments.length === 0 && responses.length === 0) {
    if (companion) await writeCompanion(tx, companion);
    return;
  }
  await tx.query(
    `with stored as (
       insert into idempotency_keys (tenant_id, principal_id, key, request_hash, status_code, response, created_at)
       select tenant_id, principal_id, key, request_hash, status_code, response, $3
       from json_to_recordset($2::json) as x(tenant_id text, principal_id text, key text, request_hash text,
         status_code int, response jsonb)
     )${companion ? `, ${companion.ctes(4)}` : ''}
     insert into payments (tenant_id, id, member_id, merchant_id, channel, amount_won, paid_from, eligible_won,
       cashback_won, cashback, month, created_at)
     select tenant_id, id, member_id, merchant_id, channel, amount_won, paid_from, eligible_won, cashback_won,
       cashback, month, created_at
     from json_to_recordset($1::json) as x(tenant_id text, id text, member_id text, merchant_id text,
       channel text, amount_won bigint, paid_from jsonb, eligible_won bigint, cashback_won bigint, cashback jsonb,
       month text, created_at timestamptz)`,
    [
      JSON.stringify(payments.map(paymentRow)),
      JSON.stringify(responses.map(responseRow)),
      now,
      ...(companion?.params ?? []),
    ],
  );
}

function paymentRow(payment: Payment) {
  return {
    tenant_id: payment.tenantId,
    id: payment.id,
    member_id: payment.memberId,
    merchant_id: payment.merchantId,
    channel: payment.channel,
    amount_won: payment.amountWon,
    paid_from: payment.paidFrom,
    eligible_won: payment.eligibleWon,
    cashback_won: payment.cashback.amountWon,
    cashback: payment.cashback,
    month: payment.month,
    created_at: payment.createdAt.toISOString(),
  };
}

function responseRow(row: NewIdempotentResponse) {
  return {
    tenant_id: row.tenantId,
    principal_id: row.principalId,
    key: row.key,
    request_hash: row.requestHash,
    status_code: row.statusCode,
    response: row.body,
  };
}
