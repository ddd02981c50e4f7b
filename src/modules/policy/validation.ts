import { DomainError } from '../../errors.js';
import { isBlank } from '../../visible-text.js';
import { CHANNEL_RATE_CODES } from './cashback.js';
import { RULE_RANGES } from './rule-ranges.js';
import {
  type CashbackExtra,
  type CashbackPolicyRules,
  type CashbackPromotion,
  type CashbackTier,
  ORDER_CHANNELS,
  type OrderChannel,
  RULE_KEYS,
  type RuleKey,
} from './types.js';

/** Bounds on a policy body: a city's policy is a handful of lines, anything larger is a mistake. */
export const POLICY_LIMITS = {
  tiersMax: 10,
  extrasMax: 16,
  promotionsMax: 24,
  rateBpMax: 10_000,
  nameLengthMax: 100,
  labelLengthMax: 60,
} as const;

const CODE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
/** Instants must carry their offset: '2020-11-01T00:00:00+09:00', never a bare local time. */
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MERCHANT_FLAGS = ['traditionalMarket', 'bookstore'] as const;
const MEMBER_FLAGS = ['welfareRecipient'] as const;

export function invalidPolicy(message: string, messageKo: string): DomainError {
  return new DomainError({ code: 'INVALID_POLICY', httpStatus: 400, message, messageKo });
}

/** Checks an untrusted policy body completely and returns it typed, or refuses with the first problem. */
export function validatePolicyRules(input: unknown): CashbackPolicyRules {
  const body = objectOf(input, 'rules');
  const rules: CashbackPolicyRules = {
    tiers: arrayOf(body.tiers, 'tiers', POLICY_LIMITS.tiersMax).map(validateTier),
    extras: arrayOf(body.extras, 'extras', POLICY_LIMITS.extrasMax).map(validateExtra),
    promotions: arrayOf(body.promotions, 'promotions', POLICY_LIMITS.promotionsMax).map(validatePromotion),
    merchantRevenueCapWon: validateRevenueCap(body.merchantRevenueCapWon),
  };
  assertTiersIncreasing(rules.tiers);
  assertCodesUnique(rules);
  assertPromotionsApart(rules.promotions);
  assertTotalRateAtMostWhole(rules);
  return rules;
}

/** A rule value is a whole number within its key's range (RULE_RANGES): won, bp, a flag, a duration… */
export function validateRuleInput(key: unknown, value: unknown): { key: RuleKey; value: number } {
  if (!RULE_KEYS.includes(key as RuleKey)) {
    throw invalidPolicy(
      `key must be one of ${RULE_KEYS.join(', ')}`,
      `규칙 키는 ${RULE_KEYS.join(', ')} 중 하나여야 합니다`,
    );
  }
  const ruleKey = key as RuleKey;
  const { min, max, unit } = RULE_RANGES[ruleKey];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new DomainError({
      code: 'RULE_VALUE_OUT_OF_RANGE',
      httpStatus: 400,
      message: `${ruleKey} must be a whole number from ${min} to ${max} (${unit}); got ${typeof value === 'number' ? value : typeof value}`,
      messageKo: `${ruleKey} 값은 ${min}~${max}(${unit}) 범위의 정수여야 합니다`,
      details: { rule: ruleKey, min, max, unit },
    });
  }
  return { key: ruleKey, value };
}

/** [effectiveFrom, effectiveTo): a valid start, and an end after it when there is one. */
export function validatePeriod(effectiveFrom: Date, effectiveTo: Date | null): void {
  if (!isValidDate(effectiveFrom))
    throw invalidPolicy('effectiveFrom is not a valid instant', '시행일이 올바르지 않습니다');
  if (effectiveTo === null) return;
  if (!isValidDate(effectiveTo))
    throw invalidPolicy('effectiveTo is not a valid instant', '종료일이 올바르지 않습니다');
  if (effectiveTo.getTime() <= effectiveFrom.getTime()) {
    throw invalidPolicy('effectiveTo must be after effectiveFrom', '종료일은 시행일보다 뒤여야 합니다');
  }
}

