/** What a citizen types on the giving screen, read as the API will accept it, or null. */

/** The calendar years the API keeps tax statements for; it refuses any other year. */
export const TAX_YEAR_MIN = 2000;
export const TAX_YEAR_MAX = 2100;

/** The days of the month a monthly gift may fall on (openapi.json: monthlyDay 1–31). */
export const MONTHLY_DAY_MIN = 1;
export const MONTHLY_DAY_MAX = 31;

function wholeNumberWithin(text: string, pattern: RegExp, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!pattern.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : null;
}

/** "2026" → 2026; a partial, longer or out-of-range year is not a year the statement exists for. */
export function parseTaxYear(text: string): number | null {
  return wholeNumberWithin(text, /^\d{4}$/, TAX_YEAR_MIN, TAX_YEAR_MAX);
}

/** "25" → 25; letters, fractions and days outside the month are not a gift day. */
export function parseMonthlyDay(text: string): number | null {
  return wholeNumberWithin(text, /^\d{1,2}$/, MONTHLY_DAY_MIN, MONTHLY_DAY_MAX);
}
