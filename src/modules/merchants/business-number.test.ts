import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigitByHand } from '../../../test/support/merchants-fixtures.js';
import { businessNumberCheckDigit, normalizeBusinessNumber } from './business-number.js';

describe('business registration number (사업자등록번호)', () => {
  it.each([
    ['124-81-00998', '1248100998'],
    ['1248100998', '1248100998'],
    ['220-81-62517', '2208162517'],
    [' 220-81-62517 ', '2208162517'],
  ])('accepts %s as %s', (raw, digits) => {
    expect(normalizeBusinessNumber(raw)).toBe(digits);
  });

  it('accepts every number whose tenth digit is the check digit, and no other tenth digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), (nine) => {
        const check = checkDigitByHand(nine);
        expect(businessNumberCheckDigit(nine)).toBe(check);
        expect(normalizeBusinessNumber(`${nine}${check}`)).toBe(`${nine}${check}`);
        const wrong = (check + 1) % 10;
        expect(() => normalizeBusinessNumber(`${nine}${wrong}`)).toThrow(/check digit/);
      }),
    );
  });

  it('counts the carry of the ninth digit times five (floor(d9 * 5 / 10))', () => {
    // 000000009x: weighted sum 45, carry 4, so the check digit is (10 - 49 % 10) % 10 = 1
    expect(businessNumberCheckDigit('000000009')).toBe(1);
    expect(normalizeBusinessNumber('0000000091')).toBe('0000000091');
  });

  it.each([
    '124-81-00999',
    '124-81-0099',
    '12481009981',
    '',
    'abc-de-fghij',
    '124 81 00998',
    '124--81-00998',
    '１２４８１００９９８',
  ])('refuses %j with INVALID_BUSINESS_NUMBER', (raw) => {
    expect(() => normalizeBusinessNumber(raw)).toThrow(
      expect.objectContaining({ code: 'INVALID_BUSINESS_NUMBER', httpStatus: 400 }),
    );
  });
});
