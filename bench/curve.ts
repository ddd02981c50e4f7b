/**
 * `npm run bench:curve` (`-- --smoke`, `--rate <per s>`, `--max-entries <rows>`, `--audit`): does payment
 * latency stay flat as the journal grows? Starts a throwaway PostgreSQL cluster (fsync on), seeds like
 * `npm run bench`, starts the real server once, and at each checkpoint (as seeded, then 1M, 2.5M, 5M, 10M
 * ledger_entries rows) measures HTTP payments at a fixed offered rate. Writes
 * bench/results/<time>-curve.json and .md.
 *
 * The rows added between checkpoints are SYNTHETIC filler, written by set-based SQL and not by the payment
 * path. Per filler payment they are the rows a real merchant payment writes, in the same shapes: 1
 * ledger_transfer (spend and cashback together), 5 ledger_entries (member cash, merchant receivable, the current
 * budget pot's national and city accounts, member cashback), 1 payments row (with its idempotency key and
 * receipt context and its place in the member's history). Members are uniform over the bench members, merchants Zipf like the measured traffic,
 * each account's `seq` continues its chain, and ledger_accounts.entry_count and posted_won are kept
 * consistent. The hash columns hold a placeholder, so the accounts' hash chains are NOT valid and the audit
 * is not run on this database, except with `--audit`, which runs it once at the end to check the filler: the
 * digest and hash chain checks then fail by design, every other check should pass. The filler is dated over
 * the months before the current one, so this month's caps (member_monthly_usage) stay as they are. Only the
 * measured payments go through the real path (HTTP, policy, caps, budget, ledger).
 *
 * Column lists come from the live schema, so the filler keeps working if columns with defaults or foreign
 * keys are added or dropped; the foreign keys present are reported with the results.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPostgres } from '../src/db/postgres.js';
import { type AuditCheck, auditLedger } from '../src/modules/ledger/audit.js';
import { memberAccountIds } from '../src/modules/members/member-service.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { catchUpBackground, waitForConsumers } from './background.js';
import { createDatabase } from './database.js';
import { type HttpResult, payAtFixedRate, type Server, startServer } from './http.js';
import { describeMachine, loadAverage, loadAveragesText, type Machine, machineLine } from './machine.js';
import { type BenchData, seedAndClose } from './seed.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const AUDIT = args.includes('--audit');
const SIZES = smoke
  ? { members: 2_000, merchants: 200, seconds: 2, warmUpSeconds: 1 }
  : { members: 100_000, merchants: 5_000, seconds: 10, warmUpSeconds: 3 };
const RATE_PER_SECOND = numberOption('--rate', 300);
const MAX_ENTRIES = numberOption('--max-entries', smoke ? 50_000 : 10_000_000);
const CHECKPOINTS = checkpointsUpTo(
  MAX_ENTRIES,
  smoke ? [0, 20_000, 50_000] : [0, 1_000_000, 2_500_000, 5_000_000, 10_000_000],
);
const POOL_SIZE = 10;
const METRICS_TOKEN = 'bench-curve';
/** The longest wait for the server's consumers before a checkpoint is measured anyway. */
const CONSUMERS_WAIT_MS = 120_000;
const ENTRIES_PER_PAYMENT = 5;
/** Entries per filler statement: big enough to be set-based, small enough to keep each sort in memory. */
const CHUNK_ENTRIES = 250_000;
const CHUNK_PAYMENTS = CHUNK_ENTRIES / ENTRIES_PER_PAYMENT;
/** Filler is dated over this many days before the current month. */
const HISTORY_DAYS = 300;
/** As long as a sha256 hex digest, so rows are their real width, and plainly not one. */
const FILLER_HASH = 'synthetic-curve-filler-not-a-hash'.padEnd(64, '-');
const GROWN_TABLES = ['ledger_entries', 'ledger_transfers', 'payments'];

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

const log = (line: string) => console.log(line);
const secondsSince = (startedMs: number) => (performance.now() - startedMs) / 1000;
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

