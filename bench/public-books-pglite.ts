/**
 * Public books on the embedded database (not a test): how long a ledger write (a payment's journal
 * step) takes alone, then while the integrator folds TRANSFERS synthetic transfers on the same, single
 * connection as the scheduler runs it (background work, pages of the configured size, behind the
 * priority gate); then the seal with the integrator caught up and member proofs.
 * `npx tsx bench/public-books-pglite.ts [transfers]` (default 100,000). Prints one JSON object with
 * the latency distributions, the integrator's CPU per transfer, the seal and the load average.
 */
import { loadavg } from 'node:os';
import { ManualClock } from '../src/clock.js';
import { BACKGROUND_LIMITS_DEFAULT, loadConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPglite } from '../src/db/pglite.js';
import { inBackground } from '../src/db/priority-gate.js';
import { generateSigningKeyPem } from '../src/modules/public-books/signing.js';
import { createPlatform } from '../src/platform.js';

const TRANSFERS = Number(process.argv[2] ?? 100_000);
const PROOFS = 200;
const MEMBERS = 10_000;
const BASELINE_WRITES = 300;
const TENANT = 'bench';
const SEED_CHUNK = 50_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function summary(latenciesMs: number[]) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    writes: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
  };
}

async function main() {
  const db = await openPglite(undefined);
  await migrate(db, allMigrations);
  const clock = new ManualClock('2026-12-01T00:00:00Z');
  const platform = createPlatform(loadConfig({ HANBAT_CHECKPOINT_KEY: generateSigningKeyPem() }), db, clock);
  await platform.tenants.ensure({ id: TENANT, name: TENANT, currencyCode: 'KRW', timeZone: 'Asia/Seoul' });
  await seedJournal(db);
  await platform.ledger.createAccounts(TENANT, [
    { id: 'payer', kind: 'member_cash', currencyCode: 'KRW', allowNegative: true },
    { id: 'payee', kind: 'merchant_receivable', currencyCode: 'KRW' },
  ]);
  let written = 0;
  const write = async (): Promise<number> => {
    written += 1;
    const started = performance.now();
    const [result] = await platform.ledger.postTransfers(TENANT, [
      {
        id: `pay:${written}`,
        action: 'transfer',
        code: 'payment',
        postings: [
          { accountId: 'payer', amountWon: -1_000 },
          { accountId: 'payee', amountWon: 1_000 },
        ],
      },
    ]);
    if (!result?.ok) throw new Error('a bench write was refused');
    return performance.now() - started;
  };

  const baseline: number[] = [];
  for (let i = 0; i < BASELINE_WRITES; i += 1) baseline.push(await write());

  // The integrator job's work, as the scheduler runs it: background, one page of pageItems at a time.
  const during: number[] = [];
  let integrating = true;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const integration = inBackground(async () => {
    const watermark = await platform.ledger.commitWatermark(TENANT);
    return platform.publicBooks.integrator.integrate(TENANT, watermark, {
      pageTransfers: BACKGROUND_LIMITS_DEFAULT.pglite.pageItems,
    });
  }).finally(() => {
    integrating = false;
  });
  // As many writes as the baseline, back to back: the connection saturated by requests, where the
  // gate gives background work one turn per FOREGROUND_RUNS_PER_BACKGROUND_MAX requests.
  while (integrating && during.length < BASELINE_WRITES) during.push(await write());
  const integrated = await integration;
  const integrationMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const integrationCpuMs = (cpu.user + cpu.system) / 1000;

  const sealStarted = performance.now();
  const { checkpoint } = await platform.publicBooks.seal(TENANT);
  const sealMs = performance.now() - sealStarted;

  const proofMs: number[] = [];
  for (let i = 0; i < PROOFS; i += 1) {
    const n = 1 + Math.floor(Math.random() * TRANSFERS);
    const proofStarted = performance.now();
    const answer = await platform.publicBooks.proofFor(TENANT, `mem_${n % MEMBERS}`, `pay_${n}`);
    proofMs.push(performance.now() - proofStarted);
    if (answer.status !== 'sealed') throw new Error(`transfer ${n} not sealed`);
  }

  console.log(
    JSON.stringify(
      {
        database: 'pglite (in memory)',
        transfers: TRANSFERS,
        integration: {
          transfers: integrated.processed,
          wallSeconds: integrationMs / 1000,
          // This process's CPU while integrating, the interleaved writes and PGlite's work included.
          cpuSeconds: integrationCpuMs / 1000,
          cpuUsPerTransfer: (integrationCpuMs * 1000) / integrated.processed,
          pageTransfers: BACKGROUND_LIMITS_DEFAULT.pglite.pageItems,
        },
        sealCaughtUp: {
          treeSize: checkpoint.treeSize,
          wallMs: sealMs,
          phasesMs: platform.publicBooks.lastSealTimings,
        },
        proofMs: summary(proofMs),
        writeLatencyMs: { alone: summary(baseline), duringIntegration: summary(during) },
        loadAverage: loadavg(),
      },
      (_key, value) => (typeof value === 'number' ? Number(value.toFixed(2)) : value),
      2,
    ),
  );
  await db.close();
}

/** Synthetic journal rows written straight in SQL: setting up the data is not what is measured. */
async function seedJournal(db: Database) {
  await db.query(
    `insert into ledger_accounts (tenant_id, id, kind, owner_id, currency_code, allow_negative, created_at, head_hash)
     select $1, 'cash:' || i, 'member_cash', 'mem_' || i, 'KRW', true, now(), 'x' from generate_series(0, $2 - 1) i
     union all select $1, 'shop', 'merchant_receivable', null, 'KRW', true, now(), 'x'`,
    [TENANT, MEMBERS],
  );
  for (let from = 1; from <= TRANSFERS; from += SEED_CHUNK) {
    const to = Math.min(TRANSFERS, from + SEED_CHUNK - 1);
    await db.query(
      `insert into ledger_transfers (tenant_id, id, action, code, metadata, request_hash, content_hash, created_at)
       select $1, 'payment:pay_' || i, 'transfer', 'payment', '{}', 'x', md5(i::text) || md5(i::text), now()
       from generate_series($2::int, $3::int) i order by i`,
      [TENANT, from, to],
    );
    // PGlite never analyzes by itself: without statistics the join below is planned as a nested scan.
    await db.query('analyze ledger_transfers');
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

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
