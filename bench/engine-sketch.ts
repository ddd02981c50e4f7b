/**
 * `npx tsx bench/engine-sketch.ts [rounds=8] [secondsPerRound=8] [--journal=compact|gin|postings|today]
 * [--batch=N] [--pglite] [--rate=N]`: design steps 1–3 of docs/engine.md sketched end to end and measured
 * against today's payment path, before either is built. Alternating rounds on one throwaway cluster
 * (fsync on), 256 callers in-process:
 *
 * - **today**: `PaymentService.payAtMerchant`, the real path;
 * - **sketch**: one writer holding the city's state in memory (members' and pots' balances, the
 *   month's usage, merchants, welfare flags, freezes, the policy and rules, idempotency keys),
 *   deciding each batch with the payment batch's own `applyOrder` and no lock or read (shops'
 *   balances are only ever credited, so they are written as deltas), then writing it in one
 *   transaction of three statements: the payment rows with
 *   the feed's page bodies (the real `insertPaymentsAlongside`); the writer's fence row (generation
 *   checked, the batch's chained digest); and one statement with a compact journal row per
 *   transfer (postings as arrays, digest as bytea), the touched balances once each, the usage rows
 *   as one upsert, and the feed's numbered pages (the real `appendAlongside`).
 *   `--journal=gin` indexes the journal's accounts (GIN over the array), one way to serve an
 *   account's history from the journal itself; `--journal=postings` adds one narrow row per posting
 *   `(account, seq) → commit number`, the least an account's history would need if the journal
 *   cannot serve it; `--journal=today` writes the usage rows and then today's journal through the
 *   ledger's own batch write (design step 1 alone).
 *   `--pglite` runs both on the embedded database (one batch in flight, up to 512). `--rate=N`
 *   offers N payments a second in an open loop instead of 256 callers, and adds p50 and p99.
 *   `--members=N` seeds N members (20,000). Under `NODE_OPTIONS=--expose-gc` each sketch round also
 *   prints the heap the city's state took when loaded.
 *
 * What the sketch leaves out and the engine would need: holds and their expiry, refunds and every
 * other writer of a member's money (charges, transfers, programmes) going through the same writer,
 * reloading state after a failed batch, the hand-over when a writer dies, and moving the audit and
 * public books to the compact journal. It is an upper bound of what the design buys on this machine,
 * not a payment path. Prints payments a second and CPU a payment (Node + PostgreSQL) per round, and
 * the paired difference with a 95% interval.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { CompanionWrite, Database, Sql } from '../src/db/database.js';
import { GroupCommit, type Settled } from '../src/db/group-commit.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import { DomainError } from '../src/errors.js';
import { toAccount } from '../src/modules/ledger/store.js';
import type { Account, TransferRequest } from '../src/modules/ledger/types.js';
import { insertPaymentsAlongside } from '../src/modules/payments/batch-store.js';
import {
  applyOrder,
  type BatchState,
  type BatchWrites,
  type PaymentOrder,
} from '../src/modules/payments/batched-payments.js';
import { PAYMENT_FEED_SOURCE } from '../src/modules/payments/feed-source.js';
import type { MonthlyUsage } from '../src/modules/wallets/types.js';
import { createPlatform, type Platform } from '../src/platform.js';
import { monthKey } from '../src/time.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { createDatabase } from './database.js';
import { closedLoop } from './in-process.js';
import { loadAverage } from './machine.js';
import { pairedInterval } from './paired.js';
import { postgresCpuSeconds } from './postgres-cpu.js';
import { type BenchData, seedBench, zipfPick } from './seed.js';

const args = process.argv.slice(2);
const positional = args.filter((arg) => !arg.startsWith('--'));
const rounds = Number(positional[0] ?? 8);
const seconds = Number(positional[1] ?? 8);
const journalMode = args.find((arg) => arg.startsWith('--journal='))?.slice('--journal='.length) ?? 'compact';
if (!['compact', 'gin', 'postings', 'today'].includes(journalMode))
  throw new Error('--journal= takes compact, gin, postings or today');
const withPostings = journalMode === 'postings';
const ratePerSecond = Number(args.find((arg) => arg.startsWith('--rate='))?.slice('--rate='.length) ?? 0);
const onPglite = args.includes('--pglite');
const batchSizeMax = Number(
  args.find((arg) => arg.startsWith('--batch='))?.slice('--batch='.length) ?? (onPglite ? 512 : 128),
);
const CONCURRENCY = 256;
const MEMBERS = Number(
  args.find((arg) => arg.startsWith('--members='))?.slice('--members='.length) ?? 20_000,
);
const DATABASE = 'hanbat_engine_sketch';
const ROUNDS_MAX = 100;
if (!Number.isInteger(rounds) || rounds < 2 || rounds > ROUNDS_MAX)
  throw new Error(`rounds must be 2..${ROUNDS_MAX}`);

const TABLES = `
  create sequence bench_engine_commit_seq;
  create table bench_engine_writers (
    tenant_id text primary key, generation bigint not null, batch_seq bigint not null, head bytea not null);
  create table bench_engine_journal (
    tenant_id text not null, commit_seq bigint not null, batch_seq bigint not null, id text not null,
    code text not null, created_at timestamptz not null, account_ids text[] not null, amounts bigint[] not null,
    digest bytea not null, primary key (tenant_id, commit_seq));
  create table bench_engine_postings (
    tenant_id text not null, account_id text not null, seq bigint not null, commit_seq bigint not null,
    primary key (tenant_id, account_id, seq));
`;

const FENCE_STATEMENT = `update bench_engine_writers set batch_seq = batch_seq + 1, head = $3
  where tenant_id = $1 and generation = $2 returning batch_seq`;

/**
 * The batch's usage rows as one upsert, its parameters from `$first`: the month, the members, and
 * their eligible spending and cashback as comma-joined lists.
 */
