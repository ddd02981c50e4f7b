import { DomainError } from '../../errors.js';
import { isBlank } from '../../visible-text.js';
import type { BudgetPeriod, NewBudgetPot } from './types.js';

const POT_ID_PATTERN = /^bud_[a-z0-9_]{1,60}$/;
const NAME_LENGTH_MAX = 100;
const IDEMPOTENCY_KEY_LENGTH_MAX = 128;
const PERIODS: readonly BudgetPeriod[] = ['annual', 'monthly'];

export function invalidBudget(message: string, messageKo: string): DomainError {
  return new DomainError({ code: 'INVALID_BUDGET', httpStatus: 400, message, messageKo });
}

/** A pot request checked completely; the id is checked too because it names ledger accounts. */
export function validateNewPot(input: NewBudgetPot): Omit<NewBudgetPot, 'id'> {
  if (input.id !== undefined && !POT_ID_PATTERN.test(input.id)) {
    throw invalidBudget(`id must match ${POT_ID_PATTERN}`, '예산 id 형식이 올바르지 않습니다');
  }
  if (typeof input.name !== 'string' || isBlank(input.name) || input.name.length > NAME_LENGTH_MAX) {
    throw invalidBudget(
      `name must be 1-${NAME_LENGTH_MAX} characters`,
      `이름은 1~${NAME_LENGTH_MAX}자여야 합니다`,
    );
  }
  if (!PERIODS.includes(input.period)) {
    throw invalidBudget('period must be annual or monthly', '기간 종류는 annual 또는 monthly여야 합니다');
  }
  if (!isValidDate(input.from) || !isValidDate(input.to) || input.to.getTime() <= input.from.getTime()) {
    throw invalidBudget(
      'from and to must be instants with from before to',
      '시작일은 종료일보다 앞서야 합니다',
    );
  }
  if (
    !Number.isSafeInteger(input.nationalShareBp) ||
    input.nationalShareBp < 0 ||
    input.nationalShareBp > 10_000
  ) {
    throw invalidBudget('nationalShareBp must be 0-10000', '국비 비율은 0~10000bp여야 합니다');
  }
  validateTopUpAmount(input.amountWon);
  return {
    name: input.name,
    period: input.period,
    from: input.from,
    to: input.to,
    amountWon: input.amountWon,
    nationalShareBp: input.nationalShareBp,
  };
}

/** The longest span of each kind of pot: a calendar month or year at most (a leap year's 366 days). */
const PERIOD_DAYS_MAX: Readonly<Record<BudgetPeriod, number>> = { monthly: 31, annual: 366 };
const DAY_MS = 86_400_000;

/**
 * A "monthly" pot of six months, or an "annual" one of two years, would hold a period's money under
 * the wrong name. Shorter pots are the operator's choice (a promotion's week), and a pot need not
 * start on a calendar boundary.
 */
export function validatePeriodLength(pot: { period: BudgetPeriod; from: Date; to: Date }): void {
  const daysMax = PERIOD_DAYS_MAX[pot.period];
  if (pot.to.getTime() - pot.from.getTime() <= daysMax * DAY_MS) return;
  throw invalidBudget(
    `a ${pot.period} pot may span at most ${daysMax} days (from ${pot.from.toISOString()} to ${pot.to.toISOString()} is longer)`,
    `${pot.period === 'annual' ? '연간' : '월'} 예산의 기간은 ${daysMax}일을 넘을 수 없습니다`,
  );
}

/** Money moved into a period that is over could never pay a cashback, and nothing would return it. */
export function assertPeriodNotEnded(to: Date, now: Date): void {
  if (to.getTime() > now.getTime()) return;
  throw new DomainError({
    code: 'EFFECTIVE_DATE_IN_PAST',
    httpStatus: 400,
    message: `the pot's period ended at ${to.toISOString()} (now ${now.toISOString()}); a pot can only be funded for a period not yet over`,
    messageKo: '기간이 이미 끝난 예산에는 배정할 수 없습니다. 끝나지 않은 기간의 예산만 배정할 수 있습니다',
  });
}

export function validateTopUpAmount(amountWon: number): void {
  if (!Number.isSafeInteger(amountWon) || amountWon <= 0) {
    throw invalidBudget('amountWon must be a whole number of won > 0', '금액은 0보다 큰 정수(원)여야 합니다');
  }
}

export function validateIdempotencyKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > IDEMPOTENCY_KEY_LENGTH_MAX) {
    throw invalidBudget(
      `Idempotency-Key must be 1-${IDEMPOTENCY_KEY_LENGTH_MAX} characters`,
      `Idempotency-Key는 1~${IDEMPOTENCY_KEY_LENGTH_MAX}자여야 합니다`,
    );
  }
  return key;
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}
