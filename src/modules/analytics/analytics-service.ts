import type { Clock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import { addDays } from '../budgets/burn.js';
import { CONSUME_LIMIT_MAX, type EventFeed } from '../events/event-feed.js';
import type { ReferenceService } from '../reference/reference-service.js';
import type { Job, RunBudget } from '../scheduler/scheduler.js';
import type { TenantService } from '../tenants/tenant-service.js';
import {
  type Dashboard,
  dashboardOf,
  type MemberStatsRequest,
  memberStats,
  refreshMemberStats,
} from './dashboard.js';
import { checkPeriod, type Period, periodDays, todayIn } from './period.js';
import {
  type AnalyticsPreset,
  type IssuanceVsPlan as IssuanceVsPlanRow,
  issuanceVsPlan,
  markSynthetic,
  membersVsPopulation,
  type SyntheticPeriod,
  seedAnalyticsPreset,
  syntheticWithin,
} from './plan.js';
import { type LocalClock, project } from './projector.js';
import { estimatePromotionEffect, type MerchantWeeks, type PromotionEffect } from './promotion-effect.js';
import { ROLLUP_TABLES } from './rollups.js';
import {
  checkWhatIf,
  REPLAY_PAYMENTS_MAX,
  replayTooLarge,
  type WhatIfRequest,
  type WhatIfResult,
  whatIf,
} from './what-if.js';

export const ANALYTICS_CONSUMER = 'analytics';
const PAGE_EVENTS = 2_000;
/** Pages per catch-up run; the scheduler runs the job again at once while more are waiting. */
const PAGES_PER_RUN_MAX = 10;
/** Run often enough that a payment shows on the dashboards within a minute. */
const CATCH_UP_EVERY_MS = 15_000;
/** The operator console opens the dashboards on the trailing 90 days (web/src/operator/lab/LabPage.tsx). */
const CONSOLE_DEFAULT_DAYS = 90;

export interface Overview {
  from: string;
  to: string;
  issuance: { chargedWon: number; grantedWon: number; totalWon: number };
  members: {
    total: number;
    joined: number;
    paying: number;
    /** The tenant's economically active people (data per district); null when none are recorded. */
    economicallyActive: number | null;
    shareOfEconomicallyActiveBp: number | null;
  };
  /** Year-to-date issuance at the period's end against the year's plan; null without a plan. */
  plan: { year: number; cumulativePlanWon: number; cumulativeIssuedWon: number; vsPlanBp: number } | null;
  /** Synthetic history (demo start, simulator) the period overlaps: its figures are not real. */
  synthetic: SyntheticPeriod[];
  payments: { count: number; grossWon: number; cancelledWon: number; netWon: number };
  cashback: {
    totalWon: number;
    bySource: { national: number; city: number };
    byPot: Array<{ potId: string; amountWon: number }>;
  };
  spendingByDistrict: Array<{ district: string; area: string; netWon: number; count: number }>;
  spendingByIndustry: Array<{ industryCode: string; netWon: number; count: number }>;
  oldTownShareBp: number;
  /** How far analytics has read the feed, and the feed's head when the figures were read. */
  feed: { position: number; head: number };
}

/**
 * The policy lab's read side: a consumer of the event feed that keeps its own tables (never other
 * modules'), the headline overview and the dashboards over any past period.
 */
export class AnalyticsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: { events: EventFeed; tenants: TenantService; reference: ReferenceService },
    private readonly options: { inlineMembersMax?: number } = {},
  ) {}

  /** An operator's request for member distributions, at the consumer's position now. */
  private memberStatsRequest(feedPosition: number, today: string): MemberStatsRequest {
    return {
      feedPosition,
      requestedAt: this.clock.now(),
      inlineMembersMax: this.options.inlineMembersMax,
      today,
    };
  }

  /** The tenant's local date now. */
  private async todayOf(tenantId: string): Promise<string> {
    return todayIn(await this.deps.tenants.timeZoneOf(tenantId), this.clock.now());
  }

  /** Reads the feed up to `pagesMax` pages; returns the events applied and whether more wait. */
  async catchUp(
    tenantId: string,
    pagesMax = PAGES_PER_RUN_MAX,
    budget?: RunBudget,
  ): Promise<{ processed: number; more: boolean }> {
    const pageEvents = Math.min(budget?.pageItems ?? PAGE_EVENTS, CONSUME_LIMIT_MAX);
    const local = await this.localClock(tenantId);
    let processed = 0;
    for (let page = 0; page < pagesMax; page += 1) {
      const step = await this.deps.events.consume(
        ANALYTICS_CONSUMER,
        tenantId,
        (tx, events) => project(tx, tenantId, events, local),
        pageEvents,
      );
      processed += step.processed;
      if (!step.more) return { processed, more: false };
      await budget?.pace();
      if (budget?.spent()) break;
    }
    return { processed, more: true };
  }

  /** Empties analytics' tables for the tenant and rewinds its cursor; the next catch-ups refill them. */
  async rebuild(tenantId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.deps.events.rewind(tx, ANALYTICS_CONSUMER, tenantId);
      for (const table of ANALYTICS_TABLES)
        await tx.query(`delete from ${table} where tenant_id = $1`, [tenantId]);
    });
  }

  job(): Job {
    return {
      name: 'analytics.catch_up',
      everyMs: CATCH_UP_EVERY_MS,
      run: async ({ tenantId, budget }) => {
        const caughtUp = await this.catchUp(tenantId, PAGES_PER_RUN_MAX, budget);
        // Member distributions only once the feed is read: refreshing mid-catch-up would be redone at once.
        if (!caughtUp.more) await this.refreshMemberStats(tenantId);
        return caughtUp;
      },
    };
  }

  /** Precomputes at most one month range of deciles and concentration (see refreshMemberStats). */
  async refreshMemberStats(tenantId: string): Promise<{ from: string; to: string } | null> {
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
    const now = this.clock.now();
    const today = todayIn(timeZone, now);
    const position = await this.deps.events.position(ANALYTICS_CONSUMER, tenantId);
    const consoleDefault = { from: addDays(today, -(CONSOLE_DEFAULT_DAYS - 1)), to: today };
    return refreshMemberStats(this.db, tenantId, consoleDefault, position, now);
  }

  async checkedPeriod(tenantId: string, period: Period): Promise<Period> {
    return checkPeriod(period, await this.todayOf(tenantId));
  }

  async overview(tenantId: string, requested: Period): Promise<Overview> {
    const period = await this.checkedPeriod(tenantId, requested);
    const areaOf = await this.areaOf(tenantId);
    const args = [tenantId, period.from, period.to];
    const position = await this.deps.events.position(ANALYTICS_CONSUMER, tenantId);
    const inDays = 'tenant_id = $1 and local_date between $2 and $3';
    const spend = (dimension: string) =>
      this.db.query<{ key: string; net: number; count: number }>(
        `select key, sum(net_won)::bigint as net, sum(count)::bigint as count from analytics_daily_spend
         where ${inDays} and dimension = '${dimension}' group by key order by net desc, key`,
        args,
      );
    const [[flows], [members], [payments], draws, districts, industries, head, population, plan, synthetic] =
      await Promise.all([
        this.db.query<{ charged: number; granted: number }>(
          `select coalesce(sum(charged_won), 0)::bigint as charged, coalesce(sum(granted_won), 0)::bigint as granted
         from analytics_daily where ${inDays}`,
          args,
        ),
        this.db.query<{ total: number; joined: number }>(
          `select coalesce(sum(joined), 0)::bigint as total,
           coalesce(sum(joined) filter (where local_date >= $2), 0)::bigint as joined
         from analytics_daily where tenant_id = $1 and local_date <= $3`,
          args,
        ),
        this.db.query<{ count: number; gross: number; cancelled: number }>(
          `select coalesce(sum(payments), 0)::bigint as count, coalesce(sum(gross_won), 0)::bigint as gross,
           coalesce(sum(cancelled_won), 0)::bigint as cancelled
         from analytics_daily where ${inDays}`,
          args,
        ),
        this.db.query<{ pot_id: string; source: string; won: number }>(
          `select pot_id, source, sum(amount_won)::bigint as won from analytics_daily_pots
         where ${inDays} group by pot_id, source order by pot_id, source`,
          args,
        ),
        spend('district'),
        spend('industry'),
        this.deps.events.head(tenantId),
        membersVsPopulation(this.db, tenantId, period),
        issuanceVsPlan(this.db, tenantId, { from: period.to, to: period.to }),
        syntheticWithin(this.db, tenantId, period),
      ]);
    const { concentration } = await memberStats(
      this.db,
      tenantId,
      period,
      this.memberStatsRequest(position, await this.todayOf(tenantId)),
    );
    const netWon = (payments?.gross ?? 0) - (payments?.cancelled ?? 0);
    const oldTownWon = districts
      .filter((row) => areaOf.get(row.key) === 'old_town')
      .reduce((sum, row) => sum + row.net, 0);
    const byPot = new Map<string, number>();
    for (const row of draws) byPot.set(row.pot_id, (byPot.get(row.pot_id) ?? 0) + row.won);
    const sourceWon = (source: string) =>
      draws.filter((row) => row.source === source).reduce((sum, row) => sum + row.won, 0);
    return {
      ...period,
      issuance: {
        chargedWon: flows?.charged ?? 0,
        grantedWon: flows?.granted ?? 0,
        totalWon: (flows?.charged ?? 0) + (flows?.granted ?? 0),
      },
      members: {
        total: members?.total ?? 0,
        joined: members?.joined ?? 0,
        paying: concentration.members,
        ...economicallyActive(population, members?.total ?? 0),
      },
      plan: planAt(period.to, plan[plan.length - 1]),
      synthetic,
      payments: {
        count: payments?.count ?? 0,
        grossWon: payments?.gross ?? 0,
        cancelledWon: payments?.cancelled ?? 0,
        netWon,
      },
      cashback: {
        totalWon: sourceWon('national') + sourceWon('city'),
        bySource: { national: sourceWon('national'), city: sourceWon('city') },
        byPot: [...byPot].map(([potId, amountWon]) => ({ potId, amountWon })),
      },
      spendingByDistrict: districts.map((row) => ({
        district: row.key,
        area: areaOf.get(row.key) ?? 'unknown',
        netWon: row.net,
        count: row.count,
      })),
      spendingByIndustry: industries.map((row) => ({
        industryCode: row.key,
        netWon: row.net,
        count: row.count,
      })),
      oldTownShareBp: netWon > 0 ? Math.floor((oldTownWon * 10_000) / netWon) : 0,
      feed: { position, head },
    };
  }

  async dashboard(tenantId: string, requested: Period): Promise<Dashboard> {
    const period = await this.checkedPeriod(tenantId, requested);
    const position = await this.deps.events.position(ANALYTICS_CONSUMER, tenantId);
    const [charts, plan, population, synthetic] = await Promise.all([
      dashboardOf(
        this.db,
        tenantId,
        period,
        await this.areaOf(tenantId),
        this.memberStatsRequest(position, await this.todayOf(tenantId)),
      ),
      issuanceVsPlan(this.db, tenantId, period),
      membersVsPopulation(this.db, tenantId, period),
      syntheticWithin(this.db, tenantId, period),
    ]);
    return { ...charts, issuanceVsPlan: plan, membersVsPopulation: population, synthetic };
  }

  /** Records that a period's figures come from synthetic history (the demo start, the simulator). */
  markSynthetic(tenantId: string, period: Period, note: string): Promise<void> {
    return markSynthetic(this.db, tenantId, period, note);
  }

  /** A preset's issuance plans and economically active population; `carryPlanTo`: see seedAnalyticsPreset. */
  async seedPreset(tenantId: string, preset: AnalyticsPreset): Promise<void> {
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
    const year = Number(todayIn(timeZone, this.clock.now()).slice(0, 4));
    await seedAnalyticsPreset(this.db, tenantId, preset, year);
  }

  /** 원도심/신도심 comes from the reference module's districts (data, not constants). */
  private async areaOf(tenantId: string): Promise<Map<string, string>> {
    const districts = await this.deps.reference.listDistricts(tenantId);
    return new Map(districts.map((district) => [district.code, district.area]));
  }

  private async localClock(tenantId: string): Promise<LocalClock> {
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    return (at) => {
      const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
      return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
    };
  }

  /** Replays a past period under a draft; validates everything before reading a row, changes nothing. */
  async whatIf(tenantId: string, request: WhatIfRequest): Promise<WhatIfResult> {
    const period = await this.checkedPeriod(tenantId, request);
    checkWhatIf(request);
    const [row] = await this.db.query<{ count: number }>(
      'select count(*)::bigint as count from analytics_payments where tenant_id = $1 and local_date between $2 and $3',
      [tenantId, period.from, period.to],
    );
    if ((row?.count ?? 0) > REPLAY_PAYMENTS_MAX) throw replayTooLarge(row?.count ?? 0);
    return whatIf({ ...request, ...period }, await this.paymentsForReplay(tenantId, period));
  }

  /**
   * The effect of a promotion (its rule code on payments) on participating merchants' weekly sales,
   * by difference-in-differences against comparable merchants (same industry and 원도심/신도심 band)
   * whose payments in the period never carried the code, over as many weeks before as during.
   */
  async promotionEffect(tenantId: string, code: string, requested: Period): Promise<PromotionEffect | null> {
    const period = await this.checkedPeriod(tenantId, requested);
    const weeks = Math.ceil(periodDays(period) / 7);
    const areaOf = await this.areaOf(tenantId);
    const rows = await this.db.query<{
      merchant_id: string;
      cell: string;
      week: number;
      won: number;
      treated: boolean;
    }>(
      `with promo as (
         select distinct merchant_id from analytics_payments
         where tenant_id = $1 and local_date between $2 and $3 and rule_codes ? $4),
       weekly as (
         select merchant_id, min(industry_code) || '|' || min(district) as cell,
           floor((local_date - $2::date) / 7.0)::int as week, sum(amount_won - cancelled_won)::bigint as won
         from analytics_payments
         where tenant_id = $1 and local_date between $2::date - $5::int * 7 and $2::date + $5::int * 7 - 1
         group by merchant_id, week)
       select w.merchant_id, w.cell, w.week, w.won, p.merchant_id is not null as treated
       from weekly w left join promo p on p.merchant_id = w.merchant_id`,
      [tenantId, period.from, period.to, code, weeks],
    );
    return estimatePromotionEffect(merchantWeeks(rows, weeks, areaOf), { seed: 1 });
  }

  /** Analytics' own copy of a period's payments, in feed order, for what-if replay. */
  async paymentsForReplay(tenantId: string, period: Period, tx?: Sql): Promise<ReplayPayment[]> {
    const rows = await (tx ?? this.db).query<ReplayPayment>(
      `select payment_id as "paymentId", occurred_at as "occurredAt", local_date::text as "localDate", month,
         member_id as "memberId", district, is_traditional_market as "isTraditionalMarket",
         is_bookstore as "isBookstore", annual_revenue_won as "annualRevenueWon",
         is_welfare_recipient as "isWelfareRecipient", cash_won as "cashWon",
         month_eligible_before_won as "monthEligibleBeforeWon", eligible_won as "eligibleWon",
         requested_cashback_won as "requestedCashbackWon", cashback_won as "cashbackWon", policy_id as "policyId",
         self_dealing as "selfDealing"
       from analytics_payments where tenant_id = $1 and local_date between $2 and $3 order by seq`,
      [tenantId, period.from, period.to],
    );
    return rows;
  }
}

