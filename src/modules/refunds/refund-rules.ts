/** Which refund rule applies, as a pure function of the member's charging history and balance. */

export interface RefundFacts {
  now: Date;
  /** Charged money the member holds now (available, not held by pending transfers). */
  cashWon: number;
  /** Succeeded charges since the member's last paid refund. */
  chargedSinceLastRefundWon: number;
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
  const usedWon = Math.max(0, facts.chargedSinceLastRefundWon - facts.cashWon);
  const usedBp =
    facts.chargedSinceLastRefundWon > 0
      ? Number((BigInt(usedWon) * BP_WHOLE) / BigInt(facts.chargedSinceLastRefundWon))
      : 0;
  const daysSinceLastCharge = facts.lastChargeAt
    ? Math.floor((facts.now.getTime() - facts.lastChargeAt.getTime()) / DAY_MS)
    : null;
  const base = { usedBp, daysSinceLastCharge };
  if (facts.cashWon <= 0) {
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
  const withinWindow =
    facts.lastChargeAt !== null &&
    facts.now.getTime() - facts.lastChargeAt.getTime() < facts.fullRefundWindowDays * DAY_MS;
  if (withinWindow) {
    return {
      allowed: true,
      amountWon: facts.cashWon,
      rule: {
        ...base,
        code: 'WITHIN_FULL_REFUND_WINDOW',
        descriptionKo: `마지막 충전 후 ${facts.fullRefundWindowDays}일 이내라 남은 충전금 전액을 환불합니다`,
        descriptionEn: `within ${facts.fullRefundWindowDays} days of the last charge: the whole remaining charged balance is refunded`,
      },
    };
  }
  const percent = facts.minimumUsedBp / 100;
  if (usedBp >= facts.minimumUsedBp) {
    return {
      allowed: true,
      amountWon: facts.cashWon,
      rule: {
        ...base,
        code: 'USED_ENOUGH',
        descriptionKo: `충전금의 ${percent}% 이상을 사용하여 남은 충전금을 환불합니다`,
        descriptionEn: `at least ${percent}% of the charged money was used, so the rest is refunded`,
      },
    };
  }
  return {
    allowed: false,
    reason: 'USED_TOO_LITTLE',
    rule: {
      ...base,
      code: 'USED_TOO_LITTLE',
      descriptionKo: `마지막 충전 후 ${facts.fullRefundWindowDays}일이 지나 충전금의 ${percent}% 이상 사용해야 환불할 수 있습니다 (현재 ${usedBp / 100}%)`,
      descriptionEn: `more than ${facts.fullRefundWindowDays} days after the last charge, a refund needs ${percent}% of the charged money used (now ${usedBp / 100}%)`,
    },
  };
}
