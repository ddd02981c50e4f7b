import type { Fact, MerchantFact, PaymentFact } from './facts.js';
import type { FraudRule } from './rules.js';

/**
 * Synthetic traffic for measuring the detectors (until the policy lab's simulator lands): ordinary
 * members paying ordinary merchants, scripted fraud rings of each pattern at several intensities,
 * and honest look-alikes that a naive rule would flag. Reproducible by seed. Times are instants;
 * the story is told in Korea time (UTC+9), where lunch is 12–13h.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const KST_MS = 9 * HOUR_MS;

export interface Ring {
  id: string;
  pattern: FraudRule;
  intensity: number;
  memberIds: string[];
  merchantIds: string[];
}

export interface LookAlike {
  id: string;
  /** The rule a naive reading would fire on. */
  resembles: FraudRule;
  memberIds: string[];
  merchantIds: string[];
}

export interface Scenario {
  startAt: number;
  facts: Fact[];
  rings: Ring[];
  lookAlikes: LookAlike[];
}

export interface ScenarioOptions {
  seed: number;
  days: number;
  members: number;
  merchants: number;
  intensities: number[];
  /** Patterns to inject; all by default. */
  patterns?: FraudRule[];
  lookAlikes?: boolean;
  /**
   * Also the variant of each member-side ring whose members shop normally besides (the evaluation
   * turns it on; off by default so the simulator's replayed rings stay the rings' own payments).
   */
  shoppingVariants?: boolean;
}

/** mulberry32: small, fast, good enough for synthetic traffic. */
export function rngOf(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const INDUSTRIES = [
  { code: 'restaurant', medianWon: 12_000, weight: 30, revenueWon: 400_000_000 },
  { code: 'cafe', medianWon: 5_500, weight: 20, revenueWon: 200_000_000 },
  { code: 'grocery', medianWon: 25_000, weight: 20, revenueWon: 600_000_000 },
  { code: 'market_stall', medianWon: 8_000, weight: 15, revenueWon: 150_000_000 },
  { code: 'bookstore', medianWon: 18_000, weight: 5, revenueWon: 300_000_000 },
  { code: 'clothing', medianWon: 55_000, weight: 7, revenueWon: 500_000_000 },
  { code: 'electronics', medianWon: 90_000, weight: 3, revenueWon: 2_000_000_000 },
] as const;

const DISTRICTS = ['dong-gu', 'jung-gu', 'seo-gu', 'yuseong-gu', 'daedeok-gu'];
/** Share of a day's payments starting in each local hour: lunch 12–13h and the evening peak. */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 5, 5, 6, 8, 14, 12, 7, 6, 6, 8, 11, 10, 7, 4, 3, 2];

export class ScenarioBuilder {
  readonly rand: () => number;
  readonly facts: Fact[] = [];
  readonly rings: Ring[] = [];
  readonly lookAlikes: LookAlike[] = [];
  readonly merchants: MerchantFact[] = [];
  private nextId = 0;
  private readonly monthlyEligibleWon = new Map<string, number>();

  constructor(
    seed: number,
    readonly startAt: number,
    readonly days: number,
  ) {
    this.rand = rngOf(seed);
  }

