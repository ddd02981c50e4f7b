import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPostgresDatabase,
  databaseKinds,
  openTestDatabase,
  postgresAdminUrl,
} from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import type { TransferWorkerArgs, TransferWorkerReport } from '../../../test/support/transfer-worker.js';
import { raceWorkerProcesses } from '../../../test/support/worker-processes.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { allMigrations } from '../../db/migrations.js';
import { openPostgres } from '../../db/postgres.js';
import { auditLedger } from './audit.js';
import { LedgerService } from './ledger-service.js';
import type { TransferRequest, TransferResult } from './types.js';

const WORKER_TIMEOUT_MS = 45_000;
const raceWorkers = (argsList: TransferWorkerArgs[]) =>
  raceWorkerProcesses<TransferWorkerArgs, TransferWorkerReport>(
    'test/support/transfer-worker.ts',
    argsList,
    WORKER_TIMEOUT_MS,
  );

const move = (id: string, from: string, to: string, amountWon: number): TransferRequest => ({
  id,
  action: 'transfer',
  code: 'test',
  postings: [
    { accountId: from, amountWon: -amountWon },
    { accountId: to, amountWon },
  ],
});

/** Like Promise.all, but lets every call finish before reporting, so none outlives the test. */
async function settleAll<T>(work: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const errors = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
  if (errors.length > 0) {
    throw new AggregateError(
      errors,
      `${errors.length} of ${settled.length} calls threw: ${String(errors[0])}`,
    );
  }
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}

function tally(results: readonly TransferResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const key = result.ok ? 'ok' : result.code;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

async function countTransfers(db: Database, tenantId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'select count(*)::bigint as n from ledger_transfers where tenant_id = $1',
    [tenantId],
  );
  return row?.n ?? -1;
}

async function expectAuditGreen(db: Database, tenantId: string, now: Date): Promise<void> {
  const report = await auditLedger(db, tenantId, now);
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}

