import {
  approvalNumber,
  formatBusinessNumber,
  formatCalendarDate,
  formatDate,
  formatDateTime,
  formatMonth,
  formatPeriod,
  formatRateBp,
  formatUntil,
  formatWon,
  formatWonChange,
  formatWonCompact,
} from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { bankName } from '../reference/banks.js';

/** The formatters bound to the reader's language, so screens write `format.won(x)`. */
export function useFormat() {
  const { t, language } = useLanguage();
  return {
    won: (amountWon: number) => formatWon(amountWon, language),
    /** Large sums for officials: 1,300억원. */
    wonCompact: (amountWon: number) => formatWonCompact(amountWon, language),
    businessNumber: formatBusinessNumber,
    /** A bank by name, never by its three-digit code. */
    bank: (bankCode: string) => bankName(bankCode, language, t('trust.banks.sandbox')),
    approvalNumber,
    number: (value: number) => new Intl.NumberFormat(language === 'en' ? 'en-US' : 'ko-KR').format(value),
    wonChange: (amountWon: number) => formatWonChange(amountWon, language),
    rate: (rateBp: number) => formatRateBp(rateBp, language),
    dateTime: (instant: string | Date) => formatDateTime(instant, language),
    date: (instant: string | Date) => formatDate(instant, language),
    /** The last day of a period given by its exclusive end (the midnight after it). */
    lastDay: (exclusiveEnd: string) => formatDate(new Date(Date.parse(exclusiveEnd) - 1), language),
    /** An end as Koreans read it: the last day, not the next day at 오전 12:00. */
    until: (exclusiveEnd: string) => formatUntil(exclusiveEnd, language),
    period: (start: string, exclusiveEnd: string) => formatPeriod(start, exclusiveEnd, language),
    calendarDate: (isoDate: string) => formatCalendarDate(isoDate, language),
    month: (yearMonth: string) => formatMonth(yearMonth, language),
  };
}
