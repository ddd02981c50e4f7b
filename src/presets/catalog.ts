import { DAEJEON_2021_POT } from '../modules/budgets/presets/daejeon.js';
import { DAEJEON_ELIGIBILITY_RULES, DAEJEON_MERCHANT_PRESET } from '../modules/merchants/presets/daejeon.js';
import type { MerchantPreset, Region } from '../modules/merchants/types.js';
import type { PolicyPreset } from '../modules/policy/policy-service.js';
import { DAEJEON_POLICY_PRESET } from '../modules/policy/presets/daejeon.js';
import type { CashbackExtra } from '../modules/policy/types.js';
import { DAEJEON_INDUSTRIES, DAEJEON_REFERENCE } from '../modules/reference/presets/daejeon.js';
import type { ReferencePreset } from '../modules/reference/types.js';
import { DAEJEON_FEE_RULES } from '../modules/settlement/presets/daejeon.js';
import type { Platform } from '../platform.js';
import { localDate } from '../time.js';
import { installDaejeon2021 } from './daejeon.js';
import { installGivingAndFunds } from './giving-and-funds.js';

/**
 * The rule sets a platform administrator can start a city from. Every figure is data with an
 * effective period, installed through the owning module's service; what our sources
 * (/work/shared/DOMAIN.md) do not state is marked ASSUMED here and in docs/operations.md, for the
 * city to correct through the operator API.
 */
