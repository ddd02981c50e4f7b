import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatCalendarDate,
  formatDateTime,
  formatMonth,
  formatRateBp,
  formatWon,
  formatWonChange,
  parsePercentToBp,
  parseWon,
  seoulInstant,
  seoulParts,
} from './format.js';

describe('money as people read it', () => {
  it('writes won the Korean way in Korean and with the symbol in English', () => {
    expect(formatWon(13_000, 'ko')).toBe('13,000원');
    expect(formatWon(13_000, 'en')).toBe('₩13,000');
    expect(formatWon(0, 'ko')).toBe('0원');
    expect(formatWon(-50_000, 'ko')).toBe('−50,000원');
  });

  it('puts a plus on credits and a minus on debits', () => {
    expect(formatWonChange(6_500, 'ko')).toBe('+6,500원');
    expect(formatWonChange(-50_000, 'en')).toBe('−₩50,000');
  });

  it('reads typed amounts with commas, spaces and the unit, and refuses anything else', () => {
    expect(parseWon('100,000')).toBe(100_000);
    expect(parseWon(' 50 000원 ')).toBe(50_000);
    expect(parseWon('12.5')).toBeNull();
    expect(parseWon('-1')).toBeNull();
    expect(parseWon('')).toBeNull();
    expect(parseWon('9999999999999999')).toBeNull();
    expect(parseWon('999,999,999,999,999')).toBe(999_999_999_999_999);
    expect(parseWon('１２,０００')).toBe(12_000);
    expect(parseWon('0')).toBe(0);
    expect(parseWon('3,000.75')).toBeNull();
    expect(parseWon('1e4')).toBeNull();
  });
});

describe('rates in basis points', () => {
  it('shows basis points as percent', () => {
    expect(formatRateBp(1000, 'ko')).toBe('10%');
    expect(formatRateBp(1250, 'en')).toBe('12.5%');
  });

  it('reads a typed percent into basis points, at most 100%', () => {
    expect(parsePercentToBp('15')).toBe(1500);
    expect(parsePercentToBp('12.5')).toBe(1250);
    expect(parsePercentToBp('100')).toBe(10_000);
    expect(parsePercentToBp('100.01')).toBeNull();
    expect(parsePercentToBp('abc')).toBeNull();
  });

  it('reads a ratio over 100% when its bound allows, still to two decimals', () => {
    expect(parsePercentToBp('250', 10_000_000)).toBe(25_000);
    expect(parsePercentToBp('100000', 10_000_000)).toBe(10_000_000);
    expect(parsePercentToBp('100000.01', 10_000_000)).toBeNull();
    expect(parsePercentToBp('12.345', 10_000_000)).toBeNull();
  });
});

describe('time in Seoul', () => {
  // 2021-05-12T15:30Z is already 2021-05-13 00:30 in Seoul.
  const justAfterSeoulMidnight = new Date('2021-05-12T15:30:00Z');

  it('takes the Seoul calendar date, not the UTC one', () => {
    expect(seoulParts(justAfterSeoulMidnight)).toEqual({
      date: '2021-05-13',
      time: '00:30',
      month: '2021-05',
    });
    expect(formatDateTime(justAfterSeoulMidnight, 'en')).toContain('May 13, 2021');
  });

  it('writes a Seoul wall-clock time with its +09:00 offset', () => {
    expect(seoulInstant('2021-11-01')).toBe('2021-11-01T00:00:00+09:00');
    expect(new Date(seoulInstant('2021-05-13', '00:30')).getTime()).toBe(justAfterSeoulMidnight.getTime());
  });

  it('formats calendar dates and months without shifting them', () => {
    expect(formatCalendarDate('2021-05-01', 'en')).toBe('May 1, 2021');
    expect(formatMonth('2021-05', 'ko')).toBe('2021년 5월');
    expect(formatMonth('2021-05', 'en')).toBe('May 2021');
  });

  it('adds days across month ends', () => {
    expect(addDays('2021-05-31', 1)).toBe('2021-06-01');
    expect(addDays('2021-03-01', -1)).toBe('2021-02-28');
  });
});
