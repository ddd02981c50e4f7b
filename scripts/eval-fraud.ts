/**
 * `npm run eval:fraud [-- --seed N --days D --members M]`: precision and recall of the fraud rules
 * on synthetic traffic with injected rings (src/modules/fraud/generator.ts); see docs/fraud.md.
 */
import { parseArgs } from 'node:util';
import { evaluate } from '../src/modules/fraud/evaluate.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '16' },
    days: { type: 'string', default: '14' },
    members: { type: 'string', default: '600' },
    merchants: { type: 'string', default: '150' },
  },
});
const result = evaluate({
  seed: Number(values.seed),
  days: Number(values.days),
  members: Number(values.members),
  merchants: Number(values.merchants),
  intensities: [1, 2, 3],
});
const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
console.log(
  `seed ${result.seed}: ${result.facts} facts, ${result.alerts} alerts, ${result.overall.rings} rings`,
);
console.log('rule                     alerts  TP  precision  rings caught  recall');
for (const r of result.perRule)
  console.log(
    `${r.rule.padEnd(24)} ${String(r.alerts).padStart(6)} ${String(r.truePositives).padStart(3)} ${pct(r.precision)}    ${String(r.rings).padStart(5)} ${String(r.ringsCaughtByRule).padStart(6)} ${pct(r.recall)}`,
  );
console.log(
  `overall                  ${String(result.alerts).padStart(6)}     ${pct(result.overall.precision)}    ${String(result.overall.rings).padStart(5)} ${String(result.overall.caught).padStart(6)} ${pct(result.overall.recall)}`,
);
console.log('\nprecision-recall curve (alerts scoring at least minScore):');
for (const p of result.curve)
  console.log(
    `  score >= ${p.minScore}: ${String(p.alerts).padStart(4)} alerts, precision ${pct(p.precision)}, recall ${pct(p.recall)}`,
  );
console.log(
  `\ntop 1% of scored subjects (${result.top1Percent.size}): honest look-alikes inside: ${result.top1Percent.lookAlikesInside.join(', ') || 'none'}`,
);
console.log(`look-alikes with any alert: ${result.lookAlikesAlerted.join(', ') || 'none'}`);
console.log(
  `scoring throughput: ${result.scoredPerSecond.toLocaleString('en-US')} facts/s (detectors only, one core)`,
);
const ok =
  result.overall.recall >= 0.9 &&
  result.overall.precision >= 0.8 &&
  result.top1Percent.lookAlikesInside.length === 0;
console.log(
  ok ? 'targets met: recall >= 0.9 at precision >= 0.8, no look-alike in the top 1%' : 'TARGETS NOT MET',
);
process.exitCode = ok ? 0 : 1;
