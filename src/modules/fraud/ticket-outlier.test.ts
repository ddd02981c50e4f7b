import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectAll } from './evaluate.js';
import type { MerchantFact } from './facts.js';
import {
  everydayShopping,
  LOOK_ALIKE_SCRIPTS,
  normalTraffic,
  RING_SCRIPTS,
  ScenarioBuilder,
} from './generator.js';
import { FRAUD_RULE_DEFAULTS, type FraudThresholds } from './rules.js';

const START = Date.UTC(2026, 10, 1) - 9 * 3_600_000;

/** A market stall (₩8,000 tickets, 12 regulars, four sales a day for two weeks). */
function stallTown(seed: number) {
  const b = new ScenarioBuilder(seed, START, 14);
  const stall = b.merchant({ industry: 'market_stall', name: 'stall' });
  const regulars = Array.from({ length: 12 }, () => b.id('mem'));
  for (let day = 0; day < b.days; day += 1)
    for (let i = 0; i < 4; i += 1) b.pay(b.pick(regulars), stall, b.ticket(8_000), b.at(day, 8 + i * 3));
  return { b, stall };
}

/** A member with an ordinary life: a small payment somewhere every day of the fortnight. */
function ordinaryMember(b: ScenarioBuilder, shops: MerchantFact[]): string {
  const memberId = b.id('mem');
  for (let day = 0; day < b.days; day += 1) b.pay(memberId, b.pick(shops), b.ticket(12_000), b.at(day, 12));
  return memberId;
}

function ticketAlerts(b: ScenarioBuilder, thresholds: FraudThresholds = FRAUD_RULE_DEFAULTS) {
  return detectAll(b.build().facts, thresholds).alerts.filter((a) => a.rule === 'ticket_outlier');
}

