/**
 * The set-based SQL of a payment batch. Stored responses belong to the idempotency module's table;
 * a batch reads them for all its orders at once and writes them in the same statement as its
 * payments (one round trip while it holds its locks), which `IdempotentRequests`, one request at a
 * time, does not offer.
 */
import { type CompanionWrite, type Sql, writeCompanion } from '../../db/database.js';
import { splitColumns, textColumn } from '../../db/text-columns.js';
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

/** A stored response to write, with the city it belongs to. */
export type NewIdempotentResponse = IdempotencyRef & { tenantId: string; statusCode: number; body: unknown };

/**
 * A batch's new payments and their stored responses, of one city or several, in one statement (one
 * round trip under the batch's locks). Each column travels as one split text parameter
 * (`src/db/text-columns.ts`), which PostgreSQL splits with less work than it parses a JSON document
 * of rows.
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
  const paymentParams = paymentColumns(payments);
  const responseFirst = 1 + paymentParams.length;
  const responseParams = responseColumns(responses);
  const nowParam = responseFirst + responseParams.length;
  await tx.query(
    `with stored as (
       insert into idempotency_keys (tenant_id, principal_id, key, request_hash, status_code, response, created_at)
       select tenant_id, principal_id, key, request_hash, status_code, response, $${nowParam}
       from unnest(${splitColumns(responseFirst, RESPONSE_COLUMN_TYPES)})
         as x(tenant_id, principal_id, key, request_hash, status_code, response)
     )${companion ? `, ${companion.ctes(nowParam + 1)}` : ''}
     insert into payments (tenant_id, id, member_id, merchant_id, channel, amount_won, paid_from, eligible_won,
       cashback_won, cashback, month, created_at)
     select * from unnest(${splitColumns(1, PAYMENT_COLUMN_TYPES)})`,
    [...paymentParams, ...responseParams, now, ...(companion?.params ?? [])],
  );
}

const PAYMENT_COLUMN_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'text',
  'bigint',
  'json',
  'bigint',
  'bigint',
  'json',
  'text',
  'timestamptz',
] as const;

/** The columns of `payments`, in its insert's order. */
function paymentColumns(payments: readonly Payment[]): string[] {
  const column = (value: (payment: Payment) => string | number) => textColumn(payments.map(value));
  return [
    column((payment) => payment.tenantId),
    column((payment) => payment.id),
    column((payment) => payment.memberId),
    column((payment) => payment.merchantId),
    column((payment) => payment.channel),
    column((payment) => payment.amountWon),
    column((payment) => JSON.stringify(payment.paidFrom)),
    column((payment) => payment.eligibleWon),
    column((payment) => payment.cashback.amountWon),
    column((payment) => JSON.stringify(payment.cashback)),
    column((payment) => payment.month),
    column((payment) => payment.createdAt.toISOString()),
  ];
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
