/** Seeded randomness for synthetic data (mulberry32, as the fraud generator): same seed, same city. */
export type Rng = () => number;

export { rngOf } from '../modules/fraud/generator.js';

/** Index drawn with probability proportional to its weight. */
export function pickWeighted(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) total += weight;
  let target = rng() * total;
  for (let index = 0; index < weights.length; index += 1) {
    target -= weights[index] as number;
    if (target < 0) return index;
  }
  return weights.length - 1;
}

/** Log-normal with the given median: the heavy right tail of spending and ticket sizes. */
export function lognormal(rng: Rng, median: number, sigma: number): number {
  const u = 1 - rng();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  return Math.round(median * Math.exp(sigma * normal));
}

/** Zipf (s = 1) over n ranks by inverse transform on the harmonic approximation: a few popular shops. */
export function zipfIndex(rng: Rng, n: number): number {
  if (n <= 1) return 0;
  const h = Math.log(n) + 0.5772;
  return Math.min(n - 1, Math.max(0, Math.floor(Math.exp(rng() * h - 0.5772)) - 1));
}
