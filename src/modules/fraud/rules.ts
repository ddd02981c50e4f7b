/**
 * Fraud ('깡') thresholds: policy rule values (per tenant, effective-dated, changed through the
 * policy rule routes). The keys are listed here, next to the detectors that read them, and the
 * policy module accepts them as rule keys. Where a tenant has set no value, FRAUD_RULE_DEFAULTS
 * applies (kept out of the city presets so their rule lists stay the cities' own).
 */
export const FRAUD_RULE_KEYS = [
  'fraud_high_value_won',
  'fraud_sustained_window_days',
  'fraud_sustained_count_min',
  'fraud_member_daily_count_min',
  'fraud_new_merchant_days',
  'fraud_new_merchant_count_min',
  'fraud_pair_window_hours',
  'fraud_pair_count_min',
  'fraud_ticket_ratio_bp',
  'fraud_ticket_history_min',
  'fraud_ticket_repeat_min',
  'fraud_ticket_member_share_bp',
  'fraud_ticket_members_min',
  'fraud_ticket_member_history_days',
  'fraud_ticket_shop_share_bp',
  'fraud_ticket_big_share_bp',
  'fraud_cycle_window_hours',
  'fraud_cycle_edge_min_won',
  'fraud_night_end_hour',
  'fraud_night_count_min',
  'fraud_size_ratio_bp',
  'fraud_near_threshold_margin_bp',
  'fraud_near_threshold_count_min',
  'fraud_cancel_window_hours',
  'fraud_cancel_count_min',
  'fraud_shared_address_window_days',
  'fraud_shared_address_members_min',
  'fraud_shared_address_payment_min_won',
  'fraud_shared_address_share_bp',
  'fraud_shared_address_merchant_share_bp',
] as const;

export type FraudRuleKey = (typeof FRAUD_RULE_KEYS)[number];
export type FraudThresholds = Record<FraudRuleKey, number>;

/** Defaults after Daejeon 2021's published signals, checked by `npm run eval:fraud`. */
export const FRAUD_RULE_DEFAULTS: FraudThresholds = {
  fraud_high_value_won: 300_000,
  fraud_sustained_window_days: 7,
  fraud_sustained_count_min: 8,
  fraud_member_daily_count_min: 20,
  fraud_new_merchant_days: 30,
  fraud_new_merchant_count_min: 5,
  fraud_pair_window_hours: 24,
  fraud_pair_count_min: 3,
  fraud_ticket_ratio_bp: 100_000,
  fraud_ticket_history_min: 20,
  /** Outlier payments by one member at one merchant within the window before they say anything. */
  fraud_ticket_repeat_min: 2,
  /**
   * …and their share of that member's payments over their recent history (two thirds): a card that
   * exists for one shop is all outliers there, an honest big spender's big buys are a few among
   * dozens of ordinary payments.
   */
  fraud_ticket_member_share_bp: 6_700,
  /** Or this many such cards (members whose payments are mostly outliers at the shop) at one merchant. */
  fraud_ticket_members_min: 3,
  /** The member's history the share is taken over. */
  fraud_ticket_member_history_days: 30,
  /**
   * Or, for a card that also shops normally elsewhere: the outsized tickets are at least this share
   * of the member's payments at this merchant (four in five: not a regular there who one day buys
   * big) …
   */
  fraud_ticket_shop_share_bp: 8_000,
  /** … and at least this share of all the member's high-value payments (not a big spender everywhere). */
  fraud_ticket_big_share_bp: 6_700,
  fraud_cycle_window_hours: 72,
  fraud_cycle_edge_min_won: 100_000,
  fraud_night_end_hour: 6,
  fraud_night_count_min: 3,
  fraud_size_ratio_bp: 20_000,
  fraud_near_threshold_margin_bp: 300,
  fraud_near_threshold_count_min: 4,
  fraud_cancel_window_hours: 48,
  fraud_cancel_count_min: 3,
  fraud_shared_address_window_days: 7,
  fraud_shared_address_members_min: 4,
  fraud_shared_address_payment_min_won: 100_000,
  /** Share of the address's members who paid that merchant: a phone farm is all of them, an office a few. */
  fraud_shared_address_share_bp: 7_000,
  /** Their share of the merchant's customers paying that much: a textbook rush has hundreds of others. */
  fraud_shared_address_merchant_share_bp: 3_000,
};

/** The alert rules; each names the signal of the issue it implements (docs/fraud.md). */
export const FRAUD_RULES = [
  'sustained_high_value',
  'new_merchant_high_value',
  'repeated_pair',
  'ticket_outlier',
  'round_trip',
  'night_high_value',
  'size_outlier',
  'cap_gaming',
  'shared_address',
] as const;

export type FraudRule = (typeof FRAUD_RULES)[number];