function numberOption(name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]?.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} needs a number`);
  return value;
}

/** The default checkpoints below the top, then the top itself; 0 means "as seeded". */
function checkpointsUpTo(top: number, defaults: readonly number[]): number[] {
  return [...new Set([...defaults.filter((entries) => entries < top), top])];
}

interface Checkpoint {
  targetEntries: number;
  /** ledger_entries rows when measured (seeded funding, filler, and the payments measured so far). */
  entries: number;
  fillerPayments: number;
  fillSeconds: number;
  vacuumAnalyzeSeconds: number;
  loadAverage: string;
  /** Transfers the bench folded into the public books before measuring (bench/background.ts). */
  publicBooksFolded: number;
  /** How long the server's consumers took to reach the feed's head after the warm-up. */
  consumersWaitedMs: number;
  http: HttpResult;
  /** VmHWM of the one server process, so the peak so far over the curve. */
  serverPeakRssMb: number;
  sizesMb: Record<string, number>;
}

interface CurveResults {
  startedAt: string;
  smoke: boolean;
  command: string;
  machine: Machine;
  sizes: typeof SIZES;
  ratePerSecond: number;
  filler: { synthetic: true; note: string; entriesPerPayment: number; chunkEntries: number };
  foreignKeys: string[];
  loadAverages: Record<string, string>;
  checkpoints: Checkpoint[];
  /** With --audit: the ledger audit's checks after the last checkpoint. */
  audit: AuditCheck[] | null;
}

const FILLER_NOTE =
  'rows added between checkpoints are synthetic (set-based SQL, same tables, shapes and key distributions ' +
  'as a merchant payment, placeholder hashes: hash chains are not valid, so the audit is not run on this ' +
  'database unless --audit); only the measured payments go through the real path';

async function main(): Promise<void> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('bench:curve needs PostgreSQL binaries (set PG_BIN)');
  const results: CurveResults = {
    startedAt: new Date().toISOString(),
    smoke,
    command: commandLine(),
    machine: describeMachine('unknown'),
    sizes: SIZES,
    ratePerSecond: RATE_PER_SECOND,
    filler: {
      synthetic: true,
      note: FILLER_NOTE,
      entriesPerPayment: ENTRIES_PER_PAYMENT,
      chunkEntries: CHUNK_ENTRIES,
    },
    foreignKeys: [],
    loadAverages: { start: loadAverage() },
    checkpoints: [],
    audit: null,
  };
  log(
    `bench:curve ${smoke ? '(smoke) ' : ''}on ${results.machine.cores} × ${results.machine.cpus}; ` +
      `checkpoints ${CHECKPOINTS.map(thousands).join(', ')} entries at ${RATE_PER_SECOND}/s offered; load ${loadAverage()}`,
  );
  const cluster = await startPostgresCluster(binDir, { durable: true });
  try {
    const databaseUrl = await createDatabase(cluster.adminUrl, 'hanbat_curve');
    log('seeding');
    const data = await seed(databaseUrl);
    await runCurve(databaseUrl, data, results);
  } finally {
    cluster.stop();
  }
  results.loadAverages.end = loadAverage();
  report(results);
}

async function seed(databaseUrl: string): Promise<BenchData> {
  return seedAndClose(await openPostgres(databaseUrl, POOL_SIZE), SIZES, log);
}

/** One filler session (its temporary tables live there) and one server for every checkpoint. */
async function runCurve(databaseUrl: string, data: BenchData, results: CurveResults): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [version] = (await client.query<{ server_version: string }>('show server_version')).rows;
    results.machine.postgres = version?.server_version ?? 'unknown';
    const filler = await prepareFiller(client, data);
    results.foreignKeys = await foreignKeys(client);
    log(`foreign keys: ${results.foreignKeys.join('; ') || 'none'}`);
    const server = await startServer({ databaseUrl }, [], { HANBAT_METRICS_TOKEN: METRICS_TOKEN });
    try {
      for (const targetEntries of CHECKPOINTS) {
        const growth = await growTo(client, filler, targetEntries);
        const checkpoint = await measure(client, server, databaseUrl, data, targetEntries, growth);
        printCheckpoint(checkpoint);
        results.checkpoints.push(checkpoint);
      }
    } finally {
      await server.stop();
    }
  } finally {
    await client.end();
  }
  if (AUDIT) results.audit = await auditCurve(databaseUrl, data.tenantId);
}

async function auditCurve(databaseUrl: string, tenantId: string): Promise<AuditCheck[]> {
  log('audit (--audit): the digest and hash chain checks fail on filler rows by design');
  const db = await openPostgres(databaseUrl, 2);
  try {
    const report = await auditLedger(db, tenantId, new Date());
    for (const check of report.checks)
      log(`  ${check.name}: ${check.ok ? 'ok' : `${check.violationCount} violations`}`);
    return report.checks;
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Filler

interface LiveColumn {
  name: string;
  required: boolean;
  /** Identity "always" or generated: the database writes it, an insert may not. */
  databaseWritten: boolean;
}

interface Filler {
  client: pg.Client;
  tenantId: string;
  timeZone: string;
  pot: { nationalAccountId: string; cityAccountId: string; nationalShareBp: number };
  memberCount: number;
  historyStart: Date;
  msPerPayment: number;
  /** Global index of the next filler payment: ids, idempotency keys and dates derive from it. */
  nextPayment: number;
  salt: string;
  columns: Map<string, LiveColumn[]>;
}

async function prepareFiller(client: pg.Client, data: BenchData): Promise<Filler> {
  // Each chunk sorts ~250k entries by account and builds ~50k payments in temporary tables; keep both in memory.
  await client.query("set work_mem = '256MB'");
  await client.query("set temp_buffers = '256MB'");
  await client.query("set maintenance_work_mem = '256MB'");
  await copyMembers(client, data);
  await copyMerchants(client, data);
  const tenantId = data.tenantId;
  const [tenant] = (
    await client.query<{ time_zone: string }>('select time_zone from tenants where id = $1', [tenantId])
  ).rows;
  const timeZone = tenant?.time_zone ?? 'UTC';
  const [history] = (
    await client.query<{ start: Date; end: Date }>(
      `select (date_trunc('month', now() at time zone $1) - make_interval(days => $2)) at time zone $1 as start,
         date_trunc('month', now() at time zone $1) at time zone $1 as end`,
      [timeZone, HISTORY_DAYS],
    )
  ).rows;
  if (!history) throw new Error('no history window');
  const plannedPayments = Math.max(1, Math.ceil(MAX_ENTRIES / ENTRIES_PER_PAYMENT));
  return {
    client,
    tenantId,
    timeZone,
    pot: await currentPot(client, tenantId),
    memberCount: data.memberIds.length,
    historyStart: history.start,
    msPerPayment: (history.end.getTime() - history.start.getTime()) / plannedPayments,
    nextPayment: 0,
    salt: `${Date.now()}:`,
    columns: await liveColumns(client),
  };
}

async function copyMembers(client: pg.Client, data: BenchData): Promise<void> {
  const accounts = data.memberIds.map((memberId) => memberAccountIds(memberId));
  await client.query(
    `create temp table curve_members (n int primary key, member_id text not null, cash_account text not null,
       cashback_account text not null)`,
  );
  await client.query(
    `insert into curve_members
     select ord - 1, member_id, cash_account, cashback_account
     from unnest($1::text[], $2::text[], $3::text[]) with ordinality as u(member_id, cash_account, cashback_account, ord)`,
    [data.memberIds, accounts.map((ids) => ids.cash), accounts.map((ids) => ids.cashback)],
  );
  await client.query('analyze curve_members');
}

/** The bench merchants with their receivable accounts and the measured traffic's Zipf CDF, to draw from in SQL. */
async function copyMerchants(client: pg.Client, data: BenchData): Promise<void> {
  await client.query(
    `create temp table curve_merchants (rank int primary key, merchant_id text not null, merchant_name text not null,
       receivable_account text not null, cdf float8 not null)`,
  );
  const inserted = await client.query(
    `insert into curve_merchants
     select u.ord - 1, m.id, m.name, a.id, u.cdf
     from unnest($2::text[], $3::float8[]) with ordinality as u(code, cdf, ord)
     join merchants m on m.tenant_id = $1 and m.merchant_code = u.code
     join ledger_accounts a on a.tenant_id = $1 and a.owner_id = m.id and a.kind = 'merchant_receivable'`,
    [data.tenantId, data.merchantCodes, Array.from(data.merchantCdf)],
  );
  if (inserted.rowCount !== data.merchantCodes.length)
    throw new Error(
      `curve: found ${inserted.rowCount} of ${data.merchantCodes.length} merchants with receivables`,
    );
  await client.query('create index on curve_merchants (cdf)');
  await client.query('analyze curve_merchants');
}

/** The pot a payment made now draws cashback from (a monthly pot before the year's), and its two accounts. */
async function currentPot(client: pg.Client, tenantId: string): Promise<Filler['pot']> {
  const [pot] = (
    await client.query<{ national: string | null; city: string | null; national_share_bp: number }>(
      `select max(a.id) filter (where a.metadata->>'source' = 'national') as national,
         max(a.id) filter (where a.metadata->>'source' = 'city') as city, p.national_share_bp
       from budget_pots p
       join ledger_accounts a on a.tenant_id = p.tenant_id and a.owner_id = p.id and a.kind = 'cashback_budget'
       where p.tenant_id = $1 and p.period_from <= now() and p.period_to > now()
       group by p.id, p.period, p.period_from, p.national_share_bp
       order by p.period = 'monthly' desc, p.period_from, p.id
       limit 1`,
      [tenantId],
    )
  ).rows;
  if (!pot?.national || !pot.city)
    throw new Error('curve: no budget pot with national and city accounts covers now');
  return { nationalAccountId: pot.national, cityAccountId: pot.city, nationalShareBp: pot.national_share_bp };
}

async function liveColumns(client: pg.Client): Promise<Map<string, LiveColumn[]>> {
  const rows = (
    await client.query<{
      table_name: string;
      column_name: string;
      required: boolean;
      database_written: boolean;
    }>(
      `select table_name, column_name,
         is_nullable = 'NO' and column_default is null and is_identity = 'NO' and is_generated = 'NEVER' as required,
         coalesce(identity_generation = 'ALWAYS', false) or is_generated <> 'NEVER' as database_written
       from information_schema.columns
       where table_schema = current_schema() and table_name = any($1::text[])
       order by table_name, ordinal_position`,
      [GROWN_TABLES],
    )
  ).rows;
  const columns = new Map<string, LiveColumn[]>(GROWN_TABLES.map((table) => [table, []]));
  for (const row of rows)
    columns
      .get(row.table_name)
      ?.push({ name: row.column_name, required: row.required, databaseWritten: row.database_written });
  for (const [table, list] of columns) if (list.length === 0) throw new Error(`curve: no table ${table}`);
  return columns;
}

async function foreignKeys(client: pg.Client): Promise<string[]> {
  const rows = (
    await client.query<{ name: string }>(
      `select conrelid::regclass::text || ': ' || pg_get_constraintdef(oid) as name
       from pg_constraint
       where contype = 'f' and conrelid::regclass::text = any($1::text[])
       order by 1`,
      [GROWN_TABLES],
    )
  ).rows;
  return rows.map((row) => row.name);
}

/**
 * `insert into <table> (<columns>) select <expressions> <from>` over the live columns that the filler knows;
 * a required column it does not know stops the run rather than inserting rows unlike real ones.
 */
function insertSql(filler: Filler, table: string, expressions: Record<string, string>, from: string): string {
  const live = filler.columns.get(table) ?? [];
  const unknown = live.filter((column) => column.required && !(column.name in expressions));
  if (unknown.length > 0)
    throw new Error(
      `curve: ${table}.${unknown.map((column) => column.name).join(', ')} is required and bench/curve.ts does not fill it`,
    );
  const written = live.filter((column) => !column.databaseWritten && column.name in expressions);
  return `insert into ${table} (${written.map((column) => column.name).join(', ')})
    select ${written.map((column) => expressions[column.name]).join(', ')} ${from}`;
}

async function countEntries(client: pg.Client): Promise<number> {
  const [row] = (await client.query<{ n: string }>('select count(*) as n from ledger_entries')).rows;
  return Number(row?.n ?? 0);
}

interface Growth {
  fillerPayments: number;
  fillSeconds: number;
  vacuumAnalyzeSeconds: number;
}

async function growTo(client: pg.Client, filler: Filler, targetEntries: number): Promise<Growth> {
  const before = await countEntries(client);
  const payments = Math.max(0, Math.ceil((targetEntries - before) / ENTRIES_PER_PAYMENT));
  if (payments === 0) return { fillerPayments: 0, fillSeconds: 0, vacuumAnalyzeSeconds: 0 };
  const chunks = Math.ceil(payments / CHUNK_PAYMENTS);
  log(
    `growing ${thousands(before)} → ${thousands(targetEntries)} entries: ${thousands(payments)} filler payments ` +
      `in ${chunks} chunks (load ${loadAverage()})`,
  );
  const startedMs = performance.now();
  for (let chunk = 0; chunk < chunks; chunk++) {
    const count = Math.min(CHUNK_PAYMENTS, payments - chunk * CHUNK_PAYMENTS);
    const chunkStartedMs = performance.now();
    await fillChunk(filler, count);
    log(
      `  chunk ${chunk + 1}/${chunks}: +${thousands(count * ENTRIES_PER_PAYMENT)} entries in ${secondsSince(chunkStartedMs).toFixed(1)} s`,
    );
  }
  const fillSeconds = secondsSince(startedMs);
  // Vacuum, not only analyze: it sets hint bits and the visibility map now, so autovacuum does not pick the
  // grown tables up during the measurement; the checkpoint flushes the filler before the clock starts.
  const vacuumStartedMs = performance.now();
  await client.query(`vacuum (analyze) ${[...GROWN_TABLES, 'ledger_accounts'].join(', ')}`);
  await client.query('checkpoint');
  const vacuumAnalyzeSeconds = secondsSince(vacuumStartedMs);
  log(
    `  filled in ${fillSeconds.toFixed(1)} s (${thousands((payments * ENTRIES_PER_PAYMENT) / fillSeconds)} entries/s), ` +
      `vacuum analyze and checkpoint ${vacuumAnalyzeSeconds.toFixed(1)} s`,
  );
  return { fillerPayments: payments, fillSeconds, vacuumAnalyzeSeconds };
}

/** One transaction: `count` filler payments into every table a payment writes, then the accounts. */
async function fillChunk(filler: Filler, count: number): Promise<void> {
  const { client } = filler;
  const first = filler.nextPayment;
  await client.query('begin');
  try {
    // Payments still in flight after a measurement (the server drains its queue) move entry_count too:
    // holding off account writes until commit keeps the filler's seq numbers after theirs.
    await client.query('lock table ledger_accounts in exclusive mode');
    await buildChunk(filler, first, first + count);
    await buildEntryLines(filler);
    for (const statement of chunkInserts(filler)) await client.query(statement);
    await client.query(
      `update ledger_accounts a set entry_count = a.entry_count + x.entries, posted_won = a.posted_won + x.delta_won
       from (select account_id, count(*) as entries, sum(delta_won) as delta_won from curve_lines group by account_id) as x
       where a.tenant_id = $1 and a.id = x.account_id`,
      [filler.tenantId],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  filler.nextPayment = first + count;
}

/**
 * The chunk's payments: a uniform member, a Zipf merchant and 1,000–29,000 won like the measured traffic,
 * 10% base cashback split between the pot's accounts by its national share, dated in order over the history.
 */
async function buildChunk(filler: Filler, from: number, to: number): Promise<void> {
  await filler.client.query(
    `create temp table curve_chunk on commit drop as
     select s.g, 'pay_' || left(md5($3::text || s.g), 16) as pay_id, mb.member_id, mb.cash_account, mb.cashback_account,
       mc.merchant_id, mc.merchant_name, mc.receivable_account, s.amount_won, s.amount_won / 10 as cashback_won,
       s.amount_won / 10 * $7 / 10000 as national_won, s.created_at,
       to_char(s.created_at at time zone $6, 'YYYY-MM') as month
     from (
       select g, floor(random() * $4)::int as member, random() as merchant_draw,
         1000 + floor(random() * 29)::bigint * 1000 as amount_won,
         $5::timestamptz + g * $8::float8 * interval '1 millisecond' as created_at
       from generate_series($1::bigint, $2::bigint - 1) as g
     ) as s
     join curve_members mb on mb.n = s.member
     cross join lateral (
       select * from curve_merchants c where c.cdf >= s.merchant_draw order by c.cdf limit 1
     ) as mc`,
    [
      from,
      to,
      filler.salt,
      filler.memberCount,
      filler.historyStart,
      filler.timeZone,
      filler.pot.nationalShareBp,
      filler.msPerPayment,
    ],
  );
}

/** The chunk's 5 entries per payment, each numbered after its account's last `seq` (its entry_count). */
async function buildEntryLines(filler: Filler): Promise<void> {
  const { client, pot } = filler;
  await client.query(
    `create temp table curve_lines on commit drop as
     select c.g, l.pos, l.account_id, l.transfer_id, l.delta_won,
       a.entry_count + row_number() over (partition by l.account_id order by c.g, l.pos) as seq
     from curve_chunk c
     cross join lateral (values
       (0, c.cash_account, 'payment:' || c.pay_id, -c.amount_won),
       (1, c.receivable_account, 'payment:' || c.pay_id, c.amount_won),
       (2, $2::text, 'payment:' || c.pay_id, -c.national_won),
       (3, $3::text, 'payment:' || c.pay_id, c.national_won - c.cashback_won),
       (4, c.cashback_account, 'payment:' || c.pay_id, c.cashback_won)
     ) as l(pos, account_id, transfer_id, delta_won)
     join ledger_accounts a on a.tenant_id = $1 and a.id = l.account_id`,
    [filler.tenantId, pot.nationalAccountId, pot.cityAccountId],
  );
}

/** Inserts in the order of the real write path, so they hold with or without the foreign keys. */
function chunkInserts(filler: Filler): string[] {
  const literal = (value: string) => filler.client.escapeLiteral(value);
  const tenant = literal(filler.tenantId);
  const hash = literal(FILLER_HASH);
  const paidFrom = `jsonb_build_object('cashWon', c.amount_won, 'grantWon', 0, 'grantParts', '[]'::jsonb, 'cashbackWon', 0)`;
  const rules = `jsonb_build_array(jsonb_build_object('code', 'base', 'rateBp', 1000, 'baseWon', c.amount_won,
    'amountWon', c.cashback_won, 'descriptionEn', 'base cashback 10%', 'descriptionKo', '기본 캐시백 10%'))`;
  const draws = `jsonb_build_array(
    jsonb_build_object('accountId', ${literal(filler.pot.nationalAccountId)}, 'amountWon', c.national_won),
    jsonb_build_object('accountId', ${literal(filler.pot.cityAccountId)}, 'amountWon', c.cashback_won - c.national_won))`;
  const cashback = `jsonb_build_object('draws', ${draws}, 'rules', ${rules}, 'amountWon', c.cashback_won,
    'limitedBy', '[]'::jsonb, 'requestedWon', c.cashback_won)`;
  // The receipt's wallet balances are placeholders of the right shape.
  const receiptContext = `json_build_object('merchantName', c.merchant_name,
    'wallet', json_build_object('cashWon', 4000000, 'cashbackWon', c.cashback_won, 'grants', '[]'::json,
      'totalWon', 4000000 + c.cashback_won, 'month', json_build_object('month', c.month, 'chargedWon', 0,
      'chargeCapWon', 500000, 'eligibleSpendWon', c.amount_won, 'eligibleCapWon', 500000, 'cashbackWon', c.cashback_won)))`;
  return [
    insertSql(
      filler,
      'ledger_transfers',
      {
        tenant_id: tenant,
        id: `'payment:' || c.pay_id`,
        action: `'transfer'`,
        code: `'payment'`,
        metadata: `jsonb_build_object('paymentId', c.pay_id)`,
        request_hash: hash,
        content_hash: hash,
        created_at: 'c.created_at',
      },
      'from curve_chunk c order by c.g',
    ),
    insertSql(
      filler,
      'ledger_entries',
      {
        tenant_id: tenant,
        account_id: 'l.account_id',
        seq: 'l.seq',
        transfer_id: 'l.transfer_id',
        posted_delta_won: 'l.delta_won',
        pending_debit_delta_won: '0',
        pending_credit_delta_won: '0',
        hash,
        commit_seq: 't.commit_seq',
      },
      // Each entry carries its transfer's commit number (migration 3100), as the write path gives it.
      `from curve_lines l join ledger_transfers t on t.tenant_id = ${tenant} and t.id = l.transfer_id
       order by l.g, l.pos`,
    ),
    insertSql(
      filler,
      'payments',
      {
        tenant_id: tenant,
        id: 'c.pay_id',
        member_id: 'c.member_id',
        merchant_id: 'c.merchant_id',
        channel: `'merchant_presented'`,
        amount_won: 'c.amount_won',
        paid_from: paidFrom,
        eligible_won: 'c.amount_won',
        cashback_won: 'c.cashback_won',
        cashback,
        month: 'c.month',
        created_at: 'c.created_at',
        principal_id: 'c.member_id',
        idempotency_key: `'curve-filler-' || c.g`,
        request_hash: hash,
        receipt_context: receiptContext,
      },
      'from curve_chunk c order by c.g',
    ),
  ];
}

// ---------------------------------------------------------------------------------------------------
// Measurement and report

async function measure(
  client: pg.Client,
  server: Server,
  databaseUrl: string,
  data: BenchData,
  targetEntries: number,
  growth: Growth,
): Promise<Checkpoint> {
  const entries = await countEntries(client);
  const sizesMb = await tableSizesMb(client);
  const options = { ratePerSecond: RATE_PER_SECOND };
  // The steady state at the offered rate: the public books folded to the watermark (the filler's
  // transfers included) from the bench process, so the server's integrator does not fold them during
  // the run; after the warm-up, the server's own consumers at the feed's head (the seed's charges).
  const caughtUp = await catchUpBackground(databaseUrl, { consumers: false });
  log(`  public books caught up: ${thousands(caughtUp.transfersFolded)} transfers folded`);
  // Not recorded: the first requests after a growth step meet cold plans and pages no steady server would.
  await payAtFixedRate(server.url, data, { ...options, name: 'warm-up', seconds: SIZES.warmUpSeconds });
  const consumers = await waitForConsumers(server.url, METRICS_TOKEN, CONSUMERS_WAIT_MS);
  log(
    `  consumers ${consumers.behind.length === 0 ? 'at the head' : `still behind (${consumers.behind.map((b) => `${b.labels} ${b.lag}`).join(', ')})`} after ${(consumers.waitedMs / 1000).toFixed(1)} s`,
  );
  const load = loadAverage();
  log(`HTTP at ${RATE_PER_SECOND}/s offered with ${thousands(entries)} entries (load ${load})`);
  const http = await payAtFixedRate(server.url, data, {
    ...options,
    name: `HTTP latency at ${RATE_PER_SECOND}/s offered, ${entries} entries`,
    seconds: SIZES.seconds,
  });
  return {
    targetEntries,
    entries,
    ...growth,
    loadAverage: load,
    publicBooksFolded: caughtUp.transfersFolded,
    consumersWaitedMs: Math.round(consumers.waitedMs),
    http,
    serverPeakRssMb: server.peakRssMb(),
    sizesMb,
  };
}

async function tableSizesMb(client: pg.Client): Promise<Record<string, number>> {
  const rows = (
    await client.query<{ name: string; bytes: string }>(
      `select name, pg_total_relation_size(name::regclass) as bytes from unnest($1::text[]) as name`,
      [GROWN_TABLES],
    )
  ).rows;
  return Object.fromEntries(rows.map((row) => [row.name, Math.round(Number(row.bytes) / 2 ** 20)]));
}

function commandLine(): string {
  if (process.env.npm_lifecycle_event === 'bench:curve')
    return `npm run bench:curve${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  return ['npx tsx bench/curve.ts', ...args].join(' ');
}