  id(prefix: string): string {
    this.nextId += 1;
    return `${prefix}_${this.nextId.toString(36)}`;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)] as T;
  }

  between(lowWon: number, highWon: number, stepWon = 100): number {
    return Math.round((lowWon + this.rand() * (highWon - lowWon)) / stepWon) * stepWon;
  }

  /** Log-normal around a median, rounded to ₩100. */
  ticket(medianWon: number): number {
    const u = Math.max(1e-9, this.rand());
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rand());
    return Math.max(1_000, Math.round((medianWon * Math.exp(0.6 * z)) / 100) * 100);
  }

  /** An instant on day `day` (0-based) at local hour `hour` plus a random part of that hour. */
  at(day: number, hour: number, minute = this.rand() * 60): number {
    return this.startAt + day * DAY_MS + hour * HOUR_MS + Math.floor(minute * 60_000);
  }

  randomHour(): number {
    const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
    let x = this.rand() * total;
    for (let hour = 0; hour < 24; hour += 1) {
      x -= HOUR_WEIGHTS[hour] as number;
      if (x <= 0) return hour;
    }
    return 12;
  }

  merchant(options: {
    industry?: (typeof INDUSTRIES)[number]['code'];
    ownerId?: string | null;
    registeredAt?: number;
    annualRevenueWon?: number;
    name?: string;
  }): MerchantFact {
    const industry = INDUSTRIES.find((x) => x.code === options.industry) ?? this.weightedIndustry();
    const merchant: MerchantFact = {
      kind: 'merchant',
      merchantId: this.id('mer'),
      name: options.name ?? `${industry.code}-${this.merchants.length + 1}`,
      ownerId: options.ownerId === undefined ? this.id('own') : options.ownerId,
      registeredAt: options.registeredAt ?? this.startAt - (365 + Math.floor(this.rand() * 1000)) * DAY_MS,
      annualRevenueWon: options.annualRevenueWon ?? Math.round(industry.revenueWon * (0.5 + this.rand())),
      industryCode: industry.code,
      district: this.pick(DISTRICTS),
    };
    this.merchants.push(merchant);
    this.facts.push(merchant);
    return merchant;
  }

  private weightedIndustry() {
    const total = INDUSTRIES.reduce((a, b) => a + b.weight, 0);
    let x = this.rand() * total;
    for (const industry of INDUSTRIES) {
      x -= industry.weight;
      if (x <= 0) return industry;
    }
    return INDUSTRIES[0];
  }

  medianOf(merchant: MerchantFact): number {
    return INDUSTRIES.find((x) => x.code === merchant.industryCode)?.medianWon ?? 10_000;
  }

  /** A payment with 10% cashback on the first ₩500,000 of the member's spending (the preset's shape). */
  pay(memberId: string, merchant: MerchantFact, amountWon: number, at: number): PaymentFact {
    const spentWon = this.monthlyEligibleWon.get(memberId) ?? 0;
    const eligibleWon = Math.max(0, Math.min(amountWon, 500_000 - spentWon));
    this.monthlyEligibleWon.set(memberId, spentWon + eligibleWon);
    const payment: PaymentFact = {
      kind: 'payment',
      id: this.id('pay'),
      at,
      memberId,
      merchantId: merchant.merchantId,
      amountWon,
      cashbackWon: Math.floor(eligibleWon / 10),
      industryCode: merchant.industryCode,
      district: merchant.district,
      annualRevenueWon: merchant.annualRevenueWon,
    };
    this.facts.push(payment);
    return payment;
  }

  transfer(fromMemberId: string, toMemberId: string, amountWon: number, at: number): void {
    this.facts.push({ kind: 'transfer', id: this.id('trf'), at, fromMemberId, toMemberId, amountWon });
  }

  /** A successful sign-in from an address (already the members module's salted hash). */
  signIn(memberId: string, addressHash: string, at: number): void {
    this.facts.push({ kind: 'signin', id: this.id('sgn'), at, memberId, addressHash });
  }

  cancel(payment: PaymentFact, at: number): void {
    this.facts.push({
      kind: 'cancel',
      id: this.id('cnl'),
      at,
      paymentId: payment.id,
      memberId: payment.memberId,
      merchantId: payment.merchantId,
      amountWon: payment.amountWon,
    });
  }

  build(): Scenario {
    // Merchants first (they are known before anyone pays), then everything in time order.
    const ordered = [...this.facts].sort((a, b) => {
      const ta = a.kind === 'merchant' ? Number.NEGATIVE_INFINITY : a.at;
      const tb = b.kind === 'merchant' ? Number.NEGATIVE_INFINITY : b.at;
      return ta - tb;
    });
    return { startAt: this.startAt, facts: ordered, rings: this.rings, lookAlikes: this.lookAlikes };
  }
}

const BIG_TICKET_INDUSTRIES = ['clothing', 'electronics', 'grocery'];

