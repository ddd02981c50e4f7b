import type { BudgetService } from '../budget-service.js';
import type { BudgetPotSummary } from '../types.js';

/**
 * 온통대전's 2021 cashback budget: ₩1,300억 "including national funds" (seed article, 2021-05-13).
 * Assumption: the national/city split is not public in our sources; 40% national is a placeholder a
 * city operator should correct. No 2020 pot is seeded: the 2020 budget is not in our sources, and
 * cashback is only ever paid at the time of a payment, never backdated into 2020.
 */
export const DAEJEON_2021_POT = {
  id: 'bud_daejeon_2021',
  name: '2021 온통대전 캐시백 예산',
  period: 'annual' as const,
  from: new Date('2021-01-01T00:00:00+09:00'),
  to: new Date('2022-01-01T00:00:00+09:00'),
  amountWon: 130_000_000_000,
  nationalShareBp: 4000,
};

const PRESET_ACTOR = 'system:preset';

/** Idempotent: the fixed pot id makes a second run return the existing pot without funding it again. */
export async function seedDaejeonBudgets(
  platform: { budgets: BudgetService },
  tenantId: string,
): Promise<BudgetPotSummary> {
  return platform.budgets.installPresetPot(tenantId, PRESET_ACTOR, DAEJEON_2021_POT);
}