function usageUpsert(first: number): string {
  return `insert into member_monthly_usage as u (tenant_id, member_id, month, eligible_spend_won, cashback_won)
    select $1, x.member_id, $${first}, x.eligible, x.cashback
    from unnest($${first + 1}::text[], string_to_array($${first + 2}, ',')::bigint[], string_to_array($${first + 3}, ',')::bigint[])
      as x(member_id, eligible, cashback)
    order by x.member_id
    on conflict (tenant_id, member_id, month) do update
      set eligible_spend_won = u.eligible_spend_won + excluded.eligible_spend_won,
          cashback_won = u.cashback_won + excluded.cashback_won`;
}

/** The writer's one statement after the fence; `$1..$15` (`$18` with posting rows) are its own, the feed's order follows. */
function engineStatement(feedCtes: string): string {
  return `with ${feedCtes}, fence as (select $2::bigint as batch_seq, $3::bytea as head), journal as (
    insert into bench_engine_journal (tenant_id, commit_seq, batch_seq, id, code, created_at, account_ids, amounts, digest)
    select $1, nextval('bench_engine_commit_seq'), (select batch_seq from fence), t.id, 'payment', $4,
      string_to_array(t.accounts, ','), string_to_array(t.amounts, ',')::bigint[], decode(t.digest, 'hex')
    from unnest($5::text[], $6::text[], $7::text[], $8::text[]) with ordinality as t(id, accounts, amounts, digest, n)
    order by t.n
    returning id, commit_seq
  )${
    withPostings
      ? `, postings as (
    insert into bench_engine_postings (tenant_id, account_id, seq, commit_seq)
    select $1, p.account_id, a.entry_count + p.nth, j.commit_seq
    from unnest($16::text[], $17::text[], $18::bigint[]) as p(account_id, transfer_id, nth)
    join journal j on j.id = p.transfer_id
    join ledger_accounts a on a.tenant_id = $1 and a.id = p.account_id
  )`
      : ''
  }, balances as (
    update ledger_accounts a set posted_won = a.posted_won + d.delta, entry_count = a.entry_count + d.entries
    from unnest($9::text[], $10::bigint[], $11::bigint[]) as d(id, delta, entries)
    where a.tenant_id = $1 and a.id = d.id and (select batch_seq from fence) is not null
  ), usage as (${usageUpsert(12)})
  select batch_seq from fence`;
}

/**
 * The writer's city: the payment batch's own state (`BatchState`), held between batches instead of
 * read and locked for each. Pots are drawn as if locked: the writer is their only writer.
 */
type CityState = BatchState;

