import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { DomainError, invalidInput } from '../../errors.js';
import { localDate, monthKey, startOfLocalMonth } from '../../time.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import { allocateCashback } from '../budgets/allocate.js';
import type { PotBalances } from '../budgets/types.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { PolicyService } from '../policy/policy-service.js';
import { fundingSourceAccountId } from '../programs/grants.js';
import type { Job } from '../scheduler/scheduler.js';
import type { TenantService } from '../tenants/tenant-service.js';
import type { WalletService } from '../wallets/wallet-service.js';

export interface Dong {
  code: string;
  nameKo: string;
  district: string;
}

export interface NeighbourhoodGift {
  month: string;
  memberId: string;
  dong: string;
  eligibleWon: number;
  rateBp: number;
  requestedWon: number;
  givenWon: number;
}

const MEMBERS_PER_RUN_MAX = 200;
const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
const BP_PER_WHOLE = 10_000n;

export function dongFundAccountId(dong: string): string {
  return `dong_fund:${dong}`;
}

function potId(year: number): string {
  return `ngp_${year}`;
}

function potAccountId(year: number): string {
  return `${potId(year)}:city`;
}

function nextMonth(month: string): string {
  const [year, mm] = month.split('-').map(Number) as [number, number];
  return mm === 12 ? `${year + 1}-01` : `${year}-${String(mm + 1).padStart(2, '0')}`;
}

function previousMonth(month: string): string {
  const [year, mm] = month.split('-').map(Number) as [number, number];
  return mm === 1 ? `${year - 1}-12` : `${year}-${String(mm - 1).padStart(2, '0')}`;
}

const NeighbourhoodErrors = {
  dongNotFound: (dong: string) =>
    new DomainError({
      code: 'DONG_NOT_FOUND',
      httpStatus: 404,
      message: `${dong} is not a 동 of this city`,
      messageKo: '이 도시의 동이 아닙니다',
      details: { dong },
    }),
  yearOver: (year: number, thisYear: number) =>
    new DomainError({
      code: 'EFFECTIVE_DATE_IN_PAST',
      httpStatus: 400,
      message: `${year} is over (it is ${thisYear} in the city); a pot can only be funded for a year not yet over`,
      messageKo: `${year}년은 이미 지났습니다 (현재 ${thisYear}년). 끝나지 않은 연도의 기금만 조성할 수 있습니다`,
      details: { year, thisYear },
    }),
  potExists: (year: number) =>
    new DomainError({
      code: 'POT_ALREADY_FUNDED',
      httpStatus: 409,
      message: `the neighbourhood giving pot of ${year} already exists`,
      messageKo: '해당 연도의 동네사랑기부 예산이 이미 있습니다',
    }),
};

/**
 * 동네사랑기부제: a member chooses a 동 (the choice counts from next month); after each month the city
 * gives a rule-valued share (neighbourhood_giving_rate_bp) of each participating member's eligible
 * spending (net of cancellations) to that 동's fund, from the year's city pot. The draw uses the
 * budgets module's allocator, so a member is given at most what the pot still holds; the pot's
 * ledger account cannot go negative, so the pot is never overspent. One row per member and month
 * makes the monthly run idempotent.
 */
