/** Which refund rule applies, as a pure function of the member's charging history and balance. */

/**
 * What a refund may pay, precisely (docs/architecture.md, "Balance refunds"):
 * - the full-refund window covers only money CHARGED within the window (the rule value
 *   `refund_full_window_days`): that much of the cash balance is refunded whatever was used;
 * - "used" is cash paid to merchants since the last paid refund, net of what cancellations of those
 *   payments gave back; money sent away by transfer is not used, money received by transfer was
 *   never charged;
 * - once `refund_min_used_bp` of the money charged since the last refund is used, the charged money
 *   not yet used is refunded (never more than the cash balance);
 * - charged money that was out of the wallet at the last paid refund (sent by a transfer not yet
 *   accepted, held by an order, paid to a merchant) and comes back to cash after it (declined,
 *   cancelled or expired transfer, released or returned order, cancelled payment) counts as charged
 *   again on the day it came back, never more than the charged money the refunds and merchants left.
 */
export interface RefundFacts {
  now: Date;
  /** Charged money the member holds now (available, not held by pending transfers). */
  cashWon: number;
  /** Succeeded charges since the member's last paid refund. */
  chargedSinceLastRefundWon: number;
  /** Succeeded charges within the full-refund window (and since the last paid refund). */
  chargedInWindowWon: number;
  /** Cash paid to merchants since the last paid refund, net of the cancellations of those payments. */
  usedWon: number;
  /** When the last succeeded charge completed (before or after the last refund). */
  lastChargeAt: Date | null;
  /** When the last paid refund was made; null when none was. */
  lastRefundAt: Date | null;
  /**
   * Cash that came back after the last paid refund from money that had left the wallet before it
   * (a transfer the member sent, an order, a payment), each with when it came back.
   */
  returnedSinceLastRefund: ReadonlyArray<{ at: Date; amountWon: number }>;
  /**
   * The most of that returned cash that is charged money: charged up to the last paid refund, less
   * what refunds paid and what is still spent at merchants (money received from other members
   * that went out and came back is not charged money).
   */
  chargedLeftAtLastRefundWon: number;
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

/**
 * The returned cash that counts as charged, newest first (the most favourable to the member: the
 * newest is likeliest in the window), never more than the charged money left at the last refund.
 */
function chargedReturns(facts: RefundFacts): Array<{ at: Date; amountWon: number }> {
  let leftWon = Math.max(0, facts.chargedLeftAtLastRefundWon);
  const counted: Array<{ at: Date; amountWon: number }> = [];
  const newestFirst = [...facts.returnedSinceLastRefund].sort((a, b) => b.at.getTime() - a.at.getTime());
  for (const returned of newestFirst) {
    const amountWon = Math.min(Math.max(0, returned.amountWon), leftWon);
    if (amountWon <= 0) continue;
    counted.push({ at: returned.at, amountWon });
    leftWon -= amountWon;
  }
  return counted;
}

export function decideRefund(facts: RefundFacts): RefundDecision {
  const windowStartMs = facts.now.getTime() - facts.fullRefundWindowDays * DAY_MS;
  const returns = chargedReturns(facts);
  const returnedWon = returns.reduce((sum, returned) => sum + returned.amountWon, 0);
  const returnedInWindowWon = returns
    .filter((returned) => returned.at.getTime() > windowStartMs)
    .reduce((sum, returned) => sum + returned.amountWon, 0);
  const chargedWon = Math.max(0, facts.chargedSinceLastRefundWon) + returnedWon;
  const usedWon = Math.min(Math.max(0, facts.usedWon), chargedWon);
  const usedBp = chargedWon > 0 ? Number((BigInt(usedWon) * BP_WHOLE) / BigInt(chargedWon)) : 0;
  // Money that came back counts as charged on the day it came back.
  const lastChargeMs = Math.max(
    facts.lastChargeAt?.getTime() ?? Number.NEGATIVE_INFINITY,
    ...returns.map((returned) => returned.at.getTime()),
  );
  const daysSinceLastCharge = Number.isFinite(lastChargeMs)
    ? Math.floor((facts.now.getTime() - lastChargeMs) / DAY_MS)
    : null;
  const base = { usedBp, daysSinceLastCharge };
  const cashWon = Math.max(0, facts.cashWon);
  const windowWon = Math.min(cashWon, Math.max(0, facts.chargedInWindowWon) + returnedInWindowWon);
  const unusedChargedWon = usedBp >= facts.minimumUsedBp ? Math.min(cashWon, chargedWon - usedWon) : 0;
  const percent = facts.minimumUsedBp / 100;
  const days = facts.fullRefundWindowDays;
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
    const withReturns = returnedInWindowWon > 0;
    return {
      allowed: true,
      amountWon: windowWon,
      rule: {
        ...base,
        code: 'WITHIN_FULL_REFUND_WINDOW',
        descriptionKo: withReturns
          ? `최근 ${days}일 이내에 충전한 금액(되돌아온 충전금은 돌아온 날 충전한 것으로 봅니다)을 전액 환불합니다`
          : `최근 ${days}일 이내에 충전한 금액을 전액 환불합니다`,
        descriptionEn: withReturns
          ? `the money charged within the last ${days} days is refunded in full (charged money that came back to your cash counts as charged on the day it came back)`
          : `the money charged within the last ${days} days is refunded in full`,
      },
    };
  }
  if (chargedWon <= 0) {
    // Cash, but none of it charged since the last refund: the rule text must not speak of days.
    const sinceRefund = facts.lastRefundAt !== null;
    return {
      allowed: false,
      reason: 'NOTHING_TO_REFUND',
      rule: {
        ...base,
        code: 'NOTHING_TO_REFUND',
        descriptionKo: sinceRefund
          ? '마지막 환불 이후 충전한 금액이 없습니다 (되돌아온 충전금은 돌아온 날 충전한 것으로 봅니다). 다른 회원에게 받은 돈은 환불되지 않습니다'
          : '충전한 금액이 없습니다. 다른 회원에게 받은 돈은 환불되지 않습니다',
        descriptionEn: sinceRefund
          ? 'nothing has been charged since your last refund (charged money that came back to your cash counts as charged on the day it came back); money received from other members cannot be refunded'
          : 'nothing has been charged to this wallet; money received from other members cannot be refunded',
      },
    };
  }
  const chargedRecently = daysSinceLastCharge !== null && daysSinceLastCharge < days;
  const now = `${usedBp / 100}%`;
  return {
    allowed: false,
    reason: 'USED_TOO_LITTLE',
    rule: {
      ...base,
      code: 'USED_TOO_LITTLE',
      descriptionKo: chargedRecently
        ? `최근 ${days}일 이내 충전금은 이미 환불되었고, 남은 충전금은 ${percent}% 이상을 가맹점에서 사용해야 환불할 수 있습니다 (현재 ${now}, 송금은 사용으로 보지 않습니다)`
        : `최근 ${days}일 이내 충전금이 없어 충전금의 ${percent}% 이상을 가맹점에서 사용해야 환불할 수 있습니다 (현재 ${now}, 송금은 사용으로 보지 않습니다)`,
      descriptionEn: chargedRecently
        ? `the money charged in the last ${days} days was already refunded; the charged money left needs ${percent}% of it spent at merchants for a refund (now ${now}; transfers do not count as use)`
        : `with nothing charged in the last ${days} days, a refund needs ${percent}% of the charged money spent at merchants (now ${now}; transfers do not count as use)`,
    },
  };
}
