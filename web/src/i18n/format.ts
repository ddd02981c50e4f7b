/** How Hanbat writes money, rates and time: Korean conventions, Asia/Seoul time, in either language. */

export type Language = 'ko' | 'en';

/** The city's time zone: every date a citizen or operator reads is a Seoul date. */
export const CITY_TIME_ZONE = 'Asia/Seoul';

const LOCALE: Record<Language, string> = { ko: 'ko-KR', en: 'en-US' };
const BP_PER_PERCENT = 100;

/** 13,000원 in Korean, ₩13,000 in English; negative amounts keep their sign in front. */
export function formatWon(amountWon: number, language: Language): string {
  const digits = new Intl.NumberFormat(LOCALE[language]).format(Math.abs(amountWon));
  const sign = amountWon < 0 ? '−' : '';
  return language === 'ko' ? `${sign}${digits}원` : `${sign}₩${digits}`;
}

/** A signed change of balance: +6,500원 / −50,000원. */
export function formatWonChange(amountWon: number, language: Language): string {
  return amountWon > 0 ? `+${formatWon(amountWon, language)}` : formatWon(amountWon, language);
}

/** 1000 bp → "10%", 1250 bp → "12.5%". */
export function formatRateBp(rateBp: number, language: Language): string {
  const percent = rateBp / BP_PER_PERCENT;
  return `${new Intl.NumberFormat(LOCALE[language], { maximumFractionDigits: 2 }).format(percent)}%`;
}

export function formatDateTime(instant: string | Date, language: Language): string {
  return new Intl.DateTimeFormat(LOCALE[language], {
    timeZone: CITY_TIME_ZONE,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(instant));
}

export function formatDate(instant: string | Date, language: Language): string {
  return new Intl.DateTimeFormat(LOCALE[language], { timeZone: CITY_TIME_ZONE, dateStyle: 'medium' }).format(
    new Date(instant),
  );
}

/** A calendar date the API gives as YYYY-MM-DD (already a Seoul date): formatted without shifting it. */
export function formatCalendarDate(isoDate: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALE[language], { timeZone: 'UTC', dateStyle: 'medium' }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

/** "2021-05" → "2021년 5월" / "May 2021". */
export function formatMonth(yearMonth: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALE[language], {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'long',
  }).format(new Date(`${yearMonth}-01T00:00:00Z`));
}

/** The Seoul calendar date and time of an instant, as the parts a form field shows. */
export function seoulParts(instant: Date): { date: string; time: string; month: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: CITY_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((item) => item.type === type)?.value ?? '';
  const date = `${part('year')}-${part('month')}-${part('day')}`;
  return { date, time: `${part('hour')}:${part('minute')}`, month: date.slice(0, 7) };
}

/** Seoul has no daylight saving time: a Seoul wall-clock time is always UTC+09:00. */
export function seoulInstant(date: string, time = '00:00'): string {
  return `${date}T${time}:00+09:00`;
}

/** The Seoul date `days` after a Seoul date (YYYY-MM-DD). */
export function addDays(isoDate: string, days: number): string {
  const shifted = new Date(`${isoDate}T00:00:00Z`);
  shifted.setUTCDate(shifted.getUTCDate() + days);
  return shifted.toISOString().slice(0, 10);
}

/** The most digits a typed amount may have: 999조, well inside a safe integer. */
const WON_DIGITS_MAX = 15;

/**
 * The digits of won typed by a person, without leading zeros ('' for nothing typed): digits (full-width
 * ones from a Korean keyboard too) with grouping commas, spaces and 원/₩. Null for anything else — a
 * decimal point, a minus sign, an exponent, letters — which no reading turns into whole won.
 */
function typedWonDigits(text: string): string | null {
  const digits = text
    .replace(/[０-９]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0))
    .replace(/[,，\s원₩]/g, '');
  return /^\d*$/.test(digits) ? digits.replace(/^0+(?=\d)/, '') : null;
}

/** Why typed text is not an amount of won, or null when it is one (or nothing is typed yet). */
export type WonTextProblem = 'notWhole' | 'tooLarge';

export function wonTextProblem(text: string): WonTextProblem | null {
  const digits = typedWonDigits(text);
  if (digits === null) return 'notWhole';
  return digits.length > WON_DIGITS_MAX ? 'tooLarge' : null;
}

/** Whole won typed by a person: digits with optional commas or spaces; anything else is not an amount. */
export function parseWon(text: string): number | null {
  const digits = typedWonDigits(text);
  if (!digits || digits.length > WON_DIGITS_MAX) return null;
  return Number(digits);
}