/** Ordinary traffic: members with a few favourite shops, payments by the hour curve, small transfers and cancellations. */
export function normalTraffic(
  b: ScenarioBuilder,
  memberCount: number,
  merchantCount: number,
): { memberIds: string[]; merchants: MerchantFact[] } {
  const merchants = Array.from({ length: merchantCount }, () => b.merchant({}));
  const memberIds = Array.from({ length: memberCount }, () => b.id('mem'));
  signInsFromHomesAndOffices(b, memberIds);
  for (const memberId of memberIds) {
    const favourites = Array.from({ length: 6 }, () => b.pick(merchants));
    const perDay = 0.4 + b.rand() * 2;
    const isBigSpender = b.rand() < 0.05;
    for (let day = 0; day < b.days; day += 1) {
      let count = Math.floor(perDay + b.rand());
      while (count > 0) {
        count -= 1;
        const merchant = b.rand() < 0.8 ? b.pick(favourites) : b.pick(merchants);
        const amountWon = Math.min(
          b.ticket(b.medianOf(merchant)),
          merchant.industryCode === 'electronics' ? 1_500_000 : 280_000,
        );
        const payment = b.pay(memberId, merchant, amountWon, b.at(day, b.randomHour()));
        if (b.rand() < 0.01) b.cancel(payment, payment.at + b.between(1, 72, 1) * HOUR_MS);
      }
      if (b.rand() < 0.05)
        b.transfer(memberId, b.pick(memberIds), b.between(5_000, 150_000, 1_000), b.at(day, b.randomHour()));
      // Honest big spenders (one member in twenty): now and then a ₩30만–90만 purchase at one of
      // their shops where such tickets happen (clothing, electronics, a grocer), never at a café.
      const bigShop = favourites.find((m) => BIG_TICKET_INDUSTRIES.includes(m.industryCode));
      if (isBigSpender && bigShop && b.rand() < 0.15)
        b.pay(memberId, bigShop, b.between(300_000, 900_000, 10_000), b.at(day, b.randomHour()));
    }
  }
  return { memberIds, merchants };
}

/**
 * Households of one to three members share a home address; about a fifth of members also sign in
 * from an office address shared by 10–25 colleagues on weekdays (a NAT: many members, one address).
 */
function signInsFromHomesAndOffices(b: ScenarioBuilder, memberIds: readonly string[]): void {
  let office: string[] = [];
  let officeSize = 0;
  for (let i = 0; i < memberIds.length; ) {
    const home = b.id('addr');
    const size = 1 + Math.floor(b.rand() * 3);
    for (const memberId of memberIds.slice(i, i + size)) {
      for (let day = Math.floor(b.rand() * 2); day < b.days; day += 2)
        b.signIn(memberId, home, b.at(day, 19 + Math.floor(b.rand() * 4)));
      if (b.rand() < 0.2) {
        if (office.length === 0) officeSize = 10 + Math.floor(b.rand() * 16);
        office.push(memberId);
        if (office.length >= officeSize) {
          officeSignIns(b, office);
          office = [];
        }
      }
    }
    i += size;
  }
  if (office.length > 0) officeSignIns(b, office);
}

function officeSignIns(b: ScenarioBuilder, colleagues: readonly string[]): void {
  const address = b.id('addr');
  for (let day = 0; day < b.days; day += 1) {
    if (day % 7 === 0 || day % 7 === 6) continue; // the scenario starts on a Sunday
    for (const memberId of colleagues) b.signIn(memberId, address, b.at(day, 9, b.rand() * 30));
  }
}

type Injector = (
  b: ScenarioBuilder,
  intensity: number,
  pool: { memberIds: string[]; merchants: MerchantFact[] },
) => Omit<Ring, 'id' | 'pattern' | 'intensity'>;

/**
 * Each pattern's script; `intensity` 0 is a ring just below the default thresholds (real fraud the
 * rule is not meant to see), 1 a cautious ring just past them, 3 a greedy one.
 */
