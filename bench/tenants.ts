/**
 * `npm run bench:tenants -- --tenants 230 --seconds 20 --concurrency 32 --rounds 3`: many cities on one
 * deployment (one process, one PostgreSQL database). Seeds N cities from the Daejeon preset, each with
 * a few funded members, then runs merchant payments in-process (the payment path without HTTP),
 * closed loop: all on one city, and spread evenly over all N, in alternating rounds. The one city is by
 * default as big as the N together (N × members, N × 3 shops), so both arms pay from and to as many
 * distinct accounts and differ only in what is per city (pots, policy, caps); `--one-city small` pays in
 * the first of the N instead. Reports payments/s
 * both ways, their ratio (the median round's), and memory (RSS, heap) per city: after seeding, and after traffic has touched every
 * city (per-tenant caches, group-commit groups). A benchmark, not a test: nothing here asserts a time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Database, Sql } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { auditLedger } from '../src/modules/ledger/audit.js';
import { memberAccountIds } from '../src/modules/members/member-service.js';
import { businessNumberCheckDigit } from '../src/modules/merchants/business-number.js';
import { createTenant } from '../src/modules/platform-admin/create-tenant.js';
import { SYSTEM_ACCOUNTS } from '../src/modules/wallets/wallet-service.js';
import { createPlatform, type Platform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { createDatabase } from './database.js';
import { openStatementsAdmin, PG_STAT_STATEMENTS_SETTINGS, statementsOf } from './pg-statements.js';
import { postgresCpuSeconds } from './postgres-cpu.js';

const { values } = parseArgs({
  options: {
    tenants: { type: 'string', default: '230' },
    members: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
    'seed-concurrency': { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    // The one-city arm's city: `big` has as many members and shops as all the spread cities together
    // (so both arms touch as many distinct member and shop accounts); `small` is cities[0].
    'one-city': { type: 'string', default: 'big' },
    // A CPU profile of this process per measured round, written to DIR as <arm>-<round>.cpuprofile.
    'cpu-prof': { type: 'string' },
    // PostgreSQL's statements per arm (pg_stat_statements, planning included), printed after each round.
    'pg-stats': { type: 'boolean', default: false },
  },
});
const TENANTS = Number(values.tenants);
const MEMBERS = Number(values.members);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const SEED_CONCURRENCY = Number(values['seed-concurrency']);
const ROUNDS = Number(values.rounds);
const CPU_PROF_DIR = values['cpu-prof'];
const PG_STATS = values['pg-stats'];
const ONE_CITY = values['one-city'];
if (ONE_CITY !== 'big' && ONE_CITY !== 'small') throw new Error('--one-city is big or small');
const FUNDING_WON = 100_000_000;
const DATABASE = 'bench_tenants';

interface City {
  tenantId: string;
  memberIds: string[];
  merchantCodes: string[];
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
function memory() {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMb: mb(rss), heapMb: mb(heapUsed) };
}

const SHOPS: Array<{ name: string; industryCode: string; district: string; dong: string }> = [
  { name: '벤치 커피', industryCode: 'cafe', district: 'seo-gu', dong: '둔산동' },
  { name: '벤치 서점', industryCode: 'bookstore', district: 'jung-gu', dong: '대흥동' },
  { name: '벤치 식당', industryCode: 'restaurant', district: 'yuseong-gu', dong: '봉명동' },
];

/**
 * A city as a platform administrator creates one (`POST /v1/platform/tenants`' createTenant with the
 * daejeon-2021 preset: rules, reference data, accounts, budget and a first operator whose password is
 * hashed with the production argon2id), then the bench's own people: MEMBERS funded members inserted
 * in bulk (no sign-in: they never log in) and three shops applied for and approved through the
 * merchant service.
 */
/** Wall time of each seeding step, summed over the cities of the current progress window. */
const SEED_PHASES = ['createTenant', 'people', 'shops', 'funding'] as const;
const phaseMs = Object.fromEntries(SEED_PHASES.map((phase) => [phase, 0])) as Record<
  (typeof SEED_PHASES)[number],
  number
