import type { BudgetBurn, BudgetPot } from '../api/types.js';
import { seoulParts } from '../i18n/format.js';

export interface BurnPoint {
  month: string;
  /** Paid out in the month; null for months still to come. */
  spentWon: number | null;
  /** Paid out up to the end of the month; null for months still to come. */
  cumulativeWon: number | null;
  /** Where the total would stand at the current pace; only from the last actual month on. */
  projectedWon: number | null;
}

/** Every YYYY-MM from the month of `from` to the month of the instant just before `to` (exclusive end). */
export function monthsOf(from: string, to: string): string[] {
  const first = seoulParts(new Date(from)).month;
  const last = seoulParts(new Date(Date.parse(to) - 1)).month;
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 120; guard += 1) {
    const current = `${year}-${String(month).padStart(2, '0')}`;
    months.push(current);
    if (current >= last) break;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

function daysIn(yearMonth: string): number {
  const [year, month] = yearMonth.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The chart's points over the pot's whole period: actual spending up to this month, then the total
 * projected at the last 30 days' daily pace, never above what the pot can pay.
 */
export function burnPoints(pot: BudgetPot, burn: BudgetBurn, now: Date): BurnPoint[] {
  const spentByMonth = new Map(burn.months.map((month) => [month.month, month.spentWon]));
  const capacityWon = pot.spentWon + pot.remainingWon;
  const thisMonth = seoulParts(now).month;
  let cumulativeWon = 0;
  let projectedWon: number | null = null;
  return monthsOf(pot.from, pot.to).map((month) => {
    if (month <= thisMonth) {
      cumulativeWon += spentByMonth.get(month) ?? 0;
      if (month === thisMonth) projectedWon = cumulativeWon;
      return { month, spentWon: spentByMonth.get(month) ?? 0, cumulativeWon, projectedWon };
    }
    projectedWon = Math.min(
      capacityWon,
      (projectedWon ?? cumulativeWon) + burn.averageDailySpentWon * daysIn(month),
    );
    return { month, spentWon: null, cumulativeWon: null, projectedWon };
  });
}
