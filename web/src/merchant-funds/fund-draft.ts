import { parseWon } from '../i18n/format.js';

/** The API's bounds on an application (POST /v1/merchant/fund-applications); a test holds them to openapi.json. */
export const PURPOSE_LENGTH_MAX = 500;
export const TERM_MONTHS_MIN = 1;
export const TERM_MONTHS_MAX = 600;

export interface FundDraft {
  amount: string;
  purpose: string;
  term: string;
  /** Optional: YYYY-MM-DD, as a date input gives it. */
  openedOn: string;
}

export type FundProblem = 'required' | 'amount' | 'term' | 'date';
export type FundErrors = Record<'amountWon' | 'purpose' | 'termMonths' | 'openedOn', FundProblem | null>;

/** A term typed in months: a whole number within the API's bounds, else null. */
export function parseTermMonths(text: string): number | null {
  if (!/^\d{1,3}$/.test(text.trim())) return null;
  const months = Number(text.trim());
  return months >= TERM_MONTHS_MIN && months <= TERM_MONTHS_MAX ? months : null;
}

/** A calendar date as YYYY-MM-DD that exists (no 2021-02-30), else false. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export function validateFund(draft: FundDraft): FundErrors {
  const amountWon = parseWon(draft.amount);
  return {
    amountWon: amountWon === null || amountWon < 1 ? 'amount' : null,
    purpose: draft.purpose.trim() ? null : 'required',
    termMonths: parseTermMonths(draft.term) === null ? 'term' : null,
    openedOn: draft.openedOn && !isCalendarDate(draft.openedOn) ? 'date' : null,
  };
}
