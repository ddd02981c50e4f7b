import { DAEJEON_NEIGHBOURHOOD_RULES, seedDaejeonNeighbourhood } from '../modules/giving/presets/daejeon.js';
import { seedMerchantFunds } from '../modules/merchant-funds/presets.js';
import { FUND_POOL_PRESET_WON } from '../modules/merchant-funds/rules.js';
import type { PolicyPreset } from '../modules/policy/policy-service.js';
import { DAEJEON_TAX_RULES } from '../modules/tax-statements/presets/daejeon.js';
import type { Platform } from '../platform.js';
import type { PresetName } from './catalog.js';

/** A Daejeon rule set under another city's rule ids (ids are unique within a tenant). */
function renamed(preset: PolicyPreset, prefix: string): PolicyPreset {
  return {
    name: preset.name.replace('daejeon', prefix),
    rules: preset.rules.map((rule) => ({ ...rule, id: rule.id.replace('rul_daejeon', `rul_${prefix}`) })),
    policies: [],
  };
}

/**
 * The rules of giving, the tax statement and the merchant fund every preset needs, so those routes
 * answer for a city started from any preset. The income-tax rates are national law (조세특례제한법
 * §126의2), the same everywhere. 동네사랑기부제 and the ₩100억 fund pool are Daejeon's: other presets
 * get the 동네사랑기부제 rate at 0 (not running; the city changes the rule to start it) and the
 * fund's rules with an empty pool (ASSUMED: Daejeon's values, for the city to correct and fund).
 */
export async function installGivingAndFunds(
  platform: Platform,
  tenantId: string,
  preset: PresetName,
): Promise<void> {
  const daejeon = preset === 'daejeon-2021' || preset === 'daejeon-2023';
  const prefix = daejeon ? 'daejeon' : preset === 'blank' ? 'blank' : 'county';
  await platform.policy.installPreset(tenantId, renamed(DAEJEON_TAX_RULES, prefix));
  if (daejeon) {
    await seedDaejeonNeighbourhood(platform, tenantId, await platform.tenants.timeZoneOf(tenantId));
  } else {
    const [rate] = DAEJEON_NEIGHBOURHOOD_RULES.rules;
    if (!rate) throw new Error('the 동네사랑기부제 preset has no rate');
    await platform.policy.installPreset(tenantId, {
      name: `${prefix}-neighbourhood-giving`,
      rules: [{ ...rate, id: `rul_${prefix}_neighbourhood_rate`, value: 0 }],
      policies: [],
    });
  }
  await seedMerchantFunds(platform, tenantId, prefix, daejeon ? FUND_POOL_PRESET_WON : null);
}
