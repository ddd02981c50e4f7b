import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../test/support/gc.js';
import { FraudDetector, localTimeIn } from './detector.js';
import type { MerchantFact, PaymentFact } from './facts.js';
import { FRAUD_RULE_DEFAULTS } from './rules.js';

const START = Date.UTC(2026, 10, 2, 1);
const MINUTE_MS = 60_000;
/** Declares ₩1,200,000 a year: ₩100,000 a month, so ₩200,000 in 30 days is twice the size. */
const SHOP: MerchantFact = {
  kind: 'merchant',
  merchantId: 'mch-busy',
  name: '바쁜상회',
  ownerId: null,
  registeredAt: START - 400 * 24 * 60 * MINUTE_MS,
  annualRevenueWon: 1_200_000,
  industryCode: 'I1',
  district: 'seo-gu',
};

function payment(index: number, amountWon: number): PaymentFact {
  return {
    kind: 'payment',
    id: `pay-${index}`,
    at: START + index * MINUTE_MS,
    memberId: `mem-${index % 40}`,
    merchantId: SHOP.merchantId,
    amountWon,
    cashbackWon: amountWon / 10,
    industryCode: SHOP.industryCode,
    district: SHOP.district,
    annualRevenueWon: SHOP.annualRevenueWon,
  };
}

/** The 30-day volume the size signal reports, read from its English explanation. */
function reportedVolumeWon(detector: FraudDetector, p: PaymentFact): number | null {
  const finding = detector.observe(p).find((f) => f.rule === 'size_outlier');
  const match = finding?.explain().en.match(/₩([\d,]+) in the last 30 days/);
  return match ? Number((match[1] as string).replaceAll(',', '')) : null;
}