export const RING_SCRIPTS: Record<FraudRule, Injector> = {
  sustained_high_value(b, k) {
    const memberId = b.id('mem');
    const shops = [b.merchant({ industry: 'clothing' }), b.merchant({ industry: 'grocery' })];
    const count = 8 + 3 * (k - 1);
    for (let i = 0; i < count; i += 1)
      b.pay(
        memberId,
        shops[i % 2] as MerchantFact,
        b.between(320_000, 600_000, 10_000),
        b.at(Math.floor((i * 6) / count), 10 + (i % 8)),
      );
    return { memberIds: [memberId], merchantIds: shops.map((m) => m.merchantId) };
  },
  new_merchant_high_value(b, k) {
    const day = Math.floor(b.days / 3);
    const shop = b.merchant({ industry: 'grocery', registeredAt: b.at(day, 9) });
    const members = [b.id('mem'), b.id('mem'), b.id('mem')];
    const count = 5 + 2 * (k - 1);
    for (let i = 0; i < count; i += 1)
      b.pay(
        members[i % 3] as string,
        shop,
        b.between(300_000, 500_000, 10_000),
        b.at(day + 1 + Math.floor(i / 3), 11 + (i % 6)),
      );
    return { memberIds: members, merchantIds: [shop.merchantId] };
  },
  repeated_pair(b, k, pool) {
    const memberId = b.id('mem');
    const shop = b.pick(pool.merchants.filter((m) => m.industryCode === 'restaurant'));
    const count = 3 + (k - 1);
    const day = Math.floor(b.rand() * (b.days - 1));
    for (let i = 0; i < count; i += 1)
      b.pay(memberId, shop, b.between(300_000, 450_000, 10_000), b.at(day, 12 + i * 2));
    return { memberIds: [memberId], merchantIds: [shop.merchantId] };
  },
  ticket_outlier(b, k) {
    const shop = b.merchant({ industry: 'market_stall' });
    const customers = Array.from({ length: 12 }, () => b.id('mem'));
    for (let day = 0; day < b.days; day += 1)
      for (let i = 0; i < 4; i += 1)
        b.pay(b.pick(customers), shop, b.ticket(8_000), b.at(day, b.randomHour()));
    const memberId = b.id('mem');
    const count = 2 + (k - 1);
    const day = Math.floor(b.days / 2);
    for (let i = 0; i < count; i += 1)
      b.pay(memberId, shop, b.between(300_000, 250_000 + 150_000 * k, 10_000), b.at(day + i, 15));
    return { memberIds: [memberId], merchantIds: [shop.merchantId] };
  },
  round_trip(b, k) {
    const ownerId = b.id('own');
    const shop = b.merchant({ industry: 'restaurant', ownerId });
    const memberId = b.id('mem');
    const middleman = b.id('mem');
    if (k === 0) {
      const paidAt = b.at(1, 13);
      b.pay(memberId, shop, 200_000, paidAt);
      b.transfer(ownerId, memberId, 180_000, paidAt + 80 * HOUR_MS);
    }
    for (let i = 0; i < k; i += 1) {
      const day = Math.floor(b.rand() * (b.days - 3));
      const amountWon = b.between(150_000, 150_000 + 150_000 * k, 10_000);
      const paidAt = b.at(day, 13);
      b.pay(memberId, shop, amountWon, paidAt);
      const backWon = Math.floor((amountWon * 9) / 10 / 1_000) * 1_000;
      if (i % 2 === 0) b.transfer(ownerId, memberId, backWon, paidAt + b.between(2, 40, 1) * HOUR_MS);
      else {
        b.transfer(ownerId, middleman, backWon, paidAt + 5 * HOUR_MS);
        b.transfer(middleman, memberId, backWon, paidAt + 20 * HOUR_MS);
      }
    }
    return { memberIds: [memberId, middleman, ownerId], merchantIds: [shop.merchantId] };
  },
  night_high_value(b, k) {
    const memberId = b.id('mem');
    const shop = b.merchant({ industry: 'restaurant' });
    const count = 3 + (k - 1);
    for (let i = 0; i < count; i += 1)
      b.pay(memberId, shop, b.between(300_000, 500_000, 10_000), b.at(1 + i * 2, 1 + (i % 4)));
    return { memberIds: [memberId], merchantIds: [shop.merchantId] };
  },
  size_outlier(b, k) {
    const shop = b.merchant({ industry: 'market_stall', annualRevenueWon: 60_000_000 });
    const members = Array.from({ length: 5 }, () => b.id('mem'));
    // 2 024 produce-stall case: far more than a ₩6천만 stall sells, in mid-sized payments.
    const targetWon = k === 0 ? 8_000_000 : 5_000_000 * (2 + k);
    let paidWon = 0;
    for (let i = 0; paidWon < targetWon; i += 1) {
      const amountWon = b.between(120_000, 250_000, 10_000);
      paidWon += amountWon;
      b.pay(members[i % members.length] as string, shop, amountWon, b.at(i % b.days, 9 + (i % 9)));
    }
    return { memberIds: members, merchantIds: [shop.merchantId] };
  },
  cap_gaming(b, k) {
    const memberId = b.id('mem');
    const shop = b.merchant({ industry: 'clothing' });
    const count = 3 + k;
    if (k % 2 === 1 || k === 0) {
      for (let i = 0; i < count; i += 1)
        b.pay(memberId, shop, b.between(291_000, 299_000, 1_000), b.at(i, 14));
    } else {
      for (let i = 0; i < count; i += 1) {
        const payment = b.pay(memberId, shop, b.between(100_000, 200_000, 10_000), b.at(i, 14));
        b.cancel(payment, payment.at + b.between(2, 30, 1) * HOUR_MS);
      }
    }
    return { memberIds: [memberId], merchantIds: [shop.merchantId] };
  },
  shared_address(b, k, pool) {
    // One phone farm: 3 + k accounts sign in from one address and all pay one shop mid-sized sums.
    const address = b.id('addr');
    const members = Array.from({ length: 3 + k }, () => b.id('mem'));
    const shop = b.pick(pool.merchants.filter((m) => m.industryCode === 'grocery'));
    const day = 1 + Math.floor(b.rand() * (b.days - 6));
    members.forEach((memberId, i) => {
      b.signIn(memberId, address, b.at(day, 10, i * 5));
      b.pay(memberId, shop, b.between(120_000, 250_000, 10_000), b.at(day + (i % 4), 11 + (i % 6)));
    });
    // The shop is an ordinary one of the town: only the accounts are the ring.
    return { memberIds: members, merchantIds: [] };
  },
};

