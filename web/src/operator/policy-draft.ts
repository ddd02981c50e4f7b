import type { CashbackPolicy, CashbackRules, PreviewSample } from '../api/types.js';
import {
  addDays,
  bpToPercentText,
  parsePercentToBp,
  parseWon,
  seoulInstant,
  seoulParts,
} from '../i18n/format.js';

/**
 * A policy version as the editor holds it: text the operator types, dates as Seoul calendar days.
 * Periods are shown as first and last day; the API's ends are exclusive, so a last day D is sent as
 * the midnight that starts D + 1.
 */

export type Condition = 'traditionalMarket' | 'bookstore' | 'welfareRecipient';
export const CONDITIONS: Condition[] = ['traditionalMarket', 'bookstore', 'welfareRecipient'];

export interface TierDraft {
  upTo: string;
  rate: string;
}

export interface ExtraDraft {
  code: string;
  nameKo: string;
  nameEn: string;
  condition: Condition;
  rate: string;
}

export interface PromotionDraft {
  code: string;
  nameKo: string;
  nameEn: string;
  firstDay: string;
  lastDay: string;
  rate: string;
}

export interface PolicyDraft {
  name: string;
  fromDay: string;
  fromTime: string;
  lastDay: string;
  tiers: TierDraft[];
  extras: ExtraDraft[];
  promotions: PromotionDraft[];
  hasRevenueCap: boolean;
  revenueCap: string;
}

export interface SampleDraft {
  amount: string;
  day: string;
  spentBefore: string;
  traditionalMarket: boolean;
  bookstore: boolean;
  welfare: boolean;
  revenue: string;
}

const CODE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const DEFAULT_SAMPLE_AMOUNT_WON = 50_000;
const DEFAULT_SAMPLE_REVENUE_WON = 180_000_000;

function conditionOf(when: CashbackRules['extras'][number]['when']): Condition {
  return 'merchantFlag' in when ? when.merchantFlag : when.memberFlag;
}

function lastDayOf(exclusiveEnd: string): string {
  return addDays(seoulParts(new Date(exclusiveEnd)).date, -1);
}

/** The editor starts from the policy in force, scheduled for the next Seoul midnight. */
export function draftFromPolicy(policy: CashbackPolicy | null, now: Date): PolicyDraft {
  const rules = policy?.rules;
  return {
    name: '',
    fromDay: addDays(seoulParts(now).date, 1),
    fromTime: '00:00',
    lastDay: '',
    tiers: (rules?.tiers ?? [{ upToWon: 500_000, rateBp: 1000 }]).map((tier) => ({
      upTo: String(tier.upToWon),
      rate: bpToPercentText(tier.rateBp),
    })),
    extras: (rules?.extras ?? []).map((extra) => ({
      code: extra.code,
      nameKo: extra.nameKo,
      nameEn: extra.nameEn,
      condition: conditionOf(extra.when),
      rate: bpToPercentText(extra.rateBp),
    })),
    promotions: (rules?.promotions ?? []).map((promotion) => ({
      code: promotion.code,
      nameKo: promotion.nameKo,
      nameEn: promotion.nameEn,
      firstDay: seoulParts(new Date(promotion.from)).date,
      lastDay: lastDayOf(promotion.to),
      rate: bpToPercentText(promotion.rateBp),
    })),
    hasRevenueCap: rules?.merchantRevenueCapWon != null,
    revenueCap: rules?.merchantRevenueCapWon != null ? String(rules.merchantRevenueCapWon) : '',
  };
}

export function defaultSample(draft: PolicyDraft): SampleDraft {
  return {
    amount: String(DEFAULT_SAMPLE_AMOUNT_WON),
    day: draft.fromDay,
    spentBefore: '0',
    traditionalMarket: false,
    bookstore: false,
    welfare: false,
    revenue: String(DEFAULT_SAMPLE_REVENUE_WON),
  };
}

/** What is wrong with a draft, keyed by field path ("tiers.1.rate"); empty when it can be sent. */
export type DraftErrors = Record<string, DraftProblem>;
export type DraftProblem =
  | 'required'
  | 'amount'
  | 'percent'
  | 'code'
  | 'tiersIncreasing'
  | 'periodOrder'
  | 'effectiveFromPast';

function checkTiers(tiers: TierDraft[], errors: DraftErrors): void {
  if (tiers.length === 0) errors.tiers = 'required';
  let previousWon = 0;
  tiers.forEach((tier, index) => {
    const upToWon = parseWon(tier.upTo);
    if (upToWon === null || upToWon < 1) errors[`tiers.${index}.upTo`] = 'amount';
    else if (upToWon <= previousWon) errors[`tiers.${index}.upTo`] = 'tiersIncreasing';
    previousWon = upToWon ?? previousWon;
    if (parsePercentToBp(tier.rate) === null) errors[`tiers.${index}.rate`] = 'percent';
  });
}

function checkLabels(
  path: string,
  item: { code: string; nameKo: string; nameEn: string },
  errors: DraftErrors,
): void {
  if (!CODE_PATTERN.test(item.code)) errors[`${path}.code`] = 'code';
  if (!item.nameKo.trim()) errors[`${path}.nameKo`] = 'required';
  if (!item.nameEn.trim()) errors[`${path}.nameEn`] = 'required';
}

