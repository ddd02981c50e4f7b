/**
 * `npm run bench:tenants -- --tenants 230 --seconds 20 --concurrency 32`: many cities on one
 * deployment (one process, one PostgreSQL database). Seeds N cities from the Daejeon preset, each with
 * a few funded members, then runs merchant payments in-process (the payment path without HTTP),
 * closed loop: first all on one city, then spread evenly over all N. Reports payments/s both ways,
 * their ratio, and memory (RSS, heap) per city: after seeding, and after traffic has touched every
 * city (per-tenant caches, group-commit groups). A benchmark, not a test: nothing here asserts a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { auditLedger } from '../src/modules/ledger/audit.js';
import { memberAccountIds } from '../src/modules/members/member-service.js';
import { SYSTEM_ACCOUNTS } from '../src/modules/wallets/wallet-service.js';
import { createPlatform, type Platform } from '../src/platform.js';
import { seedDaejeon } from '../src/presets/daejeon.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { createDatabase } from './database.js';

const { values } = parseArgs({
  options: {
    tenants: { type: 'string', default: '230' },
    members: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
  },
});
const TENANTS = Number(values.tenants);
const MEMBERS = Number(values.members);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const FUNDING_WON = 100_000_000;

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

async function seedCity(platform: Platform, tenantId: string): Promise<City> {
  await seedDaejeon(platform, tenantId);
  const db = platform.db;
  const now = platform.clock.now();
  await db.query(
    `insert into users (tenant_id, id, phone, password_hash, name, birth_date, district, dong, created_at)
     select $1, 'usr_city' || n, '019-' || lpad(n::text, 8, '0'), 'bench-no-login', 'member ' || n, '1985-06-01',
       'seo-gu', '둔산동', $3
     from generate_series(0, $2 - 1) as n`,
    [tenantId, MEMBERS, now],
  );
  await db.query(
    `insert into ledger_accounts (tenant_id, id, kind, owner_id, currency_code, created_at, head_hash)
     select $1, a.id, a.kind, a.owner_id, 'KRW', $3, encode(sha256(convert_to('hanbat-genesis|' || $1 || '|' || a.id, 'UTF8')), 'hex')
     from (select 'usr_city' || n as owner_id from generate_series(0, $2 - 1) as n) as m,
       lateral (values (m.owner_id || ':cash', 'member_cash', m.owner_id), (m.owner_id || ':cashback', 'member_cashback', m.owner_id))
         as a(id, kind, owner_id)`,
    [tenantId, MEMBERS, now],
  );
  const memberIds = Array.from({ length: MEMBERS }, (_, n) => `usr_city${n}`);
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
  const merchants = await db.query<{ code: string }>(
    `select merchant_code as code from merchants where tenant_id = $1 and status = 'approved' order by id`,
    [tenantId],
  );
  return { tenantId, memberIds, merchantCodes: merchants.map((row) => row.code) };
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
async function closedLoop(platform: Platform, cityOf: (serial: number) => City) {
  let ok = 0;
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
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
  return { ok, failed, perSecond: Math.round(ok / seconds) };
}

async function main(): Promise<void> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('PostgreSQL binaries not found (set PG_BIN)');
  const cluster = await startPostgresCluster(binDir, { durable: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-bench-tenants-'));
  try {
    const db = await openPostgres(await createDatabase(cluster.adminUrl, 'bench_tenants'), 20);
    await migrate(db, allMigrations);
    const platform = createPlatform(loadConfig({}), db, systemClock);
    const before = memory();
    const cities: City[] = [];
    const seedStarted = Date.now();
    for (let i = 0; i < TENANTS; i++) {
      cities.push(await seedCity(platform, `city${String(i).padStart(3, '0')}`));
      if ((i + 1) % 25 === 0)
        console.log(`  ${i + 1} cities seeded (${Math.round((Date.now() - seedStarted) / 1000)} s)`);
    }
    await db.exec('analyze');
    const seeded = memory();
    const one = await closedLoop(platform, () => cities[0] as City);
    const spread = await closedLoop(platform, (n) => cities[n % cities.length] as City);
    const touched = memory();
    let auditGreen = true;
    for (const city of [cities[0], cities.at(-1)] as City[])
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
          seconds: SECONDS,
          concurrency: CONCURRENCY,
          seedSeconds: Math.round((Date.now() - seedStarted) / 1000),
          oneTenant: one,
          spreadOverAll: spread,
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
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
