/** Client-side checks mirror the API's, so a person learns of a typo before the round trip. */

const MOBILE_PHONE_PATTERN = /^01[016789]-?\d{3,4}-?\d{4}$/;
export const PASSWORD_LENGTH_MIN = 8;

export function isMobilePhone(text: string): boolean {
  return MOBILE_PHONE_PATTERN.test(text.trim());
}

export function isPassword(text: string): boolean {
  return text.length >= PASSWORD_LENGTH_MIN;
}

/** Only the keys that have a message: an empty object means the form may be sent. */
export function errorsOf<Key extends string>(
  checks: Record<Key, string | null>,
): Partial<Record<Key, string>> {
  return Object.fromEntries(Object.entries(checks).filter(([, message]) => message !== null)) as Partial<
    Record<Key, string>
  >;
}

export function hasErrors(errors: object): boolean {
  return Object.keys(errors).length > 0;
}
