import type { Sql } from '../../../db/database.js';
import type { PolicyPreset, PolicyService } from '../policy-service.js';
import type { CashbackExtra } from '../types.js';

/**
 * 온통대전's rules as reported (see /work/shared/DOMAIN.md). Instants are Asia/Seoul midnights
 * written with their offset. What the sources do not give is marked as an assumption.
 */
/** Shared with the migration that gave tenants seeded before the rule existed the same row. */
export const PUBLIC_FUNDING_MAX_RULE_ID = 'rul_daejeon_public_funding_max';
export const PUBLIC_FUNDING_MAX_DEFAULT_WON = 1_000_000_000_000;
const KST_2020_05_01 = new Date('2020-05-01T00:00:00+09:00');
/** The tiered cashback is reported from August 2020; May–July 2020 is not modelled (no source). */
const KST_2020_08_01 = new Date('2020-08-01T00:00:00+09:00');
const KST_2021_01_01 = new Date('2021-01-01T00:00:00+09:00');
const KST_2021_04_01 = new Date('2021-04-01T00:00:00+09:00');

/** Assumption: the same extras applied in 2020 as in the 2021 article. */
const DAEJEON_EXTRAS: CashbackExtra[] = [
  {
    code: 'traditional_market',
    nameKo: '전통시장',
    nameEn: 'traditional market',
    when: { merchantFlag: 'traditionalMarket' },
    rateBp: 300,
  },
  {
    code: 'local_bookstore',
    nameKo: '지역서점',
    nameEn: 'local bookstore',
    when: { merchantFlag: 'bookstore' },
    rateBp: 1000,
  },
  {
    code: 'welfare_recipient',
    nameKo: '복지 대상자',
    nameEn: 'welfare recipient',
    when: { memberFlag: 'welfareRecipient' },
    rateBp: 500,
  },
];

export const DAEJEON_POLICY_PRESET: PolicyPreset = {
  name: 'daejeon',
  rules: [
    {
      id: 'rul_daejeon_charge_cap_2020',
      key: 'charge_monthly_cap_won',
      value: 1_000_000,
      effectiveFrom: KST_2020_05_01,
      effectiveTo: KST_2021_04_01,
    },
    {
      id: 'rul_daejeon_charge_cap_2021',
      key: 'charge_monthly_cap_won',
      value: 500_000,
      effectiveFrom: KST_2021_04_01,
    },
    {
      id: 'rul_daejeon_holding_cap',
      key: 'holding_cap_won',
      value: 2_000_000,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_cancel_window',
      key: 'payment_cancel_window_days',
      value: 30,
      effectiveFrom: KST_2020_05_01,
    },
    { id: 'rul_daejeon_code_ttl', key: 'payment_code_ttl_seconds', value: 60, effectiveFrom: KST_2020_05_01 },
    { id: 'rul_daejeon_min_age', key: 'member_min_age_years', value: 14, effectiveFrom: KST_2020_05_01 },
    // Auto-charge (자동충전) and transfers (송금) arrived with the 2021 upgrade the article announces.
    {
      id: 'rul_daejeon_auto_charge_unit',
      key: 'auto_charge_unit_won',
      value: 10_000,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_transfer_per_send',
      key: 'transfer_per_send_cap_won',
      value: 500_000,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_transfer_daily',
      key: 'transfer_daily_cap_won',
      value: 2_000_000,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_transfer_monthly',
      key: 'transfer_monthly_cap_won',
      value: 5_000_000,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_transfer_window',
      key: 'transfer_accept_window_hours',
      value: 72,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_refund_window',
      key: 'refund_full_window_days',
      value: 7,
      effectiveFrom: KST_2020_05_01,
    },
    { id: 'rul_daejeon_refund_used', key: 'refund_min_used_bp', value: 6000, effectiveFrom: KST_2020_05_01 },
    // Platform safeguards rather than the article's rules: accounts lock after 5 wrong passwords for
    // 30 s, doubling to an hour; an owner's payments at their own shop earn no cashback (깡).
    {
      id: 'rul_daejeon_sign_in_failures',
      key: 'sign_in_lockout_failures',
      value: 5,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_sign_in_lock_base',
      key: 'sign_in_lockout_base_seconds',
      value: 30,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_sign_in_lock_max',
      key: 'sign_in_lockout_max_seconds',
      value: 3600,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_sign_in_address',
      key: 'sign_in_address_failures_max',
      value: 50,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_self_dealing',
      key: 'self_dealing_payment_refused',
      value: 0,
      effectiveFrom: KST_2020_05_01,
    },
    {
      // One request moving public money (a pot created or topped up, a programme's budget): ₩1조,
      // about eight times the city's whole 2021 cashback budget.
      id: PUBLIC_FUNDING_MAX_RULE_ID,
      key: 'public_funding_per_request_max_won',
      value: PUBLIC_FUNDING_MAX_DEFAULT_WON,
      effectiveFrom: KST_2020_05_01,
    },
    // Assumption (no source): five wrong payment PINs lock payments, transfers and refunds for 30 minutes.
    {
      id: 'rul_daejeon_pin_attempts',
      key: 'payment_pin_attempts_max',
      value: 5,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_pin_lockout',
      key: 'payment_pin_lockout_minutes',
      value: 30,
      effectiveFrom: KST_2020_05_01,
    },
  ],
  policies: [
    {
      id: 'cbp_daejeon_2020',
      name: '2020 온통대전 캐시백 (구간제, 온통세일)',
      effectiveFrom: KST_2020_08_01,
      effectiveTo: KST_2021_01_01,
      rules: {
        tiers: [
          { upToWon: 200_000, rateBp: 1000 },
          { upToWon: 500_000, rateBp: 500 },
        ],
        extras: DAEJEON_EXTRAS,
        promotions: [
          {
            code: 'ontong_sale_2020',
            nameKo: '온통세일',
            nameEn: 'Ontong Sale',
            from: '2020-11-01T00:00:00+09:00',
            to: '2020-12-01T00:00:00+09:00',
            rateBp: 1500,
          },
        ],
        // The revenue cap is a later rule; 2020 had none.
        merchantRevenueCapWon: null,
      },
    },
    {
      id: 'cbp_daejeon_2021',
      name: '2021 온통대전 캐시백',
      effectiveFrom: KST_2021_01_01,
      rules: {
        tiers: [{ upToWon: 500_000, rateBp: 1000 }],
        extras: DAEJEON_EXTRAS,
        promotions: [],
        merchantRevenueCapWon: 3_000_000_000,
      },
    },
  ],
};

/** Idempotent: a second run adds nothing. Returns the ids it added. */
export async function seedDaejeonPolicy(
  platform: { policy: PolicyService },
  tenantId: string,
  tx?: Sql,
): Promise<{ added: string[] }> {
  return platform.policy.installPreset(tenantId, DAEJEON_POLICY_PRESET, tx);
}