describe.each(databaseKinds())('ledger under concurrent callers on %s', (kind) => {
  let db: Database;
  let clock: ManualClock;
  let ledger: LedgerService;
  let tenantId: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    clock = new ManualClock('2021-05-13T03:00:00Z');
    ledger = new LedgerService(db, clock);
    tenantId = await createTestTenant(db, clock);
    await ledger.createAccounts(tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW' },
      { id: 'bob', kind: 'member_cash', currencyCode: 'KRW' },
    ]);
  });

  async function post(request: TransferRequest): Promise<TransferResult> {
    const [result] = await ledger.postTransfers(tenantId, [request]);
    if (!result) throw new Error('no result');
    return result;
  }

  it('lets exactly 50 of 200 concurrent 1-won debits through an account holding 50 won', async () => {
    expect(await post(move('fund', 'bank', 'alice', 50))).toMatchObject({ ok: true });

    const results = await settleAll(
      Array.from({ length: 200 }, (_, index) => post(move(`spend-${index}`, 'alice', 'bob', 1))),
    );

    expect(tally(results)).toEqual({ ok: 50, INSUFFICIENT_FUNDS: 150 });
    expect(results.filter((result) => result.ok && result.replayed)).toEqual([]);
    const [alice, bob] = await ledger.getAccounts(tenantId, ['alice', 'bob']);
    expect(alice).toMatchObject({ postedWon: 0, pendingDebitWon: 0, availableWon: 0 });
    expect(bob).toMatchObject({ postedWon: 50, pendingCreditWon: 0 });
    expect(await countTransfers(db, tenantId)).toBe(51);
    await expectAuditGreen(db, tenantId, clock.now());
  });

  it('moves money once when 20 concurrent requests carry the same transfer id and content', async () => {
    const results = await settleAll(
      Array.from({ length: 20 }, () => post(move('same-id', 'bank', 'alice', 1_234))),
    );

    expect(results.every((result) => result.ok)).toBe(true);
    const fresh = results.filter((result) => result.ok && !result.replayed);
    expect(fresh).toHaveLength(1);
    const [first] = fresh;
    for (const result of results) {
      if (result.ok && first?.ok) expect(result.transfer).toEqual(first.transfer);
    }
    expect(await ledger.getAccount(tenantId, 'alice')).toMatchObject({ postedWon: 1_234 });
    expect(await ledger.getAccount(tenantId, 'bank')).toMatchObject({ postedWon: -1_234 });
    expect(await countTransfers(db, tenantId)).toBe(1);
    await expectAuditGreen(db, tenantId, clock.now());
  });

  it('resolves each hold exactly once when post_pending and void_pending race for it', async () => {
    const holdCount = 12;
    expect(await post(move('fund', 'bank', 'alice', 1_000))).toMatchObject({ ok: true });
    for (let index = 0; index < holdCount; index++) {
      const hold: TransferRequest = {
        id: `hold-${index}`,
        action: 'pending',
        code: 'hold',
        timeoutAt: new Date(clock.now().getTime() + 60_000),
        postings: [
          { accountId: 'alice', amountWon: -(10 + index) },
          { accountId: 'bob', amountWon: 10 + index },
        ],
      };
      expect(await post(hold)).toMatchObject({ ok: true, replayed: false });
    }
    const heldWon = Array.from({ length: holdCount }, (_, index) => 10 + index).reduce((a, b) => a + b, 0);
    expect(await ledger.getAccount(tenantId, 'alice')).toMatchObject({ pendingDebitWon: heldWon });

    // Per hold, the post is sent first for even holds and the void first for odd ones.
    const requests = Array.from({ length: holdCount }, (_, index): TransferRequest[] => {
      const postRequest: TransferRequest = {
        id: `post-${index}`,
        action: 'post_pending',
        pendingId: `hold-${index}`,
      };
      const voidRequest: TransferRequest = {
        id: `void-${index}`,
        action: 'void_pending',
        pendingId: `hold-${index}`,
      };
      return index % 2 === 0 ? [postRequest, voidRequest] : [voidRequest, postRequest];
    }).flat();
    const results = new Map((await settleAll(requests.map(post))).map((result) => [result.id, result]));

    let postedWon = 0;
    for (let index = 0; index < holdCount; index++) {
      const posted = results.get(`post-${index}`);
      const voided = results.get(`void-${index}`);
      const outcome = [posted?.ok ? 'posted' : posted?.code, voided?.ok ? 'voided' : voided?.code];
      expect([
        ['posted', 'PENDING_ALREADY_POSTED'],
        ['PENDING_ALREADY_VOIDED', 'voided'],
      ]).toContainEqual(outcome);
      if (posted?.ok) postedWon += 10 + index;
    }
    const [alice, bob] = await ledger.getAccounts(tenantId, ['alice', 'bob']);
    expect(alice).toMatchObject({ postedWon: 1_000 - postedWon, pendingDebitWon: 0, pendingCreditWon: 0 });
    expect(bob).toMatchObject({ postedWon, pendingDebitWon: 0, pendingCreditWon: 0 });
    // The funding, the holds, and exactly one resolution per hold.
    expect(await countTransfers(db, tenantId)).toBe(1 + holdCount + holdCount);
    const openHolds = await db.query('select transfer_id from ledger_open_holds where tenant_id = $1', [
      tenantId,
    ]);
    expect(openHolds).toEqual([]);
    await expectAuditGreen(db, tenantId, clock.now());
  });
});

/** A PostgreSQL database of the block's own, and before each test a city with a bank, alice and bob. */
function useCityOnItsOwnPostgres(): {
  databaseUrl: string;
  db: Database;
  clock: ManualClock;
  ledger: LedgerService;
  tenantId: string;
} {
  const city = {} as ReturnType<typeof useCityOnItsOwnPostgres>;
  let dropDatabase: () => Promise<void>;
  beforeAll(async () => {
    const created = await createPostgresDatabase();
    city.databaseUrl = created.url;
    dropDatabase = created.drop;
    city.db = await openPostgres(created.url);
    await migrate(city.db, allMigrations);
  });
  afterAll(async () => {
    await city.db?.close();
    await dropDatabase?.();
  });
  beforeEach(async () => {
    city.clock = new ManualClock('2021-05-13T03:00:00Z');
    city.ledger = new LedgerService(city.db, city.clock);
    city.tenantId = await createTestTenant(city.db, city.clock);
    await city.ledger.createAccounts(city.tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW' },
      { id: 'bob', kind: 'member_cash', currencyCode: 'KRW' },
    ]);
  });
  return city;
}

