import type { AnalyticsPreset } from '../plan.js';

/**
 * Daejeon's planning figures (../shared/DOMAIN.md): the 2021 issuance plan of ₩1조3,000억, and the
 * 79만 economically active people membership is measured against, split over the five 구 in
 * proportion to their residents (2021). A demo running in a later year carries the 2021 plan
 * into that year, as the preset does with the budget.
 */
export const DAEJEON_ANALYTICS_PRESET: AnalyticsPreset = {
  plans: [{ year: 2021, plannedWon: 1_300_000_000_000, source: '2021 대전광역시 발행 계획 (DOMAIN.md)' }],
  population: [
    { district: 'dong-gu', economicallyActive: 121_000 },
    { district: 'jung-gu', economicallyActive: 127_000 },
    { district: 'seo-gu', economicallyActive: 255_000 },
    { district: 'yuseong-gu', economicallyActive: 191_000 },
    { district: 'daedeok-gu', economicallyActive: 96_000 },
  ],
  populationSource: '경제활동인구 79만 (2021), 구별 주민 수 비례 배분',
};
