import { type Finding, FraudDetector, localTimeIn } from './detector.js';
import { generateScenario, type Scenario, type ScenarioOptions } from './generator.js';
import { FRAUD_RULE_DEFAULTS, FRAUD_RULES, type FraudRule, type FraudThresholds } from './rules.js';

export interface RuleFigures {
  rule: FraudRule;
  alerts: number;
  truePositives: number;
  precision: number;
  /** Rings of this pattern at or above the default thresholds (intensity ≥ 1). */
  rings: number;
  /** Of those, the rings that this rule raised an alert on. */
  ringsCaughtByRule: number;
  recall: number;
  /** Rings of this pattern just below the thresholds (intensity 0), and how many any rule caught. */
  belowRings: number;
  belowCaught: number;
}

export interface Evaluation {
  seed: number;
  facts: number;
  alerts: number;
  perRule: RuleFigures[];
  /** Recall over the rings at or above the thresholds; `recallWithBelow` also counts the rings just below them. */
  overall: {
    precision: number;
    recall: number;
    rings: number;
    caught: number;
    recallWithBelow: number;
  };
  /** Precision and recall counting only alerts scoring at least `minScore`. */
  curve: Array<{ minScore: number; alerts: number; precision: number; recall: number }>;
  /** Subjects (members and merchants) in the top 1% of scores; honest look-alikes must not be among them. */
  top1Percent: { size: number; lookAlikesInside: string[] };
  lookAlikesAlerted: string[];
  scoredPerSecond: number;
}

/** Runs the detectors over the facts and keeps one alert per rule and subject, at its highest score. */
export function detectAll(facts: Scenario['facts'], thresholds: FraudThresholds = FRAUD_RULE_DEFAULTS) {
  const detector = new FraudDetector(thresholds, localTimeIn('Asia/Seoul'));
  const alerts = new Map<string, Finding>();
  const started = performance.now();
  for (const fact of facts)
    for (const finding of detector.observe(fact)) {
      const key = `${finding.rule}|${finding.subjectId}`;
      const known = alerts.get(key);
      if (!known || finding.score >= known.score) alerts.set(key, finding);
    }
  const elapsedMs = performance.now() - started;
  return {
    alerts: [...alerts.values()],
    scoredPerSecond: Math.round((facts.length * 1000) / Math.max(1, elapsedMs)),
  };
}

const entitiesOf = (f: Finding) => [f.memberId, f.merchantId].filter((x): x is string => x !== null);
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

export function evaluate(options: ScenarioOptions): Evaluation {
  const scenario = generateScenario(options);
  const { alerts, scoredPerSecond } = detectAll(scenario.facts);
  const ringOf = new Map<string, string[]>();
  for (const ring of scenario.rings)
    for (const id of [...ring.memberIds, ...ring.merchantIds])
      ringOf.set(id, [...(ringOf.get(id) ?? []), ring.id]);
  const ringsHit = (f: Finding) => new Set(entitiesOf(f).flatMap((id) => ringOf.get(id) ?? []));
  const isTrue = (f: Finding) => ringsHit(f).size > 0;
  const caughtBy = (list: Finding[]) => new Set(list.flatMap((f) => [...ringsHit(f)]));

  const target = scenario.rings.filter((r) => r.intensity >= 1);
  const below = scenario.rings.filter((r) => r.intensity < 1);
  const caughtAll = caughtBy(alerts);
  const perRule = FRAUD_RULES.map((rule): RuleFigures => {
    const mine = alerts.filter((f) => f.rule === rule);
    const rings = target.filter((r) => r.pattern === rule);
    const caught = caughtBy(mine);
    const truePositives = mine.filter(isTrue).length;
    const ringsCaughtByRule = rings.filter((r) => caught.has(r.id)).length;
    const belowRings = below.filter((r) => r.pattern === rule);
    return {
      belowRings: belowRings.length,
      belowCaught: belowRings.filter((r) => caughtAll.has(r.id)).length,
      rule,
      alerts: mine.length,
      truePositives,
      precision: ratio(truePositives, mine.length),
      rings: rings.length,
      ringsCaughtByRule,
      recall: ratio(ringsCaughtByRule, rings.length),
    };
  });
  const curve = [50, 55, 60, 65, 70, 75, 80, 85, 90, 95].map((minScore) => {
    const kept = alerts.filter((f) => f.score >= minScore);
    const keptCaught = caughtBy(kept);
    return {
      minScore,
      alerts: kept.length,
      precision: ratio(kept.filter(isTrue).length, kept.length),
      recall: ratio(target.filter((r) => keptCaught.has(r.id)).length, target.length),
    };
  });
  const caught = target.filter((r) => caughtAll.has(r.id)).length;
  return {
    seed: options.seed,
    facts: scenario.facts.length,
    alerts: alerts.length,
    perRule,
    overall: {
      precision: ratio(alerts.filter(isTrue).length, alerts.length),
      recall: ratio(caught, target.length),
      rings: target.length,
      caught,
      recallWithBelow: ratio(caughtAll.size, scenario.rings.length),
    },
    curve,
    top1Percent: topPercent(scenario, alerts),
    lookAlikesAlerted: scenario.lookAlikes
      .filter((l) =>
        alerts.some(
          (f) => entitiesOf(f).some((id) => [...l.memberIds, ...l.merchantIds].includes(id)) && !isTrue(f),
        ),
      )
      .map((l) => l.id),
    scoredPerSecond,
  };
}

/** Every member and merchant gets the highest score of an alert naming it (0 without one); the top 1% by score. */
function topPercent(scenario: Scenario, alerts: Finding[]) {
  const scores = new Map<string, number>();
  for (const fact of scenario.facts) {
    if (fact.kind === 'merchant') scores.set(fact.merchantId, 0);
    else if (fact.kind === 'payment') scores.set(fact.memberId, 0);
  }
  for (const f of alerts)
    for (const id of entitiesOf(f)) scores.set(id, Math.max(scores.get(id) ?? 0, f.score));
  const size = Math.max(1, Math.ceil(scores.size / 100));
  const top = new Set(
    [...scores.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, size)
      .filter(([, s]) => s > 0)
      .map(([id]) => id),
  );
  const lookAlikesInside = scenario.lookAlikes
    .filter((l) => [...l.memberIds, ...l.merchantIds].some((id) => top.has(id)))
    .map((l) => l.id);
  return { size, lookAlikesInside };
}
