/** Korean mobile numbers, stored as digits only: 010-1234-5678 → 01012345678. */
export function normalizePhone(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, '');
  return /^01[016789]\d{7,8}$/.test(digits) ? digits : null;
}

/** A phone as other members see it: 010-****-5678 (the middle hidden, the last four kept). */
export function maskPhone(digits: string): string {
  const last = digits.slice(-4);
  return `${digits.slice(0, 3)}-****-${last}`;
}

/** A name as a stranger may see it before a transfer: 이시민 → 이*민, 김철 → 김*, Kim Lee → K*****e. */
export function maskName(name: string): string {
  const letters = [...name];
  if (letters.length <= 2) return `${letters[0] ?? ''}*`;
  return `${letters[0]}${'*'.repeat(letters.length - 2)}${letters.at(-1)}`;
}
