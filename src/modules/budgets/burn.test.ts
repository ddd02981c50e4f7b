import { describe, expect, it } from 'vitest';
import { addDays, monthlySeries, projectExhaustion } from './burn.js';
import type { SpentInPeriod } from './types.js';

function everyDay(fromDay: string, count: number, spentWon: number): SpentInPeriod[] {
  return Array.from({ length: count }, (_, index) => ({ period: addDays(fromDay, index), spentWon }));
}

describe('projectExhaustion', () => {
  it('projects at the average of the last 30 days: 10,000,000 left at 1,000,000 a day → 10 days', () => {
    const pace = projectExhaustion({
      dailySpent: everyDay('2021-04-14', 30, 1_000_000),
      today: '2021-05-13',
      firstDay: '2021-01-01',
      remainingWon: 10_000_000,
    });
    expect(pace).toEqual({ averageDailySpentWon: 1_000_000, projectedExhaustionDate: '2021-05-23' });
  });

  it('answers null, not an impossible date, when the pace would last beyond a century', () => {
    const pace = projectExhaustion({
      dailySpent: everyDay('2021-05-13', 1, 13_000),
      today: '2021-05-13',
      firstDay: '2021-05-13',
      remainingWon: 130_000_000_000,
    });
    expect(pace).toEqual({ averageDailySpentWon: 13_000, projectedExhaustionDate: null });
  });

  it('ignores spending older than 30 days', () => {
    const pace = projectExhaustion({
      dailySpent: [...everyDay('2021-03-01', 10, 9_000_000), ...everyDay('2021-04-14', 30, 1_000_000)],
      today: '2021-05-13',
      firstDay: '2021-01-01',
      remainingWon: 10_000_000,
    });
    expect(pace.averageDailySpentWon).toBe(1_000_000);
  });

  it('averages a young pot over its own days, not over 30', () => {
    const pace = projectExhaustion({
      dailySpent: everyDay('2021-05-10', 4, 1_000_000),
      today: '2021-05-13',
      firstDay: '2021-05-10',
      remainingWon: 2_500_000,
    });
    // 2.5 days of spending left: the last won goes on the third day after today.
    expect(pace).toEqual({ averageDailySpentWon: 1_000_000, projectedExhaustionDate: '2021-05-16' });
  });

  it('counts days without spending in the average', () => {
    const pace = projectExhaustion({
      dailySpent: [{ period: '2021-05-13', spentWon: 3_000_000 }],
      today: '2021-05-13',
      firstDay: '2021-01-01',
      remainingWon: 3_000_000,
    });
    expect(pace).toEqual({ averageDailySpentWon: 100_000, projectedExhaustionDate: '2021-06-12' });
  });

  it('nets clawbacks: a day of returns slows the pace', () => {
    const pace = projectExhaustion({
      dailySpent: [
        { period: '2021-05-12', spentWon: 4_000_000 },
        { period: '2021-05-13', spentWon: -1_000_000 },
      ],
      today: '2021-05-13',
      firstDay: '2021-05-12',
      remainingWon: 3_000_000,
    });
    expect(pace).toEqual({ averageDailySpentWon: 1_500_000, projectedExhaustionDate: '2021-05-15' });
  });

  it('projects nothing when nothing is being spent', () => {
    expect(
      projectExhaustion({ dailySpent: [], today: '2021-05-13', firstDay: '2021-01-01', remainingWon: 1_000 }),
    ).toEqual({ averageDailySpentWon: 0, projectedExhaustionDate: null });
  });

  it('says today when the pot is already empty', () => {
    expect(
      projectExhaustion({
        dailySpent: everyDay('2021-05-01', 13, 10_000),
        today: '2021-05-13',
        firstDay: '2021-05-01',
        remainingWon: 0,
      }).projectedExhaustionDate,
    ).toBe('2021-05-13');
  });
});

describe('monthlySeries', () => {
  it('sums days into months and fills months without spending with 0, across a year end', () => {
    const series = monthlySeries(
      [
        { period: '2020-11-02', spentWon: 1_000 },
        { period: '2020-11-30', spentWon: 2_000 },
        { period: '2021-01-15', spentWon: 500 },
      ],
      '2020-11',
      '2021-02',
    );
    expect(series).toEqual([
      { month: '2020-11', spentWon: 3_000 },
      { month: '2020-12', spentWon: 0 },
      { month: '2021-01', spentWon: 500 },
      { month: '2021-02', spentWon: 0 },
    ]);
  });
});
