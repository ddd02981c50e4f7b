import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { FraudRule } from '../modules/fraud/rules.js';
import { FRAUD_RULES } from '../modules/fraud/rules.js';
import { DAEJEON_TENANT } from '../modules/tenants/presets.js';
import type { Platform } from '../platform.js';
import { DEMO_HISTORY, plantDemoHistory } from '../simulation/demo-history.js';
import { writeReport } from '../simulation/report.js';
import { openSimulationDatabase } from '../simulation/simulation-database.js';
import { type Promotion, simulate } from '../simulation/simulator.js';

const positive = (name: string, max: number) => (raw: string) => {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1 || value > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return value;
};

/** YYYY-MM with a month that exists: `2024-13` is refused, not read as the next January. */
function monthOf(raw: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(raw);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12) throw new Error('--start must be a month, YYYY-MM (e.g. 2024-01)');
  return raw;
}

/** Ring names from FRAUD_RULES, comma-separated, or "all". */
function fraudPatternsOf(raw: string): FraudRule[] {
  if (raw === 'all') return [...FRAUD_RULES];
  const named = raw.split(',').map((name) => name.trim());
  const unknown = named.filter((name) => !(FRAUD_RULES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`--fraud: unknown ${unknown.join(', ')}; choose from ${FRAUD_RULES.join(', ')} or "all"`);
  return named as FraudRule[];
}

/** `code:from:to:rateBp[:upliftBp]`, dates YYYY-MM-DD, e.g. ontong_sale:2024-11-01:2024-11-30:1500:1300. */
function promotionOf(raw: string, previous: Promotion[] = []): Promotion[] {
  const [code, from, to, rateBp, upliftBp] = raw.split(':');
  if (!code || !from || !to || !rateBp)
    throw new Error('--promotion is code:from:to:rateBp[:spendingUpliftBp]');
  return [...previous, { code, from, to, rateBp: Number(rateBp), spendingUpliftBp: Number(upliftBp ?? 0) }];
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'run a synthetic Daejeon through the real engine in-process and write a report of the dashboards',
    )
    .requiredOption('--months <n>', 'months to simulate', positive('--months', 36))
    .requiredOption('--members <n>', 'synthetic members', positive('--members', 600_000))
    .option('--seed <n>', 'random seed (same seed, same city and orders)', positive('--seed', 2 ** 31), 1)
    .option('--start <month>', 'first month, YYYY-MM', monthOf, '2024-01')
    .option('--report <dir>', 'directory for report.md and the chart SVGs', 'simulation-report')
    .option('--promotion <spec>', 'code:from:to:rateBp[:spendingUpliftBp], repeatable', promotionOf)
    .option(
      '--database-url <url>',
      'an EMPTY PostgreSQL database to run in (refused if it has any table); default: an in-memory embedded database',
    )
    .option(
      '--fraud <patterns>',
      `comma-separated rings to inject in the first month (${FRAUD_RULES.join(', ')}) or "all"`,
      fraudPatternsOf,
    )
    .action(async (options) => {
      const patterns: FraudRule[] | undefined = options.fraud;
      const bar = new SingleBar(
        { format: '{phase} [{bar}] {value}/{total}', hideCursor: true },
        Presets.shades_classic,
      );
      const db = await openSimulationDatabase(options.databaseUrl);
      try {
        bar.start(1, 0, { phase: 'setting up' });
        const result = await simulate({
          db,
          months: options.months,
          members: options.members,
          seed: options.seed,
          startMonth: options.start,
          promotions: options.promotion ?? [],
          ...(patterns ? { fraud: { patterns, intensity: 2 } } : {}),
          onProgress: (done, total, phase) => {
            bar.setTotal(total);
            bar.update(done, { phase });
          },
        });
        bar.stop();
        const { analytics } = result.platform;
        const overview = await analytics.overview(result.tenantId, result.period);
        const dashboard = await analytics.dashboard(result.tenantId, result.period);
        const file = await writeReport(options.report, result, overview, dashboard);
        console.log(
          `${result.payments.attempted} payments in ${result.paymentSeconds.toFixed(1)} s: ${result.paymentsPerSecond.toFixed(0)} payments/s; report: ${file}`,
        );
      } finally {
        bar.stop();
        await db.close();
      }
    });
}

/** The demo start's synthetic month (demo decoration: a failure is reported, never stops the start). */
export async function plantHistory(platform: Platform): Promise<void> {
  const startedMs = performance.now();
  await plantDemoHistory(platform, DAEJEON_TENANT.id).then(
    (planted) =>
      planted &&
      console.log(
        `synthetic demo history: last month of ${DEMO_HISTORY.members} synthetic members in ${Math.round(performance.now() - startedMs)} ms (HANBAT_DEMO_HISTORY=0 skips it)`,
      ),
    (error: unknown) =>
      console.warn(
        `synthetic demo history not planted: ${error instanceof Error ? error.message : String(error)}`,
      ),
  );
}
