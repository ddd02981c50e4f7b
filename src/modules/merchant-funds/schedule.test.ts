import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wholeMonthsBetween } from './eligibility.js';
import { equalPrincipalSchedule, monthsAfter } from './schedule.js';

describe('equal-principal schedule', () => {
  it('spreads ₩10,000,000 over 24 months with the remainder on the first installments', () => {
    const schedule = equalPrincipalSchedule({
      amountWon: 10_000_000,
      termMonths: 24,
      interestRateBp: 450,
      interestSubsidyBp: 200,
      disbursedOn: '2021-01-31',
    });
    expect(schedule.slice(0, 16).every((row) => row.principalWon === 416_667)).toBe(true);
    expect(schedule.slice(16).every((row) => row.principalWon === 416_666)).toBe(true);
    expect(schedule.map((row) => row.dueOn).slice(0, 3)).toEqual(['2021-02-28', '2021-03-31', '2021-04-30']);
    expect(schedule[0]).toMatchObject({ interestWon: 37_500, subsidyWon: 16_666 });
  });

  it('always repays exactly the amount, with interest falling and the subsidy never above it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (amountWon, termMonths, rateBp, subsidyBp) => {
          fc.pre(termMonths <= amountWon && subsidyBp <= rateBp);
          const schedule = equalPrincipalSchedule({
            amountWon,
            termMonths,
            interestRateBp: rateBp,
            interestSubsidyBp: subsidyBp,
            disbursedOn: '2024-01-29',
          });
          expect(schedule).toHaveLength(termMonths);
          expect(schedule.reduce((sum, row) => sum + row.principalWon, 0)).toBe(amountWon);
          for (const [index, row] of schedule.entries()) {
            expect(row.subsidyWon).toBeLessThanOrEqual(row.interestWon);
            const next = schedule[index + 1];
            if (next) {
              expect(next.interestWon).toBeLessThanOrEqual(row.interestWon);
              expect(next.dueOn > row.dueOn).toBe(true);
            }
          }
        },
      ),
    );
  });

  it('counts whole months between dates and moves a date by months to the last day of shorter months', () => {
    expect(wholeMonthsBetween('2021-01-31', '2021-02-28')).toBe(0);
    expect(wholeMonthsBetween('2021-01-31', '2021-03-01')).toBe(1);
    expect(wholeMonthsBetween('2020-05-13', '2021-05-13')).toBe(12);
    expect(monthsAfter('2024-01-31', 1)).toBe('2024-02-29');
    expect(monthsAfter('2024-11-15', 2)).toBe('2025-01-15');
  });
});
