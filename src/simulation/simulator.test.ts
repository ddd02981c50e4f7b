import { describe, expect, it } from 'vitest';
import { simulate } from './simulator.js';

describe('hanbat simulate', () => {
  it('is reproducible by seed: the same orders through the real engine give the same dashboards', async () => {
    const run = async () => {
      const result = await simulate({ months: 1, members: 12, seed: 5, startMonth: '2024-03' });
      try {
        const overview = await result.platform.analytics.overview(result.tenantId, result.period);
        return {
          period: result.period,
          payments: result.payments,
          charges: result.charges,
          spentWon: overview.payments.netWon,
          cashbackWon: overview.cashback.totalWon,
          byDistrict: overview.spendingByDistrict.map(({ district, netWon, count }) => ({
            district,
            netWon,
            count,
          })),
          issuanceWon: overview.issuance.chargedWon,
        };
      } finally {
        await result.platform.db.close();
      }
    };
    const first = await run();
    expect(first.period).toEqual({ from: '2024-03-01', to: '2024-03-31' });
    expect(first.payments.succeeded).toBeGreaterThan(100);
    // Every payment the engine accepted reached the dashboards through the feed.
    expect(first.spentWon).toBeGreaterThan(0);
    expect(first.byDistrict.reduce((sum, row) => sum + row.count, 0)).toBe(first.payments.succeeded);
    expect(await run()).toEqual(first);
  }, 240_000);
});