describe.skipIf(!postgresAdminUrl())('ledger under two OS processes sharing one PostgreSQL database', () => {
  const city = useCityOnItsOwnPostgres();

  const workerArgs = (idPrefix: string, count: number): TransferWorkerArgs => ({
    databaseUrl: city.databaseUrl,
    tenantId: city.tenantId,
    fromAccountId: 'alice',
    toAccountId: 'bob',
    count,
    idPrefix,
  });

  function expectOverlapping(reports: TransferWorkerReport[]): void {
    const [a, b] = reports;
    if (!a || !b) throw new Error('expected two worker reports');
    expect(a.startedAtMs).toBeLessThanOrEqual(b.finishedAtMs);
    expect(b.startedAtMs).toBeLessThanOrEqual(a.finishedAtMs);
  }

  it('lets exactly 50 of 2 × 200 concurrent 1-won debits from two processes through 50 won', async () => {
    const [funded] = await city.ledger.postTransfers(city.tenantId, [move('fund', 'bank', 'alice', 50)]);
    expect(funded).toMatchObject({ ok: true });

    const reports = await raceWorkers([workerArgs('a-', 200), workerArgs('b-', 200)]);

    expectOverlapping(reports);
    const okTotal = reports.reduce((sum, report) => sum + report.ok, 0);
    const refusedTotal = reports.reduce((sum, report) => sum + report.refused, 0);
    expect(okTotal).toBe(50);
    expect(refusedTotal).toBe(350);
    for (const report of reports) {
      expect(report.replayed).toBe(0);
      expect(Object.keys(report.codes).filter((code) => code !== 'INSUFFICIENT_FUNDS')).toEqual([]);
    }
    const [alice, bob] = await city.ledger.getAccounts(city.tenantId, ['alice', 'bob']);
    expect(alice).toMatchObject({ postedWon: 0, availableWon: 0 });
    expect(bob).toMatchObject({ postedWon: 50 });
    expect(await countTransfers(city.db, city.tenantId)).toBe(51);
    await expectAuditGreen(city.db, city.tenantId, city.clock.now());
  });

  it('posts each id once when two processes race to post the same 200 ids', async () => {
    const [funded] = await city.ledger.postTransfers(city.tenantId, [move('fund', 'bank', 'alice', 200)]);
    expect(funded).toMatchObject({ ok: true });

    const reports = await raceWorkers([workerArgs('same-', 200), workerArgs('same-', 200)]);

    expectOverlapping(reports);
    // Alice holds exactly enough for 200 transfers: a double post would surface as a refusal.
    for (const report of reports) {
      expect(report).toMatchObject({ ok: 200, refused: 0, codes: {} });
    }
    const freshIds = reports.flatMap((report) => report.freshIds);
    expect(freshIds).toHaveLength(200);
    expect(new Set(freshIds).size).toBe(200);
    expect(reports.reduce((sum, report) => sum + report.replayed, 0)).toBe(200);
    const stored = await city.db.query<{ id: string }>(
      "select id from ledger_transfers where tenant_id = $1 and id like 'same-%'",
      [city.tenantId],
    );
    expect(stored.map((row) => row.id).sort()).toEqual([...freshIds].sort());
    const [alice, bob] = await city.ledger.getAccounts(city.tenantId, ['alice', 'bob']);
    expect(alice).toMatchObject({ postedWon: 0 });
    expect(bob).toMatchObject({ postedWon: 200 });
    await expectAuditGreen(city.db, city.tenantId, city.clock.now());
  });
});

