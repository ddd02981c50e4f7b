import type { Sql } from '../../db/database.js';
import { isCalendarDate, localDate } from '../../time.js';
import { SettlementErrors } from './errors.js';

const DAY_MS = 86_400_000;

/** A business day (영업일) is a calendar date in the tenant's time zone: [start, end) as instants. */
export interface BusinessDay {
  date: string;
  start: Date;
  end: Date;
}

export function assertBusinessDate(text: string): string {
  if (!isCalendarDate(text)) throw SettlementErrors.invalidBusinessDate(text);
  return text;
}

/** Midnight to midnight in the time zone, computed by the database so daylight-saving zones are right too. */
export async function businessDay(sql: Sql, date: string, timeZone: string): Promise<BusinessDay> {
  const [row] = await sql.query<{ start_at: Date; end_at: Date }>(
    `select ($1::date::timestamp at time zone $2) as start_at, (($1::date + 1)::timestamp at time zone $2) as end_at`,
    [assertBusinessDate(date), timeZone],
  );
  if (!row) throw new Error(`no bounds for business day ${date}`);
  return { date, start: row.start_at, end: row.end_at };
}

/** The day before the local date of `at − delayMs`: what a daily run due `delayMs` after midnight settles. */
export function previousBusinessDate(at: Date, timeZone: string, delayMs: number): string {
  const { year, month, day } = localDate(new Date(at.getTime() - delayMs), timeZone);
  return new Date(Date.UTC(year, month - 1, day) - DAY_MS).toISOString().slice(0, 10);
}
