import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../test/support/gc.js';
import type { PaymentFact } from './facts.js';
import { TrailingTotals } from './trailing-totals.js';

const WINDOW_MS = 1_000;

function payment(index: number, at: number, amountWon: number, cashbackWon: number): PaymentFact {
  return {
    kind: 'payment',
    id: `pay-${index}`,
    at,
    memberId: 'mem-1',
    merchantId: 'mch-1',
    amountWon,
    cashbackWon,
    industryCode: 'I',
    district: 'seo-gu',
    annualRevenueWon: 1,
  };
}

describe('trailing totals', () => {
  it('equal the sums of the payments inside the window, however the stream is spaced', () => {
    const step = fc.record({
      gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3_000 })),
      amountWon: fc.integer({ min: 1, max: 5_000_000 }),
      cashbackWon: fc.integer({ min: 0, max: 500_000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 3_000 }), (steps) => {
        const totals = new TrailingTotals(WINDOW_MS);
        const seen: PaymentFact[] = [];
        let at = 0;
        steps.forEach((s, index) => {
          at += s.gapMs;
          const p = payment(index, at, s.amountWon, s.cashbackWon);
          seen.push(p);
          totals.add(p);
          totals.advance(at);
          const inside = seen.filter((x) => x.at >= at - WINDOW_MS);
          expect(totals.volumeWon).toBe(inside.reduce((sum, x) => sum + x.amountWon, 0));
          expect(totals.cashbackWon).toBe(inside.reduce((sum, x) => sum + x.cashbackWon, 0));
          expect(totals.count).toBe(inside.length);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('keep counting right after compacting thousands of departed payments', () => {
    const totals = new TrailingTotals(WINDOW_MS);
    for (let i = 0; i < 5_000; i++) totals.add(payment(i, i, 1_000, 10));
    totals.advance(4_999);
    expect(totals.count).toBe(1_001);
    expect(totals.volumeWon).toBe(1_001_000);
    totals.add(payment(5_000, 6_500, 7_000, 70));
    totals.advance(6_500);
    expect(totals.count).toBe(1);
    expect(totals.volumeWon).toBe(7_000);
    expect(totals.cashbackWon).toBe(70);
  });

  it('let go of a payment once it leaves the window or is dropped early', async () => {
    const totals = new TrailingTotals(WINDOW_MS);
    // Only WeakRefs leave this function: the totals are the payments' one strong holder.
    const { leftByTime, droppedEarly, kept } = (() => {
      const early = Array.from({ length: 100 }, (_, i) => payment(i, i, 1_000, 10));
      const late = Array.from({ length: 50 }, (_, i) => payment(5_000 + i, 5_000 + i, 1_000, 10));
      for (const p of [...early, ...late]) totals.add(p);
      totals.advance(5_000 + WINDOW_MS - 1);
      for (const p of late.slice(0, 20)) totals.dropOldest(p);
      const weak = (list: PaymentFact[]) => list.map((p) => new WeakRef(p));
      return { leftByTime: weak(early), droppedEarly: weak(late.slice(0, 20)), kept: weak(late.slice(20)) };
    })();
    await collectGarbage();
    const alive = (refs: WeakRef<PaymentFact>[]) => refs.filter((ref) => ref.deref() !== undefined).length;
    expect([alive(leftByTime), alive(droppedEarly), alive(kept)]).toEqual([0, 0, 30]);
    expect(totals.count).toBe(30);
    expect(totals.volumeWon).toBe(30_000);
  });
});
