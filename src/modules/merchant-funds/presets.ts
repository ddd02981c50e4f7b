import type { Database } from '../../db/database.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { MerchantFundService } from './fund-service.js';
import { fundRulesPreset } from './rules.js';
import type { FundApplicationInput } from './types.js';

const PRESET_ACTOR = 'system:preset';

/**
 * The fund's rule values and accounts, and the pool funded once when `poolWon` is given (a city that
 * runs no fund yet gets the rules, so its routes answer, and an empty pool, so nothing is lent).
 */
export async function seedMerchantFunds(
  platform: { policy: PolicyService; merchantFunds: MerchantFundService },
  tenantId: string,
  prefix: string,
  poolWon: number | null,
): Promise<void> {
  await platform.policy.installPreset(tenantId, fundRulesPreset(prefix));
  await platform.merchantFunds.ensureAccounts(tenantId);
  if (poolWon !== null) await platform.merchantFunds.fundPool(tenantId, PRESET_ACTOR, 'preset', poolWon);
}

/** The demo's application from 한밭 커피, waiting for an operator's review. */
export const DEMO_FUND_APPLICATION: FundApplicationInput = {
  amountWon: 30_000_000,
  purpose: '원두 구입과 매장 보수 (데모)',
  termMonths: 36,
  openedOn: '2018-03-02',
};

/** Files the demo application once, for a merchant that has none yet. */
export async function seedDemoFundApplication(
  platform: { db: Database; merchantFunds: MerchantFundService },
  tenantId: string,
  owner: { userId: string; merchantId: string },
): Promise<void> {
  if ((await platform.merchantFunds.applicationsOfMerchant(tenantId, owner.merchantId)).length > 0) return;
  await platform.db.transaction((tx) =>
    platform.merchantFunds.apply(tx, tenantId, owner.userId, owner.merchantId, DEMO_FUND_APPLICATION),
  );
}