export function validatePolicyName(name: unknown): string {
  if (typeof name !== 'string' || isBlank(name) || name.length > POLICY_LIMITS.nameLengthMax) {
    throw invalidPolicy(
      `name must be 1-${POLICY_LIMITS.nameLengthMax} characters`,
      `정책 이름은 1~${POLICY_LIMITS.nameLengthMax}자여야 합니다`,
    );
  }
  return name;
}

function validateTier(input: unknown, index: number): CashbackTier {
  const tier = objectOf(input, `tiers[${index}]`);
  const upToWon = nonNegativeWhole(tier.upToWon, `tiers[${index}].upToWon`);
  if (upToWon === 0)
    throw invalidPolicy(`tiers[${index}].upToWon must be greater than 0`, '구간 상한은 0보다 커야 합니다');
  return { upToWon, rateBp: rate(tier.rateBp, `tiers[${index}].rateBp`) };
}

function validateExtra(input: unknown, index: number): CashbackExtra {
  const path = `extras[${index}]`;
  const extra = objectOf(input, path);
  return {
    code: code(extra.code, `${path}.code`),
    nameKo: label(extra.nameKo, `${path}.nameKo`),
    nameEn: label(extra.nameEn, `${path}.nameEn`),
    when: condition(extra.when, `${path}.when`),
    rateBp: rate(extra.rateBp, `${path}.rateBp`),
  };
}

function condition(input: unknown, path: string): CashbackExtra['when'] {
  const when = objectOf(input, path);
  const keys = Object.keys(when);
  if (keys.length === 1 && MERCHANT_FLAGS.includes(when.merchantFlag as never)) {
    return { merchantFlag: when.merchantFlag as (typeof MERCHANT_FLAGS)[number] };
  }
  if (keys.length === 1 && MEMBER_FLAGS.includes(when.memberFlag as never)) {
    return { memberFlag: when.memberFlag as (typeof MEMBER_FLAGS)[number] };
  }
  throw invalidPolicy(
    `${path} must be {merchantFlag: ${MERCHANT_FLAGS.join('|')}} or {memberFlag: ${MEMBER_FLAGS.join('|')}}`,
    `${path} 조건이 올바르지 않습니다`,
  );
}

function validatePromotion(input: unknown, index: number): CashbackPromotion {
  const path = `promotions[${index}]`;
  const promotion = objectOf(input, path);
  const from = instant(promotion.from, `${path}.from`);
  const to = instant(promotion.to, `${path}.to`);
  if (Date.parse(to) <= Date.parse(from)) {
    throw invalidPolicy(`${path}: from must be before to`, `${path}: 시작일은 종료일보다 앞서야 합니다`);
  }
  return {
    code: code(promotion.code, `${path}.code`),
    nameKo: label(promotion.nameKo, `${path}.nameKo`),
    nameEn: label(promotion.nameEn, `${path}.nameEn`),
    from,
    to,
    rateBp: rate(promotion.rateBp, `${path}.rateBp`),
    ...(promotion.channel === undefined
      ? {}
      : { channel: orderChannel(promotion.channel, `${path}.channel`) }),
  };
}

function orderChannel(input: unknown, path: string): OrderChannel {
  if (ORDER_CHANNELS.includes(input as OrderChannel)) return input as OrderChannel;
  throw invalidPolicy(
    `${path} must be one of ${ORDER_CHANNELS.join(', ')}`,
    `${path}은(는) ${ORDER_CHANNELS.join(', ')} 중 하나여야 합니다`,
  );
}

function validateRevenueCap(input: unknown): number | null {
  return input === null ? null : nonNegativeWhole(input, 'merchantRevenueCapWon');
}

function assertTiersIncreasing(tiers: readonly CashbackTier[]): void {
  if (tiers.length === 0)
    throw invalidPolicy('tiers needs at least one tier', '캐시백 구간이 하나 이상 있어야 합니다');
  tiers.forEach((tier, index) => {
    const previous = tiers[index - 1];
    if (previous && tier.upToWon <= previous.upToWon) {
      throw invalidPolicy(
        `tiers[${index}].upToWon must be greater than tiers[${index - 1}].upToWon (${previous.upToWon})`,
        '캐시백 구간 상한은 순서대로 커져야 합니다',
      );
    }
  });
}

