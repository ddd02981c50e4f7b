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