export function validateDraft(draft: PolicyDraft, now: Date): DraftErrors {
  const errors: DraftErrors = {};
  if (!draft.name.trim()) errors.name = 'required';
  if (!draft.fromDay || !/^\d{2}:\d{2}$/.test(draft.fromTime)) errors.fromDay = 'required';
  else if (Date.parse(seoulInstant(draft.fromDay, draft.fromTime)) < now.getTime())
    errors.fromDay = 'effectiveFromPast';
  if (draft.lastDay && draft.fromDay && draft.lastDay < draft.fromDay) errors.lastDay = 'periodOrder';
  checkTiers(draft.tiers, errors);
  draft.extras.forEach((extra, index) => {
    checkLabels(`extras.${index}`, extra, errors);
    if (parsePercentToBp(extra.rate) === null) errors[`extras.${index}.rate`] = 'percent';
  });
  draft.promotions.forEach((promotion, index) => {
    checkLabels(`promotions.${index}`, promotion, errors);
    if (parsePercentToBp(promotion.rate) === null) errors[`promotions.${index}.rate`] = 'percent';
    if (!promotion.firstDay) errors[`promotions.${index}.firstDay`] = 'required';
    if (!promotion.lastDay) errors[`promotions.${index}.lastDay`] = 'required';
    else if (promotion.firstDay && promotion.lastDay < promotion.firstDay)
      errors[`promotions.${index}.lastDay`] = 'periodOrder';
  });
  if (draft.hasRevenueCap && parseWon(draft.revenueCap) === null) errors.revenueCap = 'amount';
  return errors;
}

const PERIOD_FIELDS = ['name', 'fromDay', 'lastDay'];

/** Whether the rules can be previewed: the name and period may still be unfinished. */
export function rulesAreValid(errors: DraftErrors): boolean {
  return Object.keys(errors).every((path) => PERIOD_FIELDS.includes(path));
}

/** The API's rules of a valid draft. */
export function rulesOf(draft: PolicyDraft): CashbackRules {
  return {
    tiers: draft.tiers.map((tier) => ({
      upToWon: parseWon(tier.upTo) ?? 0,
      rateBp: parsePercentToBp(tier.rate) ?? 0,
    })),
    extras: draft.extras.map((extra) => ({
      code: extra.code,
      nameKo: extra.nameKo.trim(),
      nameEn: extra.nameEn.trim(),
      when:
        extra.condition === 'welfareRecipient'
          ? { memberFlag: 'welfareRecipient' }
          : { merchantFlag: extra.condition },
      rateBp: parsePercentToBp(extra.rate) ?? 0,
    })),
    promotions: draft.promotions.map((promotion) => ({
      code: promotion.code,
      nameKo: promotion.nameKo.trim(),
      nameEn: promotion.nameEn.trim(),
      from: seoulInstant(promotion.firstDay),
      to: seoulInstant(addDays(promotion.lastDay, 1)),
      rateBp: parsePercentToBp(promotion.rate) ?? 0,
    })),
    merchantRevenueCapWon: draft.hasRevenueCap ? parseWon(draft.revenueCap) : null,
  };
}

export function periodOf(draft: PolicyDraft): { effectiveFrom: string; effectiveTo: string | null } {
  return {
    effectiveFrom: seoulInstant(draft.fromDay, draft.fromTime),
    effectiveTo: draft.lastDay ? seoulInstant(addDays(draft.lastDay, 1)) : null,
  };
}

/** The API's sample payment, at noon of the chosen Seoul day; null while the sample has a mistake. */
export function sampleOf(sample: SampleDraft): PreviewSample | null {
  const amountWon = parseWon(sample.amount);
  const spentBeforeWon = parseWon(sample.spentBefore);
  const revenueWon = parseWon(sample.revenue);
  if (!amountWon || spentBeforeWon === null || revenueWon === null || !sample.day) return null;
  return {
    amountWon,
    at: seoulInstant(sample.day, '12:00'),
    monthEligibleSpentBeforeWon: spentBeforeWon,
    merchant: {
      isTraditionalMarket: sample.traditionalMarket,
      isBookstore: sample.bookstore,
      annualRevenueWon: revenueWon,
    },
    member: { isWelfareRecipient: sample.welfare },
  };
}

/** The version in force at `now`: the latest start not after now whose end is after now. */
export function policyInForce(policies: CashbackPolicy[], now: Date): CashbackPolicy | null {
  const nowMs = now.getTime();
  return (
    [...policies]
      .sort((a, b) => Date.parse(b.effectiveFrom) - Date.parse(a.effectiveFrom))
      .find(
        (policy) =>
          Date.parse(policy.effectiveFrom) <= nowMs &&
          (policy.effectiveTo === null || nowMs < Date.parse(policy.effectiveTo)),
      ) ?? null
  );
}

export type VersionState = 'inForce' | 'scheduled' | 'ended';

export function versionState(
  policy: CashbackPolicy,
  inForce: CashbackPolicy | null,
  now: Date,
): VersionState {
  if (policy.id === inForce?.id) return 'inForce';
  return Date.parse(policy.effectiveFrom) > now.getTime() ? 'scheduled' : 'ended';
}