describe('ticket_outlier', () => {
  it('fires on one card paying ₩35만 twice at a ₩8,000 stall, naming the share of its payments', () => {
    const { b, stall } = stallTown(1);
    const card = b.id('mem');
    b.pay(card, stall, 350_000, b.at(7, 15));
    b.pay(card, stall, 360_000, b.at(8, 15));
    const alerts = ticketAlerts(b);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ merchantId: stall.merchantId, memberId: card });
    expect(alerts[0]?.paymentIds).toHaveLength(2);
    expect(alerts[0]?.explain().en).toContain(
      `they are 2 of member ${card}'s 2 payments in the last 30 days`,
    );
    expect(alerts[0]?.explain().ko).toContain(`회원 ${card}의 최근 30일 결제 2건 중 2건`);
  });

  it('fires on a card that also shops normally (a small payment somewhere every day) paying ₩35만 twice at the stall', () => {
    const { b, stall } = stallTown(1);
    const shops = Array.from({ length: 5 }, () => b.merchant({ industry: 'restaurant' }));
    const card = ordinaryMember(b, shops);
    b.pay(card, stall, 350_000, b.at(7, 15));
    b.pay(card, stall, 360_000, b.at(8, 15));
    const alerts = ticketAlerts(b);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ merchantId: stall.merchantId, memberId: card });
    expect(alerts[0]?.paymentIds).toHaveLength(2);
    // Not most of its payments (2 of 11), but all it pays at the stall and all its big payments.
    expect(alerts[0]?.explain().en).toContain(
      `they are 2 of member ${card}'s 2 payments at this merchant and 2 of their 2 high-value payments in the last 30 days`,
    );
    expect(alerts[0]?.explain().ko).toContain(`이 가맹점 결제 2건 중 2건, 고액 결제 2건 중 2건`);
    // Either new rule value, out of reach, silences it: they are what catches the shopping card.
    expect(ticketAlerts(b, { ...FRAUD_RULE_DEFAULTS, fraud_ticket_shop_share_bp: 10_001 })).toEqual([]);
    expect(ticketAlerts(b, { ...FRAUD_RULE_DEFAULTS, fraud_ticket_big_share_bp: 10_001 })).toEqual([]);
  });

  it('stays silent on a regular of the stall (buys there most days) who buys big there twice', () => {
    const { b, stall } = stallTown(1);
    const shops = Array.from({ length: 3 }, () => b.merchant({ industry: 'restaurant' }));
    const regular = ordinaryMember(b, shops);
    for (let day = 0; day < 8; day += 1) b.pay(regular, stall, b.ticket(8_000), b.at(day, 9));
    b.pay(regular, stall, 350_000, b.at(7, 15));
    b.pay(regular, stall, 360_000, b.at(8, 15));
    expect(ticketAlerts(b)).toEqual([]);
    // The shop-share rule value is what keeps it silent: at 0 the same traffic is an alert.
    expect(ticketAlerts(b, { ...FRAUD_RULE_DEFAULTS, fraud_ticket_shop_share_bp: 0 })).toHaveLength(1);
  });

  it('stays silent on an honest big spender who pays big everywhere, twice at the stall among them', () => {
    const { b, stall } = stallTown(1);
    const shops = Array.from({ length: 5 }, () => b.merchant({ industry: 'restaurant' }));
    const spender = ordinaryMember(b, shops);
    b.pay(spender, b.merchant({ industry: 'clothing' }), 650_000, b.at(5, 16));
    b.pay(spender, b.merchant({ industry: 'electronics' }), 1_200_000, b.at(6, 16));
    b.pay(spender, shops[0] as MerchantFact, 380_000, b.at(6, 20));
    b.pay(spender, stall, 350_000, b.at(7, 15));
    b.pay(spender, stall, 360_000, b.at(8, 15));
    expect(ticketAlerts(b)).toEqual([]);
    // The big-share rule value is what keeps it silent: at 0 the same traffic is an alert.
    expect(ticketAlerts(b, { ...FRAUD_RULE_DEFAULTS, fraud_ticket_big_share_bp: 0 })).toHaveLength(1);
  });

  it("stays silent on the generator's big spender everywhere, whom the ratio alone flags", () => {
    const b = new ScenarioBuilder(5, START, 14);
    const pool = normalTraffic(b, 200, 60);
    const look = LOOK_ALIKE_SCRIPTS.big_spender_everywhere?.script(b, pool);
    const facts = b.build().facts;
    const mine = (t: FraudThresholds) =>
      detectAll(facts, t).alerts.filter(
        (a) => a.rule === 'ticket_outlier' && a.memberId === look?.memberIds[0],
      );
    expect(mine(FRAUD_RULE_DEFAULTS)).toEqual([]);
    expect(mine({ ...FRAUD_RULE_DEFAULTS, fraud_ticket_big_share_bp: 0 })).toHaveLength(1);
  });

  it("fires on the generator's shopping colluder (the ring's card with an everyday life) at every intensity", () => {
    for (const intensity of [1, 2, 3]) {
      const b = new ScenarioBuilder(9 + intensity, START, 14);
      const pool = normalTraffic(b, 120, 40);
      const ring = RING_SCRIPTS.ticket_outlier(b, intensity, pool);
      for (const memberId of ring.memberIds) everydayShopping(b, memberId, pool.merchants);
      const alerts = ticketAlerts(b).filter((a) => a.merchantId === ring.merchantIds[0]);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.memberId).toBe(ring.memberIds[0]);
    }
  });

  it('fires on three cards paying one outsized ticket each at the stall within a week, not on two', () => {
    const three = stallTown(2);
    const cards = [three.b.id('mem'), three.b.id('mem'), three.b.id('mem')];
    for (const [i, card] of cards.entries())
      three.b.pay(card, three.stall, 320_000, three.b.at(6 + i * 2, 16));
    const alerts = ticketAlerts(three.b);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.paymentIds).toHaveLength(3);
    expect(alerts[0]?.explain().en).toContain('3 different members paid like this within 7 days');

    const two = stallTown(2);
    for (const [i, card] of [two.b.id('mem'), two.b.id('mem')].entries())
      two.b.pay(card, two.stall, 320_000, two.b.at(6 + i * 2, 16));
    expect(ticketAlerts(two.b)).toEqual([]);
  });

  it('stays silent on three established customers each making one big purchase there', () => {
    const { b, stall } = stallTown(2);
    const shops = Array.from({ length: 5 }, () => b.merchant({ industry: 'restaurant' }));
    const members = [ordinaryMember(b, shops), ordinaryMember(b, shops), ordinaryMember(b, shops)];
    for (const [i, member] of members.entries()) b.pay(member, stall, 320_000, b.at(6 + i * 2, 16));
    expect(ticketAlerts(b)).toEqual([]);
  });

  it("needs the outliers inside the rule's window: two payments eight days apart are not a repetition", () => {
    const { b, stall } = stallTown(3);
    const card = b.id('mem');
    b.pay(card, stall, 350_000, b.at(2, 15));
    b.pay(card, stall, 350_000, b.at(10, 15));
    expect(ticketAlerts(b)).toEqual([]);
  });

  it('stays silent on the grocer regular buying for a family rite, whom the ratio alone flags', () => {
    const b = new ScenarioBuilder(5, START, 14);
    const pool = normalTraffic(b, 80, 30);
    const look = LOOK_ALIKE_SCRIPTS.grocery_regular_bulk_buy?.script(b, pool);
    const grocerId = look?.merchantIds[0];
    const facts = b.build().facts;
    const mine = (t: FraudThresholds) =>
      detectAll(facts, t).alerts.filter((a) => a.rule === 'ticket_outlier' && a.merchantId === grocerId);
    expect(mine(FRAUD_RULE_DEFAULTS)).toEqual([]);
    expect(mine({ ...FRAUD_RULE_DEFAULTS, fraud_ticket_member_share_bp: 0 })).toHaveLength(1);
  });

  it('property: a card paying ≥ 2 outsized tickets in 7 days is alerted, with or without an ordinary life elsewhere; ordinary buying at the stall itself silences it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ day: fc.integer({ min: 5, max: 12 }), amountWon: fc.integer({ min: 30, max: 90 }) }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 1_000 }),
        // From day 5 the stall has the 20 known tickets the rule needs before it compares.
        (outsized, ordinaryCount, seed) => {
          const run = (withOrdinary: number, atTheStall = false) => {
            const { b, stall } = stallTown(seed);
            const shop = atTheStall ? stall : b.merchant({ industry: 'restaurant' });
            const card = b.id('mem');
            for (const x of outsized) b.pay(card, stall, x.amountWon * 10_000, b.at(x.day, 15, 0));
            // Before the first outsized ticket (days 1–4), so they are in the history it is read against.
            for (let i = 0; i < withOrdinary; i += 1) b.pay(card, shop, 9_000, b.at(1 + (i % 4), 12, i));
            return ticketAlerts(b).length > 0;
          };
          const days = outsized.map((x) => x.day).sort((a, b) => a - b);
          // The window reaches back 7 days to the minute: days 4 and 11 at 15:00 are in one window.
          const repeatsInAWeek = days.some((day, i) => i > 0 && day - (days[i - 1] as number) <= 7);
          const alone = run(0);
          expect(alone).toBe(repeatsInAWeek);
          // An ordinary life elsewhere changes nothing: the outsized tickets are still all the card
          // pays at the stall and all its big payments.
          expect(run(ordinaryCount)).toBe(alone);
          // Ordinary buying at the stall itself, as often as the outsized tickets, makes it a regular there.
          if (ordinaryCount >= outsized.length) expect(run(ordinaryCount, true)).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });
});
