import { describe, expect, it } from 'vitest';
import { previousBusinessDate } from './business-day.js';
import { feeWonFor } from './fee-rules.js';

const ONE_PERCENT = { rateBp: 100, feeFreeAnnualRevenueUpToWon: null };
const HOUR_MS = 3_600_000;

describe('the settlement fee', () => {
  it('is the rate of net sales rounded down to the won', () => {
    expect(feeWonFor(ONE_PERCENT, 500_000_000, 12_345)).toBe(123);
    expect(feeWonFor(ONE_PERCENT, 500_000_000, 99)).toBe(0);
    expect(feeWonFor(ONE_PERCENT, 500_000_000, 100)).toBe(1);
  });

  it('is nothing without a rule, on a day with no net sales, and at or under the revenue threshold', () => {
    expect(feeWonFor(null, 500_000_000, 10_000)).toBe(0);
    expect(feeWonFor(ONE_PERCENT, 500_000_000, 0)).toBe(0);
    expect(feeWonFor(ONE_PERCENT, 500_000_000, -5_000)).toBe(0);
    const threshold = { rateBp: 100, feeFreeAnnualRevenueUpToWon: 300_000_000 };
    expect(feeWonFor(threshold, 300_000_000, 10_000)).toBe(0);
    expect(feeWonFor(threshold, 300_000_001, 10_000)).toBe(100);
  });

  it('stays exact for sales beyond what a float multiplies exactly', () => {
    expect(feeWonFor({ rateBp: 9_999, feeFreeAnnualRevenueUpToWon: null }, 0, Number.MAX_SAFE_INTEGER)).toBe(
      Number((BigInt(Number.MAX_SAFE_INTEGER) * 9_999n) / 10_000n),
    );
  });
});

describe('the business day a daily run settles', () => {
  it('is yesterday in the tenant time zone once the delay after midnight has passed', () => {
    const at = (iso: string) => previousBusinessDate(new Date(iso), 'Asia/Seoul', HOUR_MS);
    expect(at('2021-05-14T00:59:59.999+09:00')).toBe('2021-05-12');
    expect(at('2021-05-14T01:00:00+09:00')).toBe('2021-05-13');
    expect(at('2021-03-01T01:00:00+09:00')).toBe('2021-02-28');
    expect(at('2021-01-01T01:00:00+09:00')).toBe('2020-12-31');
  });
});
