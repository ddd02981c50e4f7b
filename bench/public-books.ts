/**
 * Public books bench (not a test): seal a checkpoint of TRANSFERS synthetic transfers, then time
 * member proofs, then the ledger write with and without the commit-order trigger and the entries'
 * commit-order index.
 * `npx tsx bench/public-books.ts [transfers]` (default 1,000,000). Starts a throwaway PostgreSQL
 * cluster (fsync on, shared_buffers as initdb sets it). Prints one JSON object, with the seal's
 * phases and the load average (the machine is shared: read the phases, not only the total).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { ManualClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { generateSigningKeyPem } from '../src/modules/public-books/signing.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { createDatabase } from './database.js';

const TRANSFERS = Number(process.argv[2] ?? 1_000_000);
const MEMBERS = 10_000;
const PROOFS = 500;
const LEDGER_BATCHES = 40;
const LEDGER_BATCH_SIZE = 100;
const TENANT = 'bench';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main() {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('PostgreSQL binaries not found');
  const cluster = await startPostgresCluster(binDir, { durable: true });
  try {
    const db = await openPostgres(await createDatabase(cluster.adminUrl, 'public_books_bench'), 8);
    await migrate(db, allMigrations);
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    const config = loadConfig({ HANBAT_CHECKPOINT_KEY: generateSigningKeyPem() });
    const platform = createPlatform(config, db, clock);
    await platform.tenants.ensure({ id: TENANT, name: TENANT, currencyCode: 'KRW', timeZone: 'Asia/Seoul' });
    await seedJournal(db);
    const sealStart = performance.now();
    const [nodeCpuBefore, pgCpuBefore] = [process.cpuUsage(), await postgresCpuMs(db)];
    const { checkpoint } = await platform.publicBooks.seal(TENANT);
    const sealMs = performance.now() - sealStart;
    // CPU time, which a busy machine does not inflate the way it inflates the wall clock.
    const sealCpuMs = {
      node: cpuMsSince(nodeCpuBefore),
      postgres: postgresCpuDelta(pgCpuBefore, await postgresCpuMs(db)),
    };

    const proofMs: number[] = [];
    const proofCpuBefore = process.cpuUsage();
    for (let i = 0; i < PROOFS; i += 1) {
      const n = 1 + Math.floor(Math.random() * TRANSFERS);
      const started = performance.now();
      const answer = await platform.publicBooks.proofFor(TENANT, `mem_${n % MEMBERS}`, `pay_${n}`);
      proofMs.push(performance.now() - started);
      if (answer.status !== 'sealed') throw new Error(`transfer ${n} not sealed`);
    }
    const proofNodeCpuMsEach = cpuMsSince(proofCpuBefore) / PROOFS;
    proofMs.sort((a, b) => a - b);

    console.log(JSON.stringify({ sealSeconds: sealMs / 1000, proofMsP99: percentile(proofMs, 99) }));
    const sealPhasesMs = platform.publicBooks.lastSealTimings;
    await platform.ledger.createAccounts(TENANT, [
      { id: 'dst', kind: 'merchant_receivable', currencyCode: 'KRW' },
      ...Array.from({ length: LEDGER_BATCH_SIZE }, (_, i) => ({
        id: `src:${i}`,
        kind: 'member_cash',
        currencyCode: 'KRW',
        allowNegative: true,
      })),
    ]);
    const withTrigger = await ledgerRate(platform, 'a');
    await db.query('alter table ledger_transfers disable trigger ledger_transfers_commit_order');
    const withoutTrigger = await ledgerRate(platform, 'b');
    await db.query('alter table ledger_transfers enable trigger ledger_transfers_commit_order');
    const withTriggerAgain = await ledgerRate(platform, 'c');
    // The entries' commit-order index (migration 3100) on the write path: A/B/A/B, same minute.
    const entryIndex = { withIndex: [] as number[], withoutIndex: [] as number[] };
    for (const round of ['d', 'e', 'f']) {
      entryIndex.withIndex.push(await ledgerRate(platform, `${round}1`));
      await db.query('drop index ledger_entries_commit_order');
      entryIndex.withoutIndex.push(await ledgerRate(platform, `${round}2`));
      await db.query('create index ledger_entries_commit_order on ledger_entries (tenant_id, commit_seq)');
    }
    console.log(
      JSON.stringify(
        {
          transfers: TRANSFERS,
          treeSize: checkpoint.treeSize,
          sealSeconds: Number((sealMs / 1000).toFixed(2)),
          // count: numbering the range; read: waiting for journal pages; hash: leaves, tree, figures; write: one transaction.
          sealPhasesMs,
          sealCpuMs,
          loadAverage: loadavg(),
          proofMs: { p50: percentile(proofMs, 50), p99: percentile(proofMs, 99), max: proofMs.at(-1) },
          proofNodeCpuMsEach,
          ledgerTransfersPerSecond: { withTrigger, withoutTrigger, withTriggerAgain, entryIndex },
        },
        (_key, value) => (typeof value === 'number' ? Number(value.toFixed(2)) : value),
        2,
      ),
    );
    await db.close();
  } finally {
    await cluster.stop();
  }
}

function cpuMsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** CPU time of every process of the cluster (backends and background workers), by pid, from /proc. */
async function postgresCpuMs(db: Awaited<ReturnType<typeof openPostgres>>): Promise<Map<number, number>> {
  const rows = await db.query<{ pid: number }>('select pid from pg_stat_activity');
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerMs);
    } catch {
      // a backend that ended between the query and the read
    }
  }
  return cpu;
}

function postgresCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** Synthetic journal rows written straight in SQL: setting up the data is not what is measured. */
async function seedJournal(db: Awaited<ReturnType<typeof openPostgres>>) {
  await db.query(
    `insert into ledger_accounts (tenant_id, id, kind, owner_id, currency_code, allow_negative, created_at, head_hash)
     select $1, 'cash:' || i, 'member_cash', 'mem_' || i, 'KRW', true, now(), 'x' from generate_series(0, $2 - 1) i
     union all select $1, 'shop', 'merchant_receivable', null, 'KRW', true, now(), 'x'`,
    [TENANT, MEMBERS],
  );
  const CHUNK = 200_000;
  for (let from = 1; from <= TRANSFERS; from += CHUNK) {
    const to = Math.min(TRANSFERS, from + CHUNK - 1);
    await db.query(
      `insert into ledger_transfers (tenant_id, id, action, code, metadata, request_hash, content_hash, created_at)
       select $1, 'payment:pay_' || i, 'transfer', 'payment', '{}', 'x', md5(i::text) || md5(i::text), now()
       from generate_series($2::int, $3::int) i order by i`,
      [TENANT, from, to],
    );
    await db.query(
      `insert into ledger_entries (tenant_id, account_id, seq, transfer_id, posted_delta_won, pending_debit_delta_won, pending_credit_delta_won, hash, commit_seq)
       select $1, e.account_id, i, 'payment:pay_' || i, e.posted, 0, 0, 'x', t.commit_seq
       from generate_series($2::int, $3::int) i
       join ledger_transfers t on t.tenant_id = $1 and t.id = 'payment:pay_' || i
       cross join lateral (values ('cash:' || (i % $4), -1000), ('shop', 1000)) e (account_id, posted)
       order by t.commit_seq`,
      [TENANT, from, to, MEMBERS],
    );
  }
  await db.query('analyze');
}

async function ledgerRate(platform: ReturnType<typeof createPlatform>, round: string): Promise<number> {
  const started = performance.now();
  for (let batch = 0; batch < LEDGER_BATCHES; batch += 1) {
    const requests = Array.from({ length: LEDGER_BATCH_SIZE }, (_, i) => ({
      id: `bench:${round}:${batch}:${i}`,
      action: 'transfer' as const,
      code: 'bench',
      postings: [
        { accountId: `src:${i}`, amountWon: -1 },
        { accountId: 'dst', amountWon: 1 },
      ],
    }));
    await platform.ledger.postTransfers(TENANT, requests);
  }
  return (LEDGER_BATCHES * LEDGER_BATCH_SIZE) / ((performance.now() - started) / 1000);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