describe('a detector with bounded memory', () => {
  it('sums a busy merchant over the payments it still holds, forgetting the oldest first', () => {
    const heldMax = 50;
    const detector = new FraudDetector(FRAUD_RULE_DEFAULTS, localTimeIn('Asia/Seoul'), heldMax);
    detector.observe(SHOP);
    const amounts: number[] = [];
    for (let i = 0; i < 400; i++) {
      const amountWon = 10_000 + (i % 7) * 1_000;
      amounts.push(amountWon);
      const volumeWon = reportedVolumeWon(detector, payment(i, amountWon));
      const held = amounts.slice(-heldMax).reduce((sum, won) => sum + won, 0);
      expect(volumeWon).toBe(held >= 200_000 ? held : null);
    }
  });

  it('sums everything of the last 30 days while it has room, and lets the 31st day go', () => {
    const detector = new FraudDetector(FRAUD_RULE_DEFAULTS, localTimeIn('Asia/Seoul'), 1_000);
    detector.observe(SHOP);
    expect(reportedVolumeWon(detector, { ...payment(0, 150_000) })).toBeNull();
    const dayMs = 24 * 60 * MINUTE_MS;
    const later = (days: number, id: number, amountWon: number) => ({
      ...payment(id, amountWon),
      at: START + days * dayMs,
    });
    expect(reportedVolumeWon(detector, later(29, 1, 60_000))).toBe(210_000);
    expect(reportedVolumeWon(detector, later(30.5, 2, 150_000))).toBe(210_000);
  });

  it('shares a shop record among its held payments, and gives a payment the shop facts it came with', () => {
    const detector = new FraudDetector(FRAUD_RULE_DEFAULTS, localTimeIn('Asia/Seoul'));
    detector.observe(SHOP);
    const sizeFinding = (p: PaymentFact) => detector.observe(p).find((f) => f.rule === 'size_outlier');
    for (let i = 0; i < 19; i++) expect(sizeFinding(payment(i, 10_000))).toBeUndefined();
    // ₩200,000 in 30 days: twice the ₩100,000 a month the shop declared, in its district.
    expect(sizeFinding(payment(19, 10_000))).toMatchObject({ district: 'seo-gu', score: 50 });
    // The shop moves and declares ten times the revenue: its next payment is measured by that.
    const moved = { district: 'yuseong-gu', annualRevenueWon: 12_000_000 };
    expect(sizeFinding({ ...payment(20, 10_000), ...moved })).toBeUndefined();
    // Back to the old declaration, in the new district: the same record is not reused for it.
    expect(sizeFinding({ ...payment(21, 10_000), district: 'yuseong-gu' })).toMatchObject({
      district: 'yuseong-gu',
    });
    expect(sizeFinding(payment(22, 10_000))).toMatchObject({ district: 'seo-gu' });
  });

  it('holds no more once full, however many payments pass through it', async () => {
    // Many merchants with a few payments each: until session 28 each merchant's running totals kept
    // up to 1,023 forgotten payments alive, and the list of held ones up to as many as it held.
    const heldMax = 2_000;
    const merchantCount = 1_000;
    const detector = new FraudDetector(FRAUD_RULE_DEFAULTS, localTimeIn('Asia/Seoul'), heldMax);
    for (let m = 0; m < merchantCount; m++) detector.observe({ ...SHOP, merchantId: `mch-${m}` });
    let next = 0;
    const pay = (count: number) => {
      for (const end = next + count; next < end; next++)
        detector.observe({
          ...payment(next, 10_000 + (next % 7) * 1_000),
          id: `pay-${next}-${'x'.repeat(24)}`,
          merchantId: `mch-${(next * 7919) % merchantCount}`,
        });
    };
    const heapAfter = async (count: number) => {
      pay(count);
      await collectGarbage();
      return v8.getHeapStatistics().used_heap_size;
    };
    const full = await heapAfter(4 * heldMax);
    const muchLater = await heapAfter(30 * heldMax);
    expect(muchLater - full).toBeLessThan(4 * 1024 * 1024);
  });

  it('counts a cancellation only of a payment it still holds, with cashback, within the window', () => {
    const heldMax = 20;
    const detector = new FraudDetector(FRAUD_RULE_DEFAULTS, localTimeIn('Asia/Seoul'), heldMax);
    detector.observe(SHOP);
    const member = 'mem-gamer';
    const paid = (index: number, cashbackWon: number) => {
      const p = { ...payment(index, 50_000), memberId: member, cashbackWon };
      detector.observe(p);
      return p;
    };
    const cancel = (p: PaymentFact, afterHours: number, memberId = member) =>
      detector.observe({
        kind: 'cancel',
        id: `cancel-${p.id}-${afterHours}`,
        at: p.at + afterHours * 60 * MINUTE_MS,
        paymentId: p.id,
        memberId,
        merchantId: p.merchantId,
        amountWon: p.amountWon,
      });
    const capGaming = (findings: ReturnType<FraudDetector['observe']>) =>
      findings.filter((f) => f.rule === 'cap_gaming').map((f) => f.paymentIds);
    // Forgotten (20 later payments pushed it out), no cashback, too late, named with another member:
    // none counts; three cancelled within 48 h of earning cashback do. Facts arrive in time order.
    const forgotten = paid(0, 5_000);
    for (let i = 1; i <= heldMax; i++) paid(i, 0);
    const noCashback = paid(100, 0);
    const tooLate = paid(101, 5_000);
    const otherMembers = paid(102, 5_000);
    const counted = [paid(103, 5_000), paid(104, 5_000), paid(105, 5_000)] as const;
    expect(capGaming(cancel(noCashback, 1))).toEqual([]);
    expect(capGaming(cancel(otherMembers, 1, 'mem-other'))).toEqual([]);
    // One payment cancelled in three parts is one payment, not three.
    expect(capGaming(cancel(counted[0], 1))).toEqual([]);
    expect(capGaming(cancel(counted[0], 1.5))).toEqual([]);
    expect(capGaming(cancel(counted[0], 2))).toEqual([]);
    expect(capGaming(cancel(counted[1], 2))).toEqual([]);
    expect(capGaming(cancel(counted[2], 2))).toEqual([counted.map((p) => p.id)]);
    expect(capGaming(cancel(forgotten, 30))).toEqual([]);
    expect(capGaming(cancel(tooLate, 49))).toEqual([]);
  });
});
