import { describe, expect, it } from 'vitest';
import { COMMERCE_RULE_DEFAULTS } from '../commerce/rules.js';
import { FRAUD_RULE_DEFAULTS } from '../fraud/rules.js';
import { DAEJEON_NEIGHBOURHOOD_RULES } from '../giving/presets/daejeon.js';
import { fundRulesPreset } from '../merchant-funds/rules.js';
import { DAEJEON_TAX_RULES } from '../tax-statements/presets/daejeon.js';
import type { PolicyPreset } from './policy-service.js';
import { DAEJEON_POLICY_PRESET } from './presets/daejeon.js';
import { RULE_RANGES } from './rule-ranges.js';
import { RULE_KEYS, type RuleKey } from './types.js';
import { validateRuleInput } from './validation.js';

/** Every preset's rule values; the city catalogue's presets are built from Daejeon's (platform-admin tests install them). */
const PRESETS: PolicyPreset[] = [
  DAEJEON_POLICY_PRESET,
  DAEJEON_NEIGHBOURHOOD_RULES,
  DAEJEON_TAX_RULES,
  fundRulesPreset('daejeon'),
];

const DEFAULTS: Array<[string, Record<string, number>]> = [
  ['fraud', FRAUD_RULE_DEFAULTS],
  ['commerce', COMMERCE_RULE_DEFAULTS],
];

describe('rule value ranges', () => {
  it('give every rule key a range of whole numbers, min ≤ max', () => {
    expect(Object.keys(RULE_RANGES).sort()).toEqual([...RULE_KEYS].sort());
    for (const { min, max } of Object.values(RULE_RANGES)) {
      expect(Number.isSafeInteger(min) && Number.isSafeInteger(max) && min >= 0 && min <= max).toBe(true);
    }
  });

  it.each(
    PRESETS.flatMap((preset) => preset.rules.map((rule) => [preset.name, rule.key, rule.value] as const)),
  )('hold the %s preset value of %s (%i)', (_preset, key, value) => {
    expect(validateRuleInput(key, value)).toEqual({ key, value });
  });

  it.each(
    DEFAULTS.flatMap(([name, values]) =>
      Object.entries(values).map(([key, value]) => [name, key, value] as const),
    ),
  )('hold the %s default of %s (%i)', (_module, key, value) => {
    expect(validateRuleInput(key, value)).toEqual({ key, value });
  });

  it.each<[RuleKey, number]>([
    ['tax_deduction_general_rate_bp', 10_001],
    ['self_dealing_payment_refused', 2],
    ['member_min_age_years', 121],
    ['auto_charge_unit_won', 0],
    ['payment_code_ttl_seconds', 0],
    ['charge_monthly_cap_won', -1],
    ['holding_cap_won', Number.MAX_SAFE_INTEGER + 1],
    ['refund_min_used_bp', 0.5],
  ])('refuse %s = %d with RULE_VALUE_OUT_OF_RANGE', (key, value) => {
    const { min, max, unit } = RULE_RANGES[key];
    expect(() => validateRuleInput(key, value)).toThrow(
      expect.objectContaining({
        code: 'RULE_VALUE_OUT_OF_RANGE',
        httpStatus: 400,
        details: { rule: key, min, max, unit },
      }),
    );
  });
});
