import { describe, expect, it } from 'vitest';
import { backtestForecast } from './what-if.js';

/** Daily cashback of 2024-01-01..2024-06-30 from a function of the day. */
function series(wonOn: (day: string) => number): Map<string, number> {
  const daily = new Map<string, number>();
  for (let ms = Date.parse('2024-01-01'); ms <= Date.parse('2024-06-30'); ms += 86_400_000) {
    const day = new Date(ms).toISOString().slice(0, 10);
    daily.set(day, wonOn(day));
  }
  return daily;
}
const half = { from: '2024-01-01', to: '2024-06-30' };

describe('back-tested forecast of budget exhaustion', () => {
  it('a steady pace is forecast exactly: every month-end forecast hits the replayed day', () => {
    // ₩1,000 a day against ₩150,000: the 150th day, 29 May 2024, spends the last won.
    const forecast = backtestForecast(
      half,
      series(() => 1_000),
      150_000,
    );
    expect(forecast.replayedExhaustionDate).toBe('2024-05-29');
    expect(forecast.backtest).toEqual([
      { madeOn: '2024-01-31', projectedExhaustionDate: '2024-05-29', errorDays: 0 },
      { madeOn: '2024-02-29', projectedExhaustionDate: '2024-05-29', errorDays: 0 },
      { madeOn: '2024-03-31', projectedExhaustionDate: '2024-05-29', errorDays: 0 },
      { madeOn: '2024-04-30', projectedExhaustionDate: '2024-05-29', errorDays: 0 },
    ]);
    expect(forecast.meanAbsoluteErrorDays).toBe(0);
  });

  it('a pace that doubles in February: January forecasts 59 days late, February 1 day late', () => {
    // Truth: 31,000 in January, then 2,000 a day: 151,000 ≥ 150,000 on 31 March.
    // Made 31 Jan at 1,000/day: 119,000 left → 119 days → 29 May (59 days late).
    // Made 29 Feb over the last 30 days (59,000): 61,000 left → ⌈61,000·30/59,000⌉ = 32 days → 1 Apr.
    const forecast = backtestForecast(
      half,
      series((day) => (day < '2024-02-01' ? 1_000 : 2_000)),
      150_000,
    );
    expect(forecast.replayedExhaustionDate).toBe('2024-03-31');
    expect(forecast.backtest).toEqual([
      { madeOn: '2024-01-31', projectedExhaustionDate: '2024-05-29', errorDays: 59 },
      { madeOn: '2024-02-29', projectedExhaustionDate: '2024-04-01', errorDays: 1 },
    ]);
    expect(forecast.meanAbsoluteErrorDays).toBe(30);
  });

  it('a budget that lasts the period has forecasts but no error to report', () => {
    const forecast = backtestForecast(
      half,
      series(() => 100),
      1_000_000,
    );
    expect(forecast.replayedExhaustionDate).toBeNull();
    expect(forecast.backtest).toHaveLength(5);
    expect(forecast.backtest.every((point) => point.errorDays === null)).toBe(true);
    expect(forecast.meanAbsoluteErrorDays).toBeNull();
  });
});
