import { describe, expect, it } from 'vitest';
import type { BudgetBurn, BudgetPot } from '../api/types.js';
import { burnPoints, monthsOf } from './burn.js';

const pot: BudgetPot = {
  id: 'bud_2021',
  name: '2021 온통대전 캐시백 예산',
  period: 'annual',
  from: '2020-12-31T15:00:00.000Z',
  to: '2021-12-31T15:00:00.000Z',
  nationalShareBp: 4000,
  annualPotId: null,
  accounts: [],
  fundedWon: 1_000_000,
  movedToMonthlyWon: 0,
  spentWon: 300_000,
  remainingWon: 700_000,
  createdAt: '2021-01-01T00:00:00.000Z',
};

const burn: BudgetBurn = {
  potId: 'bud_2021',
  months: [
    { month: '2021-01', spentWon: 100_000 },
    { month: '2021-03', spentWon: 200_000 },
  ],
  remainingWon: 700_000,
  averageDailySpentWon: 10_000,
  projectedExhaustionDate: '2021-05-10',
  exhaustsBeforePeriodEnd: true,
};

describe('the budget burn chart', () => {
  it('spans the Seoul months of the pot period, end exclusive', () => {
    expect(monthsOf(pot.from, pot.to)).toEqual([
      '2021-01',
      '2021-02',
      '2021-03',
      '2021-04',
      '2021-05',
      '2021-06',
      '2021-07',
      '2021-08',
      '2021-09',
      '2021-10',
      '2021-11',
      '2021-12',
    ]);
  });

  it('adds up actual spending to this month, then projects at the daily pace up to what the pot can pay', () => {
    const points = burnPoints(pot, burn, new Date('2021-03-15T03:00:00Z'));
    expect(points.slice(0, 5)).toEqual([
      { month: '2021-01', spentWon: 100_000, cumulativeWon: 100_000, projectedWon: null },
      { month: '2021-02', spentWon: 0, cumulativeWon: 100_000, projectedWon: null },
      { month: '2021-03', spentWon: 200_000, cumulativeWon: 300_000, projectedWon: 300_000 },
      { month: '2021-04', spentWon: null, cumulativeWon: null, projectedWon: 600_000 },
      { month: '2021-05', spentWon: null, cumulativeWon: null, projectedWon: 910_000 },
    ]);
    expect(points.at(-1)?.projectedWon).toBe(1_000_000);
  });
});
