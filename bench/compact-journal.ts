/**
 * `npx tsx bench/compact-journal.ts [rounds=3] [secondsPerRound=5] [--batch=N]`: what design step 2
 * (docs/engine.md) would save PostgreSQL, before building it. The ceiling's batch (bench/ceiling.ts's statement:
 * two-posting transfers written by one set-based statement, no logic) against the same transfers as
 * a compact journal, one row each with its postings as arrays and its digest as bytea, the accounts'
 * balances updated the same way, in two forms: the journal alone, and the journal with one narrow
 * row per posting `(account, seq) → commit number`, the least an account's history and chain need.
 * Alternating rounds on one cluster (fsync on): transfers a second, PostgreSQL's CPU and WAL bytes a
 * transfer.
 */
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { CEILING_TABLES, CEILING_WRITE_BATCH, ceilingBatchParameters } from './ceiling.js';
import { createDatabase } from './database.js';
import { closedLoop, type RateResult } from './in-process.js';
import { postgresCpuSeconds } from './postgres-cpu.js';
import { type BenchData, seedBench } from './seed.js';

const args = process.argv.slice(2);
const positional = args.filter((arg) => !arg.startsWith('--'));
const rounds = Number(positional[0] ?? 3);
const seconds = Number(positional[1] ?? 5);
const batchSize = Number(args.find((arg) => arg.startsWith('--batch='))?.slice('--batch='.length) ?? 1_000);
const CONCURRENCY = 2;
const DATABASE = 'hanbat_compact';

const TABLES = `
  drop table if exists bench_journal, bench_journal_postings, bench_compact_accounts;
  drop sequence if exists bench_journal_commit_seq;
  create sequence bench_journal_commit_seq;
  create table bench_journal (
    tenant_id text not null, commit_seq bigint not null, id text not null, code text not null,
    created_at timestamptz not null, account_ids text[] not null, deltas bigint[] not null, digest bytea not null,
    primary key (tenant_id, commit_seq), unique (tenant_id, id));
  create table bench_journal_postings (
    tenant_id text not null, account_id text not null, seq bigint not null, commit_seq bigint not null,
    primary key (tenant_id, account_id, seq));
  create table bench_compact_accounts (like ledger_accounts including defaults including indexes including constraints);
`;

/**
 * The journal rows and the balances; with `postings`, also a narrow row per posting. (A statement's
 * data-modifying CTEs run whether or not it reads them; without postings, $5 and $6 are only typed.) Parameters: the ceiling's
 * (`ceilingBatchParameters`), whose postings come in (from, to) pairs, one pair a transfer.
 */
function writeStatement(postings: boolean): string {
  return `
  with locked as (
    select id from bench_compact_accounts where tenant_id = $1 and id = any($4::text[]) order by id for update
  ), journal as (
    insert into bench_journal (tenant_id, commit_seq, id, code, created_at, account_ids, deltas, digest)
    select $1, nextval('bench_journal_commit_seq'), x.id, 'p2p', now(),
      array[($4::text[])[2 * x.n - 1], ($4::text[])[2 * x.n]], '{-1,1}', decode(x.digest, 'hex')
    from unnest($2::text[], $3::text[]) with ordinality as x(id, digest, n)
    returning id, commit_seq
  )${
    postings
      ? `, postings as (
    insert into bench_journal_postings (tenant_id, account_id, seq, commit_seq)
    select $1, p.account_id, p.seq, j.commit_seq
    from unnest($4::text[], $5::bigint[], $6::text[]) as p(account_id, seq, transfer_id) join journal j on j.id = p.transfer_id
  )`
      : ''
  }
  update bench_compact_accounts a
     set posted_won = a.posted_won + d.delta, entry_count = a.entry_count + d.entries, head_hash = d.head
    from (select account_id, sum(delta) as delta, count(*) as entries, max(digest) as head
            from unnest($4::text[], $7::bigint[], $8::text[]) as z(account_id, delta, digest) group by account_id) d
    join locked l on l.id = d.account_id
   where a.tenant_id = $1 and a.id = d.account_id${postings ? '' : ' and $5::bigint[] is not null and $6::text[] is not null'}`;
}

async function compact(db: Database, data: BenchData, postings: boolean): Promise<RateResult> {
  const statement = writeStatement(postings);
  return closedLoop(`compact${postings ? ' + postings' : ''}`, CONCURRENCY, seconds, async () => {
    await db.query(statement, ceilingBatchParameters(data, batchSize));
    return { ok: batchSize, failed: 0 };
  });
}

const binDir = findPostgresBinDir();
if (!binDir) throw new Error('needs PostgreSQL binaries');
const cluster = await startPostgresCluster(binDir, { durable: true });
try {
  const db = await openPostgres(await createDatabase(cluster.socketUrl, DATABASE), 10);
  await migrate(db, allMigrations);
  const platform = createPlatform(loadConfig({}), db, systemClock);
  const data = await seedBench(platform, { members: 20_000, merchants: 1_000 }, () => {});
  await db.exec(TABLES);
  await db.query('insert into bench_compact_accounts select * from ledger_accounts where tenant_id = $1', [
    data.tenantId,
  ]);
  // The ceiling's own tables, made once here (ledgerCeiling makes them per call, unanalysed) so that
  // every arm writes into analysed tables that grow over the rounds alike.
  await db.exec(CEILING_TABLES);
  await db.query('insert into bench_ceiling_accounts select * from ledger_accounts where tenant_id = $1', [
    data.tenantId,
  ]);
  const walBytes = async () =>
    Number((await db.query<{ b: string }>('select wal_bytes as b from pg_stat_wal'))[0]?.b);
  const arms = {
    'ceiling (rows as today)': () =>
      closedLoop('ceiling', CONCURRENCY, seconds, async () => {
        await db.query(CEILING_WRITE_BATCH, ceilingBatchParameters(data, batchSize));
        return { ok: batchSize, failed: 0 };
      }),
    'compact journal': () => compact(db, data, false),
    'compact journal + posting rows': () => compact(db, data, true),
  };
  for (let round = 1; round <= rounds; round += 1) {
    const names = Object.keys(arms) as Array<keyof typeof arms>;
    for (const name of round % 2 === 1 ? names : [...names].reverse()) {
      await db.exec('vacuum analyze');
      const cpuBefore = postgresCpuSeconds(DATABASE);
      const walBefore = await walBytes();
      const result = await arms[name]();
      const cpuMicros = ((postgresCpuSeconds(DATABASE) - cpuBefore) * 1e6) / result.completed;
      const wal = ((await walBytes()) - walBefore) / result.completed;
      console.log(
        `round ${round} ${name.padEnd(31)} ${result.perSecond.toFixed(0).padStart(7)} transfers/s, PostgreSQL ${cpuMicros.toFixed(1)} µs and ${wal.toFixed(0)} B of WAL a transfer (batch ${batchSize})`,
      );
    }
  }
  await db.close();
} finally {
  cluster.stop();
}
