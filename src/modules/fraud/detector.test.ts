import { describe, expect, it } from 'vitest';
import { type Explanation, type Finding, FraudDetector, localTimeIn } from './detector.js';
import { detectAll, evaluate } from './evaluate.js';
import {
  everydayShopping,
  generateScenario,
  LOOK_ALIKE_SCRIPTS,
  normalTraffic,
  RING_SCRIPTS,
  ScenarioBuilder,
  SHOPPING_VARIANT_PATTERNS,
} from './generator.js';
import { FRAUD_RULE_DEFAULTS, FRAUD_RULES } from './rules.js';

const START = Date.UTC(2026, 10, 1) - 9 * 3_600_000;

/** A small town's ordinary traffic with one ring (or one look-alike) planted in it. */
function withRing(rule: (typeof FRAUD_RULES)[number], seed = 7, shopping = false) {
  const b = new ScenarioBuilder(seed, START, 14);
  const pool = normalTraffic(b, 120, 40);
  const ring = RING_SCRIPTS[rule](b, 1, pool);
  if (shopping) for (const memberId of ring.memberIds) everydayShopping(b, memberId, pool.merchants);
  return { ring, alerts: detectAll(b.build().facts).alerts };
}

describe('each rule fires on its pattern', () => {
  it.each(FRAUD_RULES)('%s raises an alert naming the ring at the lowest intensity', (rule) => {
    const { ring, alerts } = withRing(rule);
    const ringIds = new Set([...ring.memberIds, ...ring.merchantIds]);
    const mine = alerts.filter(
      (a) => a.rule === rule && [a.memberId, a.merchantId].some((id) => id && ringIds.has(id)),
    );
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]?.score).toBeGreaterThanOrEqual(50);
    expect(mine[0]?.explain().ko.length).toBeGreaterThan(10);
    expect(mine[0]?.explain().en.length).toBeGreaterThan(10);
  });

  it.each(SHOPPING_VARIANT_PATTERNS)(
    '%s also fires when the ring members use their cards for an ordinary life besides',
    (rule) => {
      const { ring, alerts } = withRing(rule, 7, true);
      const ringIds = new Set([...ring.memberIds, ...ring.merchantIds]);
      const mine = alerts.filter(
        (a) => a.rule === rule && [a.memberId, a.merchantId].some((id) => id && ringIds.has(id)),
      );
      expect(mine.length).toBeGreaterThan(0);
    },
  );

  it('explains a round trip as the cycle of payment and transfers, in time order', () => {
    const { alerts } = withRing('round_trip');
    const trip = alerts.find((a) => a.rule === 'round_trip');
    expect(trip?.cycle?.[0]?.kind).toBe('payment');
    expect(trip?.cycle?.at(-1)?.kind).toBe('transfer');
    expect(trip?.cycle?.at(-1)?.to).toBe(trip?.cycle?.[0]?.from);
    const times = trip?.cycle?.map((e) => e.at) ?? [];
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe('and stays silent on its honest look-alike', () => {
  it.each(Object.entries(LOOK_ALIKE_SCRIPTS))('%s raises no alert', (_name, { script }) => {
    const b = new ScenarioBuilder(11, START, 14);
    const pool = normalTraffic(b, 120, 40);
    const look = script(b, pool);
    const ids = new Set([...look.memberIds, ...look.merchantIds]);
    const { alerts } = detectAll(b.build().facts);
    expect(alerts.filter((a) => [a.memberId, a.merchantId].some((id) => id && ids.has(id)))).toEqual([]);
  });

  it('a lower threshold makes the busy stall an alert: the silence comes from the thresholds, not from the generator', () => {
    const b = new ScenarioBuilder(11, START, 14);
    const pool = normalTraffic(b, 30, 10);
    const stall = LOOK_ALIKE_SCRIPTS.lunch_market_stall?.script(b, pool);
    const strict = { ...FRAUD_RULE_DEFAULTS, fraud_high_value_won: 5_000, fraud_sustained_count_min: 50 };
    const { alerts } = detectAll(b.build().facts, strict);
    expect(alerts.some((a) => a.merchantId === stall?.merchantIds[0])).toBe(true);
  });
});

describe('the evaluation', () => {
  it('is reproducible by seed and meets the targets on a small run', () => {
    const options = {
      seed: 3,
      days: 10,
      members: 150,
      merchants: 50,
      intensities: [1, 2],
      shoppingVariants: true,
    };
    const first = evaluate(options);
    const second = evaluate(options);
    expect({ ...second, scoredPerSecond: 0 }).toEqual({ ...first, scoredPerSecond: 0 });
    expect(first.overall.recall).toBeGreaterThanOrEqual(0.9);
    expect(first.overall.precision).toBeGreaterThanOrEqual(0.8);
    expect(first.top1Percent.lookAlikesInside).toEqual([]);
  });
});

describe('a finding', () => {
  it('reads the same explanation whenever it is read, however many facts the detector saw since', () => {
    const { facts } = generateScenario({
      seed: 5,
      days: 14,
      members: 400,
      merchants: 100,
      intensities: [1, 2, 3],
    });
    const time = localTimeIn('Asia/Seoul');
    const readAtOnce = new FraudDetector(FRAUD_RULE_DEFAULTS, time);
    const readAtEnd = new FraudDetector(FRAUD_RULE_DEFAULTS, time);
    const atOnce: Explanation[] = [];
    const kept: Finding[] = [];
    for (const fact of facts) {
      for (const f of readAtOnce.observe(fact)) atOnce.push(f.explain());
      kept.push(...readAtEnd.observe(fact));
    }
    expect(atOnce.length).toBeGreaterThan(20);
    expect(kept.map((f) => f.explain())).toEqual(atOnce);
    expect({ ...kept[0] }.explain?.()).toEqual(atOnce[0]);
  });
});
