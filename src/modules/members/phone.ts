/** Korean mobile numbers, stored as digits only: 010-1234-5678, ０１０ 1234 5678, +82 10-1234-5678 → 01012345678. */
export function normalizePhone(raw: string): string | null {
  const digits = phoneDigits(raw);
  return /^01[016789]\d{7,8}$/.test(digits) ? digits : null;
}

/** What a person typed, folded the way they meant it: full-width digits, separators dropped, +82 read as 0. */
export function phoneDigits(raw: string): string {
  const folded = raw.normalize('NFKC').replace(/[\s\-.()]/g, '');
  return folded.startsWith('+82') ? `0${folded.slice(3)}` : folded;
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
