/**
 * The payments module's `payment.made` events, given back from its payment rows. A payment is
 * written once: its row holds the payment and the three facts of its event the payment lacks
 * (migration 806), and the feed keeps only the event's number and the payment's id (docs/events.md,
 * "Storage"). The merchant's part of the event is the merchant as approved, whose attributes never
 * change after approval (only its status and merchant code do), and each draw's pot and source are
 * named by the drawn account's id.
 */
import type { Sql } from '../../db/database.js';
import { textArray } from '../../db/text-columns.js';
import type { EventSource } from '../events/event-feed.js';
import type { NewEvent } from '../events/types.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { type PaymentContext, paymentMadeEvent } from './events.js';
import { type PaymentRow, toPayment } from './payment-records.js';

/** The name the payment pages of the feed carry. */
export const PAYMENT_FEED_SOURCE = 'payments';

interface EventRow extends PaymentRow {
  month_eligible_spent_before_won: number | null;
  is_welfare_recipient: boolean | null;
  policy_id: string | null;
}

export function paymentFeedSource(merchants: Pick<MerchantService, 'getByIds'>): EventSource {
  return {
    name: PAYMENT_FEED_SOURCE,
    type: 'payment.made',
    async events(sql: Sql, tenantId: string, paymentIds: readonly string[]): Promise<NewEvent[]> {
      const rows = await sql.query<EventRow>(
        `select tenant_id, id, member_id, merchant_id, channel, amount_won, paid_from, eligible_won, cashback,
           month, cancelled_won, created_at, month_eligible_spent_before_won, is_welfare_recipient, policy_id
         from payments where tenant_id = $1 and id = any($2::text[])`,
        [tenantId, textArray(paymentIds)],
      );
      const merchantIds = [...new Set(rows.map((row) => row.merchant_id))];
      const merchantsById = await merchants.getByIds(tenantId, merchantIds, sql);
      return rows.map((row) => {
        const merchant = merchantsById.get(row.merchant_id);
        if (!merchant) throw new Error(`payment ${row.id}: merchant ${row.merchant_id} not found`);
        return paymentMadeEvent(toPayment(row), merchant, contextOf(row));
      });
    },
  };
}

function contextOf(row: EventRow): PaymentContext {
  if (row.month_eligible_spent_before_won === null || row.is_welfare_recipient === null)
    throw new Error(`payment ${row.id} keeps no event facts, so its event is not the feed's to rebuild`);
  return {
    monthEligibleSpentBeforeWon: Number(row.month_eligible_spent_before_won),
    isWelfareRecipient: row.is_welfare_recipient,
    policyId: row.policy_id,
  };
}
