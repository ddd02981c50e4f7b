import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { DomainError, notFound } from '../../errors.js';
import { localIsoDate } from '../../time.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { KeyClaims } from '../idempotency/idempotency.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { AccountSpec, Posting, TransferResult } from '../ledger/types.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { monthlySeries, projectExhaustion } from './burn.js';
import {
  BUDGET_FUND_CODE,
  FUNDING_SOURCES,
  insertFunding,
  insertPot,
  lockTenantPots,
  type PotRow,
  potAccountId,
  selectFundingTotals,
  selectOverlapping,
  selectPot,
  selectPots,
  selectPotsOfTenants,
  sourceAccountId,
} from './store.js';
import type {
  BudgetPotSummary,
  BurnReport,
  FundingSource,
  NewBudgetPot,
  PotBalances,
  SpentInPeriod,
} from './types.js';
import {
  assertPeriodNotEnded,
  validateIdempotencyKey,
  validateNewPot,
  validatePeriodLength,
  validateTopUpAmount,
} from './validation.js';

const BP_PER_WHOLE = 10_000n;

/** Where a funding comes from: the appropriation accounts, or the annual pot a monthly pot is carved from. */
type FundingOrigin = { kind: 'appropriation' } | { kind: 'annual_pot'; potId: string };

/**
 * Cashback budgets. Each pot holds its money in the ledger, one non-negative account per funding
 * source, so a cashback can never take more than a pot holds, under any concurrency.
 */