/** Codes name rule lines on receipts and statements, so one code means one rule. */
function assertCodesUnique(rules: CashbackPolicyRules): void {
  const seen = new Set<string>(['base', ...Object.values(CHANNEL_RATE_CODES)]);
  for (const { code } of [...rules.extras, ...rules.promotions]) {
    if (seen.has(code) || code.startsWith('base_tier_')) {
      throw invalidPolicy(
        `code ${code} is used twice or reserved`,
        `코드 ${code}이(가) 중복되거나 예약되어 있습니다`,
      );
    }
    seen.add(code);
  }
}

/** Overlapping promotions of one scope (the till, or one order channel) would leave the rate ambiguous. */
function assertPromotionsApart(promotions: readonly CashbackPromotion[]): void {
  const sorted = [...promotions].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  sorted.forEach((promotion, index) => {
    const previous = sorted.slice(0, index).findLast((earlier) => earlier.channel === promotion.channel);
    if (previous && Date.parse(promotion.from) < Date.parse(previous.to)) {
      throw invalidPolicy(
        `promotions ${previous.code} and ${promotion.code} overlap`,
        `프로모션 ${previous.code}와(과) ${promotion.code}의 기간이 겹칩니다`,
      );
    }
  });
}

/** Cashback above the amount paid would pay members to spend: the richest case must stay ≤ 100%. */
function assertTotalRateAtMostWhole(rules: CashbackPolicyRules): void {
  const baseRatesBp = [...rules.tiers, ...rules.promotions].map((item) => item.rateBp);
  const extrasBp = rules.extras.reduce((sum, extra) => sum + extra.rateBp, 0);
  const richestBp = Math.max(...baseRatesBp) + extrasBp;
  if (richestBp > POLICY_LIMITS.rateBpMax) {
    throw invalidPolicy(
      `the highest base rate plus all extras is ${richestBp} bp, more than ${POLICY_LIMITS.rateBpMax}`,
      '기본 비율과 추가 비율의 합이 100%를 넘습니다',
    );
  }
}

function objectOf(input: unknown, path: string): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidPolicy(`${path} must be an object`, `${path}은(는) 객체여야 합니다`);
  }
  return input as Record<string, unknown>;
}

function arrayOf(input: unknown, path: string, lengthMax: number): unknown[] {
  if (!Array.isArray(input) || input.length > lengthMax) {
    throw invalidPolicy(
      `${path} must be a list of at most ${lengthMax}`,
      `${path}은(는) 최대 ${lengthMax}개의 목록이어야 합니다`,
    );
  }
  return input;
}

function nonNegativeWhole(input: unknown, path: string): number {
  if (typeof input !== 'number' || !Number.isSafeInteger(input) || input < 0) {
    throw invalidPolicy(`${path} must be a whole number ≥ 0`, `${path}은(는) 0 이상의 정수여야 합니다`);
  }
  return input;
}

function rate(input: unknown, path: string): number {
  const rateBp = nonNegativeWhole(input, path);
  if (rateBp > POLICY_LIMITS.rateBpMax) {
    throw invalidPolicy(
      `${path} must be 0-${POLICY_LIMITS.rateBpMax} basis points`,
      `${path}은(는) 0~10000bp여야 합니다`,
    );
  }
  return rateBp;
}

function code(input: unknown, path: string): string {
  if (typeof input !== 'string' || !CODE_PATTERN.test(input)) {
    throw invalidPolicy(`${path} must match ${CODE_PATTERN}`, `${path} 형식이 올바르지 않습니다`);
  }
  return input;
}

function label(input: unknown, path: string): string {
  if (typeof input !== 'string' || isBlank(input) || input.length > POLICY_LIMITS.labelLengthMax) {
    throw invalidPolicy(
      `${path} must be 1-${POLICY_LIMITS.labelLengthMax} characters`,
      `${path}은(는) 1~${POLICY_LIMITS.labelLengthMax}자여야 합니다`,
    );
  }
  return input;
}

function instant(input: unknown, path: string): string {
  if (typeof input !== 'string' || !INSTANT_PATTERN.test(input) || Number.isNaN(Date.parse(input))) {
    throw invalidPolicy(
      `${path} must be an ISO 8601 instant with an offset, e.g. 2020-11-01T00:00:00+09:00`,
      `${path}은(는) 시간대가 포함된 ISO 8601 시각이어야 합니다`,
    );
  }
  return input;
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}
