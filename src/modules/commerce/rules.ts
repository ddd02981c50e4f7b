/**
 * Local commerce (online mall and delivery) rules: policy rule values, per tenant and effective-dated,
 * changed through the policy rule routes or the operator's commission-rule routes. Where a tenant has
 * set no value, COMMERCE_RULE_DEFAULTS applies (the fraud module's pattern: kept out of the city presets).
 */
export const COMMERCE_RULE_KEYS = [
  'commerce_delivery_commission_bp',
  'commerce_mall_commission_bp',
  /** Sales per merchant and month that carry no commission (대구로 waives the first ₩500,000). */
  'commerce_commission_free_monthly_won',
  'commerce_delivery_hold_minutes',
  'commerce_mall_hold_minutes',
  'commerce_mall_cashback_bp',
  /** The local-currency delivery discount, paid as cashback from the budget like a promotion. */
  'commerce_delivery_cashback_bp',
  /** What a private app would take of the same sales (commission plus advertising), for the saving. */
  'commerce_private_app_rate_bp',
] as const;

export type CommerceRuleKey = (typeof COMMERCE_RULE_KEYS)[number];
export type CommerceRules = Record<CommerceRuleKey, number>;

/** The seed's figures: 2% delivery, 8.5% mall, first ₩500,000 free, 10 minutes / 3 days, 5% mall cashback. */
export const COMMERCE_RULE_DEFAULTS: CommerceRules = {
  commerce_delivery_commission_bp: 200,
  commerce_mall_commission_bp: 850,
  commerce_commission_free_monthly_won: 500_000,
  commerce_delivery_hold_minutes: 10,
  commerce_mall_hold_minutes: 3 * 24 * 60,
  commerce_mall_cashback_bp: 500,
  commerce_delivery_cashback_bp: 0,
  commerce_private_app_rate_bp: 2_700,
};

export const COMMISSION_RULE_KEYS: readonly CommerceRuleKey[] = [
  'commerce_delivery_commission_bp',
  'commerce_mall_commission_bp',
  'commerce_commission_free_monthly_won',
  'commerce_private_app_rate_bp',
];

export function isCommerceRuleKey(key: string): key is CommerceRuleKey {
  return (COMMERCE_RULE_KEYS as readonly string[]).includes(key);
}