/** The sketched single writer of one city. */
class SketchWriter {
  private state: CityState | null = null;
  private generation = 1;
  private head = Buffer.alloc(32);
  /** Payments whose batch committed: the journal must hold exactly these. */
  committed = 0;
  private broken: Error | null = null;
  /** Resolves when the last batch handed to the database holds the fence row (or gave up). */
  private fenceTaken: Promise<void> = Promise.resolve();
  private readonly group = new GroupCommit<PaymentOrder, unknown>(
    (_group, orders) => this.writeBatch(orders),
    {
      waitMsMax: 2,
      batchSizeMax,
      queuedMax: 20_000,
      // As today: two batches in flight on PostgreSQL, one on the embedded database's one connection.
      inFlightMax: onPglite ? 1 : 2,
    },
  );

  constructor(
    private readonly platform: Platform,
    private readonly tenantId: string,
  ) {}

  /** Heap the city's state took when last loaded (`node --expose-gc` only; NaN without it). */
  stateHeapBytes = Number.NaN;

  /** Takes the city: a new generation on the fence row, every balance and rule read once. */
  async load(memberIds: readonly string[], merchantCodes: readonly string[]): Promise<void> {
    const { db } = this.platform;
    this.state = null;
    const heapBefore = heapUsedAfterCollection();
    const now = this.platform.clock.now();
    const month = monthKey(now, await this.platform.tenants.timeZoneOf(this.tenantId));
    this.generation += 1;
    this.broken = null;
    await db.query(
      `insert into bench_engine_writers values ($1, $2, 0, $3)
       on conflict (tenant_id) do update set generation = excluded.generation`,
      [this.tenantId, this.generation, this.head],
    );
    const rows = await db.query<Parameters<typeof toAccount>[1]>(
      'select * from ledger_accounts where tenant_id = $1',
      [this.tenantId],
    );
    const accountsByOwner = new Map<string, Account[]>(memberIds.map((id) => [id, []]));
    const memberAccounts = new Map<string, Account>();
    for (const row of rows) {
      const owned = accountsByOwner.get(row.owner_id ?? '');
      if (!owned) continue;
      const account = toAccount(this.tenantId, row);
      owned.push(account);
      memberAccounts.set(account.id, account);
    }
    const usageRows = await db.query<MonthlyUsage & { memberId: string }>(
      `select member_id as "memberId", month, charged_won as "chargedWon", eligible_spend_won as "eligibleSpendWon",
         unearned_spend_won as "unearnedSpendWon", cashback_won as "cashbackWon"
       from member_monthly_usage where tenant_id = $1 and month = $2`,
      [this.tenantId, month],
    );
    const usage = new Map<string, MonthlyUsage>(
      memberIds.map((id) => [
        id,
        { month, chargedWon: 0, eligibleSpendWon: 0, unearnedSpendWon: 0, cashbackWon: 0 },
      ]),
    );
    for (const { memberId, ...row } of usageRows) usage.set(memberId, row);
    const pairs = merchantCodes.map((merchantCode) => ({ tenantId: this.tenantId, merchantCode }));
    const members = memberIds.map((memberId) => ({ tenantId: this.tenantId, memberId }));
    const pots = (await this.platform.budgets.potsOfTenants(db, [this.tenantId], now, 'read')).get(
      this.tenantId,
    );
    this.state = {
      tenantId: this.tenantId,
      now,
      month,
      potMode: 'locked',
      merchants: (await this.platform.merchants.getByTenantCodes(pairs)).get(this.tenantId) ?? new Map(),
      welfare: (await this.platform.members.welfareFlagsByTenant(members)).get(this.tenantId) ?? new Map(),
      frozen: (await this.platform.freezes.frozenAmongTenants(members)).get(this.tenantId) ?? new Map(),
      policy:
        (await this.platform.policy.cashbackPoliciesAt([this.tenantId], now)).get(this.tenantId) ?? null,
      chargeCapWon: (
        await this.platform.policy.ruleValues([this.tenantId], 'charge_monthly_cap_won', now)
      ).get(this.tenantId) as number,
      responses: new Map(),
      // No bench member owns a bench shop; the engine would hold the rule like the policy.
      selfDealing: null,
      usage,
      accountsByOwner,
      memberAccounts,
      pots: pots ?? [],
    };
    this.stateHeapBytes = heapUsedAfterCollection() - heapBefore;
  }

