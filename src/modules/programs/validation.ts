import { isBlank } from '../../visible-text.js';
import { ProgramErrors } from './errors.js';
import type { NewProgram } from './types.js';

export const PROGRAM_NAME_LENGTH_MAX = 100;
export const ALLOWED_CODES_MAX = 100;
const BP_MAX = 10_000;

export interface ProgramDraft {
  name: string;
  budgetWon: number;
  nationalShareBp: number;
  recipientAmountWon: number | null;
  recipientAmountMaxWon: number;
  usableFrom: Date;
  expiresAt: Date;
  allowedIndustries: string[];
  allowedDistricts: string[];
  requiresApplication: boolean;
  donationAllowed: boolean;
}

/** The shape and arithmetic of a new programme; reference codes are checked against the tenant by the service. */
export function validateNewProgram(input: NewProgram, now: Date): ProgramDraft {
  const name = input.name.trim();
  if (isBlank(name) || name.length > PROGRAM_NAME_LENGTH_MAX) {
    throw ProgramErrors.invalid(
      `name must be 1-${PROGRAM_NAME_LENGTH_MAX} characters`,
      `사업명은 1~${PROGRAM_NAME_LENGTH_MAX}자여야 합니다`,
    );
  }
  assertWon(input.budgetWon, 'budgetWon', '예산');
  if (
    !Number.isInteger(input.nationalShareBp) ||
    input.nationalShareBp < 0 ||
    input.nationalShareBp > BP_MAX
  ) {
    throw ProgramErrors.invalid(
      'nationalShareBp must be a whole number from 0 (city only) to 10000 (national only)',
      '국비 비율은 0(시비 전액)부터 10000(국비 전액)까지의 정수여야 합니다',
    );
  }
  const amounts = recipientAmounts(input);
  if (amounts.recipientAmountMaxWon > input.budgetWon) {
    throw ProgramErrors.invalid(
      'the per-recipient limit cannot exceed the budget',
      '1인당 지급 한도가 예산보다 클 수 없습니다',
    );
  }
  assertWindow(input.usableFrom, input.expiresAt, now);
  return {
    name,
    budgetWon: input.budgetWon,
    nationalShareBp: input.nationalShareBp,
    ...amounts,
    usableFrom: input.usableFrom,
    expiresAt: input.expiresAt,
    allowedIndustries: uniqueCodes(input.allowedIndustries ?? [], 'allowedIndustries'),
    allowedDistricts: uniqueCodes(input.allowedDistricts ?? [], 'allowedDistricts'),
    requiresApplication: input.requiresApplication ?? false,
    donationAllowed: input.donationAllowed ?? false,
  };
}

function recipientAmounts(input: NewProgram) {
  const recipientAmountWon = input.recipientAmountWon ?? null;
  const recipientAmountMaxWon = input.recipientAmountMaxWon ?? recipientAmountWon;
  if (recipientAmountMaxWon === null) {
    throw ProgramErrors.invalid(
      'give recipientAmountWon (the same amount for everyone) or recipientAmountMaxWon (per-row amounts up to a limit)',
      '1인당 지급액 또는 1인당 지급 한도를 정하세요',
    );
  }
  assertWon(recipientAmountMaxWon, 'recipientAmountMaxWon', '1인당 지급 한도');
  if (recipientAmountWon !== null) {
    assertWon(recipientAmountWon, 'recipientAmountWon', '1인당 지급액');
    if (recipientAmountWon > recipientAmountMaxWon) {
      throw ProgramErrors.invalid(
        'recipientAmountWon cannot exceed recipientAmountMaxWon',
        '1인당 지급액이 1인당 지급 한도보다 클 수 없습니다',
      );
    }
  }
  return { recipientAmountWon, recipientAmountMaxWon };
}

function assertWindow(usableFrom: Date, expiresAt: Date, now: Date): void {
  if (Number.isNaN(usableFrom.getTime()) || Number.isNaN(expiresAt.getTime())) {
    throw ProgramErrors.invalid('usableFrom and expiresAt must be instants', '사용 기간이 올바르지 않습니다');
  }
  if (usableFrom.getTime() >= expiresAt.getTime()) {
    throw ProgramErrors.invalid('usableFrom must be before expiresAt', '사용 시작이 만료보다 앞서야 합니다');
  }
  if (expiresAt.getTime() <= now.getTime()) {
    throw ProgramErrors.invalid('expiresAt must be in the future', '만료 시각은 미래여야 합니다');
  }
}

function assertWon(value: number, field: string, fieldKo: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw ProgramErrors.invalid(
      `${field} must be a positive whole number of won`,
      `${fieldKo}은(는) 1원 이상의 정수여야 합니다`,
    );
  }
}

function uniqueCodes(codes: readonly string[], field: string): string[] {
  if (codes.length > ALLOWED_CODES_MAX || new Set(codes).size !== codes.length) {
    throw ProgramErrors.invalid(
      `${field} lists at most ${ALLOWED_CODES_MAX} codes, each once`,
      `${field}에는 최대 ${ALLOWED_CODES_MAX}개의 코드를 한 번씩만 쓸 수 있습니다`,
    );
  }
  return [...codes];
}