>;
async function timed<T>(phase: (typeof SEED_PHASES)[number], work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    phaseMs[phase] += performance.now() - started;
  }
}

async function seedCity(platform: Platform, tenantId: string, scale = 1): Promise<City> {
  const { firstOperator } = await timed('createTenant', () =>
    createTenant(platform, {
      tenantId,
      nameKo: `벤치시 ${tenantId}`,
      nameEn: `Bench ${tenantId}`,
      timeZone: 'Asia/Seoul',
      preset: 'daejeon-2021',
    }),
  );
  const people = { members: MEMBERS * scale, shops: SHOPS.length * scale };
  await timed('people', () => insertBenchPeople(platform, tenantId, people));
  const merchantCodes = await timed('shops', () =>
    approvedShops(platform, tenantId, firstOperator.userId, people.shops),
  );
  const memberIds = Array.from({ length: people.members }, (_, n) => `usr_city${n}`);
  await timed('funding', () => fund(platform, tenantId, memberIds));
  return { tenantId, memberIds, merchantCodes };
}

async function approvedShops(
  platform: Platform,
  tenantId: string,
  operatorId: string,
  shops: number,
): Promise<string[]> {
  const merchantCodes: string[] = [];
  for (let n = 0; n < shops; n += 1) {
    const shop = SHOPS[n % SHOPS.length] as (typeof SHOPS)[number];
    const firstNine = `30599${String(n).padStart(4, '0')}`;
    const applied = await platform.merchants.apply(tenantId, `usr_shop${n}`, {
      ...shop,
      businessNumber: `${firstNine}${businessNumberCheckDigit(firstNine)}`,
      annualRevenueWon: 180_000_000,
    });
    const approved = await platform.merchants.approve(tenantId, applied.id, operatorId);
    if (!approved.merchantCode) throw new Error(`shop ${n} of ${tenantId} has no merchant code`);
    merchantCodes.push(approved.merchantCode);
  }
  return merchantCodes;
}

/** Members (with their cash and cashback accounts) and shop owners, in three statements. */
async function insertBenchPeople(
  platform: Platform,
  tenantId: string,
  people: { members: number; shops: number },
): Promise<void> {
  const db = platform.db;
  const now = platform.clock.now();
  await db.query(
    `insert into users (tenant_id, id, phone, password_hash, name, birth_date, district, dong, created_at)
     select $1, 'usr_city' || n, '019-' || lpad(n::text, 8, '0'), 'bench-no-login', 'member ' || n, date '1985-06-01',
       'seo-gu', '둔산동', $3::timestamptz
     from generate_series(0, $2 - 1) as n
     union all
     select $1, 'usr_shop' || n, '018-' || lpad(n::text, 8, '0'), 'bench-no-login', 'owner ' || n, date '1975-03-01',
       'jung-gu', '대흥동', $3::timestamptz
     from generate_series(0, $4 - 1) as n`,
    [tenantId, people.members, now, people.shops],
  );
  await db.query(
    `insert into ledger_accounts (tenant_id, id, kind, owner_id, currency_code, created_at, head_hash)
     select $1, a.id, a.kind, a.owner_id, 'KRW', $3, encode(sha256(convert_to('hanbat-genesis|' || $1 || '|' || a.id, 'UTF8')), 'hex')
     from (select 'usr_city' || n as owner_id from generate_series(0, $2 - 1) as n) as m,
       lateral (values (m.owner_id || ':cash', 'member_cash', m.owner_id), (m.owner_id || ':cashback', 'member_cashback', m.owner_id))
         as a(id, kind, owner_id)`,
    [tenantId, people.members, now],
  );
}

