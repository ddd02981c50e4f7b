/**
 * `npx tsx bench/forecast-backtest.ts [months] [members] [seed]`: the error of the budget
 * exhaustion forecast, back-tested on replayed history. A synthetic Daejeon runs `months` months
 * through the real engine (hanbat simulate's generator); the what-if replays the whole period under
 * the policy in force against an annual budget sized to run out in the last month, forecasts from
 * the first k months (k = 1, 2, …) with the budget module's projection and compares each forecast
 * with the replayed day. Prints the back-test and the mean absolute error in days. A bench, not a test.
 */
import { simulate } from '../src/simulation/simulator.js';

const months = Number(process.argv[2] ?? 4);
const members = Number(process.argv[3] ?? 40);
const seed = Number(process.argv[4] ?? 7);

const result = await simulate({ months, members, seed, startMonth: '2024-01' });
try {
  const { platform, tenantId, period } = result;
  const policy = await platform.policy.cashbackPolicyAt(tenantId, new Date(`${period.from}T12:00:00+09:00`));
  if (!policy) throw new Error('the preset has a cashback policy');
  const request = { ...period, rules: policy.rules, monthlyPotWon: null, nationalShareBp: 0 };
  const actual = await platform.analytics.whatIf(tenantId, { ...request, annualBudgetWon: null });
  // A budget that lasts until about two thirds into the last month.
  const budgetWon = Math.floor((actual.actual.cashbackWon * (3 * months - 1)) / (3 * months));
  const replay = await platform.analytics.whatIf(tenantId, { ...request, annualBudgetWon: budgetWon });
  console.log(
    `${months} months, ${members} members, seed ${seed}: ${replay.payments} payments replayed (${result.paymentsPerSecond.toFixed(0)} payments/s simulated)`,
  );
  console.log(`replay equals actual: ${replay.draft.cashbackWon === replay.actual.cashbackWon}`);
  console.log(
    `budget ₩${budgetWon.toLocaleString('en')} runs out (replayed) on ${replay.forecast?.replayedExhaustionDate}`,
  );
  for (const point of replay.forecast?.backtest ?? [])
    console.log(
      `  forecast made ${point.madeOn}: ${point.projectedExhaustionDate} (error ${point.errorDays} days)`,
    );
  console.log(`mean absolute error: ${replay.forecast?.meanAbsoluteErrorDays} days`);
} finally {
  await result.platform.db.close();
}