type LookAlikeScript = (
  b: ScenarioBuilder,
  pool: { memberIds: string[]; merchants: MerchantFact[] },
) => Omit<LookAlike, 'id' | 'resembles'>;

/** Honest traffic that looks like a pattern at first sight. */
export const LOOK_ALIKE_SCRIPTS: Record<string, { resembles: FraudRule; script: LookAlikeScript }> = {
  lunch_market_stall: {
    resembles: 'sustained_high_value',
    script(b, pool) {
      const stall = b.merchant({
        industry: 'market_stall',
        annualRevenueWon: 400_000_000,
        name: 'busy-stall',
      });
      for (let day = 0; day < b.days; day += 1)
        for (let i = 0; i < 120; i += 1)
          b.pay(b.pick(pool.memberIds), stall, b.ticket(9_000), b.at(day, 12, b.rand() * 90));
      return { memberIds: [], merchantIds: [stall.merchantId] };
    },
  },
  textbook_day: {
    resembles: 'ticket_outlier',
    script(b, pool) {
      const store = b.merchant({ industry: 'bookstore', name: 'campus-books' });
      for (let day = 0; day < b.days; day += 1)
        for (let i = 0; i < 6; i += 1)
          b.pay(b.pick(pool.memberIds), store, b.ticket(18_000), b.at(day, b.randomHour()));
      const day = Math.floor(b.days / 2);
      for (let i = 0; i < 150; i += 1)
        b.pay(b.pick(pool.memberIds), store, b.between(60_000, 190_000, 1_000), b.at(day, 9 + (i % 9)));
      return { memberIds: [], merchantIds: [store.merchantId] };
    },
  },
  grocery_regular_bulk_buy: {
    resembles: 'ticket_outlier',
    script(b, pool) {
      // A regular of a neighbourhood grocer (groceries every other day, lunch elsewhere) who buys
      // ₩40만–80만 of food there twice in three days for a family rite: outsized for the shop, twice.
      const grocer = b.merchant({ industry: 'grocery', name: 'corner-grocer' });
      const memberId = b.id('mem');
      for (let day = 0; day < b.days; day += 1) {
        for (let i = 0; i < 8; i += 1)
          b.pay(b.pick(pool.memberIds), grocer, b.ticket(25_000), b.at(day, b.randomHour()));
        if (day % 2 === 0) b.pay(memberId, grocer, b.ticket(25_000), b.at(day, 18));
        if (day % 3 === 1) b.pay(memberId, b.pick(pool.merchants), b.ticket(12_000), b.at(day, 12));
      }
      const day = Math.floor(b.days / 2);
      b.pay(memberId, grocer, b.between(400_000, 800_000, 10_000), b.at(day, 17));
      b.pay(memberId, grocer, b.between(400_000, 800_000, 10_000), b.at(day + 2, 17));
      return { memberIds: [memberId], merchantIds: [grocer.merchantId] };
    },
  },
  big_spender_everywhere: {
    resembles: 'ticket_outlier',
    script(b, pool) {
      // An honest big spender with an everyday life on the card, who in one week pays big at a
      // grocer (twice, at a shop they do not otherwise use), a clothing shop, an electronics shop
      // and a restaurant: outsized twice at the grocer, yet big tickets are their habit, not the shop's.
      const memberId = b.id('mem');
      everydayShopping(b, memberId, pool.merchants);
      const of = (industry: (typeof INDUSTRIES)[number]['code']) => {
        const shops = pool.merchants.filter((m) => m.industryCode === industry);
        return shops.length > 0 ? b.pick(shops) : b.merchant({ industry });
      };
      const grocer = of('grocery');
      const day = Math.floor(b.days / 2);
      b.pay(memberId, grocer, b.between(300_000, 600_000, 10_000), b.at(day, 11));
      b.pay(memberId, of('clothing'), b.between(400_000, 900_000, 10_000), b.at(day + 1, 15));
      b.pay(memberId, grocer, b.between(300_000, 600_000, 10_000), b.at(day + 3, 11));
      b.pay(memberId, of('restaurant'), b.between(300_000, 450_000, 10_000), b.at(day + 4, 19));
      b.pay(memberId, of('electronics'), b.between(900_000, 1_500_000, 10_000), b.at(day + 5, 14));
      return { memberIds: [memberId], merchantIds: [] };
    },
  },
  new_bakery: {
    resembles: 'new_merchant_high_value',
    script(b, pool) {
      const day = Math.floor(b.days / 4);
      const bakery = b.merchant({ industry: 'cafe', registeredAt: b.at(day, 8), name: 'new-bakery' });
      for (let d = day; d < b.days; d += 1)
        for (let i = 0; i < 40; i += 1)
          b.pay(b.pick(pool.memberIds), bakery, b.ticket(7_000), b.at(d, b.randomHour()));
      return { memberIds: [], merchantIds: [bakery.merchantId] };
    },
  },
  family_allowance: {
    resembles: 'round_trip',
    script(b) {
      const parentId = b.id('own');
      const shop = b.merchant({ industry: 'restaurant', ownerId: parentId, name: 'family-diner' });
      const childId = b.id('mem');
      for (let day = 0; day < b.days; day += 2) b.pay(childId, shop, b.ticket(12_000), b.at(day, 12));
      b.transfer(parentId, childId, 300_000, b.at(1, 20));
      b.transfer(parentId, childId, 300_000, b.at(b.days - 2, 20));
      return { memberIds: [childId, parentId], merchantIds: [shop.merchantId] };
    },
  },
  night_convenience: {
    resembles: 'night_high_value',
    script(b, pool) {
      const store = b.merchant({ industry: 'grocery', name: 'night-mart' });
      for (let day = 0; day < b.days; day += 1)
        for (let i = 0; i < 15; i += 1)
          b.pay(b.pick(pool.memberIds), store, b.ticket(9_000), b.at(day, i % 5));
      return { memberIds: [], merchantIds: [store.merchantId] };
    },
  },
  family_shared_address: {
    resembles: 'shared_address',
    script(b, pool) {
      // Three of a household sign in at home and each does a big weekly shop at the same grocer.
      const home = b.id('addr');
      const family = [b.id('mem'), b.id('mem'), b.id('mem')];
      const grocer = b.pick(pool.merchants.filter((m) => m.industryCode === 'grocery'));
      family.forEach((memberId, i) => {
        for (let day = i; day < b.days; day += 2) b.signIn(memberId, home, b.at(day, 20));
        for (let day = i; day < b.days; day += 7)
          b.pay(memberId, grocer, b.between(110_000, 220_000, 1_000), b.at(day, 17));
      });
      return { memberIds: family, merchantIds: [] };
    },
  },
  shared_office: {
    resembles: 'shared_address',
    script(b, pool) {
      // 30 colleagues behind one office address: lunch at the same diner, big buys at many shops.
      const office = b.id('addr');
      const colleagues = Array.from({ length: 30 }, () => b.id('mem'));
      const diner = b.merchant({ industry: 'restaurant', name: 'office-diner' });
      for (let day = 1; day < b.days; day += 1) {
        if (day % 7 === 0 || day % 7 === 6) continue;
        for (const memberId of colleagues) {
          b.signIn(memberId, office, b.at(day, 9, b.rand() * 30));
          b.pay(memberId, diner, b.ticket(11_000), b.at(day, 12, b.rand() * 60));
        }
      }
      colleagues.forEach((memberId, i) => {
        const shop = pool.merchants[i % pool.merchants.length] as MerchantFact;
        b.pay(memberId, shop, b.between(100_000, 250_000, 1_000), b.at(2 + (i % 10), 18));
      });
      return { memberIds: colleagues, merchantIds: [diner.merchantId] };
    },
  },
  furniture_buyer: {
    resembles: 'repeated_pair',
    script(b) {
      const store = b.merchant({ industry: 'electronics', name: 'home-appliances' });
      const memberId = b.id('mem');
      b.pay(memberId, store, 1_200_000, b.at(3, 15));
      b.pay(memberId, store, 450_000, b.at(3, 16));
      return { memberIds: [memberId], merchantIds: [store.merchantId] };
    },
  },
};