export class BudgetService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly ledger: LedgerService,
    readonly tenants: TenantService,
    readonly operatorActions: OperatorActionLog,
    /** A pot's creation and top-up answer from the pot, and claim their keys in the shared key space. */
    readonly keys: KeyClaims,
  ) {}

  /** Locks and returns the pot(s) a cashback at `at` draws from: the month's pot if any, else the year's. */
  async lockPotsAt(tx: Sql, tenantId: string, at: Date): Promise<PotBalances[]> {
    return this.potsAt(tx, tenantId, at, 'lock');
  }

  /**
   * The same pots and balances without locking them: for a decision that is checked again under
   * lock before it is written (see `drawsInFull`), so the pots are held only while the ledger writes.
   */
  async readPotsAt(sql: Sql, tenantId: string, at: Date): Promise<PotBalances[]> {
    return this.potsAt(sql, tenantId, at, 'read');
  }

  private async potsAt(sql: Sql, tenantId: string, at: Date, mode: 'lock' | 'read'): Promise<PotBalances[]> {
    const pots = await this.potsOfTenants(sql, [tenantId], at, mode);
    return pots.get(tenantId) ?? [];
  }

  /**
   * `lockPotsAt` / `readPotsAt` for several cities with one statement per table (a payment batch
   * across cities); accounts are locked in (city, id) order. City → its paying pots.
   */
  async potsOfTenants(
    sql: Sql,
    tenantIds: readonly string[],
    at: Date,
    mode: 'lock' | 'read',
  ): Promise<Map<string, PotBalances[]>> {
    if (tenantIds.length === 0) return new Map();
    const covering = await selectPotsOfTenants(sql, tenantIds, at);
    const paying = new Map(
      [...covering].map(([tenantId, pots]) => {
        const monthly = pots.filter((pot) => pot.period === 'monthly');
        // A spent monthly pot stops cashback for the month even if the year's pot still holds money.
        return [tenantId, monthly.length > 0 ? monthly : pots] as const;
      }),
    );
    const keys = [...paying].flatMap(([tenantId, pots]) =>
      pots.flatMap((pot) =>
        FUNDING_SOURCES.map((source) => ({ tenantId, id: potAccountId(pot.id, source) })),
      ),
    );
    const availableByKey = await this.ledger.availableOfTenants(sql, keys, mode);
    return new Map(
      [...paying].map(([tenantId, pots]) => [
        tenantId,
        pots.map((pot) => ({
          potId: pot.id,
          nationalShareBp: pot.nationalShareBp,
          accounts: FUNDING_SOURCES.map((source) => {
            const accountId = potAccountId(pot.id, source);
            return {
              source,
              accountId,
              availableWon: availableByKey.get(`${tenantId}\u0000${accountId}`) ?? 0,
            };
          }),
        })),
      ]),
    );
  }

  /**
   * Creates a pot and funds it with one ledger transfer. A monthly pot is carved out of the annual
   * pot whose period contains it, so the same money is never counted twice. The period must not be
   * over yet: money moved into it could never pay a cashback.
   */
  async createPot(tenantId: string, actorUserId: string, input: NewBudgetPot): Promise<BudgetPotSummary> {
    return this.create(tenantId, actorUserId, input, 'scheduled');
  }

  /**
   * A preset's pot, by its fixed id. Unlike an operator's, it may lie in a period already over: a
   * preset records what a city funded (Daejeon's 2021 pot), and its fixed id funds it once.
   */
  async installPresetPot(
    tenantId: string,
    actorUserId: string,
    input: NewBudgetPot & { id: string },
  ): Promise<BudgetPotSummary> {
    return this.create(tenantId, actorUserId, input, 'history');
  }

  private async create(
    tenantId: string,
    actorUserId: string,
    input: NewBudgetPot,
    kind: 'scheduled' | 'history',
  ): Promise<BudgetPotSummary> {
    const draft = validateNewPot(input);
    validatePeriodLength(draft);
    const potId = potIdOf(input, actorUserId);
    return transactionWithRetry(this.db, async (tx) => {
      if (input.idempotencyKey !== undefined)
        await this.keys.claim(tx, {
          tenantId,
          principalId: actorUserId,
          key: input.idempotencyKey,
          claimant: 'budget_pot',
          // The pot's own attributes and its funding's amount are compared below, with their own codes.
          request: {},
        });
      await lockTenantPots(tx, tenantId);
      const existing = await selectPot(tx, tenantId, potId);
      if (existing) return this.replayCreate(tx, tenantId, existing, draft);
      if (kind === 'scheduled') assertPeriodNotEnded(draft.to, this.clock.now());
      const annualPotId =
        draft.period === 'monthly' ? await this.annualPotContaining(tx, tenantId, draft) : null;
      const pot: PotRow = {
        ...draft,
        id: potId,
        annualPotId,
        createdBy: actorUserId,
        createdAt: this.clock.now(),
      };
      await insertPot(tx, tenantId, pot);
      await this.createPotAccounts(tx, tenantId, potId);
      await this.fund(tx, tenantId, pot, draft.amountWon, `fund:${potId}:1`);
      await this.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'budget.create',
        subjectType: 'budget_pot',
        subjectId: potId,
        details: { ...draft, annualPotId },
      });
      return this.summaryOf(tx, tenantId, pot);
    });
  }

  /** Adds funding while the pot's period runs. The key names the ledger transfer, so a retried request funds once. */
  async topUp(
    tenantId: string,
    actorUserId: string,
    potId: string,
    amountWon: number,
    idempotencyKey: string,
  ): Promise<BudgetPotSummary> {
    validateTopUpAmount(amountWon);
    const transferId = `fund:${potId}:k:${sha256Hex(validateIdempotencyKey(idempotencyKey)).slice(0, 32)}`;
    return transactionWithRetry(this.db, async (tx) => {
      await this.keys.claim(tx, {
        tenantId,
        principalId: actorUserId,
        key: idempotencyKey,
        claimant: 'budget_top_up',
        // The amount is compared by the ledger's transfer id (IDEMPOTENCY_CONFLICT), as before.
        request: { potId },
      });
      const pot = await selectPot(tx, tenantId, potId);
      if (!pot) throw notFound(`budget pot ${potId}`, `예산 ${potId}`);
      // A retry of a top-up made while the period ran is answered; new money for an ended period is not.
      if (!(await this.ledger.getTransfer(tenantId, transferId, tx)))
        assertPeriodNotEnded(pot.to, this.clock.now());
      const replayed = await this.fund(tx, tenantId, pot, amountWon, transferId);
      if (!replayed) {
        await this.operatorActions.record(tx, {
          tenantId,
          actorUserId,
          action: 'budget.top_up',
          subjectType: 'budget_pot',
          subjectId: potId,
          details: { amountWon, transferId },
        });
      }
      return this.summaryOf(tx, tenantId, pot);
    });
  }

  /** Whether a ledger transfer code is a pot funding (money in or carved out), not cashback spending. */
  isFundingCode(code: string): boolean {
    return code === BUDGET_FUND_CODE;
  }

  /** Pots covering `at` (every pot when omitted), oldest period first, with where their money went. */
  async listPots(tenantId: string, at?: Date): Promise<BudgetPotSummary[]> {
    const pots = await selectPots(this.db, tenantId, at ?? null);
    return this.summariesOf(this.db, tenantId, pots);
  }

  async getPot(tenantId: string, potId: string): Promise<BudgetPotSummary> {
    const pot = await selectPot(this.db, tenantId, potId);
    if (!pot) throw notFound(`budget pot ${potId}`, `예산 ${potId}`);
    return this.summaryOf(this.db, tenantId, pot);
  }

  /** Monthly spending so far and when the pot runs dry at the pace of the last 30 days. */
  async burn(tenantId: string, potId: string): Promise<BurnReport> {
    const pot = await this.getPot(tenantId, potId);
    const timeZone = await this.tenants.timeZoneOf(tenantId);
    const dailySpent = await this.dailySpent(tenantId, potId, timeZone);
    const lastInstant = new Date(pot.to.getTime() - 1);
    const asOf = new Date(
      Math.max(pot.from.getTime(), Math.min(this.clock.now().getTime(), lastInstant.getTime())),
    );
    const firstDay = localIsoDate(pot.from, timeZone);
    const today = localIsoDate(asOf, timeZone);
    const pace = projectExhaustion({ dailySpent, today, firstDay, remainingWon: pot.remainingWon });
    return {
      potId,
      months: monthlySeries(dailySpent, firstDay.slice(0, 7), today.slice(0, 7)),
      remainingWon: pot.remainingWon,
      ...pace,
      exhaustsBeforePeriodEnd:
        pace.projectedExhaustionDate !== null &&
        pace.projectedExhaustionDate <= localIsoDate(lastInstant, timeZone),
    };
  }

  /**
   * Net spending per tenant-local day: what left the pot's accounts other than by funding moves,
   * minus what came back (clawbacks of cancelled payments).
   */
  private async dailySpent(tenantId: string, potId: string, timeZone: string): Promise<SpentInPeriod[]> {
    const accountIds = FUNDING_SOURCES.map((source) => potAccountId(potId, source));
    const days = await this.ledger.dailyPostedWon(tenantId, accountIds, {
      timeZone,
      excludeCodes: [BUDGET_FUND_CODE],
    });
    // 0 - x rather than -x: a day that netted to nothing is 0, not -0.
    return days.map(({ day, postedWon }) => ({ period: day, spentWon: 0 - postedWon }));
  }

  private async replayCreate(
    tx: Sql,
    tenantId: string,
    existing: PotRow,
    draft: ReturnType<typeof validateNewPot>,
  ): Promise<BudgetPotSummary> {
    const same =
      existing.name === draft.name &&
      existing.period === draft.period &&
      existing.from.getTime() === draft.from.getTime() &&
      existing.to.getTime() === draft.to.getTime() &&
      existing.nationalShareBp === draft.nationalShareBp;
    if (!same) {
      throw new DomainError({
        code: 'BUDGET_CONFLICT',
        httpStatus: 409,
        message: `budget pot ${existing.id} exists with other attributes`,
        messageKo: `예산 ${existing.id}이(가) 다른 내용으로 이미 있습니다`,
      });
    }
    await this.fund(tx, tenantId, existing, draft.amountWon, `fund:${existing.id}:1`);
    return this.summaryOf(tx, tenantId, existing);
  }

  /**
   * The annual pot that funds a monthly one: of those whose period contains it (annual pots may
   * overlap), the earliest that holds both its national and its city share; the earliest, when none
   * does (the funding then fails with BUDGET_INSUFFICIENT). Taking the first by date alone refused a
   * monthly pot that a later annual pot could fund. Monthly pots never overlap each other.
   */
  private async annualPotContaining(
    tx: Sql,
    tenantId: string,
    draft: { from: Date; to: Date; amountWon: number; nationalShareBp: number },
  ): Promise<string> {
    const overlapping = await selectOverlapping(tx, tenantId, 'monthly', draft.from, draft.to);
    if (overlapping[0]) {
      throw new DomainError({
        code: 'BUDGET_PERIOD_CONFLICT',
        httpStatus: 409,
        message: `monthly pot ${overlapping[0].id} already covers part of this period`,
        messageKo: `월 예산 ${overlapping[0].id}의 기간과 겹칩니다`,
      });
    }
    const containing = (await selectOverlapping(tx, tenantId, 'annual', draft.from, draft.to)).filter(
      (pot) => pot.from.getTime() <= draft.from.getTime() && draft.to.getTime() <= pot.to.getTime(),
    );
    const annual = (await this.firstAbleToFund(tx, tenantId, containing, draft)) ?? containing[0];
    if (!annual) {
      throw new DomainError({
        code: 'INVALID_BUDGET',
        httpStatus: 400,
        message: 'a monthly pot must lie inside the period of an annual pot, which funds it',
        messageKo: '월 예산은 연간 예산 기간 안에 있어야 하며 연간 예산에서 배정됩니다',
      });
    }
    return annual.id;
  }

  private async firstAbleToFund(
    tx: Sql,
    tenantId: string,
    annualPots: readonly PotRow[],
    draft: { amountWon: number; nationalShareBp: number },
  ): Promise<PotRow | undefined> {
    if (annualPots.length < 2) return annualPots[0];
    const nationalWon = Number((BigInt(draft.amountWon) * BigInt(draft.nationalShareBp)) / BP_PER_WHOLE);
    const needWon: Record<FundingSource, number> = {
      national: nationalWon,
      city: draft.amountWon - nationalWon,
    };
    const balances = await this.ledger.balancesOf(
      tenantId,
      annualPots.flatMap((pot) => FUNDING_SOURCES.map((source) => potAccountId(pot.id, source))),
      tx,
    );
    return annualPots.find((pot) =>
      FUNDING_SOURCES.every(
        (source) => (balances.get(potAccountId(pot.id, source))?.availableWon ?? 0) >= needWon[source],
      ),
    );
  }

  private async createPotAccounts(tx: Sql, tenantId: string, potId: string): Promise<void> {
    const currencyCode = (await this.tenants.get(tenantId, tx))?.currencyCode;
    if (!currencyCode) throw notFound(`tenant ${tenantId}`, `테넌트 ${tenantId}`);
    const specs: AccountSpec[] = FUNDING_SOURCES.flatMap((source) => [
      // Appropriations outside the platform: they go negative by what they paid in.
      { id: sourceAccountId(source), kind: 'budget_source', currencyCode, allowNegative: true },
      {
        id: potAccountId(potId, source),
        kind: 'cashback_budget',
        currencyCode,
        ownerId: potId,
        metadata: { source },
      },
    ]);
    await this.ledger.createAccounts(tenantId, specs, tx);
  }

  /** One transfer moving amountWon into the pot, split by its national share. Returns whether it was a replay. */
  private async fund(
    tx: Sql,
    tenantId: string,
    pot: PotRow,
    amountWon: number,
    transferId: string,
  ): Promise<boolean> {
    const origin = fundingOriginOf(pot);
    const postings = fundingPostings(pot, origin, amountWon);
    const [result] = await this.ledger.postTransfersInTransaction(tx, tenantId, [
      { id: transferId, action: 'transfer', code: BUDGET_FUND_CODE, postings, metadata: { potId: pot.id } },
    ]);
    assertFunded(result, origin);
    if (result.replayed) return true;
    await insertFunding(tx, tenantId, {
      transferId,
      potId: pot.id,
      fromPotId: origin.kind === 'annual_pot' ? origin.potId : null,
      amountWon,
      createdAt: this.clock.now(),
    });
    return false;
  }

  private async summaryOf(sql: Sql, tenantId: string, pot: PotRow): Promise<BudgetPotSummary> {
    const [summary] = await this.summariesOf(sql, tenantId, [pot]);
    if (!summary) throw new Error(`no summary for pot ${pot.id}`);
    return summary;
  }

  private async summariesOf(
    sql: Sql,
    tenantId: string,
    pots: readonly PotRow[],
  ): Promise<BudgetPotSummary[]> {
    if (pots.length === 0) return [];
    const totals = await selectFundingTotals(
      sql,
      tenantId,
      pots.map((pot) => pot.id),
    );
    const accountIds = pots.flatMap((pot) => FUNDING_SOURCES.map((source) => potAccountId(pot.id, source)));
    const accounts = await this.ledger.getAccounts(tenantId, accountIds, sql);
    const availableById = new Map(accounts.map((account) => [account.id, account.availableWon]));
    return pots.map((pot) => {
      const { fundedWon, movedToMonthlyWon } = totals.get(pot.id) ?? { fundedWon: 0, movedToMonthlyWon: 0 };
      const potAccounts = FUNDING_SOURCES.map((source) => ({
        source,
        accountId: potAccountId(pot.id, source),
      }));
      const remainingWon = potAccounts.reduce(
        (sum, account) => sum + (availableById.get(account.accountId) ?? 0),
        0,
      );
      return {
        tenantId,
        id: pot.id,
        name: pot.name,
        period: pot.period,
        from: pot.from,
        to: pot.to,
        nationalShareBp: pot.nationalShareBp,
        accounts: potAccounts,
        createdAt: pot.createdAt,
        annualPotId: pot.annualPotId,
        fundedWon,
        movedToMonthlyWon,
        remainingWon,
        spentWon: fundedWon - movedToMonthlyWon - remainingWon,
      };
    });
  }
}

