import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { OperatorActionLog } from '../audit-trail/operator-actions.js';
import { IdempotentRequests } from '../idempotency/idempotency.js';
import { auditLedger } from '../ledger/audit.js';
import { LedgerService } from '../ledger/ledger-service.js';
import { TenantService } from '../tenants/tenant-service.js';
import { allocateCashback } from './allocate.js';
import { BudgetService } from './budget-service.js';
import { DAEJEON_2021_POT, seedDaejeonBudgets } from './presets/daejeon.js';
import type { CashbackDraw, NewBudgetPot } from './types.js';

const MEMBER_CASHBACK = 'mem_test:cashback';
const YEAR_2021: NewBudgetPot = {
  name: '2021 캐시백 예산',
  period: 'annual',
  from: new Date('2021-01-01T00:00:00+09:00'),
  to: new Date('2022-01-01T00:00:00+09:00'),
  amountWon: 100_000_000,
  nationalShareBp: 4000,
};
const MAY_2021: NewBudgetPot = {
  name: '2021년 5월 캐시백',
  period: 'monthly',
  from: new Date('2021-05-01T00:00:00+09:00'),
  to: new Date('2021-06-01T00:00:00+09:00'),
  amountWon: 7_000_000,
  nationalShareBp: 4000,
};

async function refusalOf(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe.each(databaseKinds())('budget service on %s', (kind) => {
  let db: Database;
  let clock: ManualClock;
  let ledger: LedgerService;
  let actions: OperatorActionLog;
  let budgets: BudgetService;
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
    actions = new OperatorActionLog(db, clock);
    budgets = new BudgetService(
      db,
      clock,
      ledger,
      new TenantService(db, clock),
      actions,
      new IdempotentRequests(db, clock),
    );
    tenantId = await createTestTenant(db, clock);
    await ledger.createAccounts(tenantId, [
      { id: MEMBER_CASHBACK, kind: 'member_cashback', currencyCode: 'KRW' },
    ]);
  });

  async function expectAuditGreen(): Promise<void> {
    const report = await auditLedger(db, tenantId, clock.now());
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  }

  async function balances(ids: string[]): Promise<Record<string, number>> {
    const accounts = await ledger.getAccounts(tenantId, ids);
    return Object.fromEntries(accounts.map((account) => [account.id, account.postedWon]));
  }

  /** What the payment path does: lock the pots, draw, move the draw to the member in the same transaction. */
  async function payCashback(
    tx: Sql,
    transferId: string,
    at: Date,
    desiredWon: number,
  ): Promise<CashbackDraw> {
    const draw = allocateCashback(await budgets.lockPotsAt(tx, tenantId, at), desiredWon);
    if (draw.drawnWon === 0) return draw;
    const [result] = await ledger.postTransfersInTransaction(tx, tenantId, [
      {
        id: transferId,
        action: 'transfer',
        code: 'cashback',
        postings: [...draw.postings, { accountId: MEMBER_CASHBACK, amountWon: draw.drawnWon }],
      },
    ]);
    if (!result?.ok) throw new Error(`cashback refused: ${result?.ok === false ? result.code : 'no result'}`);
    return draw;
  }

  async function clawBack(potId: string, transferId: string, amountWon: number): Promise<void> {
    const [result] = await ledger.postTransfers(tenantId, [
      {
        id: transferId,
        action: 'transfer',
        code: 'cashback_clawback',
        postings: [
          { accountId: MEMBER_CASHBACK, amountWon: -amountWon },
          { accountId: `${potId}:city`, amountWon },
        ],
      },
    ]);
    expect(result?.ok).toBe(true);
  }

  describe('creating a pot', () => {
    it('funds it with one transfer split by the national share, from the appropriation accounts', async () => {
      const pot = await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      expect(pot).toMatchObject({
        id: expect.stringMatching(/^bud_[0-9a-f]{32}$/),
        period: 'annual',
        fundedWon: 100_000_000,
        movedToMonthlyWon: 0,
        spentWon: 0,
        remainingWon: 100_000_000,
        annualPotId: null,
      });
      expect(
        await balances([
          `${pot.id}:national`,
          `${pot.id}:city`,
          'budget_source:national',
          'budget_source:city',
        ]),
      ).toEqual({
        [`${pot.id}:national`]: 40_000_000,
        [`${pot.id}:city`]: 60_000_000,
        'budget_source:national': -40_000_000,
        'budget_source:city': -60_000_000,
      });
      expect(await ledger.getTransfer(tenantId, `fund:${pot.id}:1`)).toMatchObject({ code: 'budget_fund' });
      const [latest] = await actions.list(tenantId, 1);
      expect(latest).toMatchObject({ action: 'budget.create', subjectType: 'budget_pot', subjectId: pot.id });
      await expectAuditGreen();
    });

    it('rounds the national part down and funds the city with the rest', async () => {
      const pot = await budgets.createPot(tenantId, 'usr_admin', { ...YEAR_2021, amountWon: 10_001 });
      expect(await balances([`${pot.id}:national`, `${pot.id}:city`])).toEqual({
        [`${pot.id}:national`]: 4_000,
        [`${pot.id}:city`]: 6_001,
      });
    });

    it('seeds the Daejeon 2021 pot of ₩130,000,000,000 once, however often it runs', async () => {
      const first = await seedDaejeonBudgets({ budgets }, tenantId);
      const second = await seedDaejeonBudgets({ budgets }, tenantId);
      expect(second).toEqual(first);
      expect(first).toMatchObject({
        id: 'bud_daejeon_2021',
        fundedWon: 130_000_000_000,
        remainingWon: 130_000_000_000,
      });
      expect(await balances(['bud_daejeon_2021:national', 'bud_daejeon_2021:city'])).toEqual({
        'bud_daejeon_2021:national': 52_000_000_000,
        'bud_daejeon_2021:city': 78_000_000_000,
      });
      const conflict = await refusalOf(
        budgets.createPot(tenantId, 'usr_admin', { ...DAEJEON_2021_POT, name: 'other' }),
      );
      expect(conflict.code).toBe('BUDGET_CONFLICT');
      await expectAuditGreen();
    });

    it.each<[string, Partial<NewBudgetPot>]>([
      ['an annual pot of two years', { to: new Date('2023-01-01T00:00:00+09:00') }],
      ['a monthly pot of six months', { ...MAY_2021, to: new Date('2021-11-01T00:00:00+09:00') }],
      ['a monthly pot of 32 days', { ...MAY_2021, to: new Date('2021-06-02T00:00:00+09:00') }],
    ])('refuses %s, creating nothing', async (_name, change) => {
      await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      const error = await refusalOf(budgets.createPot(tenantId, 'usr_admin', { ...YEAR_2021, ...change }));
      expect(error).toMatchObject({ code: 'INVALID_BUDGET', httpStatus: 400 });
      expect(error.message).toMatch(/may span at most (31|366) days/);
      expect(await budgets.listPots(tenantId)).toHaveLength(1);
    });

    it.each<[string, Partial<NewBudgetPot>]>([
      [
        'an annual pot from July to July',
        { from: new Date('2021-07-01T00:00:00+09:00'), to: new Date('2022-07-01T00:00:00+09:00') },
      ],
      [
        'a monthly pot of 31 days from the 15th',
        {
          ...MAY_2021,
          from: new Date('2021-05-15T00:00:00+09:00'),
          to: new Date('2021-06-15T00:00:00+09:00'),
        },
      ],
      [
        'a monthly pot of a week',
        {
          ...MAY_2021,
          from: new Date('2021-05-20T00:00:00+09:00'),
          to: new Date('2021-05-27T00:00:00+09:00'),
        },
      ],
    ])('takes %s: a pot need not start on a calendar boundary', async (_name, change) => {
      // A monthly pot is carved out of the annual pot whose period holds it.
      if (change.period === 'monthly') await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      const created = await budgets.createPot(tenantId, 'usr_admin', { ...YEAR_2021, ...change });
      expect(created.period).toBe(change.period ?? YEAR_2021.period);
    });

    it('refuses a pot whose period is over, and takes one that has not begun', async () => {
      const over = {
        ...YEAR_2021,
        from: new Date('2020-01-01T00:00:00+09:00'),
        to: new Date('2021-01-01T00:00:00+09:00'),
      };
      expect(await refusalOf(budgets.createPot(tenantId, 'usr_admin', over))).toMatchObject({
        code: 'EFFECTIVE_DATE_IN_PAST',
        httpStatus: 400,
      });
      await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      const april = {
        ...MAY_2021,
        from: new Date('2021-04-01T00:00:00+09:00'),
        to: new Date('2021-05-01T00:00:00+09:00'),
      };
      expect((await refusalOf(budgets.createPot(tenantId, 'usr_admin', april))).code).toBe(
        'EFFECTIVE_DATE_IN_PAST',
      );
      const next = {
        ...YEAR_2021,
        from: new Date('2022-01-01T00:00:00+09:00'),
        to: new Date('2023-01-01T00:00:00+09:00'),
      };
      expect(await budgets.createPot(tenantId, 'usr_admin', next)).toMatchObject({ fundedWon: 100_000_000 });
      expect(await budgets.listPots(tenantId)).toHaveLength(2);
      await expectAuditGreen();
    });

    it('installs a preset pot for a period already over (history), funded once', async () => {
      clock.set('2026-03-01T00:00:00Z');
      const first = await seedDaejeonBudgets({ budgets }, tenantId);
      expect(await seedDaejeonBudgets({ budgets }, tenantId)).toEqual(first);
      expect(first).toMatchObject({ id: 'bud_daejeon_2021', fundedWon: 130_000_000_000 });
    });

    it.each<[string, Partial<NewBudgetPot>]>([
      ['an end before the start', { to: YEAR_2021.from }],
      ['a zero amount', { amountWon: 0 }],
      ['a share over 10000 bp', { nationalShareBp: 10_001 }],
      ['an empty name', { name: ' ' }],
      ['an id that is not a pot id', { id: 'mem_1' }],
    ])('refuses %s with INVALID_BUDGET', async (_name, change) => {
      const error = await refusalOf(budgets.createPot(tenantId, 'usr_admin', { ...YEAR_2021, ...change }));
      expect(error).toMatchObject({ code: 'INVALID_BUDGET', httpStatus: 400 });
    });
  });

  describe('a monthly pot', () => {
    it('is carved out of the annual pot, so the money is counted once', async () => {
      const year = await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      const month = await budgets.createPot(tenantId, 'usr_admin', MAY_2021);
      expect(month).toMatchObject({
        annualPotId: year.id,
        fundedWon: 7_000_000,
        remainingWon: 7_000_000,
        spentWon: 0,
      });
      expect(await budgets.getPot(tenantId, year.id)).toMatchObject({
        fundedWon: 100_000_000,
        movedToMonthlyWon: 7_000_000,
        remainingWon: 93_000_000,
        spentWon: 0,
      });
      expect(await balances([`${year.id}:national`, `${year.id}:city`, 'budget_source:national'])).toEqual({
        [`${year.id}:national`]: 37_200_000,
        [`${year.id}:city`]: 55_800_000,
        'budget_source:national': -40_000_000,
      });
      await expectAuditGreen();
    });

    it('must lie inside an annual pot', async () => {
      await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      const january2022 = {
        ...MAY_2021,
        from: new Date('2022-01-01T00:00:00+09:00'),
        to: new Date('2022-02-01T00:00:00+09:00'),
      };
      expect(await refusalOf(budgets.createPot(tenantId, 'usr_admin', january2022))).toMatchObject({
        code: 'INVALID_BUDGET',
        message: 'a monthly pot must lie inside the period of an annual pot, which funds it',
      });
    });

    it('may not overlap another monthly pot', async () => {
      await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      await budgets.createPot(tenantId, 'usr_admin', MAY_2021);
      const again = await refusalOf(
        budgets.createPot(tenantId, 'usr_admin', { ...MAY_2021, name: '5월 추가' }),
      );
      expect(again.code).toBe('BUDGET_PERIOD_CONFLICT');
    });

    it('is refused with BUDGET_INSUFFICIENT when the annual pot lacks the money, and nothing is written', async () => {
      await budgets.createPot(tenantId, 'usr_admin', { ...YEAR_2021, amountWon: 5_000_000 });
      const error = await refusalOf(budgets.createPot(tenantId, 'usr_admin', MAY_2021));
      expect(error).toMatchObject({ code: 'BUDGET_INSUFFICIENT', httpStatus: 409 });
      expect(await budgets.listPots(tenantId)).toHaveLength(1);
      await expectAuditGreen();
    });
  });

  it('is funded by an annual pot that holds enough when an earlier overlapping one does not', async () => {
    const small = await budgets.createPot(tenantId, 'usr_admin', {
      ...YEAR_2021,
      name: '2020-2021 이월',
      from: new Date('2020-07-01T00:00:00+09:00'),
      to: new Date('2021-07-01T00:00:00+09:00'),
      amountWon: 700,
    });
    const year = await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
    const month = await budgets.createPot(tenantId, 'usr_admin', MAY_2021);
    expect(month).toMatchObject({ annualPotId: year.id, fundedWon: 7_000_000 });
    expect(await budgets.getPot(tenantId, small.id)).toMatchObject({
      remainingWon: 700,
      movedToMonthlyWon: 0,
    });
    expect(await budgets.getPot(tenantId, year.id)).toMatchObject({
      remainingWon: 93_000_000,
      movedToMonthlyWon: 7_000_000,
    });
    // A monthly pot the earlier one can fund still comes from it, as before.
    const june = await budgets.createPot(tenantId, 'usr_admin', {
      ...MAY_2021,
      name: '2021년 6월',
      from: new Date('2021-06-01T00:00:00+09:00'),
      to: new Date('2021-07-01T00:00:00+09:00'),
      amountWon: 500,
    });
    expect(june.annualPotId).toBe(small.id);
    await expectAuditGreen();
  });

  describe('topping up', () => {
    it('funds once per Idempotency-Key and refuses the key for another amount', async () => {
      const pot = await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      await budgets.topUp(tenantId, 'usr_admin', pot.id, 10_000_000, 'topup-1');
      const replay = await budgets.topUp(tenantId, 'usr_admin', pot.id, 10_000_000, 'topup-1');
      expect(replay).toMatchObject({ fundedWon: 110_000_000, remainingWon: 110_000_000 });
      const conflict = await refusalOf(budgets.topUp(tenantId, 'usr_admin', pot.id, 20_000_000, 'topup-1'));
      expect(conflict.code).toBe('IDEMPOTENCY_CONFLICT');
      const topUps = (await actions.list(tenantId, 100)).filter(
        (action) => action.action === 'budget.top_up',
      );
      expect(topUps).toHaveLength(1);
      await expectAuditGreen();
    });

    it('tops up a monthly pot from its annual pot', async () => {
      const year = await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      const month = await budgets.createPot(tenantId, 'usr_admin', MAY_2021);
      expect(await budgets.topUp(tenantId, 'usr_admin', month.id, 3_000_000, 'more-may')).toMatchObject({
        fundedWon: 10_000_000,
      });
      expect(await budgets.getPot(tenantId, year.id)).toMatchObject({
        movedToMonthlyWon: 10_000_000,
        remainingWon: 90_000_000,
      });
    });

    it('refuses new money for a pot whose period is over, but answers a retry of a top-up made in time', async () => {
      const pot = await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      const inTime = await budgets.topUp(tenantId, 'usr_admin', pot.id, 1_000, 'in-time');
      clock.set('2021-12-31T15:00:00Z');
      expect(await budgets.topUp(tenantId, 'usr_admin', pot.id, 1_000, 'in-time')).toEqual(inTime);
      const late = await refusalOf(budgets.topUp(tenantId, 'usr_admin', pot.id, 1_000, 'late'));
      expect(late).toMatchObject({ code: 'EFFECTIVE_DATE_IN_PAST', httpStatus: 400 });
      expect(await budgets.getPot(tenantId, pot.id)).toMatchObject({ fundedWon: 100_001_000 });
      await expectAuditGreen();
    });

    it('refuses an unknown pot', async () => {
      expect((await refusalOf(budgets.topUp(tenantId, 'usr_admin', 'bud_nope', 1, 'k'))).code).toBe(
        'NOT_FOUND',
      );
    });
  });

  describe('paying cashback', () => {
    it('draws from the month pot while it covers the payment, else from the year pot', async () => {
      const year = await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      const month = await budgets.createPot(tenantId, 'usr_admin', MAY_2021);
      const potIdsAt = (at: string) =>
        db.transaction(async (tx) =>
          (await budgets.lockPotsAt(tx, tenantId, new Date(at))).map((pot) => pot.potId),
        );
      expect(await potIdsAt('2021-05-31T14:59:59Z')).toEqual([month.id]);
      expect(await potIdsAt('2021-05-31T15:00:00Z')).toEqual([year.id]);
      expect(await potIdsAt('2021-04-30T14:59:59Z')).toEqual([year.id]);
      expect(await potIdsAt('2020-12-31T14:59:59Z')).toEqual([]);
    });

    it('stops paying when the month pot is spent even though the year pot holds money', async () => {
      await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      await budgets.createPot(tenantId, 'usr_admin', { ...MAY_2021, amountWon: 15_000 });
      const at = clock.now();
      const first = await db.transaction((tx) => payCashback(tx, 'cb-1', at, 10_000));
      const second = await db.transaction((tx) => payCashback(tx, 'cb-2', at, 10_000));
      expect([first.drawnWon, first.exhausted, second.drawnWon, second.exhausted]).toEqual([
        10_000,
        false,
        5_000,
        true,
      ]);
      await expectAuditGreen();
    });

    it('reports spending net of clawbacks', async () => {
      const pot = await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      await db.transaction((tx) => payCashback(tx, 'cb-1', clock.now(), 3_000));
      await clawBack(pot.id, 'claw-1', 1_000);
      expect(await budgets.getPot(tenantId, pot.id)).toMatchObject({
        fundedWon: 100_000_000,
        spentWon: 2_000,
        remainingWon: 99_998_000,
      });
    });

    it('never overspends: 50 concurrent cashbacks of 10,000 from a pot of 20,000 pay exactly two', async () => {
      const pot = await budgets.createPot(tenantId, 'usr_admin', { ...YEAR_2021, amountWon: 20_000 });
      const at = clock.now();
      const draws = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          transactionWithRetry(db, (tx) => payCashback(tx, `cb-${index}`, at, 10_000)),
        ),
      );
      expect(draws.reduce((sum, draw) => sum + draw.drawnWon, 0)).toBe(20_000);
      expect(draws.filter((draw) => draw.drawnWon === 10_000)).toHaveLength(2);
      expect(draws.filter((draw) => draw.exhausted)).toHaveLength(48);
      expect(await budgets.getPot(tenantId, pot.id)).toMatchObject({ remainingWon: 0, spentWon: 20_000 });
      expect(await balances([MEMBER_CASHBACK])).toEqual({ [MEMBER_CASHBACK]: 20_000 });
      await expectAuditGreen();
    });
  });

  describe('burn', () => {
    it('gives monthly spending and the day the pot runs dry at the pace of the last 30 days', async () => {
      const pot = await budgets.createPot(tenantId, 'usr_admin', { ...YEAR_2021, amountWon: 10_000_000 });
      clock.set('2021-03-15T03:00:00Z');
      await db.transaction((tx) => payCashback(tx, 'cb-march', clock.now(), 500_000));
      for (let day = 0; day < 30; day++) {
        clock.set(new Date(Date.parse('2021-04-14T03:00:00Z') + day * 86_400_000));
        await db.transaction((tx) => payCashback(tx, `cb-${day}`, clock.now(), 100_000));
      }
      // 10,000,000 − 500,000 − 30 × 100,000 = 6,500,000 left at 100,000 a day: 65 days after 2021-05-13.
      expect(await budgets.burn(tenantId, pot.id)).toEqual({
        potId: pot.id,
        months: [
          { month: '2021-01', spentWon: 0 },
          { month: '2021-02', spentWon: 0 },
          { month: '2021-03', spentWon: 500_000 },
          { month: '2021-04', spentWon: 1_700_000 },
          { month: '2021-05', spentWon: 1_300_000 },
        ],
        remainingWon: 6_500_000,
        averageDailySpentWon: 100_000,
        projectedExhaustionDate: '2021-07-17',
        exhaustsBeforePeriodEnd: true,
      });
    });

    it('counts a cashback at 23:30 KST on the last day of a month in that month', async () => {
      const pot = await budgets.createPot(tenantId, 'usr_admin', YEAR_2021);
      clock.set('2021-04-30T14:30:00Z');
      await db.transaction((tx) => payCashback(tx, 'cb-late', clock.now(), 1_000));
      clock.set('2021-05-13T03:00:00Z');
      const burn = await budgets.burn(tenantId, pot.id);
      expect(burn.months.slice(-2)).toEqual([
        { month: '2021-04', spentWon: 1_000 },
        { month: '2021-05', spentWon: 0 },
      ]);
    });
  });
});
