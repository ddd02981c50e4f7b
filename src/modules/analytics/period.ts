import { DomainError } from '../../errors.js';
import { isCalendarDate, localIsoDate } from '../../time.js';

/** Local calendar dates [from, to], both inclusive, 'YYYY-MM-DD'. */
export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
/** A replay or report over more than three years is refused: bounded work per request. */
export const PERIOD_DAYS_MAX = 3 * 366;

function periodError(code: string, message: string, messageKo: string): DomainError {
  return new DomainError({ code, httpStatus: 400, message, messageKo });
}

export function todayIn(timeZone: string, now: Date): string {
  return localIsoDate(now, timeZone);
}

export function periodDays(period: Period): number {
  return Math.round((Date.parse(period.to) - Date.parse(period.from)) / DAY_MS) + 1;
}

/** A past period (today included) of at most three years; anything else is the caller's mistake. */
export function checkPeriod(period: Period, today: string): Period {
  if (!isCalendarDate(period.from) || !isCalendarDate(period.to))
    throw periodError(
      'INVALID_PERIOD',
      'from and to must be dates (YYYY-MM-DD)',
      '기간은 YYYY-MM-DD 형식이어야 합니다',
    );
  if (period.from > period.to)
    throw periodError('INVALID_PERIOD', 'from must not be after to', '시작일이 종료일보다 늦을 수 없습니다');
  if (period.to > today)
    throw periodError(
      'PERIOD_IN_FUTURE',
      `the period ends after today (${today}); only the past can be measured`,
      `기간이 오늘(${today}) 이후까지 이어집니다. 지난 기간만 분석할 수 있습니다`,
    );
  if (periodDays(period) > PERIOD_DAYS_MAX)
    throw periodError(
      'PERIOD_TOO_LONG',
      `a period may cover at most ${PERIOD_DAYS_MAX} days`,
      `기간은 최대 ${PERIOD_DAYS_MAX}일까지 지정할 수 있습니다`,
    );
  return period;
}
