/**
 * Bulk seeding for the benchmark: members, merchants, sessions and ledger accounts are inserted with
 * set-based SQL (no argon2 sign-ups); member funding goes through the ledger so the audit stays green.
 */
import { createHash } from 'node:crypto';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { memberAccountIds } from '../src/modules/members/member-service.js';
import { SYSTEM_ACCOUNTS } from '../src/modules/wallets/wallet-service.js';
import type { Platform } from '../src/platform.js';
import { createPlatform } from '../src/platform.js';
import { seedDaejeon } from '../src/presets/daejeon.js';

export interface BenchData {
  tenantId: string;
  memberIds: string[];
  /** Session bearer tokens, index-aligned with memberIds. */
  tokens: string[];
  merchantCodes: string[];
  /** Cumulative Zipf (s = 1) weights over merchantCodes, most popular first. */
  merchantCdf: Float64Array;
}

export const BENCH_TENANT = 'daejeon';
const FUNDING_WON = 5_000_000;
const FUNDING_BATCH = 1000;

export const memberIdOf = (index: number) => `usr_bench${String(index).padStart(7, '0')}`;
export const tokenOf = (index: number) => `hbt_bench_${index}`;
export const merchantCodeOf = (index: number) => `BENCH${index}`;

/** Migrates `db`, seeds it for a server the bench starts afterwards, and closes it. */
export async function seedAndClose(
  db: Database,
  counts: { members: number; merchants: number },
  log: (line: string) => void,
): Promise<BenchData> {
  try {
    await migrate(db, allMigrations);
    return await seedBench(createPlatform(loadConfig({}), db, systemClock), counts, log);
  } finally {
    await db.close();
  }
}

export async function seedBench(
  platform: Platform,
  counts: { members: number; merchants: number },
  log: (line: string) => void,
): Promise<BenchData> {
  const started = Date.now();
  await seedDaejeon(platform, BENCH_TENANT);
  log(`  preset seeded in ${Date.now() - started} ms`);
  const db = platform.db;
  const now = platform.clock.now();
  await insertMembers(db, counts.members, now);
  await insertMerchants(db, counts.merchants, now);
  log(`  ${counts.members} members, ${counts.merchants} merchants inserted in ${Date.now() - started} ms`);
  // Fresh tables have no statistics; without them the planner picks nested seq scans as they grow.
  await db.exec('analyze');
  await fundMembers(platform, counts.members);
  log(`  members funded through the ledger in ${Date.now() - started} ms`);
  await db.exec('analyze');
  const memberIds = Array.from({ length: counts.members }, (_, index) => memberIdOf(index));
  return {
    tenantId: BENCH_TENANT,
    memberIds,
    tokens: memberIds.map((_, index) => tokenOf(index)),
    merchantCodes: Array.from({ length: counts.merchants }, (_, index) => merchantCodeOf(index)),
    merchantCdf: zipfCdf(counts.merchants),
  };
}

async function insertMembers(db: Database, count: number, now: Date): Promise<void> {
  const params = [BENCH_TENANT, count, now, new Date(now.getTime() + 7 * 86_400_000)];
  await db.query(
    `insert into users (tenant_id, id, phone, password_hash, name, birth_date, district, dong, created_at)
     select $1, 'usr_bench' || lpad(n::text, 7, '0'), '019-' || lpad(n::text, 8, '0'),
       'bench-no-login', 'bench member ' || n, '1985-06-01', 'seo-gu', '둔산동', $3
     from generate_series(0, $2 - 1) as n`,
    params.slice(0, 3),
  );
  await db.query(
    `insert into ledger_accounts (tenant_id, id, kind, owner_id, currency_code, created_at, head_hash)
     select $1, a.id, a.kind, a.owner_id, 'KRW', $3, encode(sha256(convert_to('hanbat-genesis|' || $1 || '|' || a.id, 'UTF8')), 'hex')
     from (select 'usr_bench' || lpad(n::text, 7, '0') as owner_id from generate_series(0, $2 - 1) as n) as m,
       lateral (values (m.owner_id || ':cash', 'member_cash', m.owner_id), (m.owner_id || ':cashback', 'member_cashback', m.owner_id))
         as a(id, kind, owner_id)`,
    params.slice(0, 3),
  );
  await db.query(
    `insert into sessions (token_hash, tenant_id, id, user_id, created_at, expires_at)
     select encode(sha256(convert_to('hbt_bench_' || n, 'UTF8')), 'hex'), $1, 'ses_bench' || n,
       'usr_bench' || lpad(n::text, 7, '0'), $3, $4
     from generate_series(0, $2 - 1) as n`,
    params,
  );
  const probe = createHash('sha256').update(tokenOf(0)).digest('hex');
  const [row] = await db.query<{ n: number }>(
    'select count(*)::bigint as n from sessions where token_hash = $1',
    [probe],
  );
  if (row?.n !== 1) throw new Error('bench sessions: token hashes do not match the server');
}

