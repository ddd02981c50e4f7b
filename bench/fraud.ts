/**
 * Fraud scoring throughput: facts (payments, transfers, cancellations) scored per second by the
 * detectors alone, on synthetic traffic. `npx tsx bench/fraud.ts [members] [days]`.
 */
import { detectAll } from '../src/modules/fraud/evaluate.js';
import { generateScenario } from '../src/modules/fraud/generator.js';

const members = Number(process.argv[2] ?? 2_000);
const days = Number(process.argv[3] ?? 21);
const scenario = generateScenario({
  seed: 1,
  days,
  members,
  merchants: Math.ceil(members / 4),
  intensities: [1, 2, 3],
});
const { alerts, scoredPerSecond } = detectAll(scenario.facts);
console.log(
  `${scenario.facts.length} facts, ${alerts.length} alerts: ${scoredPerSecond.toLocaleString('en-US')} facts scored per second`,
);
