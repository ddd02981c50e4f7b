import type { EligibilityRule, MerchantPreset } from '../types.js';

/** 온통대전 launched in May 2020; its merchant rules are in force from then. */
const DAEJEON_RULES_FROM = new Date('2020-05-01T00:00:00+09:00');

export const DAEJEON_ELIGIBILITY_RULES: readonly EligibilityRule[] = [
  {
    id: 'daejeon.district-in-tenant.2020',
    kind: 'district_in_tenant',
    params: {},
    effectiveFrom: DAEJEON_RULES_FROM,
    effectiveTo: null,
  },
  {
    id: 'daejeon.excluded-industry.2020',
    kind: 'excluded_industry',
    params: {},
    effectiveFrom: DAEJEON_RULES_FROM,
    effectiveTo: null,
  },
  {
    id: 'daejeon.out-of-region-franchise-direct.2020',
    kind: 'out_of_region_franchise_direct',
    params: { homeRegion: 'daejeon' },
    effectiveFrom: DAEJEON_RULES_FROM,
    effectiveTo: null,
  },
];

export const DAEJEON_MERCHANT_PRESET: MerchantPreset = {
  merchantCodePrefix: 'DJ',
  eligibilityRules: DAEJEON_ELIGIBILITY_RULES,
};
