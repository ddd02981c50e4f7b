import { describe, expect, it } from 'vitest';
import { type Explanation, type Finding, FraudDetector, localTimeIn } from './detector.js';
import { detectAll, evaluate } from './evaluate.js';
import type { MerchantFact, PaymentFact } from './facts.js';
import {
  everydayShopping,
  generateScenario,
  LOOK_ALIKE_SCRIPTS,
  normalTraffic,
  RING_SCRIPTS,
  ScenarioBuilder,
  SHOPPING_VARIANT_PATTERNS,
} from './generator.js';
import { FRAUD_RULE_DEFAULTS, FRAUD_RULES } from './rules.js';

const START = Date.UTC(2026, 10, 1) - 9 * 3_600_000;

/** A small town's ordinary traffic with one ring (or one look-alike) planted in it. */
function withRing(rule: (typeof FRAUD_RULES)[number], seed = 7, shopping = false) {
  const b = new ScenarioBuilder(seed, START, 14);
  const pool = normalTraffic(b, 120, 40);
  const ring = RING_SCRIPTS[rule](b, 1, pool);
  if (shopping) for (const memberId of ring.memberIds) everydayShopping(b, memberId, pool.merchants);
  return { ring, alerts: detectAll(b.build().facts).alerts };
}

describe('each rule fires on its pattern', () => {
  it.each(FRAUD_RULES)('%s raises an alert naming the ring at the lowest intensity', (rule) => {
    const { ring, alerts } = withRing(rule);
    const ringIds = new Set([...ring.memberIds, ...ring.merchantIds]);
    const mine = alerts.filter(
      (a) => a.rule === rule && [a.memberId, a.merchantId].some((id) => id && ringIds.has(id)),
    );
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]?.score).toBeGreaterThanOrEqual(50);
    expect(mine[0]?.explain().ko.length).toBeGreaterThan(10);
    expect(mine[0]?.explain().en.length).toBeGreaterThan(10);
  });

  it.each(SHOPPING_VARIANT_PATTERNS)(
    '%s also fires when the ring members use their cards for an ordinary life besides',
    (rule) => {
      const { ring, alerts } = withRing(rule, 7, true);
      const ringIds = new Set([...ring.memberIds, ...ring.merchantIds]);
      const mine = alerts.filter(
        (a) => a.rule === rule && [a.memberId, a.merchantId].some((id) => id && ringIds.has(id)),
      );
      expect(mine.length).toBeGreaterThan(0);
    },
  );

  it('explains a round trip as the cycle of payment and transfers, in time order', () => {
    const { alerts } = withRing('round_trip');
    const trip = alerts.find((a) => a.rule === 'round_trip');
    expect(trip?.cycle?.[0]?.kind).toBe('payment');
    expect(trip?.cycle?.at(-1)?.kind).toBe('transfer');
    expect(trip?.cycle?.at(-1)?.to).toBe(trip?.cycle?.[0]?.from);
    const times = trip?.cycle?.map((e) => e.at) ?? [];
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe('and stays silent on its honest look-alike', () => {
  it.each(Object.entries(LOOK_ALIKE_SCRIPTS))('%s raises no alert', (_name, { script }) => {
    const b = new ScenarioBuilder(11, START, 14);
    const pool = normalTraffic(b, 120, 40);
    const look = script(b, pool);
    const ids = new Set([...look.memberIds, ...look.merchantIds]);
    const { alerts } = detectAll(b.build().facts);
    expect(alerts.filter((a) => [a.memberId, a.merchantId].some((id) => id && ids.has(id)))).toEqual([]);
  });

  it('a lower threshold makes the busy stall an alert: the silence comes from the thresholds, not from the generator', () => {
    const b = new ScenarioBuilder(11, START, 14);
    const pool = normalTraffic(b, 30, 10);
    const stall = LOOK_ALIKE_SCRIPTS.lunch_market_stall?.script(b, pool);
    const strict = { ...FRAUD_RULE_DEFAULTS, fraud_high_value_won: 5_000, fraud_sustained_count_min: 50 };
    const { alerts } = detectAll(b.build().facts, strict);
    expect(alerts.some((a) => a.merchantId === stall?.merchantIds[0])).toBe(true);
  });
});

describe('the evaluation', () => {
  it('is reproducible by seed and meets the targets on a small run', () => {
    const options = {
      seed: 3,
      days: 10,
      members: 150,
      merchants: 50,
      intensities: [1, 2],
      shoppingVariants: true,
    };
    const first = evaluate(options);
    const second = evaluate(options);
    expect({ ...second, scoredPerSecond: 0 }).toEqual({ ...first, scoredPerSecond: 0 });
    expect(first.overall.recall).toBeGreaterThanOrEqual(0.9);
    expect(first.overall.precision).toBeGreaterThanOrEqual(0.8);
    expect(first.top1Percent.lookAlikesInside).toEqual([]);
  });
});

describe('a finding', () => {
  it('reads the same explanation whenever it is read, however many facts the detector saw since', () => {
    const { facts } = generateScenario({
      seed: 5,
      days: 14,
      members: 400,
      merchants: 100,
      intensities: [1, 2, 3],
    });
    const time = localTimeIn('Asia/Seoul');
    const readAtOnce = new FraudDetector(FRAUD_RULE_DEFAULTS, time);
    const readAtEnd = new FraudDetector(FRAUD_RULE_DEFAULTS, time);
    const atOnce: Explanation[] = [];
    const kept: Finding[] = [];
    for (const fact of facts) {
      for (const f of readAtOnce.observe(fact)) atOnce.push(f.explain());
      kept.push(...readAtEnd.observe(fact));
    }
    expect(atOnce.length).toBeGreaterThan(20);
    expect(kept.map((f) => f.explain())).toEqual(atOnce);
    expect({ ...kept[0] }.explain?.()).toEqual(atOnce[0]);
  });
});

describe('a payment refunded before a later fact', () => {
  const MINUTE_MS = 60_000;
  const DAY_MS = 24 * 60 * MINUTE_MS;
  /** 12:00 in Seoul, far from the night signal's hours. */
  const NOON = Date.UTC(2026, 10, 2, 3);
  const BOOKSHOP: MerchantFact = {
    kind: 'merchant',
    merchantId: 'mch-gyeryong',
    name: '계룡문고',
    ownerId: 'mem-owner',
    registeredAt: NOON - 400 * DAY_MS,
    annualRevenueWon: 1_200_000_000,
    industryCode: 'bookstore',
    district: 'jung-gu',
  };
  /** QA's tenant: a cycle's edges count from ₩10,000. */
  const SMALL_CYCLES = { ...FRAUD_RULE_DEFAULTS, fraud_cycle_edge_min_won: 10_000 };

  function detectorAt(shop: MerchantFact, thresholds = FRAUD_RULE_DEFAULTS) {
    const detector = new FraudDetector(thresholds, localTimeIn('Asia/Seoul'));
    detector.observe(shop);
    const pay = (id: string, minutes: number, amountWon: number, memberId = 'mem-b') => {
      const p: PaymentFact = {
        kind: 'payment',
        id,
        at: NOON + minutes * MINUTE_MS,
        memberId,
        merchantId: shop.merchantId,
        amountWon,
        cashbackWon: amountWon / 10,
        industryCode: shop.industryCode,
        district: shop.district,
        annualRevenueWon: shop.annualRevenueWon,
      };
      return { payment: p, findings: detector.observe(p) };
    };
    const cancel = (p: PaymentFact, minutes: number, amountWon: number) =>
      detector.observe({
        kind: 'cancel',
        id: `pcn-${p.id}-${minutes}`,
        at: NOON + minutes * MINUTE_MS,
        paymentId: p.id,
        memberId: p.memberId,
        merchantId: p.merchantId,
        amountWon,
      });
    const send = (minutes: number, amountWon: number, from = 'mem-owner', to = 'mem-b') =>
      detector.observe({
        kind: 'transfer',
        id: `trf-${minutes}`,
        at: NOON + minutes * MINUTE_MS,
        fromMemberId: from,
        toMemberId: to,
        amountWon,
      });
    return { detector, pay, cancel, send };
  }

  const ofRule = (findings: Finding[], rule: Finding['rule']) => findings.filter((f) => f.rule === rule);

  describe('round_trip', () => {
    it('closes through the payment still standing, not the one the shop refunded in full (QA)', () => {
      const { pay, cancel, send } = detectorAt(BOOKSHOP, SMALL_CYCLES);
      const p1 = pay('P1', 0, 15_000).payment;
      pay('P2', 1, 17_000);
      expect(cancel(p1, 2, 15_000)).toEqual([]);
      const trips = ofRule(send(3, 20_000), 'round_trip');
      expect(trips).toHaveLength(1);
      expect(trips[0]).toMatchObject({ paymentIds: ['P2'], transferIds: ['trf-3'], score: 94 });
      expect(trips[0]?.cycle?.map((e) => [e.id, e.amountWon])).toEqual([
        ['P2', 17_000],
        ['trf-3', 20_000],
      ]);
      expect(trips[0]?.explain().en).toContain('member mem-b paid ₩17,000 at 계룡문고 (owner mem-owner)');
      expect(trips[0]?.explain().en).not.toContain('₩15,000');
    });

    it('closes through the first payment when nothing was refunded: the signal takes the earliest', () => {
      const { pay, send } = detectorAt(BOOKSHOP, SMALL_CYCLES);
      pay('P1', 0, 15_000);
      pay('P2', 1, 17_000);
      expect(ofRule(send(3, 20_000), 'round_trip')[0]?.paymentIds).toEqual(['P1']);
    });

    it('raises nothing when every payment to the shop was refunded in full before the transfer', () => {
      const { pay, cancel, send } = detectorAt(BOOKSHOP, SMALL_CYCLES);
      const p1 = pay('P1', 0, 15_000).payment;
      const p2 = pay('P2', 1, 17_000).payment;
      cancel(p1, 2, 15_000);
      cancel(p2, 2, 17_000);
      expect(ofRule(send(3, 20_000), 'round_trip')).toEqual([]);
    });

    it('counts a partly refunded payment at what remains: below the edge minimum it is no edge', () => {
      const { pay, cancel, send } = detectorAt(BOOKSHOP, SMALL_CYCLES);
      const p1 = pay('P1', 0, 15_000).payment;
      cancel(p1, 1, 6_000);
      expect(ofRule(send(3, 20_000), 'round_trip')).toEqual([]);
    });

    it('counts a partly refunded payment at what remains: above it, the cycle names the remainder', () => {
      const { pay, cancel, send } = detectorAt(BOOKSHOP, SMALL_CYCLES);
      const p1 = pay('P1', 0, 15_000).payment;
      cancel(p1, 1, 3_000);
      cancel(p1, 2, 1_000);
      const trips = ofRule(send(3, 20_000), 'round_trip');
      expect(trips[0]?.cycle?.[0]).toMatchObject({ id: 'P1', amountWon: 11_000 });
      expect(trips[0]?.explain().en).toContain('paid ₩11,000 at 계룡문고');
    });
  });

  describe('repeated_pair (3 payments of ₩300,000 or more in 24 h)', () => {
    it('does not count a payment refunded in full before the third payment', () => {
      const { pay, cancel } = detectorAt(BOOKSHOP);
      const first = pay('P1', 0, 400_000).payment;
      pay('P2', 60, 400_000);
      cancel(first, 90, 400_000);
      expect(ofRule(pay('P3', 120, 400_000).findings, 'repeated_pair')).toEqual([]);
      const fourth = ofRule(pay('P4', 180, 400_000).findings, 'repeated_pair');
      expect(fourth.map((f) => f.paymentIds)).toEqual([['P2', 'P3', 'P4']]);
    });

    it('fires on the third payment when none was refunded', () => {
      const { pay } = detectorAt(BOOKSHOP);
      pay('P1', 0, 400_000);
      pay('P2', 60, 400_000);
      expect(ofRule(pay('P3', 120, 400_000).findings, 'repeated_pair').map((f) => f.paymentIds)).toEqual([
        ['P1', 'P2', 'P3'],
      ]);
    });

    it('counts a partly refunded payment at what remains: ₩400,000 less ₩150,000 is under the line', () => {
      const { pay, cancel } = detectorAt(BOOKSHOP);
      const first = pay('P1', 0, 400_000).payment;
      pay('P2', 60, 400_000);
      cancel(first, 90, 150_000);
      expect(ofRule(pay('P3', 120, 400_000).findings, 'repeated_pair')).toEqual([]);
    });

    it('counts a partly refunded payment at what remains: ₩400,000 less ₩50,000 is still over it', () => {
      const { pay, cancel } = detectorAt(BOOKSHOP);
      const first = pay('P1', 0, 400_000).payment;
      pay('P2', 60, 400_000);
      cancel(first, 90, 50_000);
      const [pair] = ofRule(pay('P3', 120, 400_000).findings, 'repeated_pair');
      expect(pair?.paymentIds).toEqual(['P1', 'P2', 'P3']);
      expect(pair?.explain().en).toMatch(/₩350,000; .* ₩400,000; .* ₩400,000$/);
    });

    it('keeps the text of a finding made before the refund, read after it', () => {
      const { pay, cancel } = detectorAt(BOOKSHOP);
      const first = pay('P1', 0, 400_000).payment;
      pay('P2', 60, 400_000);
      const [pair] = ofRule(pay('P3', 120, 400_000).findings, 'repeated_pair');
      cancel(first, 150, 100_000);
      pay('P4', 180, 400_000);
      expect(pair?.explain().en).not.toContain('₩300,000;');
      expect(pair?.explain().en.match(/₩400,000/g)).toHaveLength(3);
    });
  });

  describe('sustained_high_value (8 payments of ₩300,000 or more in 7 days)', () => {
    it("does not count a member's payment refunded in full before the eighth", () => {
      const { pay, cancel } = detectorAt(BOOKSHOP);
      // One every 20 h at the same shop: nine within the 7 days, never three within the pair rule's 24 h.
      const next = (n: number) => pay(`P${n}`, n * 20 * 60, 400_000);
      const first = next(0).payment;
      for (let n = 1; n < 7; n++) next(n);
      cancel(first, 6 * 20 * 60 + 30, 400_000);
      const sustained = (n: number) => ofRule(next(n).findings, 'sustained_high_value');
      expect(sustained(7)).toEqual([]);
      expect(sustained(8).map((f) => [f.subjectKind, f.paymentIds.includes('P0')])).toEqual([
        ['member', false],
        ['merchant', false],
      ]);
    });
  });

  describe('size_outlier (30 days of sales at twice the declared month)', () => {
    /** Declares ₩1,200,000 a year: ₩100,000 a month, so ₩200,000 in 30 days is twice the size. */
    const SMALL_SHOP: MerchantFact = { ...BOOKSHOP, merchantId: 'mch-small', annualRevenueWon: 1_200_000 };
    const volumeOf = (findings: Finding[]) => {
      const match = ofRule(findings, 'size_outlier')[0]
        ?.explain()
        .en.match(/₩([\d,]+) in the last 30 days/);
      return match ? Number((match[1] as string).replaceAll(',', '')) : null;
    };

    it('sums what remains of the payments, and subtracts a refund only while its payment is counted', () => {
      const { pay, cancel } = detectorAt(SMALL_SHOP);
      const first = pay('P1', 0, 150_000).payment;
      cancel(first, 60, 100_000);
      expect(volumeOf(pay('P2', 120, 100_000).findings)).toBeNull();
      expect(volumeOf(pay('P3', 29 * 24 * 60, 100_000).findings)).toBe(250_000);
      // P1 left the 30 days, and its refund with it.
      expect(volumeOf(pay('P4', 30 * 24 * 60 + 60, 10_000).findings)).toBe(210_000);
    });

    it('leaves out a payment refunded in full, from the sum and from the evidence', () => {
      const { pay, cancel } = detectorAt(SMALL_SHOP);
      const first = pay('P1', 0, 300_000).payment;
      cancel(first, 60, 300_000);
      expect(volumeOf(pay('P2', 120, 150_000).findings)).toBeNull();
      const [size] = ofRule(pay('P3', 180, 300_000).findings, 'size_outlier');
      expect(size?.paymentIds).toEqual(['P3']);
      expect(size?.explain().en).toContain('₩450,000 in the last 30 days');
    });
  });

  describe('cap_gaming (cancellations soon after cashback)', () => {
    it('still counts a payment cancelled in parts once, shown at the amount it was paid', () => {
      const { pay, cancel } = detectorAt(BOOKSHOP);
      const paid = [pay('P1', 0, 50_000), pay('P2', 1, 60_000), pay('P3', 2, 70_000)].map((x) => x.payment);
      const [first, second, third] = paid as [PaymentFact, PaymentFact, PaymentFact];
      cancel(first, 60, 20_000);
      cancel(first, 61, 30_000);
      cancel(second, 62, 60_000);
      const [gaming] = ofRule(cancel(third, 63, 10_000), 'cap_gaming');
      expect(gaming?.paymentIds).toEqual(['P1', 'P2', 'P3']);
      expect(gaming?.explain().en).toContain('₩50,000 paid (cashback ₩5,000)');
      expect(gaming?.explain().en).toContain('₩70,000 paid (cashback ₩7,000)');
    });
  });
});
