/** Calendar arithmetic in a tenant's time zone: months and ages are local, instants are UTC. */

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatterCache.get(timeZone);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatterCache.set(timeZone, cached);
  }
  return cached;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export function localDate(at: Date, timeZone: string): LocalDate {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

/** 'YYYY-MM-DD' of the instant in the time zone: the date a person there reads on a document. */
export function localIsoDate(at: Date, timeZone: string): string {
  const { year, month, day } = localDate(at, timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 'YYYY-MM' of the instant in the time zone: the key of monthly caps and usage. */
export function monthKey(at: Date, timeZone: string): string {
  const { year, month } = localDate(at, timeZone);
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** Whole years from a birth date ('YYYY-MM-DD') to the local date of `at`. */
export function ageInYears(birthDate: string, at: Date, timeZone: string): number {
  const [birthYear, birthMonth, birthDay] = birthDate.split('-').map(Number) as [number, number, number];
  const today = localDate(at, timeZone);
  const hadBirthday = today.month > birthMonth || (today.month === birthMonth && today.day >= birthDay);
  return today.year - birthYear - (hadBirthday ? 0 : 1);
}

/**
 * The years a date or instant the API accepts may fall in. Year 0000 does not exist in PostgreSQL and
 * nothing the platform records (births, budgets, sales, programmes) lies outside these bounds.
 */
export const CALENDAR_YEAR_MIN = 1900;
export const CALENDAR_YEAR_MAX = 2999;

export function isYearInRange(year: number): boolean {
  return year >= CALENDAR_YEAR_MIN && year <= CALENDAR_YEAR_MAX;
}

export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match || !isYearInRange(Number(match[1]))) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** The instant at which local midnight of the 1st of `month` (1-12) begins in the time zone. */
export function startOfLocalMonth(year: number, month: number, timeZone: string): Date {
  const guessMs = Date.UTC(year, month - 1, 1);
  const parts: Record<string, number> = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(guessMs))
      .map((part) => [part.type, Number(part.value)]),
  );
  const at = (type: string) => parts[type] ?? 0;
  const localMs = Date.UTC(at('year'), at('month') - 1, at('day'), at('hour'), at('minute'), at('second'));
  return new Date(guessMs - (localMs - guessMs));
}