/** The whole, in basis points: a rate or a share is at most this. */
const RATE_BP_MAX = 10_000;

/**
 * A percentage typed by a person ("10", "12.5", at most two decimals) in basis points, or null when
 * it is not one or is over `rateBpMax` (100% unless a ratio, such as "twice the median", is asked for).
 */
export function parsePercentToBp(text: string, rateBpMax = RATE_BP_MAX): number | null {
  const typed = text.trim();
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(typed)) return null;
  const rateBp = Math.round(Number(typed) * BP_PER_PERCENT);
  return rateBp <= rateBpMax ? rateBp : null;
}

export function bpToPercentText(rateBp: number): string {
  return String(rateBp / BP_PER_PERCENT);
}

const MAN = 10_000;
const EOK = 100_000_000;
const JO = 1_000_000_000_000;

/**
 * A large sum as officials read it: 1,300억원, 3억 2,000만원, 5,000만원 (amounts under 만 stay exact).
 * Below 억 the 만 part is exact; from 억 up the rest under 만 is dropped, which the reader expects of
 * a figure in 억. English reads ₩130B, ₩320M.
 */
export function formatWonCompact(amountWon: number, language: Language): string {
  const sign = amountWon < 0 ? '−' : '';
  const absolute = Math.abs(amountWon);
  if (absolute < MAN) return formatWon(amountWon, language);
  if (language === 'en') {
    return `${sign}₩${new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(absolute)}`;
  }
  const digits = (value: number) => new Intl.NumberFormat('ko-KR').format(value);
  const units: Array<[number, string]> = [
    [Math.floor(absolute / JO), '조'],
    [Math.floor((absolute % JO) / EOK), '억'],
    [Math.floor((absolute % EOK) / MAN), '만'],
  ];
  const rest = absolute >= EOK ? 0 : absolute % MAN;
  const parts = units.filter(([value]) => value > 0).map(([value, unit]) => `${digits(value)}${unit}`);
  if (rest > 0) parts.push(digits(rest));
  return `${sign}${parts.join(' ')}원`;
}

/**
 * Digits typed into an amount field, grouped as they are typed: "50000" → "50,000". Text that is not
 * whole won ("12.50", "-5000", "1e4") is left exactly as typed, for the field to say what is wrong,
 * never read as some other amount.
 */
export function groupWonDigits(typed: string): string {
  const amountWon = parseWon(typed);
  if (amountWon !== null) return new Intl.NumberFormat('ko-KR').format(amountWon);
  return wonTextProblem(typed) === null ? '' : typed;
}

/** 사업자등록번호 as Koreans write it: 1234567890 → 123-45-67890 (anything else is left as given). */
export function formatBusinessNumber(text: string): string {
  const digits = text.replace(/\D/g, '');
  return digits.length === 10 ? `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}` : text;
}

/**
 * The 승인번호 a person reads on a receipt and in history: eight digits derived from the payment's
 * reference, so the receipt and the history line show the same number and no internal id is shown.
 */
export function approvalNumber(referenceId: string): string {
  let hash = 0x811c9dc5;
  for (const char of referenceId) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return String(hash % 100_000_000).padStart(8, '0');
}

function isSeoulMidnight(instant: Date): boolean {
  return seoulParts(instant).time === '00:00';
}

/**
 * When something ends, as Koreans read an end: a period that ends at a Seoul midnight ends on the day
 * before it ("2021. 6. 30." for an exclusive end of 7월 1일 0시), never "7. 1. 오전 12:00".
 */
export function formatUntil(exclusiveEnd: string | Date, language: Language): string {
  const end = new Date(exclusiveEnd);
  return isSeoulMidnight(end)
    ? formatDate(new Date(end.getTime() - 1), language)
    : formatDateTime(end, language);
}

/** A period from its start to its exclusive end: whole days as dates, one day as one date. */
export function formatPeriod(start: string | Date, exclusiveEnd: string | Date, language: Language): string {
  const [from, to] = [new Date(start), new Date(exclusiveEnd)];
  if (!isSeoulMidnight(from) || !isSeoulMidnight(to)) {
    return `${formatDateTime(from, language)} ~ ${formatUntil(to, language)}`;
  }
  const firstDay = formatDate(from, language);
  const lastDay = formatUntil(to, language);
  return firstDay === lastDay ? firstDay : `${firstDay} ~ ${lastDay}`;
}