export interface ReplayPayment {
  paymentId: string;
  occurredAt: Date;
  localDate: string;
  month: string;
  memberId: string;
  district: string;
  isTraditionalMarket: boolean;
  isBookstore: boolean;
  annualRevenueWon: number;
  isWelfareRecipient: boolean;
  cashWon: number;
  monthEligibleBeforeWon: number;
  eligibleWon: number;
  requestedCashbackWon: number;
  cashbackWon: number;
  policyId: string | null;
  /** The member owns the shop: the engine's self-dealing rule paid nothing (payments/self-dealing.ts). */
  selfDealing: boolean;
}

function economicallyActive(
  population: ReadonlyArray<{ economicallyActive: number | null }>,
  members: number,
) {
  const active = population.reduce((sum, row) => sum + (row.economicallyActive ?? 0), 0);
  return active > 0
    ? { economicallyActive: active, shareOfEconomicallyActiveBp: Math.floor((members * 10_000) / active) }
    : { economicallyActive: null, shareOfEconomicallyActiveBp: null };
}

function planAt(day: string, row: IssuanceVsPlanRow | undefined): Overview['plan'] {
  if (!row || row.cumulativePlanWon === null || row.vsPlanBp === null) return null;
  return {
    year: Number(day.slice(0, 4)),
    cumulativePlanWon: row.cumulativePlanWon,
    cumulativeIssuedWon: row.cumulativeIssuedWon,
    vsPlanBp: row.vsPlanBp,
  };
}

