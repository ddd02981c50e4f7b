import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { allMigrations } from '../../src/db/migrations.js';
import { openPostgres } from '../../src/db/postgres.js';
import { auditLedger } from '../../src/modules/ledger/audit.js';
import { memberAccountIds } from '../../src/modules/members/member-service.js';
import { SYSTEM_ACCOUNTS } from '../../src/modules/wallets/wallet-service.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import { DEMO_CREDENTIALS, seedDaejeon } from '../../src/presets/daejeon.js';
import { createPostgresDatabase, postgresAdminUrl } from '../support/databases.js';
import { raceWorkerProcesses } from '../support/worker-processes.js';
import type { BatchWorkerArgs, BatchWorkerReport } from './batch-worker.js';

const WORKER_TIMEOUT_MS = 50_000;
const raceWorkers = (argsList: BatchWorkerArgs[]) =>
  raceWorkerProcesses<BatchWorkerArgs, BatchWorkerReport>(
    'test/durability/batch-worker.ts',
    argsList,
    WORKER_TIMEOUT_MS,
  );

function expectOverlapping([a, b]: BatchWorkerReport[]): void {
  if (!a || !b) throw new Error('expected two worker reports');
  expect(a.startedAtMs).toBeLessThanOrEqual(b.finishedAtMs);
  expect(b.startedAtMs).toBeLessThanOrEqual(a.finishedAtMs);
}

/** The first day of this month and of the next, in Korea. */
function thisMonthKst(now: Date): { from: Date; to: Date } {
  const kst = new Date(now.getTime() + 9 * 3_600_000);
  const [year, month] = [kst.getUTCFullYear(), kst.getUTCMonth()];
  const at = (y: number, m: number) =>
    new Date(`${y + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01T00:00:00+09:00`);
  return { from: at(year, month), to: at(year, month + 1) };
}