/** A preset's fixed id, an id derived from the operator's idempotency key, or a fresh one. */
function potIdOf(input: NewBudgetPot, actorUserId: string): string {
  if (input.id) return input.id;
  if (input.idempotencyKey === undefined) return `bud_${randomUUID().replaceAll('-', '')}`;
  const key = validateIdempotencyKey(input.idempotencyKey);
  return `bud_k${sha256Hex(`${actorUserId}\n${key}`).slice(0, 32)}`;
}

function fundingOriginOf(pot: PotRow): FundingOrigin {
  return pot.annualPotId ? { kind: 'annual_pot', potId: pot.annualPotId } : { kind: 'appropriation' };
}

/** floor(amount × share) from the national side, the rest from the city; zero parts are left out. */
function fundingPostings(pot: PotRow, origin: FundingOrigin, amountWon: number): Posting[] {
  const nationalWon = Number((BigInt(amountWon) * BigInt(pot.nationalShareBp)) / BP_PER_WHOLE);
  const parts: Array<[FundingSource, number]> = [
    ['national', nationalWon],
    ['city', amountWon - nationalWon],
  ];
  return parts
    .filter(([, partWon]) => partWon > 0)
    .flatMap(([source, partWon]) => [
      {
        accountId:
          origin.kind === 'annual_pot' ? potAccountId(origin.potId, source) : sourceAccountId(source),
        amountWon: -partWon,
      },
      { accountId: potAccountId(pot.id, source), amountWon: partWon },
    ]);
}

function assertFunded(
  result: TransferResult | undefined,
  origin: FundingOrigin,
): asserts result is Extract<TransferResult, { ok: true }> {
  if (result?.ok) return;
  if (result?.code === 'INSUFFICIENT_FUNDS' && origin.kind === 'annual_pot') {
    throw new DomainError({
      code: 'BUDGET_INSUFFICIENT',
      httpStatus: 409,
      message: 'the annual budget does not hold enough (for its national or city share) to fund this',
      messageKo: '연간 예산의 잔액이 부족합니다',
      details: { potId: origin.potId },
    });
  }
  if (result?.code === 'IDEMPOTENCY_CONFLICT') {
    throw new DomainError({
      code: 'IDEMPOTENCY_CONFLICT',
      httpStatus: 409,
      message: 'this Idempotency-Key (or pot id) was already used for a different funding',
      messageKo: '이 Idempotency-Key(또는 예산 id)는 이미 다른 금액의 배정에 사용되었습니다',
    });
  }
  throw new Error(`budget funding refused by the ledger: ${result ? result.code : 'no result'}`);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
