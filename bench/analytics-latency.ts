/**
 * `npx tsx bench/analytics-latency.ts [payments] [--postgres]`: dashboard latency over SYNTHETIC
 * analytics rows (inserted directly with generate_series, Daejeon-like spread over 5 districts,
 * 12 industries, 200k members, 20k merchants, one year). Prints p50/p95 of the overview and the
 * full dashboard. A bench, not a test.
 */
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import { DAEJEON_REFERENCE } from '../src/modules/reference/presets/daejeon.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';

const payments = Number(process.argv[2] ?? 1_000_000);
const usePostgres = process.argv.includes('--postgres');
const RUNS = 20;

async function seed(db: Database, tenantId: string): Promise<void> {
  await db.query(
    `insert into analytics_payments (tenant_id, payment_id, seq, occurred_at, local_date, local_hour, month, member_id,
       merchant_id, district, industry_code, market_id, is_traditional_market, is_bookstore, annual_revenue_won,
       is_welfare_recipient, amount_won, cash_won, month_eligible_before_won, eligible_won, requested_cashback_won,
       cashback_won, policy_id, rule_codes, draws)
     select $1, 'syn_' || i, i, d::timestamptz + ((i % 12)::int + 8) * interval '1 hour', d, (i % 12)::int + 8, to_char(d, 'YYYY-MM'),
       'usr_' || (i * 7919 % 200000), 'mer_' || (i * 104729 % 20000),
       (array['dong-gu','jung-gu','seo-gu','yuseong-gu','daedeok-gu'])[(1 + i % 5)::int],
       (array['restaurant','cafe','bakery','grocery','bookstore','traditional_market_store','hair_salon','clinic',
              'pharmacy','academy','clothing','convenience_store'])[(1 + i % 12)::int],
       case when i % 9 = 0 then 'mkt_jungang' end, i % 9 = 0, i % 12 = 4, 100000000 + (i % 50) * 10000000::bigint,
       i % 20 = 0, 5000 + (i * 31 % 60000), 5000 + (i * 31 % 60000), 0, 5000 + (i * 31 % 60000), 500, 500, 'pol',
       '["base"]', '[{"potId":"pot","source":"city","accountId":"a","amountWon":500}]'
     from generate_series(1::bigint, $2::bigint) as i, lateral (select date '2024-01-01' + (i % 366)::int as d) as day`,
    [tenantId, payments],
  );
  await db.query(
    `insert into analytics_cashback_draws (tenant_id, event_seq, local_date, pot_id, source, amount_won)
     select tenant_id, seq, local_date, 'pot', 'city', cashback_won from analytics_payments where tenant_id = $1`,
    [tenantId],
  );
  await db.query(
    `insert into analytics_members (tenant_id, member_id, district, birth_year, joined_on)
     select $1, 'usr_' || i, (array['dong-gu','jung-gu','seo-gu','yuseong-gu','daedeok-gu'])[1 + i % 5], 1950 + i % 55, date '2023-06-01'
     from generate_series(0, 199999) as i`,
    [tenantId],
  );
  await db.exec('analyze');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

async function main(): Promise<void> {
  const cluster = usePostgres
    ? await startPostgresCluster(findPostgresBinDir() as string, { durable: true })
    : null;
  const db = cluster ? await openPostgres(cluster.adminUrl, 5) : await openPglite(undefined);
  try {
    await migrate(db, allMigrations);
    const platform = createPlatform(loadConfig({}), db, systemClock);
    const tenantId = 'bench';
    await platform.tenants.ensure({
      id: tenantId,
      name: 'bench',
      currencyCode: 'KRW',
      timeZone: 'Asia/Seoul',
    });
    await platform.reference.seedPreset(tenantId, DAEJEON_REFERENCE);
    const seeded = performance.now();
    await seed(db, tenantId);
    console.log(
      `${payments} synthetic payments seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );
    const year = { from: '2024-01-01', to: '2024-12-31' };
    for (const [name, run] of [
      ['overview', () => platform.analytics.overview(tenantId, year)],
      ['dashboard', () => platform.analytics.dashboard(tenantId, year)],
    ] as const) {
      const timesMs: number[] = [];
      for (let index = 0; index < RUNS; index += 1) {
        const started = performance.now();
        await run();
        timesMs.push(performance.now() - started);
      }
      console.log(
        `${name} over a year (${usePostgres ? 'PostgreSQL' : 'PGlite'}): p50 ${percentile(timesMs, 0.5).toFixed(0)} ms, p95 ${percentile(timesMs, 0.95).toFixed(0)} ms`,
      );
    }
  } finally {
    await db.close();
    cluster?.stop();
  }
}

await main();
