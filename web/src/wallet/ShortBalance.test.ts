import { describe, expect, it } from 'vitest';
import type { Wallet } from '../api/types.js';
import { chargeRoomWon, shortfallChargeWon } from './ShortBalance.js';

/** This month with a 500,000원 charge limit, of which `chargedWon` is used. */
function month(chargedWon: number): Wallet['month'] {
  return {
    month: '2026-05',
    chargedWon,
    chargeCapWon: 500_000,
    eligibleSpendWon: 0,
    eligibleCapWon: 500_000,
    cashbackWon: 0,
  };
}

describe('the charge offered for a short balance', () => {
  it('rounds the shortfall up to the next 10,000원 when the month has room for it', () => {
    expect(shortfallChargeWon(3_500, month(0))).toBe(10_000);
    expect(shortfallChargeWon(20_000, month(0))).toBe(20_000);
    expect(shortfallChargeWon(3_500, month(490_000))).toBe(10_000);
  });

  it('offers exactly the shortfall when only that fits under the limit', () => {
    expect(shortfallChargeWon(3_500, month(495_000))).toBe(3_500);
    expect(shortfallChargeWon(5_000, month(495_000))).toBe(5_000);
  });

  it('offers no charge when even the shortfall is over the limit', () => {
    expect(shortfallChargeWon(5_001, month(495_000))).toBeNull();
    expect(shortfallChargeWon(3_500, month(500_000))).toBeNull();
    expect(shortfallChargeWon(1, month(600_000))).toBeNull();
  });

  it('never offers more than the room left under the limit', () => {
    for (const chargedWon of [0, 123_456, 490_001, 499_999, 500_000]) {
      for (const shortWon of [1, 9_999, 10_001, 250_000, 700_000]) {
        const offeredWon = shortfallChargeWon(shortWon, month(chargedWon));
        if (offeredWon !== null) {
          expect(offeredWon).toBeLessThanOrEqual(500_000 - chargedWon);
          expect(offeredWon).toBeGreaterThanOrEqual(shortWon);
        }
      }
    }
  });

  it('counts the room left as none once the limit is used up', () => {
    expect(chargeRoomWon(month(480_000))).toBe(20_000);
    expect(chargeRoomWon(month(600_000))).toBe(0);
  });
});
