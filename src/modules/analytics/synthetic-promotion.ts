import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { MerchantWeeks } from './promotion-effect.js';

type Rng = ReturnType<typeof xoroshiro128plus>;
const WEEKS = 4;

/** Standard normal by Box–Muller from the seeded generator. */
function normal(rng: Rng): number {
  const u = 1 - uniformFloat64(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniformFloat64(rng));
}

/**
 * SYNTHETIC merchants with a known effect, for validating the estimator: a log-normal level per
 * merchant, a weekly shock shared by everyone (the season), a trend per merchant, noise per
 * merchant-week, and `effectLog` on treated merchants during the promotion.
 */
export function syntheticPromotion(rng: Rng, effectLog: number, merchantsPerGroup: number): MerchantWeeks[] {
  const season = Array.from({ length: WEEKS * 2 }, () => 0.1 * normal(rng));
  return Array.from({ length: merchantsPerGroup * 2 }, (_, index) => {
    const treated = index < merchantsPerGroup;
    const level = 13 + 0.8 * normal(rng);
    const trend = 0.05 * normal(rng);
    const week = (w: number, during: boolean) =>
      Math.round(
        Math.exp(
          level +
            (season[w] ?? 0) +
            (during ? trend : 0) +
            0.25 * normal(rng) +
            (treated && during ? effectLog : 0),
        ),
      );
    return {
      merchantId: `m${index}`,
      treated,
      beforeWon: Array.from({ length: WEEKS }, (_, w) => week(w, false)),
      duringWon: Array.from({ length: WEEKS }, (_, w) => week(WEEKS + w, true)),
    };
  });
}