  pay(order: PaymentOrder): Promise<unknown> {
    return this.group.submit(this.tenantId, order);
  }

  private async writeBatch(orders: readonly PaymentOrder[]): Promise<Array<Settled<unknown>>> {
    const state = this.state;
    if (!state) throw new Error('the writer has not loaded its city');
    // A batch decided on a batch that failed is wrong too: the engine would reload the city and
    // decide again; the sketch stops and lets the bench count the rest as failed.
    if (this.broken) throw this.broken;
    state.now = this.platform.clock.now();
    const writes: BatchWrites = { payments: [], transfers: [], usageDeltas: [] };
    const { payments, transfers } = writes;
    const settled = orders.map((order): Settled<unknown> => {
      try {
        return { ok: true, value: applyOrder(state, writes, order) };
      } catch (error) {
        if (error instanceof DomainError) return { ok: false, error };
        throw error;
      }
    });
    const encoded = this.encode(state, writes);
    // Batches must write in the order they were decided: a later batch's debit of a cashback account
    // may rest on an earlier batch's credit. Each asks for the fence only once the batch before holds
    // it, and then waits there until that batch commits.
    const before = this.fenceTaken;
    let taken = () => {};
    this.fenceTaken = new Promise((resolve) => {
      taken = resolve;
    });
    try {
      await this.platform.db.transaction(
        async (tx) => {
          const feed = this.platform.events.appendAlongside([
            {
              tenantId: this.tenantId,
              source: PAYMENT_FEED_SOURCE,
              refs: payments.map((write) => write.payment.id),
            },
          ]);
          await insertPaymentsAlongside(tx, payments, feed ? [feed.bodies] : []);
          await before;
          if (transfers.length === 0) return;
          // The fence alone, first: once it is held every batch before has committed, so the statement
          // after it starts from their balances. (Inside that statement, as one more CTE, it was not
          // enough: a batch following one that credited a cashback account failed the balance check
          // on it, the earlier credit not yet counted.)
          const [fenced] = await tx.query<{ batch_seq: string }>(FENCE_STATEMENT, encoded.slice(0, 3));
          taken();
          if (!fenced) throw new Error('the writer lost its fence: another generation holds the city');
          if (journalMode === 'today') await this.writeTodaysJournal(tx, encoded, transfers, feed?.order);
          else
            await tx.query(
              engineStatement(feed ? feed.order.ctes(encoded.length + 1) : 'nothing as (select 1)'),
              [encoded[0], fenced.batch_seq, ...encoded.slice(2), ...(feed?.order.params ?? [])],
            );
        },
        { genericPlans: true },
      );
    } catch (error) {
      this.broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      taken();
    }
    this.committed += payments.length;
    return settled;
  }

  /**
   * `--journal=today`: the usage rows, then the ledger's own batch write (its account locks, entries,
   * chains and balances) with the feed's numbered pages: design step 1 without step 2.
   */
  private async writeTodaysJournal(
    tx: Sql,
    encoded: readonly unknown[],
    transfers: readonly TransferRequest[],
    feedOrder: CompanionWrite | undefined,
  ): Promise<void> {
    await tx.query(usageUpsert(2), [encoded[0], ...encoded.slice(11, 15)]);
    const [results] = await this.platform.ledger.postTransfersOfTenants(
      tx,
      [{ tenantId: this.tenantId, commands: transfers }],
      feedOrder,
      { freshIds: true },
    );
    const refused = results?.find((result) => !result.ok);
    if (refused && !refused.ok) throw new Error(`ledger refused ${refused.id}: ${refused.code}`);
  }

