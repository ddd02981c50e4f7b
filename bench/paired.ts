/** Paired A/B rounds of the feed benches (bench/feed-overhead.ts, bench/feed-overhead-http.ts). */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { mean, quantile } from 'simple-statistics';

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
