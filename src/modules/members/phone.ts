/** Korean mobile numbers, stored as digits only: 010-1234-5678 → 01012345678. */
export function normalizePhone(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, '');
  return /^01[016789]\d{7,8}$/.test(digits) ? digits : null;
}