function printCheckpoint(checkpoint: Checkpoint): void {
  const { http } = checkpoint;
  const { p50, p99, p999 } = http.latencyMs;
  log(
    `  ${http.perSecond.toFixed(0)}/s, ${http.ok} ok, ${http.non2xx} non-2xx, ${http.errors} errors; ` +
      `p50 ${p50} ms, p99 ${p99} ms, p99.9 ${p999} ms; server peak RSS ${checkpoint.serverPeakRssMb} MB`,
  );
}

function report(results: CurveResults): void {
  const markdown = toMarkdown(results);
  mkdirSync(resultsDir, { recursive: true });
  const stem = path.join(
    resultsDir,
    `${results.startedAt.replaceAll(':', '-')}${smoke ? '-smoke' : ''}-curve`,
  );
  writeFileSync(`${stem}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${stem}.md`, markdown);
  log(`\n${markdown}\nwritten to ${stem}.{json,md}`);
}

function toMarkdown(results: CurveResults): string {
  const mb = (value: number | undefined) => (value === undefined ? 'n/a' : `${thousands(value)} MB`);
  const header = [
    'entries',
    `payments/s achieved (${results.ratePerSecond}/s offered)`,
    'p50',
    'p99',
    'p99.9',
    'ledger_entries size',
    'ledger_transfers size',
    'payments size',
    'server peak RSS',
    'fill time',
    'load',
  ];
  const rows = results.checkpoints.map((checkpoint) => {
    const { http, sizesMb } = checkpoint;
    const failed = http.non2xx + http.errors;
    return [
      thousands(checkpoint.entries) + (checkpoint.targetEntries === 0 ? ' (as seeded)' : ''),
      `${thousands(http.perSecond)}/s${failed > 0 ? ` (${thousands(failed)} failed)` : ''}`,
      `${http.latencyMs.p50} ms`,
      `${http.latencyMs.p99} ms`,
      `${http.latencyMs.p999} ms`,
      mb(sizesMb.ledger_entries),
      mb(sizesMb.ledger_transfers),
      mb(sizesMb.payments),
      `${checkpoint.serverPeakRssMb} MB`,
      checkpoint.fillerPayments === 0
        ? ''
        : `${(checkpoint.fillSeconds + checkpoint.vacuumAnalyzeSeconds).toFixed(0)} s`,
      checkpoint.loadAverage.split(' ')[0] ?? '',
    ];
  });
  const lines = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`);
  const fillSeconds = results.checkpoints.reduce(
    (sum, checkpoint) => sum + checkpoint.fillSeconds + checkpoint.vacuumAnalyzeSeconds,
    0,
  );
  const entriesForeignKeys = results.foreignKeys.filter((key) => key.startsWith('ledger_entries:'));
  const audit = results.audit
    ? `Audit (--audit) after the last checkpoint: ${results.audit
        .map((check) => `${check.name} ${check.ok ? 'ok' : 'failed'}`)
        .join(', ')} (digests and hash chains fail on filler by design).`
    : 'Audit not run (filler hashes are placeholders).';
  return [
    machineLine(
      `Hanbat latency curve ${results.startedAt}${results.smoke ? ' (smoke)' : ''}`,
      results.machine,
    ),
    `Command: \`${results.command}\`. ${thousands(results.sizes.members)} members, ${thousands(results.sizes.merchants)} merchants (Zipf s=1); HTTP payments at ${results.ratePerSecond}/s offered (open loop, evenly spaced), ${results.sizes.seconds} s per checkpoint after ${results.sizes.warmUpSeconds} s of warm-up; one server for the whole curve (peak RSS is the peak so far); load average ${loadAveragesText(results.loadAverages)}.`,
    `Filler: ${results.filler.note}. Filling took ${fillSeconds.toFixed(0)} s in all (with vacuum analyze and checkpoint after each step). Foreign keys on ledger_entries: ${entriesForeignKeys.length} (${entriesForeignKeys.map((key) => key.replace('ledger_entries: ', '')).join('; ') || 'none'}). ${audit}`,
    '',
    ...lines,
    '',
  ].join('\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
