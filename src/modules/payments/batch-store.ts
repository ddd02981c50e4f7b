/**
 * The set-based SQL of a payment batch's payments. The batch's other writes that must land before
 * its ledger statement (the feed's page bodies) belong to other modules; they ride in this statement
 * as companions, so the batch pays one round trip while it holds its locks.
 *
 * A batched payment is its own stored response: its row keeps the request's idempotency key and
 * hash and the receipt's context, and a replay rebuilds the receipt from the row (`receiptBody`),
 * so the batch writes no second row for it (docs/engine.md, "Session 21"). It is its own line in
 * the member's history too: it takes its place there (`history_seq`, by default) and the history reads it from
 * here (`PaymentHistoryLines`), so the batch writes no member_activity row for it ("Session 23").
 */
import { type CompanionWrite, joinCompanions, type Sql, writeCompanion } from '../../db/database.js';
import { jsonColumn, splitColumns, textArray, textColumn } from '../../db/text-columns.js';
import {
  type IdempotencyRef,
  idempotencySlot,
  type StoredIdempotentResponse,
} from '../idempotency/stored-responses.js';
import type { PaymentContext } from './events.js';
import { type PaymentRow, receiptOf, toPayment } from './payment-records.js';
import type { Payment, PaymentReceipt, ReceiptContext } from './types.js';

/**
 * A decided payment, with the request it answers, what its receipt needs beyond the row and what its
 * `payment.made` event says beyond it (feed-source.ts).
 */
export interface PaymentWrite {
  payment: Payment;
  idempotency: IdempotencyRef;
  receipt: ReceiptContext;
  event: PaymentContext;
}

/** The receipt a batched payment answers with, the first time and on every replay. */
export function receiptBody(payment: Payment, merchantId: string, context: ReceiptContext): PaymentReceipt {
  const receipt = receiptOf(payment, { id: merchantId, name: context.merchantName }, context.wallet);
  return context.extra ? { ...receipt, ...context.extra } : receipt;
}

/**
 * A batch's new payments, of one city or several, in one statement with its companions' CTEs (or
 * the companions alone, when there is no payment). Each column travels as one split text parameter
 * (`src/db/text-columns.ts`), which PostgreSQL splits with less work than it parses a JSON document
 * of rows. A key stored meanwhile by another batch fails the statement with a unique violation; the
 * batch's retry then replays it.
 */
export async function insertPaymentsAlongside(
  tx: Sql,
  writes: readonly PaymentWrite[],
  companions: readonly CompanionWrite[],
): Promise<void> {
  const companion = companions.length > 0 ? joinCompanions(companions) : null;
  if (writes.length === 0) {
    if (companion) await writeCompanion(tx, companion);
    return;
  }
  const paymentParams = paymentColumns(writes);
  const withCompanions = companion ? `with ${companion.ctes(1 + paymentParams.length)} ` : '';
  await tx.query(
    `${withCompanions}insert into payments (tenant_id, id, member_id, merchant_id, channel, amount_won, paid_from,
       eligible_won, cashback_won, cashback, month, created_at, principal_id, idempotency_key, request_hash,
       receipt_context, month_eligible_spent_before_won, is_welfare_recipient, policy_id)
     select * from unnest(${splitColumns(1, PAYMENT_COLUMN_TYPES)})`,
    [...paymentParams, ...(companion?.params ?? [])],
  );
}

/**
 * The receipts of the batched payments that answered any of these requests, for all their cities in
 * one statement: city → slot (`idempotencySlot`) → stored response. Every city asked for has a map.
 */
export async function selectPaymentReplaysByTenant(
  sql: Sql,
  refs: ReadonlyArray<IdempotencyRef & { tenantId: string }>,
): Promise<Map<string, Map<string, StoredIdempotentResponse>>> {
  const rows = await sql.query<
    PaymentRow & {
      principal_id: string;
      idempotency_key: string;
      request_hash: string;
      receipt_context: ReceiptContext;
    }
  >(
    `select * from payments
     where (tenant_id, principal_id, idempotency_key) in (select * from unnest($1::text[], $2::text[], $3::text[]))
       and idempotency_key is not null`,
    [
      textArray(refs.map((ref) => ref.tenantId)),
      textArray(refs.map((ref) => ref.principalId)),
      textArray(refs.map((ref) => ref.key)),
    ],
  );
  const byTenant = new Map<string, Map<string, StoredIdempotentResponse>>(
    refs.map((ref) => [ref.tenantId, new Map()]),
  );
  for (const row of rows)
    byTenant
      .get(row.tenant_id)
      ?.set(idempotencySlot({ principalId: row.principal_id, key: row.idempotency_key }), {
        requestHash: row.request_hash,
        statusCode: 201,
        body: receiptBody(toPayment(row), row.merchant_id, row.receipt_context),
      });
  return byTenant;
}

/** The request hash of the batched payment that used this key, or null: for other modules' key checks. */
export async function paymentRequestHashOf(
  sql: Sql,
  scope: { tenantId: string; principalId: string },
  key: string,
): Promise<string | null> {
  const [row] = await sql.query<{ request_hash: string }>(
    `select request_hash from payments
     where tenant_id = $1 and principal_id = $2 and idempotency_key = $3 and idempotency_key is not null`,
    [scope.tenantId, scope.principalId, key],
  );
  return row?.request_hash ?? null;
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
  'text',
  'text',
  'text',
  'json',
  'bigint',
  'boolean',
  'text',
] as const;

/** The columns of `payments`, in its insert's order. */
function paymentColumns(writes: readonly PaymentWrite[]): string[] {
  const column = (value: (write: PaymentWrite) => string | number | null) => textColumn(writes.map(value));
  const json = (value: (write: PaymentWrite) => unknown) => jsonColumn(writes.map(value));
  return [
    column(({ payment }) => payment.tenantId),
    column(({ payment }) => payment.id),
    column(({ payment }) => payment.memberId),
    column(({ payment }) => payment.merchantId),
    column(({ payment }) => payment.channel),
    column(({ payment }) => payment.amountWon),
    json(({ payment }) => payment.paidFrom),
    column(({ payment }) => payment.eligibleWon),
    column(({ payment }) => payment.cashback.amountWon),
    json(({ payment }) => payment.cashback),
    column(({ payment }) => payment.month),
    column(({ payment }) => payment.createdAt.toISOString()),
    column(({ idempotency }) => idempotency.principalId),
    column(({ idempotency }) => idempotency.key),
    column(({ idempotency }) => idempotency.requestHash),
    json(({ receipt }) => receipt),
    column(({ event }) => event.monthEligibleSpentBeforeWon),
    column(({ event }) => (event.isWelfareRecipient ? 't' : 'f')),
    column(({ event }) => event.policyId),
  ];
}
