import { describe, expect, it } from 'vitest';
import {
  approvalNumber,
  formatBusinessNumber,
  formatPeriod,
  formatUntil,
  formatWonCompact,
  groupWonDigits,
  parseWon,
  wonTextProblem,
} from './format.js';

describe('Korean number conventions', () => {
  it('writes large sums in 억 and 만 as officials read them', () => {
    expect(formatWonCompact(130_000_000_000, 'ko')).toBe('1,300억원');
    expect(formatWonCompact(320_000_000, 'ko')).toBe('3억 2,000만원');
    expect(formatWonCompact(50_000_000, 'ko')).toBe('5,000만원');
    expect(formatWonCompact(12_345, 'ko')).toBe('1만 2,345원');
    expect(formatWonCompact(9_999, 'ko')).toBe('9,999원');
    expect(formatWonCompact(1_500_000_000_000, 'ko')).toBe('1조 5,000억원');
    expect(formatWonCompact(-50_000_000, 'ko')).toBe('−5,000만원');
    expect(formatWonCompact(130_000_000_000, 'en')).toBe('₩130B');
  });

  it('groups an amount as it is typed, and reads it back', () => {
    expect(groupWonDigits('50000')).toBe('50,000');
    expect(groupWonDigits('5,0000')).toBe('50,000');
    expect(groupWonDigits('0050')).toBe('50');
    expect(groupWonDigits('５００００')).toBe('50,000');
    expect(groupWonDigits('50 000원')).toBe('50,000');
    expect(groupWonDigits('')).toBe('');
    expect(groupWonDigits(',')).toBe('');
    expect(parseWon(groupWonDigits('1234567'))).toBe(1_234_567);
  });

  it('leaves text that is not whole won as typed, never read as another amount', () => {
    for (const typed of ['12.50', '3,000.75', '-5000', '1e4', 'abc', '5만', '999999999999999 9']) {
      expect(groupWonDigits(typed)).toBe(typed);
      expect(parseWon(groupWonDigits(typed))).toBeNull();
    }
  });

  it('says why typed text is not an amount of won', () => {
    expect(wonTextProblem('12.50')).toBe('notWhole');
    expect(wonTextProblem('3,000.75')).toBe('notWhole');
    expect(wonTextProblem('-5000')).toBe('notWhole');
    expect(wonTextProblem('1e4')).toBe('notWhole');
    expect(wonTextProblem('abc')).toBe('notWhole');
    expect(wonTextProblem('1000000000000000')).toBe('tooLarge');
    expect(wonTextProblem('999,999,999,999,999')).toBeNull();
    expect(wonTextProblem('000000000000000001')).toBeNull();
    expect(wonTextProblem('５０,０００')).toBeNull();
    expect(wonTextProblem('')).toBeNull();
  });

  it('writes business numbers as 123-45-67890', () => {
    expect(formatBusinessNumber('2208162517')).toBe('220-81-62517');
    expect(formatBusinessNumber('220-81-62517')).toBe('220-81-62517');
    expect(formatBusinessNumber('12345')).toBe('12345');
  });

  it('derives a stable eight-digit approval number from a reference', () => {
    expect(approvalNumber('pay_abc')).toMatch(/^\d{8}$/);
    expect(approvalNumber('pay_abc')).toBe(approvalNumber('pay_abc'));
    expect(approvalNumber('pay_abc')).not.toBe(approvalNumber('pay_abd'));
  });

  it('ends a period on its last day, not the next day at 오전 12:00', () => {
    // 2021-07-01 00:00 in Seoul is the exclusive end of June.
    expect(formatUntil('2021-06-30T15:00:00Z', 'ko')).toBe('2021. 6. 30.');
    expect(formatUntil('2021-06-30T15:00:00Z', 'ko')).not.toMatch(/7\. 1\.|오전 12:00/);
    // Not at midnight: the time is kept (Node's ICU may write 오후 as PM, so only the digits are read).
    expect(formatUntil('2021-06-30T06:30:00Z', 'ko')).toMatch(/^2021\. 6\. 30\. \S+ 3:30$/);
    expect(formatUntil('2021-06-30T15:00:00Z', 'en')).toBe('Jun 30, 2021');
  });

  it('writes a whole-day period as dates and a single business day as one date', () => {
    expect(formatPeriod('2021-05-31T15:00:00Z', '2021-06-30T15:00:00Z', 'ko')).toBe(
      '2021. 6. 1. ~ 2021. 6. 30.',
    );
    expect(formatPeriod('2021-05-12T15:00:00Z', '2021-05-13T15:00:00Z', 'ko')).toBe('2021. 5. 13.');
    expect(formatPeriod('2021-05-13T01:00:00Z', '2021-05-13T15:00:00Z', 'ko')).toMatch(
      /^2021\. 5\. 13\. \S+ 10:00 ~ 2021\. 5\. 13\.$/,
    );
  });
});
