import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePage, encodePage } from './page-codec.js';
import type { NewEvent, PaymentMadeV1 } from './types.js';

const won = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const text = fc.oneof(fc.string(), fc.constantFrom('서구', '둔산동', '중앙시장 "큰" 가게', '\u001e', '\\'));
const id = (prefix: string) => fc.string({ minLength: 1, maxLength: 22 }).map((rest) => `${prefix}_${rest}`);
const time = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
});

const paymentMade = fc.record<PaymentMadeV1>({
  paymentId: fc.constant(''),
  memberId: id('mem'),
  channel: fc.constantFrom('merchant_presented', 'member_presented', 'online'),
  amountWon: won,
  paidFrom: fc.record({ grantWon: won, cashbackWon: won, cashWon: won }),
  monthEligibleSpentBeforeWon: won,
  month: fc.constantFrom('2026-01', '2026-12'),
  eligibleWon: won,
  requestedCashbackWon: won,
  cashbackWon: won,
  policyId: fc.option(id('pol'), { nil: null }),
  ruleCodes: fc.array(text, { maxLength: 4 }),
  draws: fc.array(
    fc.record({
      potId: id('pot'),
      source: fc.constantFrom('national', 'city'),
      accountId: id('acc'),
      amountWon: won,
    }),
    { maxLength: 3 },
  ),
  isWelfareRecipient: fc.boolean(),
  merchant: fc.record({
    merchantId: id('mch'),
    district: text,
    dong: text,
    industryCode: text,
    marketId: fc.option(id('mkt'), { nil: null }),
    isTraditionalMarket: fc.boolean(),
    isBookstore: fc.boolean(),
    annualRevenueWon: won,
  }),
});

const paymentEvent = fc.tuple(id('pay'), time, paymentMade).map(
  ([paymentId, occurredAt, payload]): NewEvent => ({
    type: 'payment.made',
    subjectId: paymentId,
    occurredAt,
    payload: { ...payload, paymentId },
  }),
);
const otherEvent = fc.oneof(
  fc.tuple(id('chg'), time, id('mem'), won).map(
    ([chargeId, occurredAt, memberId, amountWon]): NewEvent => ({
      type: 'charge.confirmed',
      subjectId: chargeId,
      occurredAt,
      payload: { chargeId, memberId, amountWon },
    }),
  ),
  fc.tuple(id('mem'), time, text, fc.integer({ min: 1900, max: 2100 }), fc.boolean()).map(
    ([memberId, occurredAt, district, birthYear, isWelfareRecipient]): NewEvent => ({
      type: 'member.joined',
      subjectId: memberId,
      occurredAt,
      payload: { memberId, district, birthYear, isWelfareRecipient },
    }),
  ),
);

/**
 * What a consumer must read back for the appended events: the same facts, numbered from firstSeq
 * (as plain objects: fast-check builds records without a prototype).
 */
function asRead(events: readonly NewEvent[], tenantId: string, firstSeq: number) {
  return structuredClone(events).map((event, index) => ({
    tenantId,
    seq: firstSeq + index,
    id: `${event.type}:${event.subjectId}`,
    type: event.type,
    version: 1,
    occurredAt: event.occurredAt,
    payload: event.payload,
  }));
}

