/**
 * `npx tsx scripts/eval-promotion-effect.ts [replications] [merchantsPerGroup]`: the promotion-effect estimator on
 * SYNTHETIC merchants with a known effect (+13%) and with none; prints the 95% interval's coverage
 * and how often a zero effect is called significant. Reproducible (fixed seeds).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { estimatePromotionEffect } from '../src/modules/analytics/promotion-effect.js';
import { syntheticPromotion } from '../src/modules/analytics/synthetic-promotion.js';

const replications = Number(process.argv[2] ?? 1000);
const merchantsPerGroup = Number(process.argv[3] ?? 30);
const rng = xoroshiro128plus(42);
const truthBp = 1_300;
let covered = 0;
let falsePositives = 0;
for (let run = 0; run < replications; run += 1) {
  const estimate = estimatePromotionEffect(syntheticPromotion(rng, Math.log(1.13), merchantsPerGroup), {
    seed: run,
    resamples: 400,
  });
  if (estimate && estimate.intervalBp[0] <= truthBp && truthBp <= estimate.intervalBp[1]) covered += 1;
}
for (let run = 0; run < replications; run += 1) {
  const estimate = estimatePromotionEffect(syntheticPromotion(rng, 0, merchantsPerGroup), {
    seed: run,
    resamples: 400,
  });
  if (estimate?.significant) falsePositives += 1;
}
const percent = (count: number) => ((count / replications) * 100).toFixed(1);
console.log(
  `coverage of +13%: ${covered}/${replications} = ${percent(covered)}%; ` +
    `zero effect called significant: ${falsePositives}/${replications} = ${percent(falsePositives)}%`,
);
