import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRefund, type RefundFacts } from './refund-rules.js';

const DAY_MS = 86_400_000;
const NOW = new Date('2021-05-20T03:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

function facts(overrides: Partial<RefundFacts>): RefundFacts {
  return {
    now: NOW,
    cashWon: 0,
    chargedSinceLastRefundWon: 0,
    chargedInWindowWon: 0,
    usedWon: 0,
    lastChargeAt: null,
    lastRefundAt: null,
    returnedSinceLastRefund: [],
    chargedLeftAtLastRefundWon: 0,
    fullRefundWindowDays: 7,
    minimumUsedBp: 6000,
    ...overrides,
  };
}

describe('charged money that came back after a refund (pure rules)', () => {
  it('counts as charged on the day it came back', () => {
    const decision = decideRefund(
      facts({
        cashWon: 30_000,
        lastChargeAt: daysAgo(9),
        lastRefundAt: daysAgo(9),
        returnedSinceLastRefund: [{ at: daysAgo(6), amountWon: 30_000 }],
        chargedLeftAtLastRefundWon: 30_000,
      }),
    );
    expect(decision).toMatchObject({
      allowed: true,
      amountWon: 30_000,
      rule: { code: 'WITHIN_FULL_REFUND_WINDOW', daysSinceLastCharge: 6, usedBp: 0 },
    });
  });

  it('never counts more than the charged money the last refund left, newest first', () => {
    const decision = decideRefund(
      facts({
        cashWon: 80_000,
        lastChargeAt: daysAgo(20),
        lastRefundAt: daysAgo(20),
        returnedSinceLastRefund: [
          { at: daysAgo(15), amountWon: 50_000 },
          { at: daysAgo(2), amountWon: 30_000 },
        ],
        chargedLeftAtLastRefundWon: 40_000,
      }),
    );
    // 30,000 back two days ago counts whole; of the 50,000 back 15 days ago, only 10,000 is charged money.
    expect(decision).toMatchObject({
      allowed: true,
      amountWon: 30_000,
      rule: { code: 'WITHIN_FULL_REFUND_WINDOW', daysSinceLastCharge: 2 },
    });
  });

  it('refuses cash none of which was charged since the last refund, without speaking of days', () => {
    const decision = decideRefund(
      facts({ cashWon: 20_000, lastChargeAt: NOW, lastRefundAt: NOW, chargedLeftAtLastRefundWon: 0 }),
    );
    expect(decision).toMatchObject({
      allowed: false,
      reason: 'NOTHING_TO_REFUND',
      rule: { code: 'NOTHING_TO_REFUND', daysSinceLastCharge: 0 },
    });
    expect(decision.rule.descriptionEn).toMatch(/^nothing has been charged since your last refund/);
  });

  it('never says nothing was charged in the window when something was', () => {
    const money = fc.integer({ min: 0, max: 1_000_000 });
    const day = fc.integer({ min: 0, max: 30 });
    fc.assert(
      fc.property(
        fc.record({
          cashWon: money,
          chargedSinceLastRefundWon: money,
          chargedInWindowWon: money,
          usedWon: money,
          lastChargeDays: fc.option(day),
          lastRefundDays: fc.option(day),
          returned: fc.array(fc.record({ days: day, amountWon: money }), { maxLength: 3 }),
          chargedLeftAtLastRefundWon: money,
        }),
        (input) => {
          const decision = decideRefund(
            facts({
              ...input,
              lastChargeAt: input.lastChargeDays === null ? null : daysAgo(input.lastChargeDays),
              lastRefundAt: input.lastRefundDays === null ? null : daysAgo(input.lastRefundDays),
              returnedSinceLastRefund: input.returned.map((r) => ({
                at: daysAgo(r.days),
                amountWon: r.amountWon,
              })),
            }),
          );
          const { daysSinceLastCharge, descriptionEn, descriptionKo } = decision.rule;
          if (daysSinceLastCharge !== null && daysSinceLastCharge < 7) {
            expect(descriptionEn).not.toMatch(/nothing charged in the last/);
            expect(descriptionKo).not.toMatch(/이내 충전금이 없어/);
          }
          if (decision.allowed) expect(decision.amountWon).toBeLessThanOrEqual(input.cashWon);
        },
      ),
    );
  });
});