  /** The statement's parameters: the journal rows, the touched balances, the usage deltas. */
  private encode(state: CityState, writes: BatchWrites) {
    const { transfers } = writes;
    const digests = transfers.map((transfer) => transferDigest(transfer));
    const batchDigest = createHash('sha256').update(this.head);
    for (const digest of digests) batchDigest.update(digest);
    this.head = batchDigest.digest();
    const deltas = new Map<string, { delta: number; entries: number }>();
    const postingRows = { accounts: [] as string[], transfers: [] as string[], nth: [] as number[] };
    for (const transfer of transfers) {
      if (transfer.action !== 'transfer') continue;
      for (const posting of transfer.postings) {
        const moved = deltas.get(posting.accountId) ?? { delta: 0, entries: 0 };
        moved.delta += posting.amountWon;
        moved.entries += 1;
        deltas.set(posting.accountId, moved);
        postingRows.accounts.push(posting.accountId);
        postingRows.transfers.push(transfer.id);
        postingRows.nth.push(moved.entries);
      }
    }
    const touched = [...deltas.keys()].sort();
    // A member's deltas summed: the upsert may take a member's row once per statement.
    const usageByMember = new Map<string, { eligible: number; cashback: number }>();
    for (const delta of writes.usageDeltas) {
      const usage = usageByMember.get(delta.memberId) ?? { eligible: 0, cashback: 0 };
      usage.eligible += delta.eligibleSpendWon;
      usage.cashback += delta.cashbackWon;
      usageByMember.set(delta.memberId, usage);
    }
    const usageMembers = [...usageByMember.keys()];
    const postings = (transfer: TransferRequest) => (transfer.action === 'transfer' ? transfer.postings : []);
    return [
      this.tenantId,
      this.generation,
      this.head,
      state.now,
      transfers.map((transfer) => transfer.id),
      transfers.map((transfer) =>
        postings(transfer)
          .map((posting) => posting.accountId)
          .join(','),
      ),
      transfers.map((transfer) =>
        postings(transfer)
          .map((posting) => posting.amountWon)
          .join(','),
      ),
      digests.map((digest) => digest.toString('hex')),
      touched,
      touched.map((id) => deltas.get(id)?.delta ?? 0),
      touched.map((id) => deltas.get(id)?.entries ?? 0),
      state.month,
      usageMembers,
      usageMembers.map((id) => usageByMember.get(id)?.eligible ?? 0).join(','),
      usageMembers.map((id) => usageByMember.get(id)?.cashback ?? 0).join(','),
      ...(withPostings ? [postingRows.accounts, postingRows.transfers, postingRows.nth] : []),
    ];
  }
}

function heapUsedAfterCollection(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) return Number.NaN;
  collect();
  return process.memoryUsage().heapUsed;
}

function transferDigest(transfer: TransferRequest): Buffer {
  const hash = createHash('sha256').update(transfer.id);
  if (transfer.action === 'transfer')
    for (const posting of transfer.postings) hash.update(`|${posting.accountId}:${posting.amountWon}`);
  return hash.digest();
}

let orderSerial = 0;
function randomOrder(data: BenchData): PaymentOrder {
  orderSerial += 1;
  const memberId = data.memberIds[Math.floor(Math.random() * data.memberIds.length)] as string;
  const key = `bench-engine-sketch-${process.pid}-${orderSerial}`;
  return {
    memberId,
    merchantCode: data.merchantCodes[zipfPick(data.merchantCdf)] as string,
    amountWon: 1000 + Math.floor(Math.random() * 29) * 1000,
    idempotency: { principalId: memberId, key, requestHash: key },
  };
}

/**
 * Open loop at `ratePerSecond`: payments arrive whether or not earlier ones have finished, as at tills,
 * so the latency includes any queueing. Resolves to every accepted payment's latency, sorted.
 */
