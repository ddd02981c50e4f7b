import { describe, expect, it } from 'vitest';
import { DomainError } from '../../errors.js';
import type { CashbackPolicyRules } from './types.js';
import { validatePolicyRules } from './validation.js';

const valid: CashbackPolicyRules = {
  tiers: [
    { upToWon: 200_000, rateBp: 1000 },
    { upToWon: 500_000, rateBp: 500 },
  ],
  extras: [
    {
      code: 'traditional_market',
      nameKo: '전통시장',
      nameEn: 'traditional market',
      when: { merchantFlag: 'traditionalMarket' },
      rateBp: 300,
    },
  ],
  promotions: [
    {
      code: 'sale',
      nameKo: '온통세일',
      nameEn: 'Ontong Sale',
      from: '2021-11-01T00:00:00+09:00',
      to: '2021-12-01T00:00:00+09:00',
      rateBp: 1500,
    },
  ],
  merchantRevenueCapWon: 3_000_000_000,
};

function refusal(body: unknown): DomainError {
  try {
    validatePolicyRules(body);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected INVALID_POLICY');
}

const extra = valid.extras[0] as CashbackPolicyRules['extras'][number];
const promotion = valid.promotions[0] as CashbackPolicyRules['promotions'][number];

describe('validatePolicyRules', () => {
  it('accepts a well-formed policy and returns it unchanged', () => {
    expect(validatePolicyRules(valid)).toEqual(valid);
  });

  it('accepts a delivery promotion over the same days as a promotion at the till', () => {
    const both = {
      ...valid,
      promotions: [promotion, { ...promotion, code: 'delivery', channel: 'delivery' }],
    };
    expect(validatePolicyRules(both)).toEqual(both);
  });

  it.each<[string, unknown, RegExp]>([
    ['a body that is not an object', 'ten percent', /rules must be an object/],
    ['no tiers', { ...valid, tiers: [] }, /at least one tier/],
    [
      'a tier bound of 0',
      { ...valid, tiers: [{ upToWon: 0, rateBp: 1000 }] },
      /upToWon must be greater than 0/,
    ],
    [
      'tiers out of order',
      {
        ...valid,
        tiers: [
          { upToWon: 500_000, rateBp: 1000 },
          { upToWon: 200_000, rateBp: 500 },
        ],
      },
      /tiers\[1\]\.upToWon must be greater than tiers\[0\]\.upToWon/,
    ],
    [
      'two tiers with the same bound',
      {
        ...valid,
        tiers: [
          { upToWon: 200_000, rateBp: 1000 },
          { upToWon: 200_000, rateBp: 500 },
        ],
      },
      /tiers\[1\]\.upToWon must be greater/,
    ],
    [
      'a rate over 10000 bp',
      { ...valid, tiers: [{ upToWon: 500_000, rateBp: 10_001 }] },
      /0-10000 basis points/,
    ],
    [
      'a negative rate',
      { ...valid, tiers: [{ upToWon: 500_000, rateBp: -1 }] },
      /rateBp must be a whole number/,
    ],
    [
      'a fractional rate',
      { ...valid, tiers: [{ upToWon: 500_000, rateBp: 10.5 }] },
      /rateBp must be a whole number/,
    ],
    ['a rate given as text', { ...valid, tiers: [{ upToWon: 500_000, rateBp: '1000' }] }, /rateBp/],
    [
      'an extra with an unknown condition',
      { ...valid, extras: [{ ...extra, when: { merchantFlag: 'golfCourse' } }] },
      /extras\[0\]\.when must be/,
    ],
    [
      'an extra without a Korean name',
      { ...valid, extras: [{ ...extra, nameKo: '' }] },
      /extras\[0\]\.nameKo/,
    ],
    ['an extra with a bad code', { ...valid, extras: [{ ...extra, code: 'Market!' }] }, /extras\[0\]\.code/],
    [
      'two extras with one code',
      { ...valid, extras: [extra, { ...extra, when: { merchantFlag: 'bookstore' } }] },
      /code traditional_market is used twice/,
    ],
    ['an extra named like a base line', { ...valid, extras: [{ ...extra, code: 'base' }] }, /code base/],
    [
      'a promotion that ends before it starts',
      { ...valid, promotions: [{ ...promotion, to: '2021-10-01T00:00:00+09:00' }] },
      /promotions\[0\]: from must be before to/,
    ],
    [
      'a promotion that ends when it starts',
      { ...valid, promotions: [{ ...promotion, to: promotion.from }] },
      /from must be before to/,
    ],
    [
      'a promotion time without an offset',
      { ...valid, promotions: [{ ...promotion, from: '2021-11-01T00:00:00' }] },
      /with an offset/,
    ],
    [
      'overlapping promotions',
      {
        ...valid,
        promotions: [
          promotion,
          { ...promotion, code: 'sale2', from: '2021-11-30T00:00:00+09:00', to: '2021-12-10T00:00:00+09:00' },
        ],
      },
      /promotions sale and sale2 overlap/,
    ],
    [
      'two promotions of one order channel that overlap',
      {
        ...valid,
        promotions: [
          { ...promotion, channel: 'delivery' },
          { ...promotion, code: 'sale2', channel: 'delivery', from: '2021-11-30T00:00:00+09:00' },
        ],
      },
      /promotions sale and sale2 overlap/,
    ],
    [
      'a promotion for an unknown channel',
      { ...valid, promotions: [{ ...promotion, channel: 'taxi' }] },
      /promotions\[0\]\.channel must be one of mall, delivery/,
    ],
    [
      'an extra named like a channel rate',
      { ...valid, extras: [{ ...extra, code: 'mall_channel' }] },
      /code mall_channel/,
    ],
    [
      'rates adding up to more than 100%',
      { ...valid, extras: [{ ...extra, rateBp: 9000 }] },
      /highest base rate plus all extras is 10500 bp/,
    ],
    ['a negative revenue cap', { ...valid, merchantRevenueCapWon: -1 }, /merchantRevenueCapWon/],
    [
      'a missing revenue cap (use null for none)',
      { ...valid, merchantRevenueCapWon: undefined },
      /merchantRevenueCapWon/,
    ],
    ['extras missing', { ...valid, extras: undefined }, /extras must be a list/],
    [
      'too many tiers',
      { ...valid, tiers: Array.from({ length: 11 }, (_, i) => ({ upToWon: i + 1, rateBp: 0 })) },
      /at most 10/,
    ],
  ])('refuses %s with INVALID_POLICY', (_name, body, message) => {
    const error = refusal(body);
    expect(error.code).toBe('INVALID_POLICY');
    expect(error.httpStatus).toBe(400);
    expect(error.message).toMatch(message);
  });
});