/**
 * Ring patterns whose members pay as individuals; each also runs as a variant whose members use
 * the same cards for an ordinary life besides (coffee, lunch, groceries, a snack at the bus stop):
 * a colluder need not make the ring's payments only.
 */
export const SHOPPING_VARIANT_PATTERNS: readonly FraudRule[] = [
  'sustained_high_value',
  'repeated_pair',
  'ticket_outlier',
  'night_high_value',
  'cap_gaming',
];

const EVERYDAY_INDUSTRIES = ['cafe', 'restaurant', 'market_stall', 'grocery'];

/**
 * A colluder's ordinary life on the same card: five everyday shops of the town, one to three small
 * payments a day at their usual tickets, for the whole scenario.
 */
export function everydayShopping(
  b: ScenarioBuilder,
  memberId: string,
  merchants: readonly MerchantFact[],
): void {
  const everyday = merchants.filter((m) => EVERYDAY_INDUSTRIES.includes(m.industryCode));
  const shops = Array.from({ length: 5 }, () => b.pick(everyday));
  const perDay = 1 + b.rand() * 2;
  for (let day = 0; day < b.days; day += 1)
    for (let count = Math.floor(perDay + b.rand()); count > 0; count -= 1) {
      const shop = b.pick(shops);
      b.pay(memberId, shop, b.ticket(b.medianOf(shop)), b.at(day, b.randomHour()));
    }
}

