import { describe, expect, it } from 'vitest';
import type { CashbackRules } from '../api/types.js';
import { formatPeriod, formatRateBp, formatWon, formatWonCompact } from '../i18n/format.js';
import { type ChangeWords, policyChanges } from './policy-changes.js';

const words: ChangeWords = {
  tier: (upToWon) => `${formatWonCompact(upToWon, 'ko')}까지`,
  extra: (name) => `추가 캐시백: ${name}`,
  promotion: (name) => `프로모션: ${name}`,
  cap: '가맹점 연 매출 상한',
  rate: (rateBp) => formatRateBp(rateBp, 'ko'),
  won: (amountWon) => formatWon(amountWon, 'ko'),
  period: (from, to) => formatPeriod(from, to, 'ko'),
  name: (item) => item.nameKo,
};

const inForce: CashbackRules = {
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
  promotions: [],
  merchantRevenueCapWon: 3_000_000_000,
};

describe('what a new cashback policy changes', () => {
  it('lists nothing when only the name or period is new', () => {
    expect(policyChanges(inForce, structuredClone(inForce), words)).toEqual([]);
  });

  it('names each changed rule with its value before and after, by name, never by code', () => {
    const next: CashbackRules = {
      ...inForce,
      tiers: [
        { upToWon: 200_000, rateBp: 1000 },
        { upToWon: 500_000, rateBp: 500 },
      ],
      extras: [],
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
      merchantRevenueCapWon: null,
    };
    expect(policyChanges(inForce, next, words)).toEqual([
      { label: '20만원까지', before: null, after: '10%' },
      { label: '50만원까지', before: '10%', after: '5%' },
      { label: '추가 캐시백: 전통시장', before: '3%', after: null },
      { label: '프로모션: 온통세일', before: null, after: '15% · 2021. 11. 1. ~ 2021. 11. 30.' },
      { label: '가맹점 연 매출 상한', before: '3,000,000,000원', after: null },
    ]);
  });

  it('shows every rule as new when no policy is in force', () => {
    expect(policyChanges(null, inForce, words).map((change) => change.before)).toEqual([null, null, null]);
  });
});
