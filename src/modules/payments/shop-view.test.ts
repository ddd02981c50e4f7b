import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shopCashback, shopClawback } from './shop-view.js';

const line = (code: string, rateBp: number, baseWon: number, amountWon: number) => ({
  code,
  descriptionKo: code,
  descriptionEn: code,
  rateBp,
  baseWon,
  amountWon,
});

describe("the shop's view of a customer's cashback", () => {
  it('leaves out a welfare extra from the lines and the total, and the cap from the limits', () => {
    const shown = shopCashback(
      {
        amountWon: 2_469,
        requestedWon: 2_469,
        rules: [
          line('base', 1_000, 12_345, 1_234),
          line('welfare', 500, 12_345, 617),
          line('market', 500, 12_345, 618),
        ],
        limitedBy: ['MONTHLY_CAP_REACHED'],
      },
      new Set(['welfare']),
    );
    // floor(12,345 × 15%) = 1,851, as the shop's rules give it, the lines adding up to it.
    expect(shown).toEqual({
      amountWon: 1_851,
      requestedWon: 1_851,
      rules: [line('base', 1_000, 12_345, 1_234), line('market', 500, 12_345, 617)],
      limitedBy: [],
    });
  });

  it('shows the budget-limited share of the shop-rule total when the pot paid less than the rules', () => {
    const shown = shopCashback(
      {
        amountWon: 1_000,
        requestedWon: 3_000,
        rules: [line('base', 1_000, 20_000, 2_000), line('w', 500, 20_000, 1_000)],
        limitedBy: ['BUDGET_EXHAUSTED'],
      },
      new Set(['w']),
    );
    expect(shown).toMatchObject({ amountWon: 666, requestedWon: 2_000, limitedBy: ['BUDGET_EXHAUSTED'] });
  });

  it('never shows more than was paid, and a claw-back whose parts add up and stay within the real ones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (clawbackWon, fromCashbackRaw, shownRaw, paidWon) => {
          const fromCashbackWon = Math.min(fromCashbackRaw, clawbackWon);
          const fromCashWon = Math.floor((clawbackWon - fromCashbackWon) / 2);
          const real = {
            amountWon: clawbackWon,
            fromCashbackWon,
            fromCashWon,
            unrecoveredWon: clawbackWon - fromCashbackWon - fromCashWon,
          };
          const shownWon = Math.min(shownRaw, paidWon);
          const shown = shopClawback(real, shownWon, paidWon);
          expect(shown.amountWon).toBeLessThanOrEqual(real.amountWon);
          expect(shown.fromCashbackWon).toBeLessThanOrEqual(real.fromCashbackWon);
          expect(shown.fromCashWon).toBeLessThanOrEqual(real.fromCashWon);
          expect(shown.fromCashbackWon + shown.fromCashWon + shown.unrecoveredWon).toBe(shown.amountWon);
          expect(Math.min(...Object.values(shown))).toBeGreaterThanOrEqual(0);
          if (shownWon === paidWon) expect(shown).toEqual(real);
        },
      ),
    );
  });
});
