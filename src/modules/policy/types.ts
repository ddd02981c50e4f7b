import { COMMERCE_RULE_KEYS } from '../commerce/rules.js';
import { FRAUD_RULE_KEYS } from '../fraud/rules.js';
import { FUND_RULE_KEYS } from '../merchant-funds/rules.js';

/** Scalar rules a city can change, each with effective periods (data, never constants in code). */
export const RULE_KEYS = [
  'charge_monthly_cap_won',
  'holding_cap_won',
  'payment_cancel_window_days',
  'payment_code_ttl_seconds',
  'member_min_age_years',
  'auto_charge_unit_won',
  'transfer_per_send_cap_won',
  'transfer_daily_cap_won',
  'transfer_monthly_cap_won',
  'transfer_accept_window_hours',
  'refund_full_window_days',
  'refund_min_used_bp',
  /** Failed sign-ins of one phone before it is locked; each further failure doubles the lock. */
  'sign_in_lockout_failures',
  'sign_in_lockout_base_seconds',
  /** The longest lock; a quiet period this long also forgives earlier failures. */
  'sign_in_lockout_max_seconds',
  /** Failed sign-ins from one client address (any phones) before it is locked the same way. */
  'sign_in_address_failures_max',
  /** A merchant's owner paying their own shop: 1 refuses the payment, 0 allows it without cashback. */
  'self_dealing_payment_refused',
  'public_funding_per_request_max_won',
  'payment_pin_attempts_max',
  'payment_pin_lockout_minutes',
  'tax_deduction_market_rate_bp',
  'tax_deduction_general_rate_bp',
  'neighbourhood_giving_rate_bp',
  ...FRAUD_RULE_KEYS,
  ...FUND_RULE_KEYS,
  ...COMMERCE_RULE_KEYS,
] as const;

export type RuleKey = (typeof RULE_KEYS)[number];

/** One value of a scalar rule over [effectiveFrom, effectiveTo); a later effectiveFrom overlays an earlier one. */
export interface PolicyRule {
  tenantId: string;
  id: string;
  key: RuleKey;
  value: number;
  effectiveFrom: Date;
  effectiveTo: Date | null;
  createdBy: string;
  createdAt: Date;
}

export interface NewPolicyRule {
  key: RuleKey;
  value: number;
  effectiveFrom: Date;
  effectiveTo?: Date | null;
}

export interface CashbackTier {
  /** Upper bound of the member's monthly eligible spending this tier covers (inclusive). */
  upToWon: number;
  rateBp: number;
}

export interface CashbackExtra {
  code: string;
  nameKo: string;
  nameEn: string;
  when: { merchantFlag: 'traditionalMarket' | 'bookstore' } | { memberFlag: 'welfareRecipient' };
  rateBp: number;
}

/** The local-commerce channels whose orders earn cashback through this engine. */
export const ORDER_CHANNELS = ['mall', 'delivery'] as const;
export type OrderChannel = (typeof ORDER_CHANNELS)[number];

export interface CashbackPromotion {
  code: string;
  nameKo: string;
  nameEn: string;
  from: string;
  to: string;
  /** Replaces every tier's rate while the promotion runs. */
  rateBp: number;
  /**
   * Only orders of this channel (e.g. a local-currency delivery discount), where it replaces the
   * channel's rate; absent, the promotion applies to payments at the till and never to orders.
   */
  channel?: OrderChannel;
}

/** One version of a tenant's cashback policy: data with an effective period. */
export interface CashbackPolicyRules {
  /** Tiers over the member's monthly eligible (cash-paid) spending; the last upToWon is the monthly cap. */
  tiers: CashbackTier[];
  extras: CashbackExtra[];
  promotions: CashbackPromotion[];
  /** Merchants with annual revenue above this earn no cashback for their customers; null = no limit. */
  merchantRevenueCapWon: number | null;
}

export interface CashbackPolicy {
  tenantId: string;
  id: string;
  name: string;
  effectiveFrom: Date;
  effectiveTo: Date | null;
  rules: CashbackPolicyRules;
  createdBy: string;
  createdAt: Date;
}

export interface NewCashbackPolicy {
  name: string;
  effectiveFrom: Date;
  effectiveTo?: Date | null;
  /** Unchecked input: validated into CashbackPolicyRules or refused with INVALID_POLICY. */
  rules: unknown;
}

export interface CashbackInput {
  at: Date;
  /** Only the part of a payment paid from charged money earns cashback. */
  paidFromCashWon: number;
  /** The member's eligible spending earlier in the same month (tenant time zone). */
  monthEligibleSpentBeforeWon: number;
  merchant: { isTraditionalMarket: boolean; isBookstore: boolean; annualRevenueWon: number };
  member: { isWelfareRecipient: boolean };
  /**
   * An online order instead of a payment at the till: the channel's own rate (a policy rule value)
   * replaces the tiers' rates, a promotion of that channel replaces it in turn. Caps and extras as for payments.
   */
  order?: { channel: OrderChannel; rateBp: number };
}

export interface CashbackRuleApplied {
  code: string;
  descriptionKo: string;
  descriptionEn: string;
  rateBp: number;
  baseWon: number;
  amountWon: number;
}

export interface CashbackQuote {
  policyId: string | null;
  /** The part of this payment that counts toward the monthly eligible cap. */
  eligibleWon: number;
  /** What the rules grant before the budget is consulted, rounded down to the won once over its lines. */
  cashbackWon: number;
  rules: CashbackRuleApplied[];
  /** Why cashback is less than the base rate would suggest, if it is (e.g. MONTHLY_CAP_REACHED). */
  limitedBy: CashbackLimitCode[];
}

/** Every reason a payment can earn less cashback than its rate; the apps explain each in words. */
export const CASHBACK_LIMIT_CODES = [
  'NO_POLICY',
  'MERCHANT_REVENUE_OVER_CAP',
  'MONTHLY_CAP_REACHED',
  'BUDGET_EXHAUSTED',
  'SELF_DEALING',
  'RATE_CAPPED',
] as const;
export type CashbackLimitCode = (typeof CASHBACK_LIMIT_CODES)[number];

/** A what-if payment for previewing a draft policy; omitted fields take the defaults noted. */
export interface CashbackSample {
  amountWon: number;
  /** Defaults to amountWon: the whole payment from charged money. */
  paidFromCashWon?: number;
  /** Defaults to now. */
  at?: Date;
  /** Defaults to 0. */
  monthEligibleSpentBeforeWon?: number;
  merchant: { isTraditionalMarket: boolean; isBookstore: boolean; annualRevenueWon: number };
  member: { isWelfareRecipient: boolean };
}

export interface PolicyPreview {
  at: Date;
  current: CashbackQuote;
  proposed: CashbackQuote;
}
