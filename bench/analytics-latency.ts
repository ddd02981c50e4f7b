/**
 * `npx tsx bench/analytics-latency.ts [members] [--postgres] [--merchants=N]`: dashboard latency over a year of
 * Daejeon-scale ROLLUPS (the tables the analytics consumer keeps and the dashboards read), inserted
 * directly with generate_series: 366 days × (5 districts, 20 industries, 29 markets, 24 hours,
 * 70 birth years), 12 months × `members` (default 560,000, 85% paying each month) and 12 months ×
 * 40,000 merchants (`--merchants`). That is what a year of ≈30M payments leaves behind. Prints p50/p95
 * of the overview and the full dashboard over one month and over the whole year: the first call
 * (which ranks the members) and the following ones (kept until the consumer moves); then a request
 * whose range the consumer has moved past, the analytics job's precompute of that range and the
 * request after it. A bench, not a test.
 */
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import { DAEJEON_REFERENCE } from '../src/modules/reference/presets/daejeon.js';
import { createPlatform, type Platform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';

const members = Number(process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 560_000);
const usePostgres = process.argv.includes('--postgres');
const merchantsArg = process.argv.find((arg) => arg.startsWith('--merchants='));
const MERCHANTS = merchantsArg ? Number(merchantsArg.split('=')[1]) : 40_000;
const RUNS = 21;

async function seed(db: Database, tenantId: string): Promise<void> {
  const days = `generate_series(date '2024-01-01', date '2024-12-31', interval '1 day') as d`;
  await db.query(
    `insert into analytics_daily (tenant_id, local_date, charged_won, granted_won, joined, payments, gross_won, cancelled_won)
     select $1, d, 2000000000, 100000000, 300, 82000, 2500000000, 10000000 from ${days}`,
    [tenantId],
  );
  await db.query(
    `insert into analytics_daily_spend (tenant_id, local_date, dimension, key, net_won, count)
     select $1, d, k.dimension, k.key, 1000000 + (extract(doy from d)::int * 7919 % 5000000), 1000 from ${days},
       (select 'district' as dimension, unnest(array['dong-gu','jung-gu','seo-gu','yuseong-gu','daedeok-gu']) as key
        union all select 'industry', 'ind_' || i from generate_series(1, 20) i
        union all select 'market', 'mkt_' || i from generate_series(1, 29) i
        union all select 'hour', lpad(h::text, 2, '0') from generate_series(0, 23) h
        union all select 'birth_year', y::text from generate_series(1935, 2005) y) as k`,
    [tenantId],
  );
  await db.query(
    `insert into analytics_daily_pots (tenant_id, local_date, pot_id, source, amount_won)
     select $1, d, p.pot, p.source, 70000000 from ${days},
       (values ('pot_national', 'national'), ('pot_city', 'city'), ('pot_promo', 'city')) as p(pot, source)`,
    [tenantId],
  );
  for (let month = 1; month <= 12; month += 1) {
    const key = `2024-${String(month).padStart(2, '0')}`;
    await db.query(
      `insert into analytics_member_months (tenant_id, month, member_id, net_won, cashback_won)
       select $1, $2, 'usr_' || i, 10000 + (i * 7919 % 1000) * (i % 97) * 100, (10000 + (i * 7919 % 1000) * (i % 97) * 100) / 10
       from generate_series(1::bigint, $3::bigint) as i where (i + $4::int) % 20 >= 3`,
      [tenantId, key, members, month],
    );
    await db.query(
      `insert into analytics_merchant_months (tenant_id, month, merchant_id, district, industry_code, declared_won, net_won)
       select $1, $2, 'mer_' || i, (array['dong-gu','jung-gu','seo-gu','yuseong-gu','daedeok-gu'])[1 + i % 5],
         'ind_' || (1 + i % 20), 100000000 + (i % 50) * 10000000::bigint, 100000 + (i * 104729 % 20000000)
       from generate_series(1::bigint, $3::bigint) as i`,
      [tenantId, key, MERCHANTS],
    );
  }
  await db.exec('analyze');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

/**
 * The analytics job's precompute: the consumer has moved (the year's ranking is stale), the job
 * refreshes one range per run (the console's default first, then the most recently requested),
 * and the operator's next request finds the year ranked.
 */
async function measurePrecompute(platform: Platform, db: Database, tenantId: string): Promise<void> {
  const year = { from: '2024-01-01', to: '2024-12-31' };
  await db.query(
    `update analytics_member_stats set feed_position = -1, requested_at = now()
     where tenant_id = $1 and from_month = '2024-01' and to_month = '2024-12'`,
    [tenantId],
  );
  const behindStarted = performance.now();
  await platform.analytics.dashboard(tenantId, year);
  console.log(
    `a dashboard request over the year while its ranking is behind the consumer takes ${(performance.now() - behindStarted).toFixed(0)} ms`,
  );
  let jobMs = 0;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    const refreshed = await platform.analytics.refreshMemberStats(tenantId);
    if (refreshed?.from === '2024-01') jobMs = performance.now() - started;
    if (!refreshed) break;
  }
  const started = performance.now();
  await platform.analytics.dashboard(tenantId, year);
  console.log(
    `the job ranks the year's members in ${jobMs.toFixed(0)} ms; the next dashboard request over the year takes ${(performance.now() - started).toFixed(0)} ms`,
  );
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
      `a year of rollups for ${members} members and ${MERCHANTS} merchants seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );
    const periods = [
      ['a month', { from: '2024-06-01', to: '2024-06-30' }],
      ['a year', { from: '2024-01-01', to: '2024-12-31' }],
    ] as const;
    for (const [periodName, period] of periods)
      for (const [name, run] of [
        ['overview', () => platform.analytics.overview(tenantId, period)],
        ['dashboard', () => platform.analytics.dashboard(tenantId, period)],
      ] as const) {
        const timesMs: number[] = [];
        for (let index = 0; index < RUNS; index += 1) {
          const started = performance.now();
          await run();
          timesMs.push(performance.now() - started);
        }
        // The first call ranks every member of the range (then kept until the consumer moves).
        const coldMs = timesMs.shift() as number;
        console.log(
          `${name} over ${periodName} (${usePostgres ? 'PostgreSQL' : 'PGlite'}): first ${coldMs.toFixed(0)} ms, then p50 ${percentile(timesMs, 0.5).toFixed(0)} ms, p95 ${percentile(timesMs, 0.95).toFixed(0)} ms`,
        );
      }
    await measurePrecompute(platform, db, tenantId);
  } finally {
    await db.close();
    cluster?.stop();
  }
}

await main();