const ANALYTICS_TABLES = [
  'analytics_payments',
  'analytics_cashback_draws',
  'analytics_flows',
  'analytics_members',
  'analytics_merchants',
  ...ROLLUP_TABLES,
] as const;

/** Weekly series per merchant (missing weeks are 0), controls kept only in cells that have a treated merchant. */
function merchantWeeks(
  rows: ReadonlyArray<{ merchant_id: string; cell: string; week: number; won: number; treated: boolean }>,
  weeks: number,
  areaOf: Map<string, string>,
): MerchantWeeks[] {
  const merchants = new Map<
    string,
    MerchantWeeks & { cell: string; beforeWon: number[]; duringWon: number[] }
  >();
  for (const row of rows) {
    const [industry, district] = row.cell.split('|');
    let merchant = merchants.get(row.merchant_id);
    if (!merchant) {
      merchant = {
        merchantId: row.merchant_id,
        treated: row.treated,
        cell: `${industry}|${areaOf.get(district ?? '') ?? 'unknown'}`,
        beforeWon: Array.from({ length: weeks }, () => 0),
        duringWon: Array.from({ length: weeks }, () => 0),
      };
      merchants.set(row.merchant_id, merchant);
    }
    if (row.week < 0) merchant.beforeWon[weeks + row.week] = row.won;
    else merchant.duringWon[row.week] = row.won;
  }
  const treatedCells = new Set(
    [...merchants.values()].filter((merchant) => merchant.treated).map((m) => m.cell),
  );
  return [...merchants.values()].filter((merchant) => merchant.treated || treatedCells.has(merchant.cell));
}
