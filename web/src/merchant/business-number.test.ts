import { describe, expect, it } from 'vitest';
import { checkBusinessNumber } from './business-number.js';

describe('business registration numbers typed by an applicant', () => {
  it('accepts a number whose check digit matches, with or without dashes', () => {
    expect(checkBusinessNumber('220-81-62517')).toBe('valid');
    expect(checkBusinessNumber('2208162517')).toBe('valid');
  });

  it('tells a typo in the digits from a wrong shape', () => {
    expect(checkBusinessNumber('220-81-62518')).toBe('bad_check_digit');
    expect(checkBusinessNumber('220-81-6251')).toBe('malformed');
    expect(checkBusinessNumber('abc')).toBe('malformed');
  });
});
