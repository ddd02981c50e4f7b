import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  isCalendarDate,
  PURPOSE_LENGTH_MAX,
  parseTermMonths,
  TERM_MONTHS_MAX,
  TERM_MONTHS_MIN,
  validateFund,
} from './fund-draft.js';

const spec = JSON.parse(readFileSync(new URL('../api/openapi.json', import.meta.url), 'utf8'));
const body =
  spec.paths['/v1/merchant/fund-applications'].post.requestBody.content['application/json'].schema.properties;

describe('a management fund application, checked before it is sent', () => {
  it('uses the bounds of the API contract', () => {
    expect(body.purpose.maxLength).toBe(PURPOSE_LENGTH_MAX);
    expect([body.termMonths.minimum, body.termMonths.maximum]).toEqual([TERM_MONTHS_MIN, TERM_MONTHS_MAX]);
    expect(new RegExp(body.openedOn.pattern).test('2015-04-01')).toBe(true);
  });

  it('passes a complete application, with or without the opening date', () => {
    const draft = { amount: '10,000,000', purpose: '운영자금', term: '36', openedOn: '' };
    const none = { amountWon: null, purpose: null, termMonths: null, openedOn: null };
    expect(validateFund(draft)).toEqual(none);
    expect(validateFund({ ...draft, openedOn: '2015-04-01' })).toEqual(none);
  });

  it('refuses a term that is not a whole number of months in range, and a date not written YYYY-MM-DD', () => {
    expect(validateFund({ amount: '', purpose: ' ', term: 'abc', openedOn: '2020.01.01' })).toEqual({
      amountWon: 'amount',
      purpose: 'required',
      termMonths: 'term',
      openedOn: 'date',
    });
  });

  it('reads the term from 1 to 600 months', () => {
    expect(parseTermMonths('1')).toBe(1);
    expect(parseTermMonths('600')).toBe(600);
    expect(parseTermMonths('0')).toBeNull();
    expect(parseTermMonths('601')).toBeNull();
    expect(parseTermMonths('12.5')).toBeNull();
  });

  it('takes only dates that exist', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2020.01.01')).toBe(false);
    expect(isCalendarDate('2020-1-1')).toBe(false);
  });
});
