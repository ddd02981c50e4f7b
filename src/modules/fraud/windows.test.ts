import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countAbove, RecentAmounts, RecentItems } from './windows.js';

type Step =
  | { op: 'push'; at: number }
  | { op: 'shift' }
  | { op: 'drop'; before: number }
  | { op: 'filter'; since: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ op: fc.constant('push' as const), at: fc.integer({ min: 0, max: 50 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('shift' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('drop' as const), before: fc.integer({ min: 0, max: 500 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('filter' as const), since: fc.integer({ min: 0, max: 500 }) }),
  },
);

describe('recent items', () => {
  it('behave as an array bounded by splicing from the front, whatever the operations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(step, { maxLength: 2_000 }), (max, steps) => {
        const recent = new RecentItems<{ at: number; n: number }>(max);
        const model: Array<{ at: number; n: number }> = [];
        let clock = 0;
        steps.forEach((s, n) => {
          if (s.op === 'push') {
            clock += s.at;
            const item = { at: clock, n };
            recent.push(item);
            model.push(item);
            if (model.length > max) model.splice(0, model.length - max);
          } else if (s.op === 'shift') {
            recent.shift();
            model.shift();
          } else if (s.op === 'drop') {
            recent.dropWhile((x) => x.at < s.before);
            while (model.length > 0 && (model[0] as { at: number }).at < s.before) model.shift();
          } else {
            expect(recent.filter((x) => x.at >= s.since)).toEqual(model.filter((x) => x.at >= s.since));
          }
          expect(recent.length).toBe(model.length);
          expect(recent.first()).toBe(model[0]);
        });
        expect(recent.filter(() => true)).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });

  it('keep the last 5,000 of 100,000 pushed', () => {
    const recent = new RecentItems<number>(5_000);
    for (let n = 0; n < 100_000; n += 1) recent.push(n);
    expect(recent.length).toBe(5_000);
    expect(recent.first()).toBe(95_000);
    expect(recent.filter((n) => n % 1_000 === 0)).toEqual([95_000, 96_000, 97_000, 98_000, 99_000]);
  });
});

describe('recent amounts', () => {
  it('give the upper median of the last max amounts pushed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 3_000_000 }), { maxLength: 1_500 }),
        (max, amounts) => {
          const recent = new RecentAmounts(max);
          amounts.forEach((amountWon, n) => {
            recent.push(amountWon);
            const last = amounts.slice(Math.max(0, n + 1 - max), n + 1).sort((a, b) => a - b);
            expect(recent.length).toBe(last.length);
            expect(recent.median()).toBe(last[Math.floor(last.length / 2)]);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('are 0 when empty and refuse a bound that is not a positive whole number', () => {
    expect(new RecentAmounts(3).median()).toBe(0);
    expect(() => new RecentAmounts(0)).toThrow(/positive bound/);
    expect(() => new RecentAmounts(2.5)).toThrow(/positive bound/);
  });
});

describe('count above', () => {
  it('counts the sorted values strictly greater than the given one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 })),
        fc.integer({ min: -60, max: 60 }),
        (values, value) => {
          const sorted = [...values].sort((a, b) => a - b);
          expect(countAbove(sorted, value)).toBe(values.filter((v) => v > value).length);
        },
      ),
    );
  });
});
