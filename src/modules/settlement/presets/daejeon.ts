import type { Sql } from '../../../db/database.js';
import type { SettlementService } from '../settlement-service.js';
import type { PresetFeeRule } from '../types.js';

/**
 * 온통대전 charges merchants no settlement fee (DOMAIN.md: "Merchant fees: 0% up to a revenue
 * threshold"; the sources name no rate above the threshold, so 0% applies to every merchant from the
 * launch in May 2020). A city that charges a fee schedules a new rule; this one stays as history.
 */
export const DAEJEON_FEE_RULES: readonly PresetFeeRule[] = [
  {
    id: 'fee_daejeon_2020',
    rateBp: 0,
    feeFreeAnnualRevenueUpToWon: null,
    effectiveFrom: new Date('2020-05-01T00:00:00+09:00'),
    effectiveTo: null,
  },
];

/** Idempotent: the fixed rule id makes a second run add nothing. */
export async function seedDaejeonSettlement(
  platform: { settlement: SettlementService },
  tenantId: string,
  tx?: Sql,
): Promise<void> {
  await platform.settlement.seedFeeRules(tenantId, DAEJEON_FEE_RULES, tx);
}