const FUNDING_CHUNK = 500;
async function fund(platform: Platform, tenantId: string, memberIds: string[]): Promise<void> {
  for (let start = 0; start < memberIds.length; start += FUNDING_CHUNK)
    await fundSome(platform, tenantId, memberIds.slice(start, start + FUNDING_CHUNK));
}

async function fundSome(platform: Platform, tenantId: string, memberIds: string[]): Promise<void> {
  const results = await platform.ledger.postTransfers(
    tenantId,
    memberIds.map((memberId) => ({
      id: `city-fund:${memberId}`,
      action: 'transfer' as const,
      code: 'charge',
      postings: [
        { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: -FUNDING_WON },
        { accountId: memberAccountIds(memberId).cash, amountWon: FUNDING_WON },
      ],
    })),
  );
  if (results.some((result) => !result.ok)) throw new Error(`funding refused in ${tenantId}`);
}

/** SEED_CONCURRENCY creators taking the next city until all TENANTS exist; returns them in order. */
/** Every 25 cities: elapsed time, each step's mean wall time per city in the window, load. */
function logProgress(done: number, started: number): void {
  const steps = SEED_PHASES.map((phase) => {
    const meanMs = Math.round(phaseMs[phase] / 25);
    phaseMs[phase] = 0;
    return `${phase} ${meanMs} ms`;
  });
  const elapsedSeconds = Math.round((performance.now() - started) / 1000);
  const load = os.loadavg()[0]?.toFixed(1);
  console.log(`  ${done} cities created (${elapsedSeconds} s; per city ${steps.join(', ')}; load ${load})`);
}

async function seedCities(
  platform: Platform,
): Promise<{ cities: City[]; seconds: number; cpuSeconds: number; postgresCpuSeconds: number }> {
  const cities: City[] = new Array(TENANTS);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const pgCpuBefore = postgresCpuSeconds(DATABASE);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      while (next < TENANTS) {
        const i = next++;
        cities[i] = await seedCity(platform, `city${String(i).padStart(3, '0')}`);
        done += 1;
        if (done % 25 === 0) logProgress(done, started);
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return {
    cities,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 100_000) / 10,
    postgresCpuSeconds: Math.round((postgresCpuSeconds(DATABASE) - pgCpuBefore) * 10) / 10,
  };
}

/** Statements sent to the database (in and out of transactions), so the phases compare by work, not wall time. */
const statements = { count: 0 };
function countingSql(sql: Sql): Sql {
  return {
    query: (text, params) => {
      statements.count += 1;
      return sql.query(text, params);
    },
    exec: (script) => {
      statements.count += 1;
      return sql.exec(script);
    },
  };
}
function countingDatabase(db: Database): Database {
  return {
    ...db,
    ...countingSql(db),
    transaction: (work) =>
      db.transaction((tx) => {
        statements.count += 2;
        return work(countingSql(tx));
      }),
  };
}

let serial = 0;
async function payOnce(platform: Platform, city: City): Promise<boolean> {
  serial += 1;
  const memberId = city.memberIds[serial % city.memberIds.length] as string;
  const key = `bench-city-${process.pid}-${serial}`;
  try {
    await platform.payments.payAtMerchant(city.tenantId, {
      memberId,
      merchantCode: city.merchantCodes[serial % city.merchantCodes.length] as string,
      amountWon: 1_000 + (serial % 29) * 1_000,
      idempotency: { principalId: memberId, key, requestHash: key },
    });
    return true;
  } catch {
    return false;
  }
}

/** CONCURRENCY loops paying for SECONDS; `cityOf(i)` picks the city of the i-th payment. */
/**
 * What the database's sessions of the bench are doing, sampled every SAMPLE_MS on a connection of its
 * own (wait event, else state: `active` is on CPU or queued for it), and callers waiting for a pool
 * connection. Tells lock waits, pool starvation and CPU apart when wall time cannot.
 */
