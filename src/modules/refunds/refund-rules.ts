/** Which refund rule applies, as a pure function of the member's charging history and balance. */

/**
 * What a refund may pay, precisely (docs/architecture.md, "Balance refunds"):
 * - the full-refund window covers only money CHARGED within the window (the rule value
 *   `refund_full_window_days`): that much of the cash balance is refunded whatever was used;
 * - "used" is cash paid to merchants since the last paid refund, net of what cancellations gave
 *   back; money sent away by transfer is not used, money received by transfer was never charged;
 * - once `refund_min_used_bp` of the money charged since the last refund is used, the charged money
 *   not yet used is refunded (never more than the cash balance).
 */
export interface RefundFacts {
  now: Date;
  /** Charged money the member holds now (available, not held by pending transfers). */
  cashWon: number;
  /** Succeeded charges since the member's last paid refund. */
  chargedSinceLastRefundWon: number;
  /** Succeeded charges within the full-refund window (and since the last paid refund). */
  chargedInWindowWon: number;
  /** Cash paid to merchants since the last paid refund, net of cancellations. */
  usedWon: number;
  lastChargeAt: Date | null;
  fullRefundWindowDays: number;
  /** Share of charged money that must have been used, in basis points (6000 = 60%). */
  minimumUsedBp: number;
}

export type RefundDecision =
  | { allowed: true; amountWon: number; rule: RefundRule }
  | { allowed: false; reason: 'NOTHING_TO_REFUND' | 'USED_TOO_LITTLE'; rule: RefundRule };

export interface RefundRule {
  code: 'WITHIN_FULL_REFUND_WINDOW' | 'USED_ENOUGH' | 'USED_TOO_LITTLE' | 'NOTHING_TO_REFUND';
  descriptionKo: string;
  descriptionEn: string;
  usedBp: number;
  daysSinceLastCharge: number | null;
}

const DAY_MS = 86_400_000;
const BP_WHOLE = 10_000n;

export function decideRefund(facts: RefundFacts): RefundDecision {
  const chargedWon = facts.chargedSinceLastRefundWon;
  const usedWon = Math.min(Math.max(0, facts.usedWon), chargedWon);
  const usedBp = chargedWon > 0 ? Number((BigInt(usedWon) * BP_WHOLE) / BigInt(chargedWon)) : 0;
  const daysSinceLastCharge = facts.lastChargeAt
    ? Math.floor((facts.now.getTime() - facts.lastChargeAt.getTime()) / DAY_MS)
    : null;
  const base = { usedBp, daysSinceLastCharge };
  const cashWon = Math.max(0, facts.cashWon);
  const windowWon = Math.min(cashWon, Math.max(0, facts.chargedInWindowWon));
  const unusedChargedWon = usedBp >= facts.minimumUsedBp ? Math.min(cashWon, chargedWon - usedWon) : 0;
  const percent = facts.minimumUsedBp / 100;
  if (cashWon <= 0) {
    return {
      allowed: false,
      reason: 'NOTHING_TO_REFUND',
      rule: {
        ...base,
        code: 'NOTHING_TO_REFUND',
        descriptionKo: '환불할 충전금이 없습니다',
        descriptionEn: 'there is no charged money to refund',
      },
    };
  }
  if (unusedChargedWon > 0 && unusedChargedWon >= windowWon) {
    return {
      allowed: true,
      amountWon: unusedChargedWon,
      rule: {
        ...base,
        code: 'USED_ENOUGH',
        descriptionKo: `충전금의 ${percent}% 이상을 가맹점에서 사용하여 사용하지 않은 충전금을 환불합니다`,
        descriptionEn: `at least ${percent}% of the charged money was spent at merchants, so the charged money not yet used is refunded`,
      },
    };
  }
  if (windowWon > 0) {
    return {
      allowed: true,
      amountWon: windowWon,
      rule: {
        ...base,
        code: 'WITHIN_FULL_REFUND_WINDOW',
        descriptionKo: `최근 ${facts.fullRefundWindowDays}일 이내에 충전한 금액을 전액 환불합니다`,
        descriptionEn: `the money charged within the last ${facts.fullRefundWindowDays} days is refunded in full`,
      },
    };
  }
  return {
    allowed: false,
    reason: 'USED_TOO_LITTLE',
    rule: {
      ...base,
      code: 'USED_TOO_LITTLE',
      descriptionKo: `최근 ${facts.fullRefundWindowDays}일 이내 충전금이 없어 충전금의 ${percent}% 이상을 가맹점에서 사용해야 환불할 수 있습니다 (현재 ${usedBp / 100}%, 송금은 사용으로 보지 않습니다)`,
      descriptionEn: `with nothing charged in the last ${facts.fullRefundWindowDays} days, a refund needs ${percent}% of the charged money spent at merchants (now ${usedBp / 100}%; transfers do not count as use)`,
    },
  };
}
