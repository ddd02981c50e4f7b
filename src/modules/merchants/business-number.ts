import { DomainError } from '../../errors.js';

/** Weights of the first nine digits in the 사업자등록번호 check-digit formula. */
const CHECK_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5] as const;
const FORMAT = /^(\d{3})-?(\d{2})-?(\d{5})$/;

/** The check digit (10th digit) a business registration number's first nine digits call for. */
export function businessNumberCheckDigit(firstNineDigits: string): number {
  if (!/^\d{9}$/.test(firstNineDigits)) throw new Error(`need nine digits, got ${firstNineDigits}`);
  const digits = [...firstNineDigits].map(Number);
  let sum = 0;
  CHECK_WEIGHTS.forEach((weight, index) => {
    sum += (digits[index] ?? 0) * weight;
  });
  sum += Math.floor(((digits[8] ?? 0) * 5) / 10);
  return (10 - (sum % 10)) % 10;
}

/** Accepts '1234567890' or '123-45-67890'; returns the ten digits, or throws INVALID_BUSINESS_NUMBER. */
export function normalizeBusinessNumber(raw: string): string {
  const match = FORMAT.exec(raw.trim());
  const digits = match ? `${match[1]}${match[2]}${match[3]}` : null;
  if (!digits || businessNumberCheckDigit(digits.slice(0, 9)) !== Number(digits[9])) {
    throw new DomainError({
      code: 'INVALID_BUSINESS_NUMBER',
      httpStatus: 400,
      message: 'the business registration number must be 10 digits (123-45-67890) with a valid check digit',
      messageKo: '사업자등록번호가 올바르지 않습니다 (10자리, 예: 123-45-67890)',
    });
  }
  return digits;
}
