import { describe, expect, it } from 'vitest';
import type { CashbackPolicy } from '../api/types.js';
import {
  defaultSample,
  draftFromPolicy,
  periodOf,
  policyInForce,
  rulesOf,
  sampleOf,
  validateDraft,
} from './policy-draft.js';

const NOW = new Date('2021-05-13T03:00:00Z');

const daejeon2021: CashbackPolicy = {
  id: 'cbp_daejeon_2021',
  name: '2021 온통대전 캐시백',
  effectiveFrom: '2020-12-31T15:00:00.000Z',
  effectiveTo: null,
  rules: {
    tiers: [{ upToWon: 500_000, rateBp: 1000 }],
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
        code: 'ontong_sale',
        nameKo: '온통세일',
        nameEn: 'Ontong Sale',
        from: '2021-11-01T00:00:00+09:00',
        to: '2021-12-01T00:00:00+09:00',
        rateBp: 1500,
      },
    ],
    merchantRevenueCapWon: 3_000_000_000,
  },
  createdBy: 'system:preset',
  createdAt: '2021-01-01T00:00:00.000Z',
};

describe('the policy editor draft', () => {
  it('starts from the policy in force, scheduled for the next Seoul midnight', () => {
    const draft = draftFromPolicy(daejeon2021, NOW);
    expect(draft.fromDay).toBe('2021-05-14');
    expect(draft.tiers).toEqual([{ upTo: '500000', rate: '10' }]);
    expect(draft.promotions[0]).toMatchObject({ firstDay: '2021-11-01', lastDay: '2021-11-30', rate: '15' });
    expect(draft.revenueCap).toBe('3000000000');
  });

  it('gives back the same rules it was made from', () => {
    expect(rulesOf(draftFromPolicy(daejeon2021, NOW))).toEqual(daejeon2021.rules);
  });

  it('sends a last day as the exclusive midnight after it', () => {
    const draft = { ...draftFromPolicy(daejeon2021, NOW), lastDay: '2021-06-30' };
    expect(periodOf(draft)).toEqual({
      effectiveFrom: '2021-05-14T00:00:00+09:00',
      effectiveTo: '2021-07-01T00:00:00+09:00',
    });
  });

  it('accepts a complete draft and names each mistake by its field', () => {
    const draft = { ...draftFromPolicy(daejeon2021, NOW), name: '2021 하반기' };
    expect(validateDraft(draft, NOW)).toEqual({});
    const broken = {
      ...draft,
      name: ' ',
      fromDay: '2021-05-12',
      tiers: [
        { upTo: '200000', rate: '10' },
        { upTo: '100000', rate: '101' },
      ],
      promotions: [
        {
          ...draft.promotions[0],
          code: 'Bad Code',
          lastDay: '2021-10-01',
        } as (typeof draft.promotions)[number],
      ],
    };
    expect(validateDraft(broken, NOW)).toEqual({
      name: 'required',
      fromDay: 'effectiveFromPast',
      'tiers.1.upTo': 'tiersIncreasing',
      'tiers.1.rate': 'percent',
      'promotions.0.code': 'code',
      'promotions.0.lastDay': 'periodOrder',
    });
  });

  it('turns the sample payment into the API sample at noon Seoul time', () => {
    const sample = { ...defaultSample(draftFromPolicy(daejeon2021, NOW)), traditionalMarket: true };
    expect(sampleOf(sample)).toEqual({
      amountWon: 50_000,
      at: '2021-05-14T12:00:00+09:00',
      monthEligibleSpentBeforeWon: 0,
      merchant: { isTraditionalMarket: true, isBookstore: false, annualRevenueWon: 180_000_000 },
      member: { isWelfareRecipient: false },
    });
    expect(sampleOf({ ...sample, amount: '' })).toBeNull();
  });

  it('finds the version in force among past, current and scheduled ones', () => {
    const ended = {
      ...daejeon2021,
      id: 'old',
      effectiveFrom: '2020-01-01T00:00:00Z',
      effectiveTo: '2020-12-31T15:00:00Z',
    };
    const scheduled = { ...daejeon2021, id: 'next', effectiveFrom: '2021-06-01T00:00:00Z' };
    expect(policyInForce([scheduled, daejeon2021, ended], NOW)?.id).toBe('cbp_daejeon_2021');
  });
});
