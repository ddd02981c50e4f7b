import { describe, expect, it } from 'vitest';
import {
  approvalNumber,
  formatBusinessNumber,
  formatWonCompact,
  groupWonDigits,
  parseWon,
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
    expect(groupWonDigits('abc')).toBe('');
    expect(parseWon(groupWonDigits('1234567'))).toBe(1_234_567);
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
});
