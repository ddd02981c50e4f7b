import type { RuleKey } from './types.js';

/** The values a rule may take, inclusive, and the unit it counts in (named in refusals). */
export interface RuleRange {
  min: number;
  max: number;
  unit: RuleUnit;
}

export type RuleUnit =
  | 'won'
  | 'bp'
  | 'flag'
  | 'years'
  | 'months'
  | 'days'
  | 'hours'
  | 'minutes'
  | 'seconds'
  | 'count'
  | 'hour of day';

const WON_MAX = Number.MAX_SAFE_INTEGER;
const COUNT_MAX = 1_000_000;

const won = (min = 0): RuleRange => ({ min, max: WON_MAX, unit: 'won' });
/** A share or rate: 10000 bp is the whole. */
const share: RuleRange = { min: 0, max: 10_000, unit: 'bp' };
/** A multiple of a median or declared figure in bp (20000 = twice); up to a thousandfold. */
const ratio: RuleRange = { min: 1, max: 10_000_000, unit: 'bp' };
const flag: RuleRange = { min: 0, max: 1, unit: 'flag' };
const count: RuleRange = { min: 1, max: COUNT_MAX, unit: 'count' };
const days: RuleRange = { min: 1, max: 3_650, unit: 'days' };
const hours: RuleRange = { min: 1, max: 8_760, unit: 'hours' };
const minutes: RuleRange = { min: 1, max: 525_600, unit: 'minutes' };
const termMonths: RuleRange = { min: 1, max: 600, unit: 'months' };

/**
 * Every rule key's range, in one place: a value outside it is a typo (50000 bp, a flag of 7, an age
 * of 500), refused before it can take effect. Durations are at least one unit (a zero window or
 * lock would switch its rule off by accident) and at most ten years.
 */
export const RULE_RANGES: Readonly<Record<RuleKey, RuleRange>> = {
  charge_monthly_cap_won: won(),
  holding_cap_won: won(),
  payment_cancel_window_days: days,
  payment_code_ttl_seconds: { min: 1, max: 3_600, unit: 'seconds' },
  member_min_age_years: { min: 0, max: 120, unit: 'years' },
  /** The unit of an auto-charge's withdrawal: zero would charge nothing, forever. */
  auto_charge_unit_won: won(1),
  transfer_per_send_cap_won: won(),
  transfer_daily_cap_won: won(),
  transfer_monthly_cap_won: won(),
  transfer_accept_window_hours: hours,
  refund_full_window_days: days,
  refund_min_used_bp: share,
  sign_in_lockout_failures: count,
  sign_in_lockout_base_seconds: { min: 1, max: 86_400, unit: 'seconds' },
  sign_in_lockout_max_seconds: { min: 1, max: 31_536_000, unit: 'seconds' },
  sign_in_address_failures_max: count,
  self_dealing_payment_refused: flag,
  public_funding_per_request_max_won: won(),
  payment_pin_attempts_max: { min: 1, max: 100, unit: 'count' },
  payment_pin_lockout_minutes: minutes,
  tax_deduction_market_rate_bp: share,
  tax_deduction_general_rate_bp: share,
  neighbourhood_giving_rate_bp: share,
  fraud_high_value_won: won(1),
  fraud_sustained_window_days: days,
  fraud_sustained_count_min: count,
  fraud_member_daily_count_min: count,
  fraud_new_merchant_days: days,
  fraud_new_merchant_count_min: count,
  fraud_pair_window_hours: hours,
  fraud_pair_count_min: count,
  fraud_ticket_ratio_bp: ratio,
  fraud_ticket_history_min: count,
  fraud_ticket_repeat_min: count,
  fraud_ticket_member_share_bp: share,
  fraud_ticket_members_min: count,
  fraud_ticket_member_history_days: days,
  fraud_ticket_shop_share_bp: share,
  fraud_ticket_big_share_bp: share,
  fraud_cycle_window_hours: hours,
  fraud_cycle_edge_min_won: won(),
  /** Night is [00:00, this hour): 0 turns the night rule off, 24 makes the whole day night. */
  fraud_night_end_hour: { min: 0, max: 24, unit: 'hour of day' },
  fraud_night_count_min: count,
  fraud_size_ratio_bp: ratio,
  fraud_near_threshold_margin_bp: share,
  fraud_near_threshold_count_min: count,
  fraud_cancel_window_hours: hours,
  fraud_cancel_count_min: count,
  fraud_shared_address_window_days: days,
  fraud_shared_address_members_min: count,
  fraud_shared_address_payment_min_won: won(),
  fraud_shared_address_share_bp: share,
  fraud_shared_address_merchant_share_bp: share,
  fund_max_per_merchant_won: won(),
  fund_min_months_in_business: { min: 0, max: 1_200, unit: 'months' },
  fund_revenue_min_won: won(),
  fund_revenue_max_won: won(),
  fund_term_months_min: termMonths,
  fund_term_months_max: termMonths,
  fund_interest_rate_bp: share,
  fund_interest_subsidy_bp: share,
  fund_guarantee_fee_bp: share,
  fund_guarantee_fee_relief_bp: share,
  commerce_delivery_commission_bp: share,
  commerce_mall_commission_bp: share,
  commerce_commission_free_monthly_won: won(),
  commerce_delivery_hold_minutes: minutes,
  commerce_mall_hold_minutes: minutes,
  commerce_mall_cashback_bp: share,
  commerce_delivery_cashback_bp: share,
  commerce_private_app_rate_bp: share,
};
