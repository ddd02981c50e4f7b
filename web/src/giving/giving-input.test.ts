import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MONTHLY_DAY_MAX, MONTHLY_DAY_MIN, parseMonthlyDay, parseTaxYear } from './giving-input.js';

describe('the tax statement year', () => {
  it('reads a four-digit year from 2000 to 2100', () => {
    expect(parseTaxYear('2026')).toBe(2026);
    expect(parseTaxYear(' 2000 ')).toBe(2000);
    expect(parseTaxYear('2100')).toBe(2100);
  });

  it('refuses the years the API refuses and partial years', () => {
    expect(parseTaxYear('1999')).toBeNull();
    expect(parseTaxYear('2101')).toBeNull();
    expect(parseTaxYear('20')).toBeNull();
    expect(parseTaxYear('')).toBeNull();
    expect(parseTaxYear('02026')).toBeNull();
    expect(parseTaxYear('2026.0')).toBeNull();
    expect(parseTaxYear('２０２６')).toBeNull();
  });
});

describe('the day of a monthly gift', () => {
  it('reads a day from 1 to 31', () => {
    expect(parseMonthlyDay('1')).toBe(1);
    expect(parseMonthlyDay('05')).toBe(5);
    expect(parseMonthlyDay('25')).toBe(25);
    expect(parseMonthlyDay('31')).toBe(31);
  });

  it('refuses text, fractions, signs and days outside the month', () => {
    expect(parseMonthlyDay('abc')).toBeNull();
    expect(parseMonthlyDay('0')).toBeNull();
    expect(parseMonthlyDay('32')).toBeNull();
    expect(parseMonthlyDay('40')).toBeNull();
    expect(parseMonthlyDay('-1')).toBeNull();
    expect(parseMonthlyDay('2.5')).toBeNull();
    expect(parseMonthlyDay('1e1')).toBeNull();
    expect(parseMonthlyDay('')).toBeNull();
  });

  it('allows exactly the days the API document allows', () => {
    const document = JSON.parse(readFileSync(new URL('../api/openapi.json', import.meta.url), 'utf8'));
    const monthlyDay =
      document.paths['/v1/me/donations'].post.requestBody.content['application/json'].schema.properties
        .monthlyDay;
    expect([MONTHLY_DAY_MIN, MONTHLY_DAY_MAX]).toEqual([monthlyDay.minimum, monthlyDay.maximum]);
  });
});
