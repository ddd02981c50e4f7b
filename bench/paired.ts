/**
 * Paired A/B rounds: the feed benches' bootstrap report (bench/feed-overhead.ts,
 * bench/feed-overhead-http.ts) and the t interval of bench/ab-trees.ts and bench/engine-sketch.ts.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { mean, quantile, sampleStandardDeviation } from 'simple-statistics';

/**
 * The feed's cost as the two arms of each round differ (they ran back to back, in alternating
 * order, so the machine's drift moves both), with a 95% bootstrap interval of the mean difference:
 * an interval that holds 0 means the rounds cannot tell the two apart.
 */
export function reportPaired(
  what: string,
  unit: string,
  withFeed: readonly number[],
  without: readonly number[],
): void {
  const differences = withFeed.map((value, index) => value - (without[index] ?? Number.NaN));
  if (differences.length < 2) return;
  const rng = xoroshiro128plus(20_261_203);
  const resampledMeans = Array.from({ length: 10_000 }, () =>
    mean(
      Array.from(
        { length: differences.length },
        () => differences[uniformInt(rng, 0, differences.length - 1)] as number,
      ),
    ),
  );
  const percentOf = (value: number) => `${((value / mean([...without])) * 100).toFixed(1)}%`;
  const [low, high] = [quantile(resampledMeans, 0.025), quantile(resampledMeans, 0.975)];
  const average = mean(differences);
  console.log(
    `paired ${what} difference (with − without the feed): mean ${average.toFixed(1)} ${unit} (${percentOf(average)}), 95% interval ${low.toFixed(1)} to ${high.toFixed(1)} ${unit} (${percentOf(low)} to ${percentOf(high)}); rounds: ${differences.map((d) => d.toFixed(0)).join(', ')}`,
  );
}

/** Mean paired difference (b − a) over rounds and its 95% half-width (t, df = n − 1, two-sided). */
export function pairedInterval(
  a: readonly number[],
  b: readonly number[],
): { meanA: number; meanB: number; center: number; halfWidth: number } {
  const differences = b.map((value, index) => value - (a[index] as number));
  return {
    meanA: mean([...a]),
    meanB: mean([...b]),
    center: mean(differences),
    halfWidth:
      (tQuantile975(differences.length - 1) * sampleStandardDeviation(differences)) /
      Math.sqrt(differences.length),
  };
}

/** Student's t 0.975 quantile: a table to df 20, beyond it 1.96 + 2.4 / df (within 0.01). */
function tQuantile975(df: number): number {
  const table = [
    12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.2, 2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.1,
    2.09, 2.09,
  ];
  if (df >= 1 && df <= table.length) return table[df - 1] as number;
  return 1.96 + 2.4 / df;
}
