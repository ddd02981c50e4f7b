import type { Sql } from '../../../db/database.js';
import type { PolicyPreset, PolicyService } from '../../policy/policy-service.js';

const KST_2020_05_01 = new Date('2020-05-01T00:00:00+09:00');

/**
 * The income-tax deduction rates (조세특례제한법 §126의2) as rule data: spending at traditional markets
 * counts at 40%, other local-currency spending at 30% (the rate for debit cards and 지역화폐).
 * The temporary higher rates of some years are not modelled: a city adds them as new rule values.
 */
export const DAEJEON_TAX_RULES: PolicyPreset = {
  name: 'daejeon-tax-deduction',
  rules: [
    {
      id: 'rul_daejeon_tax_market_rate',
      key: 'tax_deduction_market_rate_bp',
      value: 4000,
      effectiveFrom: KST_2020_05_01,
    },
    {
      id: 'rul_daejeon_tax_general_rate',
      key: 'tax_deduction_general_rate_bp',
      value: 3000,
      effectiveFrom: KST_2020_05_01,
    },
  ],
  policies: [],
};

export async function seedDaejeonTaxRules(platform: { policy: PolicyService }, tenantId: string, tx?: Sql) {
  return platform.policy.installPreset(tenantId, DAEJEON_TAX_RULES, tx);
}
