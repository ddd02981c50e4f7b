import type { Database } from '../../db/database.js';
import type { HistoryLineSource, HistoryPage } from '../wallets/member-history.js';
import type { Activity } from '../wallets/types.js';
import { type PaymentRow, paymentActivityDetails, toPayment } from './payment-records.js';
import type { Payment } from './types.js';

/**
 * Payments as lines of the member's history, read from their rows. A payment written since
 * migration 805 has its place in the history (`history_seq`) and no member_activity row; one
 * written before has a stored line, which keeps only the merchant's name as it was.
 */
export class PaymentHistoryLines implements HistoryLineSource {
  readonly lineType = 'payment';

  constructor(private readonly db: Database) {}

  async linesOf(tenantId: string, memberId: string, page: HistoryPage): Promise<Activity[]> {
    const rows = await this.db.query<PaymentRow & { history_seq: number; merchant_name: string | null }>(
      `select tenant_id, id, member_id, merchant_id, channel, amount_won, paid_from, eligible_won, cashback, month,
         cancelled_won, created_at, history_seq, receipt_context ->> 'merchantName' as merchant_name
       from payments
       where tenant_id = $1 and member_id = $2 and history_seq < $3
         and ($4::text is null or month = $4) and ($5::text is null or merchant_id = $5)
       order by history_seq desc limit $6`,
      [tenantId, memberId, page.beforeSeq, page.month ?? null, page.merchantId ?? null, page.limit],
    );
    return rows.map((row) => paymentLine(toPayment(row), row.history_seq, row.merchant_name));
  }

  async detailsOfStoredLines(
    tenantId: string,
    lines: ReadonlyArray<{ referenceId: string; details: Record<string, unknown> }>,
  ): Promise<Map<string, Record<string, unknown>>> {
    if (lines.length === 0) return new Map();
    const rows = await this.db.query<PaymentRow>(
      'select * from payments where tenant_id = $1 and id = any($2::text[])',
      [tenantId, lines.map((line) => line.referenceId)],
    );
    const payments = new Map(rows.map((row) => [row.id, toPayment(row)]));
    const details = new Map<string, Record<string, unknown>>();
    for (const line of lines) {
      const payment = payments.get(line.referenceId);
      if (payment) details.set(line.referenceId, paymentActivityDetails(payment, line.details.merchantName));
    }
    return details;
  }
}

/** The line a payment shows in its member's history: what the member's total changed by, and why. */
function paymentLine(payment: Payment, seq: number, merchantName: string | null): Activity {
  return {
    tenantId: payment.tenantId,
    memberId: payment.memberId,
    seq,
    at: payment.createdAt,
    type: 'payment',
    month: payment.month,
    amountWon: payment.cashback.amountWon - payment.amountWon,
    referenceId: payment.id,
    merchantId: payment.merchantId,
    details: paymentActivityDetails(payment, merchantName),
  };
}
