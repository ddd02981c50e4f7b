/**
 * The set-based SQL of a payment batch's payments. The batch's other writes that must land before
 * its ledger statement (stored responses, the feed's page bodies) belong to other modules; they ride
 * in this statement as companions, so the batch pays one round trip while it holds its locks.
 */
import { type CompanionWrite, joinCompanions, type Sql, writeCompanion } from '../../db/database.js';
import { splitColumns, textColumn } from '../../db/text-columns.js';
import type { Payment } from './types.js';

/**
 * A batch's new payments, of one city or several, in one statement with its companions' CTEs (or
 * the companions alone, when there is no payment). Each column travels as one split text parameter
 * (`src/db/text-columns.ts`), which PostgreSQL splits with less work than it parses a JSON document
 * of rows.
 */
export async function insertPaymentsAlongside(
  tx: Sql,
  payments: readonly Payment[],
  companions: readonly CompanionWrite[],
): Promise<void> {
  const companion = companions.length > 0 ? joinCompanions(companions) : null;
  if (payments.length === 0) {
    if (companion) await writeCompanion(tx, companion);
    return;
  }
  const paymentParams = paymentColumns(payments);
  const withCompanions = companion ? `with ${companion.ctes(1 + paymentParams.length)} ` : '';
  await tx.query(
    `${withCompanions}insert into payments (tenant_id, id, member_id, merchant_id, channel, amount_won, paid_from,
       eligible_won, cashback_won, cashback, month, created_at)
     select * from unnest(${splitColumns(1, PAYMENT_COLUMN_TYPES)})`,
    [...paymentParams, ...(companion?.params ?? [])],
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
