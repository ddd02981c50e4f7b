import type { PolicyPreset } from '../policy/policy-service.js';

/**
 * The fund's rules are policy rule values (per tenant, effective-dated, changed through the policy
 * rule routes); the keys live here, next to the code that reads them, and the policy module accepts
 * them as rule keys.
 */
export const FUND_RULE_KEYS = [
  /** The most one merchant may owe and have applied for at once. */
  'fund_max_per_merchant_won',
  'fund_min_months_in_business',
  /** The annual revenue band an applicant must be in (inclusive). */
  'fund_revenue_min_won',
  'fund_revenue_max_won',
  'fund_term_months_min',
  'fund_term_months_max',
  /** The lender's yearly interest on the outstanding principal. */
  'fund_interest_rate_bp',
  /** The share of that rate the city pays (이차보전), at most the rate itself. */
  'fund_interest_subsidy_bp',
  /** The guarantee fee without relief (보증료) and what the merchant pays under 특례보증; the city pays the gap. */
  'fund_guarantee_fee_bp',
  'fund_guarantee_fee_relief_bp',
] as const;

export type FundRuleKey = (typeof FUND_RULE_KEYS)[number];
export type FundRules = Record<FundRuleKey, number>;

const KST_2020_05_01 = new Date('2020-05-01T00:00:00+09:00');

/**
 * 대전 소상공인 경영안정자금 (DOMAIN.md: a ₩100억 pool with a reduced guarantee fee). The sources give
 * the pool and the fee relief (1.0% → 0.5%); the rest is ASSUMED, for the city to correct:
 * up to ₩5,000만 a merchant, 3 months in business, annual revenue up to ₩10억, terms of 12–60
 * months, 4.5% interest of which the city pays 2.0%p.
 */
export function fundRulesPreset(prefix: string, effectiveFrom: Date = KST_2020_05_01): PolicyPreset {
  const values: FundRules = {
    fund_max_per_merchant_won: 50_000_000,
    fund_min_months_in_business: 3,
    fund_revenue_min_won: 0,
    fund_revenue_max_won: 1_000_000_000,
    fund_term_months_min: 12,
    fund_term_months_max: 60,
    fund_interest_rate_bp: 450,
    fund_interest_subsidy_bp: 200,
    fund_guarantee_fee_bp: 100,
    fund_guarantee_fee_relief_bp: 50,
  };
  return {
    name: `${prefix}-merchant-funds`,
    rules: FUND_RULE_KEYS.map((key) => ({
      id: `rul_${prefix}_${key}`,
      key,
      value: values[key],
      effectiveFrom,
    })),
    policies: [],
  };
}

/** The pool the preset funds, in bank money (ASSUMED to be funded once, from the city's budget). */
export const FUND_POOL_PRESET_WON = 10_000_000_000;
