import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateCashback } from './allocate.js';
import type { PotBalances } from './types.js';

function pot(potId: string, nationalShareBp: number, nationalWon: number, cityWon: number): PotBalances {
  return {
    potId,
    nationalShareBp,
    accounts: [
      { source: 'national', accountId: `${potId}:national`, availableWon: nationalWon },
      { source: 'city', accountId: `${potId}:city`, availableWon: cityWon },
    ],
  };
}

describe('allocateCashback', () => {
  it('splits a draw by the national share: 10,000 at 40% → 4,000 national + 6,000 city', () => {
    expect(allocateCashback([pot('a', 4000, 1_000_000, 1_000_000)], 10_000)).toEqual({
      drawnWon: 10_000,
      postings: [
        { accountId: 'a:national', amountWon: -4_000 },
        { accountId: 'a:city', amountWon: -6_000 },
      ],
      exhausted: false,
    });
  });

  it('rounds the national part down and gives the city the rest: 10,001 → 4,000 + 6,001', () => {
    const draw = allocateCashback([pot('a', 4000, 1_000_000, 1_000_000)], 10_001);
    expect(draw.postings.map((posting) => posting.amountWon)).toEqual([-4_000, -6_001]);
  });

  it('makes up a short source from the other source of the same pot', () => {
    const draw = allocateCashback(
      [pot('a', 4000, 1_000, 1_000_000), pot('b', 4000, 1_000_000, 1_000_000)],
      10_000,
    );
    expect(draw).toEqual({
      drawnWon: 10_000,
      postings: [
        { accountId: 'a:national', amountWon: -1_000 },
        { accountId: 'a:city', amountWon: -9_000 },
      ],
      exhausted: false,
    });
  });

  it('moves on to the next pot once a pot is empty', () => {
    const draw = allocateCashback([pot('a', 5000, 1_000, 2_000), pot('b', 10_000, 50_000, 0)], 10_000);
    expect(draw).toEqual({
      drawnWon: 10_000,
      postings: [
        { accountId: 'a:national', amountWon: -1_000 },
        { accountId: 'a:city', amountWon: -2_000 },
        { accountId: 'b:national', amountWon: -7_000 },
      ],
      exhausted: false,
    });
  });

  it('pays what is left and reports exhaustion when the pots hold less than asked', () => {
    expect(allocateCashback([pot('a', 4000, 3_000, 4_500)], 10_000)).toEqual({
      drawnWon: 7_500,
      postings: [
        { accountId: 'a:national', amountWon: -3_000 },
        { accountId: 'a:city', amountWon: -4_500 },
      ],
      exhausted: true,
    });
  });

  it('draws nothing from no pots, and nothing when nothing is asked', () => {
    expect(allocateCashback([], 10_000)).toEqual({ drawnWon: 0, postings: [], exhausted: true });
    expect(allocateCashback([pot('a', 4000, 10, 10)], 0)).toEqual({
      drawnWon: 0,
      postings: [],
      exhausted: false,
    });
  });

  it('refuses a negative or fractional request as a programmer mistake', () => {
    expect(() => allocateCashback([], -1)).toThrow(/desiredWon/);
    expect(() => allocateCashback([], 0.5)).toThrow(/desiredWon/);
  });
});

describe('allocateCashback properties', () => {
  const balanceArb = fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 50_000 }),
    fc.integer({ min: 0, max: 2 ** 40 }),
  );
  const potsArb = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), balanceArb, balanceArb), { maxLength: 4 })
    .map((specs) =>
      specs.map(([shareBp, nationalWon, cityWon], index) => pot(`p${index}`, shareBp, nationalWon, cityWon)),
    );
  const desiredArb = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 2 ** 42 }));

  const totalOf = (pots: readonly PotBalances[]) =>
    pots.reduce(
      (sum, item) => sum + item.accounts.reduce((potSum, account) => potSum + account.availableWon, 0),
      0,
    );

  it('draws min(desired, total available), exhausted exactly when that is less than desired', () => {
    fc.assert(
      fc.property(potsArb, desiredArb, (pots, desiredWon) => {
        const draw = allocateCashback(pots, desiredWon);
        expect(draw.drawnWon).toBe(Math.min(desiredWon, totalOf(pots)));
        expect(draw.exhausted).toBe(draw.drawnWon < desiredWon);
      }),
    );
  });

  it('posts negative whole amounts summing to -drawnWon, none beyond an account balance', () => {
    fc.assert(
      fc.property(potsArb, desiredArb, (pots, desiredWon) => {
        const draw = allocateCashback(pots, desiredWon);
        const balances = new Map(
          pots.flatMap((item) => item.accounts.map((account) => [account.accountId, account.availableWon])),
        );
        expect(draw.postings.reduce((sum, posting) => sum + posting.amountWon, 0) + draw.drawnWon).toBe(0);
        for (const posting of draw.postings) {
          expect(Number.isSafeInteger(posting.amountWon) && posting.amountWon < 0).toBe(true);
          expect(-posting.amountWon).toBeLessThanOrEqual(balances.get(posting.accountId) ?? 0);
        }
        expect(new Set(draw.postings.map((posting) => posting.accountId)).size).toBe(draw.postings.length);
      }),
    );
  });

  it('draws the exact national share from a pot whose sources both suffice', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (shareBp, desiredWon) => {
          const draw = allocateCashback([pot('a', shareBp, 10_000_000, 10_000_000)], desiredWon);
          const nationalWon =
            0 - (draw.postings.find((posting) => posting.accountId === 'a:national')?.amountWon ?? 0);
          expect(nationalWon).toBe(Math.floor((desiredWon * shareBp) / 10_000));
        },
      ),
    );
  });
});
