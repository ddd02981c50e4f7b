import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteCashback } from './cashback.js';
import { DAEJEON_POLICY_PRESET } from './presets/daejeon.js';
import type { CashbackInput, CashbackPolicyRules } from './types.js';

function presetPolicy(id: string): { id: string; rules: CashbackPolicyRules } {
  const found = DAEJEON_POLICY_PRESET.policies.find((policy) => policy.id === id);
  if (!found) throw new Error(`no preset policy ${id}`);
  return found;
}

const policy2020 = presetPolicy('cbp_daejeon_2020');
const policy2021 = presetPolicy('cbp_daejeon_2021');

const plainMerchant = { isTraditionalMarket: false, isBookstore: false, annualRevenueWon: 100_000_000 };
const marketMerchant = { ...plainMerchant, isTraditionalMarket: true };
const bookstore = { ...plainMerchant, isBookstore: true };
const member = { isWelfareRecipient: false };

function input(overrides: Partial<CashbackInput>): CashbackInput {
  return {
    at: new Date('2021-05-13T12:00:00+09:00'),
    paidFromCashWon: 100_000,
    monthEligibleSpentBeforeWon: 0,
    merchant: plainMerchant,
    member,
    ...overrides,
  };
}

describe('quoteCashback', () => {
  it('pays 13,000 on ₩100,000 from cash at a traditional-market store under 10% + 3%', () => {
    const quote = quoteCashback(policy2021, input({ merchant: marketMerchant }));
    expect(quote).toEqual({
      policyId: 'cbp_daejeon_2021',
      eligibleWon: 100_000,
      cashbackWon: 13_000,
      rules: [
        {
          code: 'base',
          descriptionKo: '기본 캐시백 10%',
          descriptionEn: 'base cashback 10%',
          rateBp: 1000,
          baseWon: 100_000,
          amountWon: 10_000,
        },
        {
          code: 'traditional_market',
          descriptionKo: '전통시장 추가 3%',
          descriptionEn: 'traditional market extra 3%',
          rateBp: 300,
          baseWon: 100_000,
          amountWon: 3_000,
        },
      ],
      limitedBy: [],
    });
  });

  it('counts only the part under the monthly cap: 450,000 spent, 100,000 paid → 50,000 eligible', () => {
    const quote = quoteCashback(policy2021, input({ monthEligibleSpentBeforeWon: 450_000 }));
    expect(quote).toMatchObject({
      eligibleWon: 50_000,
      cashbackWon: 5_000,
      limitedBy: ['MONTHLY_CAP_REACHED'],
    });
  });

  it('applies extras to the eligible part only when the cap cuts a payment', () => {
    const quote = quoteCashback(
      policy2021,
      input({ monthEligibleSpentBeforeWon: 450_000, merchant: marketMerchant }),
    );
    expect(quote.rules.map((line) => [line.code, line.baseWon, line.amountWon])).toEqual([
      ['base', 50_000, 5_000],
      ['traditional_market', 50_000, 1_500],
    ]);
    expect(quote.cashbackWon).toBe(6_500);
  });

  it('pays nothing once the monthly cap is spent, and says why', () => {
    const quote = quoteCashback(
      policy2021,
      input({ monthEligibleSpentBeforeWon: 500_000, merchant: marketMerchant }),
    );
    expect(quote).toEqual({
      policyId: 'cbp_daejeon_2021',
      eligibleWon: 0,
      cashbackWon: 0,
      rules: [],
      limitedBy: ['MONTHLY_CAP_REACHED'],
    });
  });

  it('pays 15,000 on 100,000 during the 온통세일 promotion at 15%', () => {
    const quote = quoteCashback(policy2020, input({ at: new Date('2020-11-15T12:00:00+09:00') }));
    expect(quote).toMatchObject({ eligibleWon: 100_000, cashbackWon: 15_000, limitedBy: [] });
    expect(quote.rules).toEqual([
      {
        code: 'ontong_sale_2020',
        descriptionKo: '온통세일 캐시백 15%',
        descriptionEn: 'Ontong Sale cashback 15%',
        rateBp: 1500,
        baseWon: 100_000,
        amountWon: 15_000,
      },
    ]);
  });

  it('splits a payment that crosses a tier bound: 50,000 at 10% + 50,000 at 5% = 7,500', () => {
    const quote = quoteCashback(
      policy2020,
      input({ at: new Date('2020-09-15T12:00:00+09:00'), monthEligibleSpentBeforeWon: 150_000 }),
    );
    expect(quote.cashbackWon).toBe(7_500);
    expect(quote.rules).toEqual([
      {
        code: 'base_tier_1',
        descriptionKo: '기본 캐시백 10% (월 200,000원까지)',
        descriptionEn: 'base cashback 10% (first ₩200,000 a month)',
        rateBp: 1000,
        baseWon: 50_000,
        amountWon: 5_000,
      },
      {
        code: 'base_tier_2',
        descriptionKo: '기본 캐시백 5% (월 200,000원 초과 500,000원까지)',
        descriptionEn: 'base cashback 5% (₩200,000 to ₩500,000 a month)',
        rateBp: 500,
        baseWon: 50_000,
        amountWon: 2_500,
      },
    ]);
  });

  it.each([
    ['a second before 2020-11-01 KST: tiered 10%', '2020-10-31T14:59:59Z', 10_000, 'base_tier_1'],
    ['at 2020-11-01 00:00 KST: 온통세일 15%', '2020-10-31T15:00:00Z', 15_000, 'ontong_sale_2020'],
    ['a second before 2020-12-01 KST: still 15%', '2020-11-30T14:59:59Z', 15_000, 'ontong_sale_2020'],
    ['at 2020-12-01 00:00 KST: back to 10%', '2020-11-30T15:00:00Z', 10_000, 'base_tier_1'],
  ])('promotion boundary, %s', (_name, at, cashbackWon, code) => {
    const quote = quoteCashback(policy2020, input({ at: new Date(at) }));
    expect(quote.cashbackWon).toBe(cashbackWon);
    expect(quote.rules.map((line) => line.code)).toEqual([code]);
  });

  it('pays 20% in total at a local bookstore', () => {
    const quote = quoteCashback(policy2021, input({ merchant: bookstore }));
    expect(quote.cashbackWon).toBe(20_000);
    expect(quote.rules.map((line) => [line.descriptionKo, line.amountWon])).toEqual([
      ['기본 캐시백 10%', 10_000],
      ['지역서점 추가 10%', 10_000],
    ]);
  });

  it('adds 5% for a welfare recipient, as its own line', () => {
    const quote = quoteCashback(policy2021, input({ member: { isWelfareRecipient: true } }));
    expect(quote.rules.map((line) => [line.code, line.amountWon])).toEqual([
      ['base', 10_000],
      ['welfare_recipient', 5_000],
    ]);
  });

  it('earns nothing at a merchant whose annual revenue is over the cap', () => {
    const merchant = { ...marketMerchant, annualRevenueWon: 3_000_000_001 };
    expect(quoteCashback(policy2021, input({ merchant }))).toEqual({
      policyId: 'cbp_daejeon_2021',
      eligibleWon: 0,
      cashbackWon: 0,
      rules: [],
      limitedBy: ['MERCHANT_REVENUE_OVER_CAP'],
    });
  });

  it('still earns at a merchant exactly at the revenue cap', () => {
    const merchant = { ...plainMerchant, annualRevenueWon: 3_000_000_000 };
    expect(quoteCashback(policy2021, input({ merchant })).cashbackWon).toBe(10_000);
  });

  it('earns only on the part paid from charged money', () => {
    expect(quoteCashback(policy2021, input({ paidFromCashWon: 30_000 })).cashbackWon).toBe(3_000);
    expect(quoteCashback(policy2021, input({ paidFromCashWon: 0 }))).toMatchObject({
      eligibleWon: 0,
      cashbackWon: 0,
      rules: [],
      limitedBy: [],
    });
  });

  it("rounds the payment's cashback down once: 1,009 at 10% + 3% → 131 (100 + 31), not 100 + 30", () => {
    const quote = quoteCashback(policy2021, input({ paidFromCashWon: 1_009, merchant: marketMerchant }));
    expect(quote.rules.map((line) => line.amountWon)).toEqual([100, 31]);
    expect(quote.cashbackWon).toBe(131);
  });

  it('quotes zero with NO_POLICY when no policy is in force', () => {
    expect(quoteCashback(null, input({}))).toEqual({
      policyId: null,
      eligibleWon: 0,
      cashbackWon: 0,
      rules: [],
      limitedBy: ['NO_POLICY'],
    });
  });

  it('refuses a negative or fractional amount as a programmer mistake', () => {
    expect(() => quoteCashback(policy2021, input({ paidFromCashWon: -1 }))).toThrow(/paidFromCashWon/);
    expect(() => quoteCashback(policy2021, input({ monthEligibleSpentBeforeWon: 0.5 }))).toThrow(
      /monthEligibleSpentBeforeWon/,
    );
  });
});