export class NeighbourhoodGiving {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: {
      ledger: LedgerService;
      tenants: TenantService;
      policy: PolicyService;
      wallets: WalletService;
      operatorActions: OperatorActionLog;
    },
  ) {}

  async seedDongs(tenantId: string, dongs: readonly Dong[], tx?: Sql): Promise<void> {
    await (tx ?? this.db).query(
      `insert into neighbourhood_dongs (tenant_id, code, name_ko, district)
       select $1, code, name_ko, district from json_to_recordset($2::json) as x(code text, name_ko text, district text)
       on conflict do nothing`,
      [
        tenantId,
        JSON.stringify(
          dongs.map((dong) => ({ code: dong.code, name_ko: dong.nameKo, district: dong.district })),
        ),
      ],
    );
  }

  /** The districts the city's list places a 동 in, by its Korean name or its code (a name may recur). */
  async districtsOfDong(tenantId: string, dong: string, tx?: Sql): Promise<string[]> {
    const rows = await (tx ?? this.db).query<{ district: string }>(
      `select distinct district from neighbourhood_dongs
       where tenant_id = $1 and (name_ko = $2 or code = $2) order by district`,
      [tenantId, dong],
    );
    return rows.map((row) => row.district);
  }

  async dongs(tenantId: string): Promise<Dong[]> {
    return this.db.query<Dong>(
      `select code, name_ko as "nameKo", district from neighbourhood_dongs where tenant_id = $1 order by district, code`,
      [tenantId],
    );
  }

  /** The choice counts from the next local month; choosing again in the same month replaces it. */
  async choose(tenantId: string, memberId: string, dong: string) {
    const now = this.clock.now();
    const effectiveMonth = nextMonth(monthKey(now, await this.deps.tenants.timeZoneOf(tenantId)));
    await transactionWithRetry(this.db, async (tx) => {
      // The 동's code or its Korean name.
      const [known] = await tx.query<{ code: string }>(
        'select code from neighbourhood_dongs where tenant_id = $1 and (code = $2 or name_ko = $2) order by code limit 1',
        [tenantId, dong],
      );
      if (!known) throw NeighbourhoodErrors.dongNotFound(dong);
      await tx.query(
        `insert into neighbourhood_choices (tenant_id, member_id, effective_month, dong, chosen_at)
         values ($1, $2, $3, $4, $5)
         on conflict (tenant_id, member_id, effective_month) do update set dong = excluded.dong, chosen_at = excluded.chosen_at`,
        [tenantId, memberId, effectiveMonth, known.code, now],
      );
    });
    return this.memberView(tenantId, memberId);
  }

  async memberView(tenantId: string, memberId: string) {
    const month = monthKey(this.clock.now(), await this.deps.tenants.timeZoneOf(tenantId));
    const choices = await this.db.query<{ effective_month: string; dong: string }>(
      `select effective_month, dong from neighbourhood_choices where tenant_id = $1 and member_id = $2
       order by effective_month desc limit 2`,
      [tenantId, memberId],
    );
    const current = choices.find((choice) => choice.effective_month <= month) ?? null;
    const upcoming = choices.find((choice) => choice.effective_month > month) ?? null;
    const gifts = await this.db.query<{
      month: string;
      dong: string;
      eligible_won: number;
      given_won: number;
    }>(
      `select month, dong, eligible_won, given_won from neighbourhood_gifts where tenant_id = $1 and member_id = $2
       order by month desc limit 24`,
      [tenantId, memberId],
    );
    return {
      currentDong: current?.dong ?? null,
      nextDong: upcoming ? { dong: upcoming.dong, effectiveMonth: upcoming.effective_month } : null,
      gifts: gifts.map((gift) => ({
        month: gift.month,
        dong: gift.dong,
        eligibleWon: gift.eligible_won,
        givenWon: gift.given_won,
      })),
      totalGivenWon: gifts.reduce((sum, gift) => sum + gift.given_won, 0),
    };
  }

  /** Funds the year's pot once from the city's appropriation account. */
  async fundPot(tenantId: string, actorUserId: string, year: number, amountWon: number, tx?: Sql) {
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw invalidInput('year must be 2000-2100', '연도는 2000~2100 사이여야 합니다');
    if (!Number.isSafeInteger(amountWon) || amountWon <= 0)
      throw invalidInput('amountWon must be positive', '금액은 1원 이상이어야 합니다');
    const work = async (sql: Sql) => {
      const [exists] = await sql.query(
        'select 1 from neighbourhood_pots where tenant_id = $1 and year = $2',
        [tenantId, year],
      );
      if (exists) throw NeighbourhoodErrors.potExists(year);
      // A year that is over draws no more months: money put there could never be given or taken back.
      const thisYear = localDate(this.clock.now(), await this.deps.tenants.timeZoneOf(tenantId, sql)).year;
      if (year < thisYear) throw NeighbourhoodErrors.yearOver(year, thisYear);
      await this.deps.ledger.createAccounts(
        tenantId,
        [
          {
            id: fundingSourceAccountId('city'),
            kind: 'budget_source',
            currencyCode: 'KRW',
            allowNegative: true,
          },
          { id: potAccountId(year), kind: 'neighbourhood_pot', currencyCode: 'KRW', ownerId: potId(year) },
        ],
        sql,
      );
      const [result] = await this.deps.ledger.postTransfersInTransaction(sql, tenantId, [
        {
          id: `neighbourhood_fund:${potId(year)}`,
          action: 'transfer',
          code: 'neighbourhood_fund',
          postings: [
            { accountId: fundingSourceAccountId('city'), amountWon: -amountWon },
            { accountId: potAccountId(year), amountWon },
          ],
        },
      ]);
      if (!result?.ok) throw new Error(`ledger refused neighbourhood pot funding ${year}`);
      await sql.query(
        `insert into neighbourhood_pots (tenant_id, id, year, funded_won, created_by, created_at) values ($1, $2, $3, $4, $5, $6)`,
        [tenantId, potId(year), year, amountWon, actorUserId, this.clock.now()],
      );
      await this.deps.operatorActions.record(sql, {
        tenantId,
        actorUserId,
        action: 'neighbourhood.pot.fund',
        subjectType: 'neighbourhood_pot',
        subjectId: potId(year),
        details: { year, amountWon },
      });
      return this.potView(tenantId, year, sql);
    };
    return tx ? work(tx) : transactionWithRetry(this.db, work);
  }

  async potView(tenantId: string, year: number, sql: Sql = this.db) {
    const [pot] = await sql.query<{ funded_won: number }>(
      'select funded_won from neighbourhood_pots where tenant_id = $1 and year = $2',
      [tenantId, year],
    );
    const account = await this.deps.ledger.getAccount(tenantId, potAccountId(year), sql);
    return { year, fundedWon: pot?.funded_won ?? 0, remainingWon: account?.availableWon ?? 0 };
  }

  /**
   * Gives for `month` (a month that has ended) for up to MEMBERS_PER_RUN_MAX members who have not been
   * given for it yet. Each member is one transaction: pot locked, share allocated, transfer, row.
   */
  async runMonth(tenantId: string, month: string) {
    if (!MONTH_PATTERN.test(month))
      throw invalidInput('month must be YYYY-MM', '월은 YYYY-MM 형식이어야 합니다');
    const participants = await this.db.query<{ member_id: string; dong: string }>(
      `select distinct on (c.member_id) c.member_id, c.dong from neighbourhood_choices c
       where c.tenant_id = $1 and c.effective_month <= $2
         and not exists (select 1 from neighbourhood_gifts g where g.tenant_id = c.tenant_id and g.month = $2 and g.member_id = c.member_id)
       order by c.member_id, c.effective_month desc limit $3`,
      [tenantId, month, MEMBERS_PER_RUN_MAX],
    );
    const [year, mm] = month.split('-').map(Number) as [number, number];
    const rateBp = await this.rateAt(tenantId, year, mm);
    let givenWon = 0;
    for (const participant of participants)
      givenWon += await this.giveFor(tenantId, month, year, rateBp, participant.member_id, participant.dong);
    return { processed: participants.length, more: participants.length === MEMBERS_PER_RUN_MAX, givenWon };
  }

  private async rateAt(tenantId: string, year: number, month: number): Promise<number> {
    const at = startOfLocalMonth(year, month, await this.deps.tenants.timeZoneOf(tenantId));
    const rules = await this.deps.policy.rulesInForce(tenantId, at);
    return rules.find((rule) => rule.key === 'neighbourhood_giving_rate_bp')?.value ?? 0;
  }

  private async giveFor(
    tenantId: string,
    month: string,
    year: number,
    rateBp: number,
    memberId: string,
    dong: string,
  ): Promise<number> {
    return transactionWithRetry(this.db, async (tx) => {
      const usage = await this.deps.wallets.monthlyUsage(tenantId, memberId, month, tx);
      const eligibleWon = Math.max(0, usage.eligibleSpendWon);
      const requestedWon = Number((BigInt(eligibleWon) * BigInt(rateBp)) / BP_PER_WHOLE);
      const [pot] = await this.deps.ledger.lockAccounts(tx, tenantId, [potAccountId(year)]);
      const pots: PotBalances[] = pot
        ? [
            {
              potId: potId(year),
              nationalShareBp: 0,
              accounts: [{ source: 'city', accountId: pot.id, availableWon: pot.availableWon }],
            },
          ]
        : [];
      const draw = allocateCashback(pots, requestedWon);
      if (draw.drawnWon > 0) await this.moveToDong(tx, tenantId, month, memberId, dong, draw.postings);
      await tx.query(
        `insert into neighbourhood_gifts (tenant_id, month, member_id, dong, eligible_won, rate_bp, requested_won, given_won, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [tenantId, month, memberId, dong, eligibleWon, rateBp, requestedWon, draw.drawnWon, this.clock.now()],
      );
      return draw.drawnWon;
    });
  }

  private async moveToDong(
    tx: Sql,
    tenantId: string,
    month: string,
    memberId: string,
    dong: string,
    draws: Array<{ accountId: string; amountWon: number }>,
  ) {
    await this.deps.ledger.createAccounts(
      tenantId,
      [{ id: dongFundAccountId(dong), kind: 'dong_fund', currencyCode: 'KRW', ownerId: dong }],
      tx,
    );
    const givenWon = -draws.reduce((sum, draw) => sum + draw.amountWon, 0);
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
      {
        id: `neighbourhood:${month}:${memberId}`,
        action: 'transfer',
        code: 'neighbourhood_gift',
        postings: [...draws, { accountId: dongFundAccountId(dong), amountWon: givenWon }],
        metadata: { month, memberId, dong },
      },
    ]);
    // The draw was decided on the pot locked in this transaction: a refusal is a bug.
    if (!result?.ok) throw new Error(`ledger refused neighbourhood gift ${month} ${memberId}`);
  }

  /** Totals per 동 for a month, for operators. */
  async totals(tenantId: string, month: string) {
    if (!MONTH_PATTERN.test(month))
      throw invalidInput('month must be YYYY-MM', '월은 YYYY-MM 형식이어야 합니다');
    return this.db.query<{
      dong: string;
      nameKo: string;
      members: number;
      eligibleWon: number;
      requestedWon: number;
      givenWon: number;
    }>(
      `select g.dong, coalesce(d.name_ko, g.dong) as "nameKo", count(*)::bigint as members,
         sum(g.eligible_won)::bigint as "eligibleWon", sum(g.requested_won)::bigint as "requestedWon",
         sum(g.given_won)::bigint as "givenWon"
       from neighbourhood_gifts g left join neighbourhood_dongs d on d.tenant_id = g.tenant_id and d.code = g.dong
       where g.tenant_id = $1 and g.month = $2 group by g.dong, d.name_ko order by g.dong`,
      [tenantId, month],
    );
  }

  /** Once a month has ended, gives for it; a run early in the next month picks up where it stopped. */
  jobs(): Job[] {
    return [
      {
        name: 'giving.neighbourhood',
        everyMs: 60 * 60_000,
        run: async ({ tenantId, now }) => {
          const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
          const today = localDate(now, timeZone);
          const month = previousMonth(`${today.year}-${String(today.month).padStart(2, '0')}`);
          const outcome = await this.runMonth(tenantId, month);
          return {
            processed: outcome.processed,
            more: outcome.more,
            details: { month, givenWon: outcome.givenWon },
          };
        },
      },
    ];
  }
}