describe.skipIf(!postgresAdminUrl())('group commit with two OS processes on one PostgreSQL database', () => {
  let databaseUrl: string;
  let dropDatabase: () => Promise<void>;
  let db: Database;
  let platform: Platform;
  const tenantId = 'daejeon';

  beforeAll(async () => {
    const created = await createPostgresDatabase();
    databaseUrl = created.url;
    dropDatabase = created.drop;
    db = await openPostgres(databaseUrl);
    await migrate(db, allMigrations);
    platform = createPlatform(loadConfig({}), db, systemClock);
    await seedDaejeon(platform, tenantId);
  });
  afterAll(async () => {
    await db?.close();
    await dropDatabase?.();
  });

  async function expectAuditGreen(): Promise<void> {
    const report = await auditLedger(db, tenantId, systemClock.now());
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  }

  it('lets exactly 50 of 2 × 300 batched 1-won transfers through an account holding 50 won', async () => {
    await platform.ledger.createAccounts(tenantId, [
      { id: 'gc-alice', kind: 'member_cash', currencyCode: 'KRW' },
      { id: 'gc-bob', kind: 'member_cash', currencyCode: 'KRW' },
    ]);
    const [funded] = await platform.ledger.postTransfers(tenantId, [
      {
        id: 'gc-fund',
        action: 'transfer',
        code: 'test',
        postings: [
          { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: -50 },
          { accountId: 'gc-alice', amountWon: 50 },
        ],
      },
    ]);
    expect(funded).toMatchObject({ ok: true });
    const args = (idPrefix: string): BatchWorkerArgs => ({
      mode: 'ledger',
      databaseUrl,
      tenantId,
      count: 300,
      idPrefix,
      fromAccountId: 'gc-alice',
      toAccountId: 'gc-bob',
    });

    const reports = await raceWorkers([args('gc-a-'), args('gc-b-')]);

    expectOverlapping(reports);
    expect(reports.reduce((sum, report) => sum + report.ok, 0)).toBe(50);
    expect(reports.reduce((sum, report) => sum + (report.codes.INSUFFICIENT_FUNDS ?? 0), 0)).toBe(550);
    const [alice, bob] = await platform.ledger.getAccounts(tenantId, ['gc-alice', 'gc-bob']);
    expect(alice).toMatchObject({ postedWon: 0, availableWon: 0 });
    expect(bob).toMatchObject({ postedWon: 50 });
    await expectAuditGreen();
  });

  it('never overspends a member or the budget when two processes batch 2 × 400 payments', async () => {
    const memberIds: string[] = [];
    for (let index = 0; index < 8; index++) {
      const member = await platform.members.signUp(tenantId, {
        phone: `010-7777-${String(index).padStart(4, '0')}`,
        password: 'correct-horse-1',
        name: '동시 결제 회원',
        birthDate: '1990-01-01',
        district: 'seo-gu',
        dong: '둔산동',
      });
      memberIds.push(member.id);
    }
    const fundWon = 50_000;
    const funded = await platform.ledger.postTransfers(
      tenantId,
      memberIds.map((memberId) => ({
        id: `gc-charge:${memberId}`,
        action: 'transfer' as const,
        code: 'charge',
        postings: [
          { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: -fundWon },
          { accountId: memberAccountIds(memberId).cash, amountWon: fundWon },
        ],
      })),
    );
    expect(funded.every((result) => result.ok)).toBe(true);
    const budgetWon = 5_000;
    const pot = await platform.budgets.createPot(tenantId, 'system:test', {
      name: '동시성 시험 월 예산',
      period: 'monthly',
      ...thisMonthKst(systemClock.now()),
      amountWon: budgetWon,
      nationalShareBp: 4000,
    });
    const owner = await platform.members.findByPhone(tenantId, DEMO_CREDENTIALS.cafe.phone);
    const [cafe] = await platform.merchants.listForOwner(tenantId, owner?.id ?? '');
    const args = (idPrefix: string): BatchWorkerArgs => ({
      mode: 'payments',
      databaseUrl,
      tenantId,
      count: 400,
      idPrefix,
      memberIds,
      merchantCode: cafe?.merchantCode ?? '',
      amountWon: 3_000,
    });

    const reports = await raceWorkers([args('gc-pay-a-'), args('gc-pay-b-')]);

    expectOverlapping(reports);
    for (const report of reports)
      expect(Object.keys(report.codes).filter((code) => code !== 'INSUFFICIENT_FUNDS')).toEqual([]);
    const okIds = reports.flatMap((report) => report.freshIds);
    expect(new Set(okIds).size).toBe(okIds.length);
    const payments = await db.query<{
      id: string;
      member_id: string;
      amount_won: number;
      cashback_won: number;
    }>('select id, member_id, amount_won, cashback_won from payments where tenant_id = $1', [tenantId]);
    expect(payments.map((row) => row.id).sort()).toEqual([...okIds].sort());
    const [transfers] = await db.query<{ n: number }>(
      `select count(*)::bigint as n from ledger_transfers where tenant_id = $1 and id like 'payment:%'`,
      [tenantId],
    );
    expect(transfers?.n).toBe(payments.length);
    // The budget paid exactly what the payments record, and no more than it held.
    const cashbackWon = payments.reduce((sum, row) => sum + row.cashback_won, 0);
    const [potAfter] = await platform.budgets
      .listPots(tenantId, systemClock.now())
      .then((pots) => pots.filter((candidate) => candidate.id === pot.id));
    expect(cashbackWon).toBeGreaterThan(0);
    expect(potAfter?.remainingWon).toBe(budgetWon - cashbackWon);
    expect(potAfter?.remainingWon).toBeGreaterThanOrEqual(0);
    // Every member spent what they had and earned, never more; usage counters lost no update.
    for (const memberId of memberIds) {
      const mine = payments.filter((row) => row.member_id === memberId);
      const ids = memberAccountIds(memberId);
      const accounts = await platform.ledger.getAccounts(tenantId, [ids.cash, ids.cashback]);
      const leftWon = accounts.reduce((sum, account) => sum + account.postedWon, 0);
      const earnedWon = mine.reduce((sum, row) => sum + row.cashback_won, 0);
      const spentWon = mine.reduce((sum, row) => sum + row.amount_won, 0);
      expect(spentWon + leftWon).toBe(fundWon + earnedWon);
      expect(leftWon).toBeLessThan(3_000);
      const [usage] = await db.query<{ cashback_won: number }>(
        'select cashback_won from member_monthly_usage where tenant_id = $1 and member_id = $2',
        [tenantId, memberId],
      );
      expect(usage?.cashback_won).toBe(earnedWon);
    }
    await expectAuditGreen();
  });
});