export const PRESET_NAMES = ['daejeon-2021', 'daejeon-2023', 'population-decline-2025', 'blank'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const PRESET_ACTOR = 'system:preset';
const KST_2020_05_01 = new Date('2020-05-01T00:00:00+09:00');
const KST_2023_01_01 = new Date('2023-01-01T00:00:00+09:00');
const KST_2025_01_01 = new Date('2025-01-01T00:00:00+09:00');

/**
 * Rules a city needs before anyone can sign up or pay, whatever its cashback; values are 온통대전's
 * (ASSUMED for other cities), in force from 온통대전's launch so a city created today has them now.
 */
const BASELINE_RULE_KEYS = new Set([
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
  // Platform safeguards every city needs from its first sign-in and payment.
  'sign_in_lockout_failures',
  'sign_in_lockout_base_seconds',
  'sign_in_lockout_max_seconds',
  'sign_in_address_failures_max',
  'self_dealing_payment_refused',
  'public_funding_per_request_max_won',
  'payment_pin_attempts_max',
  'payment_pin_lockout_minutes',
]);

function baselineRules(prefix: string, from: Date): PolicyPreset['rules'] {
  return DAEJEON_POLICY_PRESET.rules
    .filter((rule) => BASELINE_RULE_KEYS.has(rule.key))
    .map((rule) => ({ ...rule, id: rule.id.replace('rul_daejeon', `rul_${prefix}`), effectiveFrom: from }));
}

const WELFARE_10: CashbackExtra = {
  code: 'welfare_recipient',
  nameKo: '복지 대상자',
  nameEn: 'welfare recipient',
  when: { memberFlag: 'welfareRecipient' },
  rateBp: 1000,
};

/**
 * 대전사랑카드 (2023): cashback on up to ₩300,000 of spending a month, 3% only in promotion months,
 * welfare recipients 10%, nothing at merchants with more than ₩30억 annual revenue (DOMAIN.md).
 * ASSUMED: the promotion months (the sources say "some months"; March, June, September and December
 * here); the welfare 10% is the whole rate, not 3% + 10%, and applies at every eligible merchant —
 * the ≤ ₩5억-revenue condition is not expressible in the cashback rules yet; the charge cap stays
 * ₩500,000; the traditional-market and bookstore extras of 2021 end; 동네사랑기부제 is not modelled.
 */
const DAEJEON_2023_POLICY: PolicyPreset = {
  name: 'daejeon-2023',
  rules: DAEJEON_POLICY_PRESET.rules,
  policies: [
    ...DAEJEON_POLICY_PRESET.policies.map((policy) =>
      policy.effectiveTo ? policy : { ...policy, effectiveTo: KST_2023_01_01 },
    ),
    {
      id: 'cbp_daejeon_2023',
      name: '2023 대전사랑카드 캐시백',
      effectiveFrom: KST_2023_01_01,
      rules: {
        tiers: [{ upToWon: 300_000, rateBp: 0 }],
        extras: [WELFARE_10],
        promotions: [3, 6, 9, 12].map((month) => ({
          code: `promotion_2023_${String(month).padStart(2, '0')}`,
          nameKo: `2023년 ${month}월 캐시백`,
          nameEn: `cashback month ${month}/2023`,
          from: `2023-${String(month).padStart(2, '0')}-01T00:00:00+09:00`,
          to:
            month === 12
              ? '2024-01-01T00:00:00+09:00'
              : `2023-${String(month + 1).padStart(2, '0')}-01T00:00:00+09:00`,
          rateBp: 300,
        })),
        merchantRevenueCapWon: 3_000_000_000,
      },
    },
  ],
};

/**
 * A county in a population-decline area (인구감소지역) in 2025: the national rate for such areas is 15%
 * (DOMAIN.md). ASSUMED: 15% on up to ₩500,000 of spending a month for the whole of 2025 (the sources
 * give the rate, not the cap or the months); charge cap ₩500,000; no extras; the ₩30억 revenue cap;
 * a ₩100억 budget with 60% national share; the industries of Daejeon's table; the districts are
 * placeholders (one 읍, three 면) for the county to replace; no traditional markets.
 */
const DECLINE_COUNTY_POLICY: PolicyPreset = {
  name: 'population-decline-2025',
  rules: [
    ...baselineRules('county', KST_2020_05_01),
    {
      id: 'rul_county_charge_cap',
      key: 'charge_monthly_cap_won',
      value: 500_000,
      effectiveFrom: KST_2025_01_01,
    },
  ],
  policies: [
    {
      id: 'cbp_county_2025',
      name: '2025 인구감소지역 지역화폐 캐시백 (15%)',
      effectiveFrom: KST_2025_01_01,
      rules: {
        tiers: [{ upToWon: 500_000, rateBp: 1500 }],
        extras: [],
        promotions: [],
        merchantRevenueCapWon: 3_000_000_000,
      },
    },
  ],
};

const COUNTY_REFERENCE: ReferencePreset = {
  industries: DAEJEON_INDUSTRIES,
  districts: [
    { code: 'eup', nameKo: '읍', nameEn: 'town (eup)', area: 'old_town' },
    { code: 'myeon-1', nameKo: '제1면', nameEn: 'township 1', area: 'old_town' },
    { code: 'myeon-2', nameKo: '제2면', nameEn: 'township 2', area: 'old_town' },
    { code: 'myeon-3', nameKo: '제3면', nameEn: 'township 3', area: 'old_town' },
  ],
  markets: [],
};

/** A blank city has one district, so its first operator can be registered; the city adds the rest. */
const BLANK_REFERENCE: ReferencePreset = {
  industries: [],
  districts: [{ code: 'unassigned', nameKo: '미지정', nameEn: 'unassigned', area: 'old_town' }],
  markets: [],
};

/**
 * A tenant's own merchant-code prefix (from its id) and Daejeon's eligibility rules, with the
 * franchise rule's home province given, or dropped when the city has not said where it is.
 */
function merchantPresetOf(tenantId: string, homeRegion: Region | null): MerchantPreset {
  return {
    merchantCodePrefix: tenantId
      .replace(/[^a-z]/g, '')
      .slice(0, 2)
      .toUpperCase()
      .padEnd(2, 'X'),
    eligibilityRules: DAEJEON_ELIGIBILITY_RULES.flatMap((rule) => {
      const id = rule.id.replace('daejeon.', '');
      if (!rule.params.homeRegion) return [{ ...rule, id }];
      return homeRegion ? [{ ...rule, id, params: { homeRegion } }] : [];
    }),
  };
}

async function installPolicyCity(
  platform: Platform,
  tenantId: string,
  parts: {
    reference: ReferencePreset;
    merchants: MerchantPreset;
    policy: PolicyPreset;
    budget?: { amountWon: number; nationalShareBp: number };
  },
): Promise<void> {
  await platform.db.transaction(async (tx) => {
    await platform.reference.seedPreset(tenantId, parts.reference, tx);
    await platform.merchants.seedPreset(tenantId, parts.merchants, tx);
    await platform.policy.installPreset(tenantId, parts.policy, tx);
    await platform.wallets.ensureSystemAccounts(tenantId, tx);
    await platform.settlement.seedFeeRules(
      tenantId,
      DAEJEON_FEE_RULES.map((rule) => ({ ...rule, id: `fee_${tenantId}_0`, effectiveFrom: KST_2020_05_01 })),
      tx,
    );
  });
  if (parts.budget) await currentYearPot(platform, tenantId, parts.budget);
}

/** One annual cashback pot for the tenant's current year, funded once (its fixed id makes this idempotent). */
async function currentYearPot(
  platform: Platform,
  tenantId: string,
  budget: { amountWon: number; nationalShareBp: number },
): Promise<void> {
  const { year } = localDate(platform.clock.now(), await platform.tenants.timeZoneOf(tenantId));
  await platform.budgets.createPot(tenantId, PRESET_ACTOR, {
    id: `bud_${tenantId}_${year}`.replace(/[^A-Za-z0-9_]/g, '_'),
    name: `${year} 캐시백 예산`,
    period: 'annual',
    from: new Date(`${year}-01-01T00:00:00+09:00`),
    to: new Date(`${year + 1}-01-01T00:00:00+09:00`),
    ...budget,
  });
}

/** Installs a preset's rules, reference data, accounts and budget into an existing tenant. Idempotent. */
export async function installPreset(platform: Platform, tenantId: string, preset: PresetName): Promise<void> {
  await installCity(platform, tenantId, preset);
  // installDaejeon2021 already installs these, under the same ids: a second pass would only re-read them.
  if (preset !== 'daejeon-2021') await installGivingAndFunds(platform, tenantId, preset);
}

async function installCity(platform: Platform, tenantId: string, preset: PresetName): Promise<void> {
  switch (preset) {
    case 'daejeon-2021':
      return installDaejeon2021(platform, tenantId);
    case 'daejeon-2023':
      return installPolicyCity(platform, tenantId, {
        reference: DAEJEON_REFERENCE,
        merchants: DAEJEON_MERCHANT_PRESET,
        policy: DAEJEON_2023_POLICY,
        // ASSUMED: the 2023 budget is not in our sources; 2021's amount and split.
        budget: { amountWon: DAEJEON_2021_POT.amountWon, nationalShareBp: DAEJEON_2021_POT.nationalShareBp },
      });
    case 'population-decline-2025':
      return installPolicyCity(platform, tenantId, {
        reference: COUNTY_REFERENCE,
        // ASSUMED: a county in 충청북도; the franchise rule compares against this province.
        merchants: merchantPresetOf(tenantId, 'chungbuk'),
        policy: DECLINE_COUNTY_POLICY,
        budget: { amountWon: 10_000_000_000, nationalShareBp: 6000 },
      });
    case 'blank':
      return installPolicyCity(platform, tenantId, {
        reference: BLANK_REFERENCE,
        merchants: merchantPresetOf(tenantId, null),
        policy: { name: 'blank', rules: baselineRules('blank', KST_2020_05_01), policies: [] },
      });
  }
}
