import { ManualClock } from '../clock.js';
import { loadConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { DomainError } from '../errors.js';
import { businessNumberCheckDigit } from '../modules/merchants/business-number.js';
import { createPlatform, type Platform } from '../platform.js';
import { DEMO_CREDENTIALS, seedDaejeon } from '../presets/daejeon.js';
import { type Calibration, DAEJEON_CALIBRATION } from './daejeon-calibration.js';
import { type FraudInjection, fraudOrders } from './fraud-injection.js';
import { lognormal, pickWeighted, type Rng, rngOf, zipfIndex } from './random.js';
import { openSimulationDatabase } from './simulation-database.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const KST_OFFSET_MS = 9 * HOUR_MS;
/** Payments submitted together: they share one simulated instant and ride one group-commit batch. */
const PAYMENTS_IN_FLIGHT = 64;
const SIGN_UPS_IN_FLIGHT = 8;
const CHARGES_IN_FLIGHT = 16;
const PAYMENTS_PER_MEMBER_MONTH_MAX = 200;
/** Spending is what a member can charge in a month (the preset's ₩500,000 cap): the tail stops there. */
const MONTHLY_SPEND_MAX_WON = 480_000;
const PASSWORD = 'Hanbat-sim-7q4w-synthetic';
/** The first synthetic shop owner: a demo start that finds them has planted its history already. */
export const SYNTHETIC_OWNER_PHONE = '010-8000-0000';

export interface Promotion {
  code: string;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  rateBp: number;
  /** Extra spending members make while it runs, in basis points (1300 = +13%). */
  spendingUpliftBp: number;
}

export interface SimulationOptions {
  months: number;
  members: number;
  seed: number;
  /** 'YYYY-MM'; the first simulated month. */
  startMonth: string;
  promotions?: Promotion[];
  fraud?: FraudInjection;
  calibration?: Calibration;
  /** A migrated database; an in-memory PGlite by default. */
  db?: Database;
  /** The tenant the preset is seeded into and the city runs in; 'daejeon' by default. */
  tenantId?: string;
  /** The tenant already holds the preset (a live demo's database): skip seeding it again. */
  seeded?: boolean;
  onProgress?: (done: number, total: number, phase: string) => void;
}

export interface SimulationResult {
  platform: Platform;
  tenantId: string;
  period: { from: string; to: string };
  members: number;
  merchants: number;
  payments: { attempted: number; succeeded: number; refused: Record<string, number> };
  charges: { succeeded: number; refused: number };
  paymentSeconds: number;
  paymentsPerSecond: number;
  setupSeconds: number;
  calibration: Calibration;
}

interface SimMember {
  /** Its place in the plan (phone numbers and names follow it); id is the engine's once signed up. */
  index: number;
  id: string;
  district: string;
  monthlySpendWon: number;
  joinMonth: number;
}
interface SimMerchant {
  code: string;
  district: string;
  industry: string;
}

/** Korea-time midnight of a local date, as an instant. */
const kstMidnight = (year: number, month: number, day: number) =>
  Date.UTC(year, month - 1, day) - KST_OFFSET_MS;

function monthStart(
  startMonth: string,
  offset: number,
): { year: number; month: number; startMs: number; days: number } {
  const [y, m] = startMonth.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + offset;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return {
    year,
    month,
    startMs: kstMidnight(year, month, 1),
    days: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

/**
 * Drives the REAL engine in-process (member sign-up, merchant application and approval, bank
 * charges, group-committed payments, the event feed and the analytics consumer) through synthetic
 * months, stepping a manual clock. Reproducible by seed: the same options make the same members,
 * merchants and orders in the same sequence (ids the engine draws itself differ).
 */
export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const calibration = options.calibration ?? DAEJEON_CALIBRATION;
  const rng = rngOf(options.seed);
  const setupStarted = performance.now();
  const first = monthStart(options.startMonth, 0);
  const clock = new ManualClock(new Date(first.startMs - DAY_MS));
  const db = options.db ?? (await openSimulationDatabase());
  const platform = createPlatform({ ...loadConfig({}), mode: 'demo' }, db, clock);
  const tenantId = options.tenantId ?? 'daejeon';
  if (!options.seeded) await seedDaejeon(platform, tenantId);
  // Marked before the first order: whatever a run leaves behind, even a crashed one, is synthetic.
  const last = monthStart(options.startMonth, options.months - 1);
  const iso = (ms: number) => new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 10);
  const period = { from: iso(first.startMs), to: iso(last.startMs + (last.days - 1) * DAY_MS) };
  await platform.analytics.markSynthetic(tenantId, period, `hanbat simulate, seed ${options.seed}`);
  const operator = await platform.members.findByPhone(tenantId, DEMO_CREDENTIALS.operator.phone);
  const operatorId = operator?.id ?? 'system:simulation';
  await ensureYearPots(platform, tenantId, options);
  await schedulePromotions(platform, tenantId, operatorId, options.promotions ?? []);

  const report = options.onProgress ?? (() => {});
  const members = planMembers(rng, calibration, options);
  const merchants = await createMerchants(platform, tenantId, operatorId, rng, calibration, options, report);
  const byDistrictIndustry = indexMerchants(merchants);
  const setupSeconds = (performance.now() - setupStarted) / 1000;

  const result = {
    payments: { attempted: 0, succeeded: 0, refused: {} as Record<string, number> },
    charges: { succeeded: 0, refused: 0 },
  };
  let paymentMs = 0;
  let serial = 0;
  const joined: SimMember[] = [];
  for (let offset = 0; offset < options.months; offset += 1) {
    const month = monthStart(options.startMonth, offset);
    clock.set(new Date(month.startMs + HOUR_MS));
    const newcomers = members.filter((member) => member.joinMonth === offset);
    await signUp(platform, tenantId, newcomers, (done) =>
      report(done, newcomers.length, `month ${offset + 1}: sign-ups`),
    );
    joined.push(...newcomers);
    const uplift = (atMs: number) => promotionUpliftAt(options.promotions ?? [], atMs);
    const orders = planMonth(rng, calibration, joined, byDistrictIndustry, month, uplift);
    if (options.fraud && offset === 0)
      orders.push(...(await fraudOrders(platform, tenantId, operatorId, options.fraud, month.startMs, rng)));
    orders.sort((a, b) => a.atMs - b.atMs);
    await chargeMembers(platform, tenantId, joined, orders, result.charges, offset);
    const started = performance.now();
    for (let index = 0; index < orders.length; index += PAYMENTS_IN_FLIGHT) {
      const chunk = orders.slice(index, index + PAYMENTS_IN_FLIGHT);
      clock.set(new Date((chunk[0] as Order).atMs));
      const outcomes = await Promise.all(
        chunk.map((order) => {
          serial += 1;
          return platform.payments
            .payAtMerchant(tenantId, {
              memberId: order.memberId,
              merchantCode: order.merchantCode,
              amountWon: order.amountWon,
              idempotency: {
                principalId: order.memberId,
                key: `sim-${options.seed}-${serial}`,
                requestHash: `sim-${serial}`,
              },
            })
            .catch((error: unknown) => {
              // A refusal (short of funds, a cap, a frozen account) is part of the simulated city.
              if (!(error instanceof DomainError)) throw error;
              return { statusCode: error.httpStatus, body: { code: error.code }, replayed: false };
            });
        }),
      );
      for (const outcome of outcomes) {
        result.payments.attempted += 1;
        if (outcome.statusCode === 201) result.payments.succeeded += 1;
        else {
          const code = (outcome.body as { code?: string }).code ?? String(outcome.statusCode);
          result.payments.refused[code] = (result.payments.refused[code] ?? 0) + 1;
        }
      }
      report(
        Math.min(index + PAYMENTS_IN_FLIGHT, orders.length),
        orders.length,
        `month ${offset + 1}/${options.months}: payments`,
      );
    }
    paymentMs += performance.now() - started;
    await drainAnalytics(platform, tenantId);
  }
  clock.set(new Date(last.startMs + last.days * DAY_MS + HOUR_MS));
  await drainAnalytics(platform, tenantId);
  return {
    platform,
    tenantId,
    period,
    members: members.length,
    merchants: merchants.length,
    ...result,
    paymentSeconds: paymentMs / 1000,
    paymentsPerSecond: result.payments.attempted / Math.max(paymentMs / 1000, 1e-9),
    setupSeconds,
    calibration,
  };
}

async function drainAnalytics(platform: Platform, tenantId: string) {
  for (let run = 0; run < 10_000; run += 1) if (!(await platform.analytics.catchUp(tenantId)).more) return;
}

/** The preset funds 2021 and the start year; a run reaching into later years gets the same pot for each. */
async function ensureYearPots(platform: Platform, tenantId: string, options: SimulationOptions) {
  const firstYear = monthStart(options.startMonth, 0).year;
  const lastYear = monthStart(options.startMonth, options.months - 1).year;
  const existing = new Set((await platform.budgets.listPots(tenantId)).map((pot) => pot.id));
  for (let year = firstYear; year <= lastYear; year += 1) {
    const id = `bud_daejeon_${year}`;
    if (existing.has(id) || year === 2021) continue;
    await platform.budgets.createPot(tenantId, 'system:simulation', {
      id,
      name: `${year} 온통대전 캐시백 예산 (synthetic)`,
      period: 'annual',
      from: new Date(kstMidnight(year, 1, 1)),
      to: new Date(kstMidnight(year + 1, 1, 1)),
      amountWon: 130_000_000_000,
      nationalShareBp: 4000,
    });
  }
}

/** A promotion is a new version of the cashback policy from its first day, with the same rules plus the promotion. */
async function schedulePromotions(
  platform: Platform,
  tenantId: string,
  operatorId: string,
  promotions: Promotion[],
) {
  for (const promotion of promotions) {
    const [y, m, d] = promotion.from.split('-').map(Number) as [number, number, number];
    const fromMs = kstMidnight(y, m, d);
    const [ty, tm, td] = promotion.to.split('-').map(Number) as [number, number, number];
    const toMs = kstMidnight(ty, tm, td) + DAY_MS;
    const current = await platform.policy.cashbackPolicyAt(tenantId, new Date(fromMs));
    if (!current) throw new Error(`no cashback policy in force on ${promotion.from} to promote`);
    await platform.policy.createPolicy(tenantId, operatorId, {
      name: `${current.name} + ${promotion.code} (synthetic)`,
      effectiveFrom: new Date(fromMs),
      rules: {
        ...current.rules,
        promotions: [
          ...current.rules.promotions,
          {
            code: promotion.code,
            nameKo: `${promotion.code} (모의)`,
            nameEn: `${promotion.code} (synthetic)`,
            from: new Date(fromMs).toISOString(),
            to: new Date(toMs).toISOString(),
            rateBp: promotion.rateBp,
          },
        ],
      },
    });
  }
}

function promotionUpliftAt(promotions: Promotion[], atMs: number): number {
  for (const promotion of promotions) {
    const from = Date.parse(`${promotion.from}T00:00:00+09:00`);
    const to = Date.parse(`${promotion.to}T00:00:00+09:00`) + DAY_MS;
    if (from <= atMs && atMs < to) return promotion.spendingUpliftBp;
  }
  return 0;
}

function planMembers(rng: Rng, calibration: Calibration, options: SimulationOptions): SimMember[] {
  const weights = calibration.districts.map((district) => district.population);
  return Array.from({ length: options.members }, (_, index) => ({
    index,
    id: '',
    district: (calibration.districts[pickWeighted(rng, weights)] as { code: string }).code,
    monthlySpendWon: Math.min(
      MONTHLY_SPEND_MAX_WON,
      lognormal(rng, calibration.monthlySpendMedianWon, calibration.spendSigma),
    ),
    // Seven in ten are members before the first month; the rest join over the first half of the run.
    joinMonth: rng() < 0.7 || options.months < 2 ? 0 : Math.floor(rng() * Math.ceil(options.months / 2)),
  }));
}

async function signUp(
  platform: Platform,
  tenantId: string,
  members: SimMember[],
  report: (done: number) => void,
) {
  for (let index = 0; index < members.length; index += SIGN_UPS_IN_FLIGHT) {
    await Promise.all(
      members.slice(index, index + SIGN_UPS_IN_FLIGHT).map(async (member) => {
        const serial = member.index;
        const district = DAEJEON_CALIBRATION.districts.find((d) => d.code === member.district);
        const created = await platform.members.signUp(tenantId, {
          phone: `010-9${String(Math.floor(serial / 10_000)).padStart(3, '0')}-${String(serial % 10_000).padStart(4, '0')}`,
          password: PASSWORD,
          name: `모의 회원 ${serial} (synthetic)`,
          birthDate: `${1945 + ((serial * 7919) % 60)}-0${1 + (serial % 9)}-15`,
          district: member.district,
          dong: district?.dong ?? '중앙동',
        });
        member.id = created.id;
      }),
    );
    report(Math.min(index + SIGN_UPS_IN_FLIGHT, members.length));
  }
}

async function createMerchants(
  platform: Platform,
  tenantId: string,
  operatorId: string,
  rng: Rng,
  calibration: Calibration,
  options: SimulationOptions,
  report: (done: number, total: number, phase: string) => void,
): Promise<SimMerchant[]> {
  const count = Math.max(
    calibration.industries.length * 2,
    Math.ceil(options.members / calibration.membersPerMerchant),
  );
  const owners: string[] = [];
  for (let index = 0; index < Math.ceil(count / 200); index += 1) {
    const owner = await platform.members.signUp(tenantId, {
      phone: index === 0 ? SYNTHETIC_OWNER_PHONE : `010-8${String(index).padStart(3, '0')}-0000`,
      password: PASSWORD,
      name: `모의 사업주 ${index} (synthetic)`,
      birthDate: '1970-03-01',
      district: 'jung-gu',
      dong: '대흥동',
    });
    owners.push(owner.id);
  }
  const districtWeights = calibration.districts.map((district) => district.population);
  const industryWeights = calibration.industries.map((industry) => industry.paymentWeight);
  const marketWeights = calibration.markets.map((market) => market.stores);
  const merchants: SimMerchant[] = [];
  for (let index = 0; index < count; index += 1) {
    const inMarket = rng() < calibration.marketStoreShare;
    const market = inMarket ? calibration.markets[pickWeighted(rng, marketWeights)] : undefined;
    const industry = market
      ? calibration.industries.find((i) => i.code === 'traditional_market_store')
      : calibration.industries[pickWeighted(rng, industryWeights)];
    if (!industry) throw new Error('the calibration has no industries');
    const district =
      market?.district ??
      (calibration.districts[pickWeighted(rng, districtWeights)] as { code: string }).code;
    const firstNine = `7${String(options.seed % 100).padStart(2, '0')}${String(index).padStart(6, '0')}`;
    const applied = await platform.merchants.apply(tenantId, owners[index % owners.length] as string, {
      businessNumber: `${firstNine}${businessNumberCheckDigit(firstNine)}`,
      name: `모의 가맹점 ${index} (synthetic)`,
      industryCode: industry.code,
      district,
      dong: calibration.districts.find((d) => d.code === district)?.dong ?? '중앙동',
      ...(market ? { marketId: market.id } : {}),
      annualRevenueWon: Math.min(2_900_000_000, lognormal(rng, industry.revenueMedianWon, 0.7)),
    });
    const approved =
      applied.status === 'pending'
        ? await platform.merchants.approve(tenantId, applied.id, operatorId)
        : null;
    if (approved?.merchantCode)
      merchants.push({ code: approved.merchantCode, district, industry: industry.code });
    if (index % 20 === 0 || index === count - 1) report(index + 1, count, 'merchants');
  }
  return merchants;
}

function indexMerchants(merchants: SimMerchant[]): Map<string, SimMerchant[]> {
  const index = new Map<string, SimMerchant[]>();
  for (const merchant of merchants) {
    for (const key of [`${merchant.district}|${merchant.industry}`, `*|${merchant.industry}`]) {
      const list = index.get(key) ?? [];
      list.push(merchant);
      index.set(key, list);
    }
  }
  return index;
}

export interface Order {
  atMs: number;
  memberId: string;
  merchantCode: string;
  amountWon: number;
}

/** One month of a member's payments: industry by weight, ticket log-normal, time by weekday and hour. */
function planMonth(
  rng: Rng,
  calibration: Calibration,
  members: SimMember[],
  merchants: Map<string, SimMerchant[]>,
  month: { year: number; month: number; startMs: number; days: number },
  upliftBpAt: (atMs: number) => number,
): Order[] {
  const dayWeights = Array.from({ length: month.days }, (_, day) => {
    const weekday = new Date(Date.UTC(month.year, month.month - 1, day + 1)).getUTCDay();
    return calibration.weekdayWeights[weekday] ?? 1;
  });
  const industryWeights = calibration.industries.map((industry) => industry.paymentWeight);
  const monthWeight = calibration.monthWeights[month.month - 1] ?? 1;
  const orders: Order[] = [];
  for (const member of members) {
    let leftWon = Math.floor(member.monthlySpendWon * monthWeight);
    for (let count = 0; count < PAYMENTS_PER_MEMBER_MONTH_MAX && leftWon > 1_000; count += 1) {
      const industry = calibration.industries[
        pickWeighted(rng, industryWeights)
      ] as Calibration['industries'][number];
      const district = rng() < calibration.homeDistrictShare ? member.district : '*';
      const candidates = merchants.get(`${district}|${industry.code}`) ?? merchants.get(`*|${industry.code}`);
      if (!candidates) continue;
      const merchant = candidates[zipfIndex(rng, candidates.length)] as SimMerchant;
      const day = pickWeighted(rng, dayWeights);
      const hour = pickWeighted(rng, calibration.hourWeights);
      const atMs = month.startMs + day * DAY_MS + hour * HOUR_MS + Math.floor(rng() * HOUR_MS);
      const uplift = 1 + upliftBpAt(atMs) / 10_000;
      const amountWon = Math.min(
        leftWon,
        Math.max(1_000, Math.round((lognormal(rng, industry.ticketMedianWon, 0.6) * uplift) / 100) * 100),
      );
      leftWon -= amountWon;
      orders.push({ atMs, memberId: member.id, merchantCode: merchant.code, amountWon });
    }
  }
  return orders;
}

/** Each member charges what the month's orders need (rounded up to ₩10,000) at the month's start. */
async function chargeMembers(
  platform: Platform,
  tenantId: string,
  members: SimMember[],
  orders: Order[],
  tally: { succeeded: number; refused: number },
  offset: number,
) {
  const needWon = new Map<string, number>();
  for (const order of orders)
    needWon.set(order.memberId, (needWon.get(order.memberId) ?? 0) + order.amountWon);
  const list = [...needWon].filter(
    ([memberId]) => members.some((m) => m.id === memberId) || memberId.length > 0,
  );
  for (let index = 0; index < list.length; index += CHARGES_IN_FLIGHT) {
    await Promise.all(
      list.slice(index, index + CHARGES_IN_FLIGHT).map(async ([memberId, won]) => {
        const amountWon = Math.min(500_000, Math.ceil(won / 10_000) * 10_000);
        try {
          const account = await platform.members.bankAccountOf(tenantId, memberId);
          const charge = await platform.wallets.charge(
            tenantId,
            memberId,
            amountWon,
            `sim-charge-${offset}-${memberId}`,
            account,
          );
          if (charge.status === 'succeeded') tally.succeeded += 1;
          else tally.refused += 1;
        } catch {
          // A cap refused the charge (the holding cap with money left over): the member pays from what is there.
          tally.refused += 1;
        }
      }),
    );
  }
}