describe('event page codec', () => {
  it('gives back exactly the appended events, whatever their payloads (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(paymentEvent, otherEvent), {
          maxLength: 20,
          selector: (event) => `${event.type}:${event.subjectId}`,
        }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (events, firstSeq) => {
          expect(decodePage(encodePage(events), 'daejeon', firstSeq)).toStrictEqual(
            asRead(events, 'daejeon', firstSeq),
          );
        },
      ),
    );
  });

  it('writes payment.made positionally, at less than half the bytes of the object', () => {
    fc.assert(
      fc.property(paymentEvent, (event) => {
        const [[, , , , stored]] = JSON.parse(encodePage([event])) as [
          [string, number, string, number, unknown],
        ];
        expect(Array.isArray(stored)).toBe(true);
        expect((stored as unknown[]).includes(event.subjectId)).toBe(false);
      }),
    );
    const typical: NewEvent = {
      type: 'payment.made',
      subjectId: 'pay_2x7QmVh0d1T3Nq8sKp4L',
      occurredAt: new Date('2026-12-02T03:04:05.678Z'),
      payload: {
        paymentId: 'pay_2x7QmVh0d1T3Nq8sKp4L',
        memberId: 'mem_Zq0v3hA9s8dK2mLp1Xc7',
        channel: 'merchant_presented',
        amountWon: 12_000,
        paidFrom: { grantWon: 0, cashbackWon: 500, cashWon: 11_500 },
        monthEligibleSpentBeforeWon: 150_000,
        month: '2026-12',
        eligibleWon: 11_500,
        requestedCashbackWon: 1_150,
        cashbackWon: 1_150,
        policyId: 'pol_daejeon_2026',
        ruleCodes: ['base_rate'],
        draws: [{ potId: 'pot_city', source: 'city', accountId: 'acc_pot_city_2026_12', amountWon: 1_150 }],
        isWelfareRecipient: false,
        merchant: {
          merchantId: 'mch_Hq3v9s0dK2mLp1Xc7Zq0',
          district: '서구',
          dong: '둔산동',
          industryCode: 'restaurant',
          marketId: null,
          isTraditionalMarket: false,
          isBookstore: false,
          annualRevenueWon: 250_000_000,
        },
      },
    };
    const asObjects = JSON.stringify([
      {
        id: 'payment.made:pay_2x7QmVh0d1T3Nq8sKp4L',
        ...typical,
        occurredAt: typical.occurredAt.toISOString(),
      },
    ]);
    expect(Buffer.byteLength(encodePage([typical]))).toBeLessThan(Buffer.byteLength(asObjects) / 2);
  });

  it('writes a payment.made it cannot give back positionally as the object it is', () => {
    fc.assert(
      fc.property(paymentEvent, fc.boolean(), (event, extraField) => {
        if (event.type !== 'payment.made') throw new Error('generator');
        const odd: NewEvent = extraField
          ? {
              ...event,
              payload: { ...event.payload, note: 'a field from a newer producer' } as PaymentMadeV1,
            }
          : { ...event, payload: { ...event.payload, paymentId: `${event.payload.paymentId}-other` } };
        const [[, , , , stored]] = JSON.parse(encodePage([odd])) as [
          [string, number, string, number, unknown],
        ];
        expect(Array.isArray(stored)).toBe(false);
        expect(decodePage(encodePage([odd]), 't', 1)).toStrictEqual(asRead([odd], 't', 1));
      }),
    );
  });

  it("still reads migration 1103's pages of objects", () => {
    const page = JSON.stringify([
      {
        id: 'charge.confirmed:chg_1',
        type: 'charge.confirmed',
        version: 1,
        occurredAt: '2026-11-30T15:00:00.000Z',
        payload: { chargeId: 'chg_1', memberId: 'mem_1', amountWon: 50_000 },
      },
    ]);
    expect(decodePage(page, 'daejeon', 41)).toStrictEqual([
      {
        tenantId: 'daejeon',
        seq: 41,
        id: 'charge.confirmed:chg_1',
        type: 'charge.confirmed',
        version: 1,
        occurredAt: new Date('2026-11-30T15:00:00.000Z'),
        payload: { chargeId: 'chg_1', memberId: 'mem_1', amountWon: 50_000 },
      },
    ]);
  });

  it('refuses an event without a valid time, and one append naming a fact twice', () => {
    const charge: NewEvent = {
      type: 'charge.confirmed',
      subjectId: 'chg_1',
      occurredAt: new Date(Number.NaN),
      payload: { chargeId: 'chg_1', memberId: 'mem_1', amountWon: 1 },
    };
    expect(() => encodePage([charge])).toThrow('chg_1 has no valid time');
    const valid = { ...charge, occurredAt: new Date('2026-12-01T00:00:00Z') };
    expect(() => encodePage([valid, valid])).toThrow('names charge.confirmed:chg_1 twice');
  });
});