async function openLoop(pay: () => Promise<unknown>): Promise<{ latenciesMs: number[]; failed: number }> {
  const latenciesMs: number[] = [];
  const pending: Array<Promise<void>> = [];
  let failed = 0;
  const startedMs = performance.now();
  for (let sent = 0; performance.now() < startedMs + seconds * 1000; ) {
    const due = Math.floor(((performance.now() - startedMs) / 1000) * ratePerSecond);
    for (; sent < due; sent += 1) {
      const sentMs = performance.now();
      pending.push(
        pay().then(
          () => {
            latenciesMs.push(performance.now() - sentMs);
          },
          () => {
            failed += 1;
          },
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  return { latenciesMs: latenciesMs.sort((a, b) => a - b), failed };
}

async function measure(pay: (order: PaymentOrder) => Promise<unknown>, data: BenchData, name: string) {
  const nodeBefore = process.cpuUsage();
  const postgresBefore = onPglite ? 0 : postgresCpuSeconds(DATABASE);
  const startedMs = performance.now();
  let completed = 0;
  let failed = 0;
  let quantileMs = (_quantile: number) => 0;
  if (ratePerSecond > 0) {
    const open = await openLoop(() => pay(randomOrder(data)));
    completed = open.latenciesMs.length;
    failed = open.failed;
    quantileMs = (quantile) =>
      open.latenciesMs[Math.min(completed - 1, Math.floor(quantile * completed))] ?? Number.NaN;
  } else {
    const rate = await closedLoop(name, CONCURRENCY, seconds, async () => {
      try {
        await pay(randomOrder(data));
        return { ok: 1, failed: 0 };
      } catch {
        return { ok: 0, failed: 1 };
      }
    });
    completed = rate.completed;
    failed = rate.failed;
  }
  const elapsedSeconds = (performance.now() - startedMs) / 1000;
  const node = process.cpuUsage(nodeBefore);
  // The embedded database runs in this process: its CPU is in Node's.
  const postgresMicros = onPglite ? 0 : (postgresCpuSeconds(DATABASE) - postgresBefore) * 1e6;
  return {
    perSecond: completed / elapsedSeconds,
    failed,
    nodeMicros: (node.user + node.system) / Math.max(1, completed),
    postgresMicros: postgresMicros / Math.max(1, completed),
    p50Ms: quantileMs(0.5),
    p99Ms: quantileMs(0.99),
  };
}

/** Mean paired difference (b − a) with its 95% interval, as percentages of today's mean. */
function paired(label: string, a: readonly number[], b: readonly number[]): string {
  const { meanA, meanB, center, halfWidth } = pairedInterval(a, b);
  const percent = (value: number) => `${((value / meanA) * 100).toFixed(1)}%`;
  return `${label}: today ${meanA.toFixed(1)}, sketch ${meanB.toFixed(1)}, ratio ${(meanB / meanA).toFixed(2)} (difference ${percent(center)}; 95% ${percent(center - halfWidth)} to ${percent(center + halfWidth)})`;
}

/**
 * The sketch's books, checked as the audit would: every balance equals today's entries plus the
 * compact journal's postings, every journal row balances, the journal holds exactly the writer's
 * committed payments, and the month's usage equals its payments. Returns the failures.
 */
async function checkBooks(db: Database, tenantId: string, committed: number): Promise<string[]> {
  const [books] = await db.query<Record<string, string>>(
    `with journal as (
       select p.account_id, sum(p.amount) as won
       from bench_engine_journal j, unnest(j.account_ids, j.amounts) as p(account_id, amount)
       where j.tenant_id = $1 group by p.account_id
     ), entries as (
       select account_id, sum(posted_delta_won) as won from ledger_entries where tenant_id = $1 group by account_id
     )
     select
       (select count(*) from ledger_accounts a left join journal j on j.account_id = a.id
          left join entries e on e.account_id = a.id
         where a.tenant_id = $1 and a.posted_won <> coalesce(j.won, 0) + coalesce(e.won, 0)) as "balancesOff",
       (select count(*) from bench_engine_journal j
         where j.tenant_id = $1 and (select sum(x) from unnest(j.amounts) as x) <> 0) as "unbalancedRows",
       (select count(*) from bench_engine_journal where tenant_id = $1) as "journalRows",
       (select count(*) from bench_engine_journal j
         where j.tenant_id = $1
           and not exists (select 1 from payments p where p.tenant_id = $1 and 'payment:' || p.id = j.id)) as "journalWithoutPayment",
       (select coalesce(sum(eligible_spend_won), 0) from member_monthly_usage where tenant_id = $1) as "usageEligibleWon",
       (select coalesce(sum(eligible_won), 0) from payments where tenant_id = $1) as "paymentsEligibleWon"`,
    [tenantId],
  );
  const failures: string[] = [];
  const value = (key: string) => Number(books?.[key]);
  if (value('balancesOff') !== 0)
    failures.push(`${value('balancesOff')} balances differ from their postings`);
  if (value('unbalancedRows') !== 0) failures.push(`${value('unbalancedRows')} journal rows do not balance`);
  const journalRowsExpected = journalMode === 'today' ? 0 : committed;
  if (value('journalRows') !== journalRowsExpected)
    failures.push(`the journal holds ${value('journalRows')} rows, expected ${journalRowsExpected}`);
  if (value('journalWithoutPayment') !== 0)
    failures.push(`${value('journalWithoutPayment')} journal rows without a payment`);
  if (value('usageEligibleWon') !== value('paymentsEligibleWon'))
    failures.push(
      `usage ${value('usageEligibleWon')} won against payments ${value('paymentsEligibleWon')} won`,
    );
  return failures;
}

async function openDatabase(): Promise<{ db: Database; close: () => void }> {
  if (onPglite) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-engine-sketch-'));
    return { db: await openPglite(dataDir), close: () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('needs PostgreSQL binaries (or --pglite)');
  const cluster = await startPostgresCluster(binDir, { durable: true });
  try {
    return {
      db: await openPostgres(await createDatabase(cluster.socketUrl, DATABASE), 10),
      close: () => cluster.stop(),
    };
  } catch (error) {
    cluster.stop();
    throw error;
  }
}

const { db, close } = await openDatabase();
try {
  await migrate(db, allMigrations);
  const platform = createPlatform(loadConfig({}), db, systemClock);
  const data = await seedBench(platform, { members: MEMBERS, merchants: 1_000 }, () => {});
  await db.exec(TABLES);
  // An account's history served from the journal itself: a GIN index over the postings' accounts.
  if (journalMode === 'gin') await db.exec('create index on bench_engine_journal using gin (account_ids)');
  await db.exec('vacuum analyze');
  const writer = new SketchWriter(platform, data.tenantId);
  const arms = {
    today: async () =>
      measure((order) => platform.payments.payAtMerchant(data.tenantId, order), data, 'today'),
    sketch: async () => {
      // Today's arm moved the same balances meanwhile: the writer takes the city again, as a new
      // generation would after a hand-over.
      await writer.load(data.memberIds, data.merchantCodes);
      return measure((order) => writer.pay(order), data, 'sketch');
    },
  };
  await arms.today();
  await arms.sketch();
  const results = {
    today: [] as Awaited<ReturnType<typeof arms.today>>[],
    sketch: [] as Awaited<ReturnType<typeof arms.today>>[],
  };
  for (let round = 1; round <= rounds; round += 1) {
    for (const name of round % 2 === 1 ? (['today', 'sketch'] as const) : (['sketch', 'today'] as const)) {
      await db.exec('vacuum analyze');
      const result = await arms[name]();
      results[name].push(result);
      const heldMb =
        name === 'sketch'
          ? `; the city's state ${(writer.stateHeapBytes / 2 ** 20).toFixed(1)} MB of heap`
          : '';
      console.log(
        `round ${round} ${name.padEnd(6)} ${result.perSecond.toFixed(0).padStart(6)} payments/s, ${result.failed} failed, CPU a payment: Node ${result.nodeMicros.toFixed(0)} µs, PostgreSQL ${result.postgresMicros.toFixed(0)} µs${ratePerSecond > 0 ? `; p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms` : ''}${heldMb}; load ${loadAverage()}`,
      );
    }
  }
  const pick = (
    name: 'today' | 'sketch',
    key: 'perSecond' | 'nodeMicros' | 'postgresMicros' | 'p50Ms' | 'p99Ms',
  ) => results[name].map((result) => result[key]);
  console.log(
    `batch up to ${batchSizeMax}, ${ratePerSecond > 0 ? `open loop at ${ratePerSecond}/s` : `${CONCURRENCY} callers`}, ${MEMBERS} members, journal: ${journalMode}`,
  );
  if (ratePerSecond > 0) {
    console.log(paired('p50 ms', pick('today', 'p50Ms'), pick('sketch', 'p50Ms')));
    console.log(paired('p99 ms', pick('today', 'p99Ms'), pick('sketch', 'p99Ms')));
  }
  console.log(paired('payments/s', pick('today', 'perSecond'), pick('sketch', 'perSecond')));
  console.log(paired('Node µs a payment', pick('today', 'nodeMicros'), pick('sketch', 'nodeMicros')));
  if (!onPglite)
    console.log(
      paired('PostgreSQL µs a payment', pick('today', 'postgresMicros'), pick('sketch', 'postgresMicros')),
    );
  const failures = await checkBooks(db, data.tenantId, writer.committed);
  console.log(
    failures.length === 0
      ? `books: every check holds (${writer.committed} sketched payments)`
      : `books: ${failures.join('; ')}`,
  );
  if (failures.length > 0) process.exitCode = 1;
  await db.close();
} finally {
  close();
}
