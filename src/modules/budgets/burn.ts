import type { SpentInPeriod } from './types.js';

/** The pace of spending is the average over at most this many most recent days of the pot's life. */
export const BURN_PACE_WINDOW_DAYS = 30;
const MS_PER_DAY = 86_400_000;

export interface PaceInput {
  /** Net spending per tenant-local day ('YYYY-MM-DD'), any order, days without spending omitted. */
  dailySpent: readonly SpentInPeriod[];
  /** The tenant-local day the projection is made on (counted as a full day of spending). */
  today: string;
  /** The pot's first tenant-local day: a young pot averages over its own life, not over 30 days. */
  firstDay: string;
  remainingWon: number;
}

export interface Pace {
  /** Rounded down, for display; the projection uses the exact average. */
  averageDailySpentWon: number;
  /** The day the remaining money runs out at that pace; today if it already has; null at no pace. */
  projectedExhaustionDate: string | null;
}

/** Pure: when does the pot run dry if spending goes on as over the last window of days. */
/** 100 years: further than any budget period. */
const PROJECTION_HORIZON_DAYS = 36_525;

export function projectExhaustion(input: PaceInput): Pace {
  const windowStart = maxDay(input.firstDay, addDays(input.today, 1 - BURN_PACE_WINDOW_DAYS));
  const windowDays = daysBetween(windowStart, input.today) + 1;
  if (windowDays <= 0) return { averageDailySpentWon: 0, projectedExhaustionDate: null };
  const windowSpentWon = input.dailySpent
    .filter((day) => day.period >= windowStart && day.period <= input.today)
    .reduce((sum, day) => sum + day.spentWon, 0);
  const averageDailySpentWon = Math.max(0, Math.floor(windowSpentWon / windowDays));
  if (input.remainingWon <= 0) return { averageDailySpentWon, projectedExhaustionDate: input.today };
  if (windowSpentWon <= 0) return { averageDailySpentWon, projectedExhaustionDate: null };
  // remaining ÷ (spent ÷ days), rounded up in integers: the day the last won is paid.
  const daysLeft = ceilDiv(BigInt(input.remainingWon) * BigInt(windowDays), BigInt(windowSpentWon));
  // A pace that would take beyond the horizon is "does not run out": no calendar date means anything there.
  if (daysLeft > BigInt(PROJECTION_HORIZON_DAYS))
    return { averageDailySpentWon, projectedExhaustionDate: null };
  return { averageDailySpentWon, projectedExhaustionDate: addDays(input.today, Number(daysLeft)) };
}

/** Monthly totals from `firstMonth` to `lastMonth` ('YYYY-MM'), months without spending as 0. */
export function monthlySeries(
  dailySpent: readonly SpentInPeriod[],
  firstMonth: string,
  lastMonth: string,
): Array<{ month: string; spentWon: number }> {
  const totals = new Map<string, number>();
  for (const day of dailySpent) {
    const month = day.period.slice(0, 7);
    totals.set(month, (totals.get(month) ?? 0) + day.spentWon);
  }
  return monthsFromTo(firstMonth, lastMonth).map((month) => ({ month, spentWon: totals.get(month) ?? 0 }));
}

export function addDays(day: string, count: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + count * MS_PER_DAY).toISOString().slice(0, 10);
}

function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / MS_PER_DAY);
}

function maxDay(a: string, b: string): string {
  return a > b ? a : b;
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}

/** Bounded: a pot longer than this many months is a data error, not a report to draw. */
const MONTHS_MAX = 120;

function monthsFromTo(firstMonth: string, lastMonth: string): string[] {
  const months: string[] = [];
  let [year, month] = firstMonth.split('-').map(Number) as [number, number];
  for (let key = firstMonth; key <= lastMonth && months.length < MONTHS_MAX; ) {
    months.push(key);
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
    key = `${year}-${String(month).padStart(2, '0')}`;
  }
  return months;
}
