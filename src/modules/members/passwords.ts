import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { invalidInput } from '../../errors.js';

export const PASSWORD_LENGTH_MIN = 8;
export const PASSWORD_LENGTH_MAX = 128;
/** Operators hold every citizen's data and the public budget: longer, and hard to guess. */
export const OPERATOR_PASSWORD_LENGTH_MIN = 12;
/** zxcvbn's scale: 0 is guessed in under 10^3 tries, 3 needs 10^8 or more. */
const CITIZEN_SCORE_MIN = 1;
const OPERATOR_SCORE_MIN = 3;
/** The maintained list of common passwords that zxcvbn-ts ships. */
const COMMON_PASSWORDS = 'passwords';

const zxcvbn = new ZxcvbnFactory({
  dictionary: { [COMMON_PASSWORDS]: common.dictionary['passwords-common'] ?? [] },
  graphs: common.adjacencyGraphs,
});

export type PasswordStrength = 'citizen' | 'operator';

/**
 * Why a password is refused, or null. Refused: a length out of bounds, any password on the common list
 * (password, 12345678, …) and anything zxcvbn guesses too fast (eight spaces, qwerty123); for
 * operators also fewer than 12 characters or a guess count under 10^8. `related` are the person's own
 * phone and name, which a guesser tries first.
 */
export function passwordProblem(
  password: string,
  strength: PasswordStrength,
  related: readonly string[] = [],
): { en: string; ko: string } | null {
  if (isOnlyAPhoneOf(password, related))
    return {
      en: 'the password must not be your phone number, however it is written',
      ko: '비밀번호로 전화번호를 쓸 수 없습니다',
    };
  const lengthMin = strength === 'operator' ? OPERATOR_PASSWORD_LENGTH_MIN : PASSWORD_LENGTH_MIN;
  if (password.length < lengthMin || password.length > PASSWORD_LENGTH_MAX)
    return {
      en: `password must be ${lengthMin}-${PASSWORD_LENGTH_MAX} characters`,
      ko: `비밀번호는 ${lengthMin}~${PASSWORD_LENGTH_MAX}자여야 합니다`,
    };
  const result = zxcvbn.check(password, related.flatMap(spellingsOf));
  const onCommonList =
    result.sequence.length === 1 &&
    result.sequence[0]?.pattern === 'dictionary' &&
    result.sequence[0].dictionaryName === COMMON_PASSWORDS;
  if (onCommonList)
    return {
      en: 'this password is on the list of common passwords: choose another',
      ko: '흔히 쓰이는 비밀번호입니다. 다른 비밀번호를 정하세요',
    };
  const scoreMin = strength === 'operator' ? OPERATOR_SCORE_MIN : CITIZEN_SCORE_MIN;
  if (result.score < scoreMin)
    return {
      en: 'this password is too easy to guess: use a longer phrase or mix words, digits and symbols',
      ko: '추측하기 쉬운 비밀번호입니다. 더 길게, 또는 단어·숫자·기호를 섞어 정하세요',
    };
  return null;
}

/** A phone's digits and the ways people write it, so a guesser's dictionary of the member holds them all. */
function spellingsOf(related: string): string[] {
  const digits = related.replace(/\D/g, '');
  if (!/^01\d{8,9}$/.test(digits)) return [related];
  const dashed = `${digits.slice(0, 3)}-${digits.slice(3, -4)}-${digits.slice(-4)}`;
  return [related, digits, dashed, `+82${digits.slice(1)}`, `+82 ${dashed.slice(1)}`];
}

/** The password is nothing but one of the phone numbers, in any spelling (dashes, spaces, +82). */
function isOnlyAPhoneOf(password: string, related: readonly string[]): boolean {
  if (/[^\d\s+\-().]/.test(password)) return false;
  const digits = password.replace(/\D/g, '');
  const national = digits.startsWith('82') ? `0${digits.slice(2)}` : digits;
  return related.some((phone) => {
    const phoneDigits = phone.replace(/\D/g, '');
    return phoneDigits.length >= 10 && (digits === phoneDigits || national === phoneDigits);
  });
}

/** Throws INVALID_INPUT (400) with the reason in both languages. */
export function checkPassword(
  password: string,
  strength: PasswordStrength,
  related: readonly string[] = [],
): void {
  const problem = passwordProblem(password, strength, related);
  if (problem) throw invalidInput(problem.en, problem.ko);
}