const SAMPLE_MS = 250;
function sampleSessions(adminUrl: string, db: Database) {
  const url = new URL(adminUrl);
  url.pathname = `/${DATABASE}`;
  const client = new pg.Client({ connectionString: url.toString() });
  const seen = new Map<string, number>();
  let samples = 0;
  let poolWaiting = 0;
  const connected = client.connect();
  // The sample in flight, so stop() ends the connection only after it has answered.
  let sampling: Promise<void> = Promise.resolve();
  const sample = async () => {
    await connected;
    poolWaiting += db.poolStats?.().waiting ?? 0;
    samples += 1;
    const rows = await client.query<{ what: string; n: number }>(
      `select coalesce(wait_event_type || ':' || wait_event, state) as what, count(*)::int as n
       from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'
       group by 1`,
      [DATABASE],
    );
    for (const row of rows.rows) seen.set(row.what, (seen.get(row.what) ?? 0) + row.n);
  };
  const timer = setInterval(() => {
    sampling = sampling.then(sample);
  }, SAMPLE_MS);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      await client.end();
      const perSample = (n: number) => Math.round((n / Math.max(1, samples)) * 10) / 10;
      return {
        poolWaitingMean: perSample(poolWaiting),
        sessionsMean: Object.fromEntries(
          [...seen.entries()].sort((a, b) => b[1] - a[1]).map(([what, n]) => [what, perSample(n)]),
        ),
      };
    },
  };
}

/**
 * Runs an arm's `work` with the diagnostics asked for: PostgreSQL's statements (`--pg-stats`, printed
 * per payment) and a CPU profile of this process (`--cpu-prof`, written as DIR/`name`.cpuprofile).
 */
async function instrumented<T extends { ok: number }>(
  name: string,
  statementsAdmin: Database | null,
  work: () => Promise<T>,
): Promise<T> {
  if (!statementsAdmin) return profiled(name, work);
  const statements = statementsOf(statementsAdmin);
  await statements.reset();
  const result = await profiled(name, work);
  console.log(`\n${name}:`);
  await statements.report(result.ok, 15);
  return result;
}