/**
 * The ledger's own batches look their ids up before they lock their accounts (PostOptions
 * retriedOnConflict). Here the original of a request commits exactly while its duplicate waits for
 * the accounts: it is held open until the duplicate is seen waiting on its locks.
 */
describe.skipIf(!postgresAdminUrl())(
  'ledger replays whose original commits while the batch waits for its accounts',
  () => {
    const city = useCityOnItsOwnPostgres();
    const WAIT_POLLS_MAX = 2_000;
    const WAIT_POLL_MS = 10;

    /** Resolves once a session of this database waits for a lock; bounded by polls, not by a deadline. */
    async function someoneWaitsForALock(): Promise<void> {
      for (let poll = 0; poll < WAIT_POLLS_MAX; poll += 1) {
        const [row] = await city.db.query<{ waiting: number }>(
          `select count(*)::int as waiting from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'`,
        );
        if ((row?.waiting ?? 0) > 0) return;
        await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
      }
      throw new Error('no session waited for a lock');
    }

    /** Posts `original` in a transaction held open until `duplicate`, posted meanwhile, waits on its locks. */
    async function postWhileOriginalCommits(original: TransferRequest, duplicate: TransferRequest) {
      let originalWritten!: () => void;
      const written = new Promise<void>((resolve) => {
        originalWritten = resolve;
      });
      let mayCommit!: () => void;
      const commitAllowed = new Promise<void>((resolve) => {
        mayCommit = resolve;
      });
      const first = city.db.transaction(async (tx) => {
        const [result] = await city.ledger.postTransfersInTransaction(tx, city.tenantId, [original]);
        originalWritten();
        await commitAllowed;
        return result as TransferResult;
      });
      await written;
      const second = city.ledger.postTransfers(city.tenantId, [duplicate]);
      // Let the original commit even if the wait is never seen, so neither call outlives the test.
      const waited = await someoneWaitsForALock().then(
        () => null,
        (error: unknown) => error,
      );
      mayCommit();
      const [originalResult, [duplicateResult]] = await Promise.all([first, second]);
      if (waited) throw waited;
      return { originalResult, duplicateResult: duplicateResult as TransferResult };
    }

    for (const { name, fundedWon, duplicateWon, expected } of [
      {
        name: 'as a replay a duplicate that, decided afresh, would be refused for the money its original spent',
        fundedWon: 100,
        duplicateWon: 100,
        expected: { ok: true, replayed: true },
      },
      {
        name: 'as a replay a duplicate that, decided afresh, would be written again',
        fundedWon: 300,
        duplicateWon: 100,
        expected: { ok: true, replayed: true },
      },
      {
        name: 'as a conflict a different request under the same id, though it was refused for money first',
        fundedWon: 100,
        duplicateWon: 60,
        expected: { ok: false, code: 'IDEMPOTENCY_CONFLICT' },
      },
    ]) {
      it(`answers ${name}`, async () => {
        const [funded] = await city.ledger.postTransfers(city.tenantId, [
          move('fund', 'bank', 'alice', fundedWon),
        ]);
        expect(funded).toMatchObject({ ok: true });

        const { originalResult, duplicateResult } = await postWhileOriginalCommits(
          move('spend', 'alice', 'bob', 100),
          move('spend', 'alice', 'bob', duplicateWon),
        );

        expect(originalResult).toMatchObject({ ok: true, replayed: false });
        expect(duplicateResult).toMatchObject(expected);
        if (originalResult.ok && duplicateResult.ok)
          expect(duplicateResult.transfer).toEqual(originalResult.transfer);
        expect(await city.ledger.getAccounts(city.tenantId, ['alice', 'bob'])).toMatchObject([
          { postedWon: fundedWon - 100 },
          { postedWon: 100 },
        ]);
        expect(await countTransfers(city.db, city.tenantId)).toBe(2);
        await expectAuditGreen(city.db, city.tenantId, city.clock.now());
      });
    }
  },
);
