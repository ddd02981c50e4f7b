/** 사업자등록번호: 10 digits whose last is a check digit over the first nine (the national formula). */

const CHECK_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];
const FORMAT = /^(\d{3})-?(\d{2})-?(\d{5})$/;

export type BusinessNumberCheck = 'valid' | 'malformed' | 'bad_check_digit';

export function checkBusinessNumber(text: string): BusinessNumberCheck {
  const match = FORMAT.exec(text.trim());
  if (!match) return 'malformed';
  const digits = [...`${match[1]}${match[2]}${match[3]}`].map(Number);
  const weighted = CHECK_WEIGHTS.reduce((sum, weight, index) => sum + (digits[index] ?? 0) * weight, 0);
  const sum = weighted + Math.floor(((digits[8] ?? 0) * 5) / 10);
  return (10 - (sum % 10)) % 10 === digits[9] ? 'valid' : 'bad_check_digit';
}