/** Runs `work` under the inspector's CPU profiler when `--cpu-prof` is given, writing the profile as `name`. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!CPU_PROF_DIR) return work();
  const session = new inspector.Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(CPU_PROF_DIR, { recursive: true });
    writeFileSync(path.join(CPU_PROF_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    return result;
  } finally {
    session.disconnect();
  }
}

async function closedLoop(
  platform: Platform,
  sessions: ReturnType<typeof sampleSessions>,
  cityOf: (serial: number) => City,
) {
  let ok = 0;
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const statementsBefore = statements.count;
  const cpuBefore = process.cpuUsage();
  const pgCpuBefore = postgresCpuSeconds(DATABASE);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        next += 1;
        if (await payOnce(platform, cityOf(next))) ok += 1;
        else failed += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const sampled = await sessions.stop();
  return {
    ok,
    failed,
    perSecond: Math.round(ok / seconds),
    statementsPerPayment: Math.round(((statements.count - statementsBefore) / Math.max(1, ok)) * 100) / 100,
    nodeCpuMsPerPayment: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, ok)) * 100) / 100,
    postgresCpuMsPerPayment:
      Math.round((((postgresCpuSeconds(DATABASE) - pgCpuBefore) * 1000) / Math.max(1, ok)) * 100) / 100,
    ...sampled,
  };
}

async function main(): Promise<void> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('PostgreSQL binaries not found (set PG_BIN)');
  const cluster = await startPostgresCluster(binDir, {
    durable: true,
    settings: PG_STATS ? PG_STAT_STATEMENTS_SETTINGS : [],
  });
  const statementsAdmin = PG_STATS ? await openStatementsAdmin(cluster.adminUrl) : null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-bench-tenants-'));
  try {
    const db = await openPostgres(await createDatabase(cluster.adminUrl, DATABASE), 20);
    await migrate(db, allMigrations);
    const platform = createPlatform(loadConfig({}), countingDatabase(db), systemClock);
    const before = memory();
    const seeding = await seedCities(platform);
    const { cities } = seeding;
    const oneCity = ONE_CITY === 'big' ? await seedCity(platform, 'city-big', TENANTS) : (cities[0] as City);
    await db.exec('analyze');
    const seeded = memory();
    // One city and spread traffic in alternating rounds (one/spread, spread/one, …): a checkpoint or
    // an autovacuum then falls on both arms alike, and the ratio is the median of the rounds'.
    const rounds: Array<{
      one: Awaited<ReturnType<typeof closedLoop>>;
      spread: Awaited<ReturnType<typeof closedLoop>>;
    }> = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const runOne = () =>
        instrumented(`one-${round + 1}`, statementsAdmin, () =>
          closedLoop(platform, sampleSessions(cluster.adminUrl, db), () => oneCity),
        );
      const runSpread = () =>
        instrumented(`spread-${round + 1}`, statementsAdmin, () =>
          closedLoop(
            platform,
            sampleSessions(cluster.adminUrl, db),
            (n) => cities[n % cities.length] as City,
          ),
        );
      if (round % 2 === 0) {
        const one = await runOne();
        rounds.push({ one, spread: await runSpread() });
      } else {
        const spread = await runSpread();
        rounds.push({ one: await runOne(), spread });
      }
      const last = rounds.at(-1) as (typeof rounds)[number];
      console.log(
        `  round ${round + 1}: one city ${last.one.perSecond}/s, spread ${last.spread.perSecond}/s`,
      );
    }
    const ratioOf = (round: (typeof rounds)[number]) =>
      round.spread.perSecond / Math.max(1, round.one.perSecond);
    const { one, spread } = [...rounds].sort((a, b) => ratioOf(a) - ratioOf(b))[
      Math.floor(rounds.length / 2)
    ] as (typeof rounds)[number];
    const touched = memory();
    let auditGreen = true;
    for (const city of [oneCity, cities[0], cities.at(-1)] as City[])
      auditGreen &&= (await auditLedger(db, city.tenantId, systemClock.now())).ok;
    const perCity = (after: { rssMb: number; heapMb: number }) => ({
      rssMbPerCity: Math.round(((after.rssMb - before.rssMb) / TENANTS) * 100) / 100,
      heapMbPerCity: Math.round(((after.heapMb - before.heapMb) / TENANTS) * 100) / 100,
    });
    console.log(
      JSON.stringify(
        {
          tenants: TENANTS,
          membersPerTenant: MEMBERS,
          oneCity: { kind: ONE_CITY, members: oneCity.memberIds.length, shops: oneCity.merchantCodes.length },
          seconds: SECONDS,
          concurrency: CONCURRENCY,
          seedSeconds: seeding.seconds,
          seedCpuSeconds: seeding.cpuSeconds,
          seedPostgresCpuSeconds: seeding.postgresCpuSeconds,
          seedCpuMsPerTenant: Math.round(
            ((seeding.cpuSeconds + seeding.postgresCpuSeconds) * 1000) / TENANTS,
          ),
          seedMsPerTenant: Math.round((seeding.seconds * 1000) / TENANTS),
          loadAverage: os.loadavg().map((load) => Math.round(load * 10) / 10),
          oneTenant: one,
          spreadOverAll: spread,
          rounds: rounds.map((round) => ({
            one: round.one.perSecond,
            spread: round.spread.perSecond,
            ratio: Math.round(ratioOf(round) * 100) / 100,
          })),
          // oneTenant and spreadOverAll are the round with the median ratio.
          spreadVsOne: Math.round((spread.perSecond / Math.max(1, one.perSecond)) * 100) / 100,
          memory: { before, seeded, afterTraffic: touched },
          afterSeeding: perCity(seeded),
          afterTraffic: perCity(touched),
          auditFirstAndLastGreen: auditGreen,
        },
        null,
        1,
      ),
    );
    platform.scheduler.stop();
    await db.close();
  } finally {
    await statementsAdmin?.close();
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