describe('quoteCashback properties', () => {
  const tiersArb = fc
    .uniqueArray(fc.integer({ min: 1, max: 2_000_000 }), { minLength: 1, maxLength: 4 })
    .chain((bounds) =>
      fc.tuple(
        fc.constant([...bounds].sort((a, b) => a - b)),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: bounds.length, maxLength: bounds.length }),
      ),
    )
    .map(([bounds, rates]) => bounds.map((upToWon, index) => ({ upToWon, rateBp: rates[index] ?? 0 })));
  const rulesArb = tiersArb.map(
    (tiers): CashbackPolicyRules => ({ tiers, extras: [], promotions: [], merchantRevenueCapWon: null }),
  );
  const amountArb = fc.integer({ min: 0, max: 3_000_000 });

  it('splitting a payment in two never changes the eligible total', () => {
    fc.assert(
      fc.property(rulesArb, amountArb, amountArb, amountArb, (rules, beforeWon, firstWon, secondWon) => {
        const policy = { id: 'p', rules };
        const whole = quoteCashback(
          policy,
          input({ monthEligibleSpentBeforeWon: beforeWon, paidFromCashWon: firstWon + secondWon }),
        );
        const first = quoteCashback(
          policy,
          input({ monthEligibleSpentBeforeWon: beforeWon, paidFromCashWon: firstWon }),
        );
        const second = quoteCashback(
          policy,
          input({ monthEligibleSpentBeforeWon: beforeWon + firstWon, paidFromCashWon: secondWon }),
        );
        expect(first.eligibleWon + second.eligibleWon).toBe(whole.eligibleWon);
      }),
    );
  });

  it('never grants more than the highest rate on what was paid, and lines add up to the total', () => {
    fc.assert(
      fc.property(rulesArb, amountArb, amountArb, (rules, beforeWon, paidWon) => {
        const quote = quoteCashback(
          { id: 'p', rules },
          input({ monthEligibleSpentBeforeWon: beforeWon, paidFromCashWon: paidWon }),
        );
        const highestBp = Math.max(...rules.tiers.map((tier) => tier.rateBp));
        expect(quote.eligibleWon).toBeLessThanOrEqual(paidWon);
        expect(quote.cashbackWon).toBeLessThanOrEqual(Math.floor((quote.eligibleWon * highestBp) / 10_000));
        expect(quote.rules.reduce((sum, line) => sum + line.amountWon, 0)).toBe(quote.cashbackWon);
        expect(quote.rules.every((line) => Number.isSafeInteger(line.amountWon) && line.amountWon >= 0)).toBe(
          true,
        );
      }),
    );
  });

  it('rounds down once over every line, and each line is within a won of its own round-down', () => {
    const extrasArb = fc.array(fc.integer({ min: 1, max: 3000 }), { maxLength: 3 });
    fc.assert(
      fc.property(rulesArb, extrasArb, amountArb, amountArb, (rules, extraRates, beforeWon, paidWon) => {
        const extras = extraRates.map((rateBp, index) => ({
          code: `extra_${index}`,
          nameKo: '추가',
          nameEn: 'extra',
          rateBp,
          when: { memberFlag: 'welfareRecipient' as const },
        }));
        const quote = quoteCashback(
          { id: 'p', rules: { ...rules, extras } },
          input({
            monthEligibleSpentBeforeWon: beforeWon,
            paidFromCashWon: paidWon,
            member: { isWelfareRecipient: true },
          }),
        );
        const scaled = quote.rules.reduce(
          (sum, line) => sum + BigInt(line.baseWon) * BigInt(line.rateBp),
          0n,
        );
        // Never more than the eligible cash itself (RATE_CAPPED), which these unvalidated rules can pass.
        expect(quote.cashbackWon).toBe(Math.min(Number(scaled / 10_000n), quote.eligibleWon));
        if (quote.limitedBy.includes('RATE_CAPPED')) return;
        for (const line of quote.rules) {
          const ownWon = Math.floor((line.baseWon * line.rateBp) / 10_000);
          expect(line.amountWon - ownWon).toBeGreaterThanOrEqual(0);
          expect(line.amountWon - ownWon).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe('quoteCashback for local-commerce orders', () => {
  const deliveryDiscount = {
    code: 'delivery_local_currency',
    nameKo: '배달 지역화폐 할인',
    nameEn: 'local-currency delivery discount',
    from: '2021-05-10T00:00:00+09:00',
    to: '2021-05-20T00:00:00+09:00',
    rateBp: 700,
    channel: 'delivery' as const,
  };
  const withDiscount = { id: 'cbp_x', rules: { ...policy2021.rules, promotions: [deliveryDiscount] } };

  it("the channel's rate replaces the tiers' rates, extras still add and the monthly cap is shared", () => {
    const quote = quoteCashback(
      policy2021,
      input({
        merchant: marketMerchant,
        paidFromCashWon: 90_000,
        monthEligibleSpentBeforeWon: 480_000,
        order: { channel: 'mall', rateBp: 500 },
      }),
    );
    expect(quote.rules.map((rule) => [rule.code, rule.baseWon, rule.amountWon])).toEqual([
      ['mall_channel', 20_000, 1_000],
      ['traditional_market', 20_000, 600],
    ]);
    expect(quote).toMatchObject({
      eligibleWon: 20_000,
      cashbackWon: 1_600,
      limitedBy: ['MONTHLY_CAP_REACHED'],
    });
  });

  it("a channel's promotion replaces its rate in its period, and never touches payments at the till", () => {
    const order = { channel: 'delivery' as const, rateBp: 0 };
    expect(quoteCashback(withDiscount, input({ paidFromCashWon: 20_000, order })).rules).toMatchObject([
      { code: 'delivery_local_currency', rateBp: 700, amountWon: 1_400 },
    ]);
    const after = input({ at: new Date('2021-05-20T00:00:00+09:00'), paidFromCashWon: 20_000, order });
    expect(quoteCashback(withDiscount, after).cashbackWon).toBe(0);
    expect(quoteCashback(withDiscount, input({ paidFromCashWon: 20_000 })).cashbackWon).toBe(2_000);
    const mall = input({ paidFromCashWon: 20_000, order: { channel: 'mall', rateBp: 500 } });
    expect(quoteCashback(withDiscount, mall).cashbackWon).toBe(1_000);
  });

  it('never pays more cashback than the cash it is earned on, whatever a channel rate and the extras add up to', () => {
    const welfareBuyer = input({
      merchant: bookstore,
      member: { isWelfareRecipient: true },
      paidFromCashWon: 9_500,
      order: { channel: 'mall', rateBp: 10_000 },
    });
    const quote = quoteCashback(policy2021, welfareBuyer);
    expect(quote.cashbackWon).toBe(9_500);
    expect(quote.limitedBy).toEqual(['RATE_CAPPED']);
    expect(quote.rules.map((rule) => [rule.code, rule.amountWon])).toEqual([
      ['mall_channel', 9_500],
      ['local_bookstore', 0],
      ['welfare_recipient', 0],
    ]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.boolean(),
        (rateBp, paidFromCashWon, welfare) => {
          const q = quoteCashback(
            policy2021,
            input({
              merchant: bookstore,
              member: { isWelfareRecipient: welfare },
              paidFromCashWon,
              order: { channel: 'mall', rateBp },
            }),
          );
          expect(q.cashbackWon).toBeLessThanOrEqual(q.eligibleWon);
          expect(q.rules.reduce((sum, line) => sum + line.amountWon, 0)).toBe(q.cashbackWon);
        },
      ),
    );
  });

  it('a promotion for payments at the till does not apply to orders', () => {
    const sale = policy2020.rules.promotions[0];
    if (!sale) throw new Error('the 2020 preset has its sale');
    const onSale = input({ at: new Date('2020-11-10T12:00:00+09:00'), paidFromCashWon: 20_000 });
    expect(quoteCashback(policy2020, onSale).cashbackWon).toBe(3_000);
    expect(
      quoteCashback(policy2020, { ...onSale, order: { channel: 'mall', rateBp: 500 } }).cashbackWon,
    ).toBe(1_000);
  });
});