/** Copies of the approved demo merchants (cafe, market store, bookstore), each with its receivable account. */
async function insertMerchants(db: Database, count: number, now: Date): Promise<void> {
  await db.query(
    `with templates as (
       select m.*, row_number() over (order by id) - 1 as t, count(*) over () as k
       from merchants m where tenant_id = $1 and status = 'approved'
     )
     insert into merchants (tenant_id, id, business_number, name, owner_user_id, industry_code, district, dong,
       market_id, is_bookstore, annual_revenue_won, franchise, settlement_bank, status, reasons, merchant_code,
       reviewed_by, reviewed_at, review_note, created_at)
     select $1, 'mer_bench' || lpad(n::text, 6, '0'), (9000000000 + n)::text, 'bench shop ' || n, owner_user_id,
       industry_code, district, dong, market_id, is_bookstore, annual_revenue_won, franchise, settlement_bank,
       'approved', reasons, 'BENCH' || n, reviewed_by, $3, review_note, $3
     from generate_series(0, $2 - 1) as n join templates on templates.t = n % templates.k`,
    [BENCH_TENANT, count, now],
  );
  await db.query(
    `insert into ledger_accounts (tenant_id, id, kind, owner_id, currency_code, created_at, head_hash)
     select $1, id || ':receivable', 'merchant_receivable', id, 'KRW', $2,
       encode(sha256(convert_to('hanbat-genesis|' || $1 || '|' || id || ':receivable', 'UTF8')), 'hex')
     from merchants where tenant_id = $1 and id like 'mer_bench%'`,
    [BENCH_TENANT, now],
  );
}

async function fundMembers(platform: Platform, count: number): Promise<void> {
  for (let first = 0; first < count; first += FUNDING_BATCH) {
    const requests = Array.from({ length: Math.min(FUNDING_BATCH, count - first) }, (_, offset) => ({
      id: `bench-fund:${first + offset}`,
      action: 'transfer' as const,
      code: 'charge',
      postings: [
        { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: -FUNDING_WON },
        { accountId: memberAccountIds(memberIdOf(first + offset)).cash, amountWon: FUNDING_WON },
      ],
    }));
    const results = await platform.ledger.postTransfers(BENCH_TENANT, requests);
    const refused = results.find((result) => !result.ok);
    if (refused && !refused.ok) throw new Error(`funding refused: ${refused.code}`);
  }
}

function zipfCdf(count: number): Float64Array {
  const cdf = new Float64Array(count);
  let sum = 0;
  for (let rank = 0; rank < count; rank++) {
    sum += 1 / (rank + 1);
    cdf[rank] = sum;
  }
  for (let rank = 0; rank < count; rank++) cdf[rank] = (cdf[rank] as number) / sum;
  return cdf;
}

/** A merchant index drawn from the Zipf distribution (binary search on the CDF). */
export function zipfPick(cdf: Float64Array, random = Math.random()): number {
  let low = 0;
  let high = cdf.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((cdf[middle] as number) < random) low = middle + 1;
    else high = middle;
  }
  return low;
}
