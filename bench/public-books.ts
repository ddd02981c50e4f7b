/**
 * Public books bench (not a test), on a throwaway PostgreSQL cluster (fsync on):
 * (a) the integrator folding TRANSFERS synthetic transfers (CPU per transfer, throughput),
 * (b) the seal of that checkpoint with the integrator caught up, (d) member proofs over the tree,
 * (e) ledger write latency (one transfer per request) without, then during, integration, and
 * (c) the seal from cold (nothing integrated: the tree rebuilt as after migration 3101), during which
 * (e) is measured. `npx tsx bench/public-books.ts [transfers]` (default 1,000,000). Prints JSON with
 * the load average: on a shared machine read the CPU times, not only the wall times.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { ManualClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { verifyConsistency } from '../src/modules/public-books/merkle.js';
import { generateSigningKeyPem } from '../src/modules/public-books/signing.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { createDatabase } from './database.js';

const TRANSFERS = Number(process.argv[2] ?? 1_000_000);
const MEMBERS = 10_000;
const PROOFS = 500;
/** Payments timed in each round (fewer during the cold seal if it ends first). */
const PAYMENTS = 500;
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
    await platform.ledger.createAccounts(TENANT, [
      { id: 'dst', kind: 'merchant_receivable', currencyCode: 'KRW' },
      { id: 'src', kind: 'member_cash', currencyCode: 'KRW', allowNegative: true },
    ]);
    const integrated = await measured(db, async () => {
      const watermark = await platform.ledger.commitWatermark(TENANT);
      return platform.publicBooks.integrator.integrate(TENANT, watermark);
    });
    const integration = {
      ...integrated.cost,
      transfersPerSecond: integrated.value.processed / (integrated.cost.wallMs / 1000),
      nodeCpuUsPerTransfer: (integrated.cost.nodeCpuMs * 1000) / integrated.value.processed,
      postgresCpuUsPerTransfer: (integrated.cost.postgresCpuMs * 1000) / integrated.value.processed,
      loadAverage: loadavg(),
    };
    const caughtUp = await measured(db, () => platform.publicBooks.seal(TENANT));
    const sealCaughtUp = {
      ...caughtUp.cost,
      phasesMs: platform.publicBooks.lastSealTimings,
      loadAverage: loadavg(),
    };
    const { checkpoint } = caughtUp.value;

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
    const proofs = {
      p50Ms: percentile(proofMs, 50),
      p99Ms: percentile(proofMs, 99),
      maxMs: proofMs.at(-1),
      proofNodeCpuMsEach,
      loadAverage: loadavg(),
    };
    console.log(JSON.stringify({ integration, sealCaughtUp, proofs }));

    const paymentsAlone = await paymentLatencies(platform, 'alone', () => true);
    // The integrator kept busy: to the watermark again and again (the job does this every 10 s).
    let steady = true;
    const integrating = (async () => {
      let rounds = 0;
      for (; steady; rounds += 1)
        await platform.publicBooks.integrator.integrate(
          TENANT,
          await platform.ledger.commitWatermark(TENANT),
        );
      return rounds;
    })();
    const paymentsSteady = await paymentLatencies(platform, 'steady', () => true);
    steady = false;
    const steadyRounds = await integrating;
    // Back to what migration 3101 leaves (checkpoints, no integrated tree): the next seal integrates from leaf 0.
    for (const table of ['public_book_leaves', 'public_book_nodes', 'public_book_integration'])
      await db.query(`delete from ${table} where tenant_id = $1`, [TENANT]);
    let sealing = true;
    const cold = measured(db, () => platform.publicBooks.seal(TENANT)).finally(() => {
      sealing = false;
    });
    const paymentsDuring = await paymentLatencies(platform, 'during', () => sealing);
    const sealCold = {
      ...(await cold).cost,
      treeSize: (await cold).value.checkpoint.treeSize,
      phasesMs: platform.publicBooks.lastSealTimings,
      loadAverage: loadavg(),
    };
    // The rebuilt tree extends the one sealed before (a monitor's check).
    const extension = await platform.publicBooks.consistency(TENANT, 2, 1);
    const coldTreeExtendsCaughtUp = verifyConsistency(
      checkpoint.treeSize,
      sealCold.treeSize,
      Buffer.from(checkpoint.rootHash, 'hex'),
      Buffer.from(extension.to.rootHash, 'hex'),
      extension.consistencyPath.map((hex) => Buffer.from(hex, 'hex')),
    );
    console.log(
      JSON.stringify(
        {
          transfers: TRANSFERS,
          treeSize: checkpoint.treeSize,
          integration,
          sealCaughtUp,
          sealCold,
          coldTreeExtendsCaughtUp,
          proofs,
          payments: {
            alone: paymentsAlone,
            withIntegratorLooping: { ...paymentsSteady, integratorRounds: steadyRounds },
            duringColdIntegration: paymentsDuring,
          },
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

/** Wall time and CPU time (this process, and every PostgreSQL backend) of `work`. */
async function measured<T>(db: Awaited<ReturnType<typeof openPostgres>>, work: () => Promise<T>) {
  const started = performance.now();
  const [nodeBefore, pgBefore] = [process.cpuUsage(), await postgresCpuMs(db)];
  const value = await work();
  const cost = {
    wallMs: performance.now() - started,
    // Includes anything else this process ran meanwhile (the payments, during the cold seal).
    nodeCpuMs: cpuMsSince(nodeBefore),
    postgresCpuMs: postgresCpuDelta(pgBefore, await postgresCpuMs(db)),
  };
  return { value, cost };
}

/** Ledger writes of one transfer each, one after another (a payment's journal step), while `going()`. */
async function paymentLatencies(
  platform: ReturnType<typeof createPlatform>,
  round: string,
  going: () => boolean,
) {
  const latencies: number[] = [];
  for (let i = 0; i < PAYMENTS && going(); i += 1) {
    const started = performance.now();
    const [result] = await platform.ledger.postTransfers(TENANT, [
      {
        id: `bench:${round}:${i}`,
        action: 'transfer',
        code: 'bench',
        postings: [
          { accountId: 'src', amountWon: -1 },
          { accountId: 'dst', amountWon: 1 },
        ],
      },
    ]);
    if (!result?.ok) throw new Error('a bench payment was refused');
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
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

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