/** Normal traffic plus every requested ring at every intensity, plus the look-alikes. */
export function generateScenario(options: ScenarioOptions): Scenario {
  // Sunday 2026-11-01 00:00 in Korea.
  const startAt = Date.UTC(2026, 10, 1) - KST_MS;
  const b = new ScenarioBuilder(options.seed, startAt, options.days);
  const pool = normalTraffic(b, options.members, options.merchants);
  for (const pattern of options.patterns ?? (Object.keys(RING_SCRIPTS) as FraudRule[]))
    for (const intensity of options.intensities) {
      const ring = RING_SCRIPTS[pattern](b, intensity, pool);
      b.rings.push({ id: `ring_${pattern}_${intensity}`, pattern, intensity, ...ring });
      if (!options.shoppingVariants || !SHOPPING_VARIANT_PATTERNS.includes(pattern)) continue;
      const shopping = RING_SCRIPTS[pattern](b, intensity, pool);
      for (const memberId of shopping.memberIds) everydayShopping(b, memberId, pool.merchants);
      b.rings.push({ id: `ring_${pattern}_${intensity}_shopping`, pattern, intensity, ...shopping });
    }
  if (options.lookAlikes !== false)
    for (const [name, { resembles, script }] of Object.entries(LOOK_ALIKE_SCRIPTS))
      b.lookAlikes.push({ id: name, resembles, ...script(b, pool) });
  return b.build();
}
