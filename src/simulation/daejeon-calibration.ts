import { DAEJEON_MARKETS } from '../modules/reference/presets/daejeon.js';

/**
 * What the synthetic Daejeon is calibrated on (../shared/DOMAIN.md and the reference preset). Data,
 * not rules: a simulation of another city passes its own. District populations are rounded 2021
 * resident counts (for proportions only); spending patterns are illustrative shapes with the
 * facts the domain notes give: 56만 members of 79만 economically active people, ~₩37만 spent a
 * month per member, the 12–13h lunch peak, 29 markets with 4,338 stores.
 */
export interface Calibration {
  districts: ReadonlyArray<{ code: string; population: number; dong: string }>;
  economicallyActive: number;
  members: number;
  /** Median monthly spending of a member; log-normal with `spendSigma` gives the heavy-user tail. */
  monthlySpendMedianWon: number;
  spendSigma: number;
  /** Share of a member's payments made in their own district. */
  homeDistrictShare: number;
  /** Members per merchant (the city's merchant count follows). */
  membersPerMerchant: number;
  /** Share of merchants that are traditional-market stores (4,338 of the city's merchants). */
  marketStoreShare: number;
  markets: ReadonlyArray<{ id: string; district: string; stores: number }>;
  industries: ReadonlyArray<{
    code: string;
    paymentWeight: number;
    ticketMedianWon: number;
    revenueMedianWon: number;
  }>;
  /** Relative payments per local hour 0–23 (lunch 12–13h peak, evening second peak). */
  hourWeights: readonly number[];
  /** Relative payments per weekday, Sunday first. */
  weekdayWeights: readonly number[];
  /** Relative spending per calendar month, January first (설, 추석 and year-end lifts). */
  monthWeights: readonly number[];
}

export const DAEJEON_CALIBRATION: Calibration = {
  districts: [
    { code: 'dong-gu', population: 222_000, dong: '중앙동' },
    { code: 'jung-gu', population: 234_000, dong: '대흥동' },
    { code: 'seo-gu', population: 470_000, dong: '둔산동' },
    { code: 'yuseong-gu', population: 352_000, dong: '봉명동' },
    { code: 'daedeok-gu', population: 176_000, dong: '송촌동' },
  ],
  economicallyActive: 790_000,
  members: 560_000,
  monthlySpendMedianWon: 250_000,
  spendSigma: 0.9,
  homeDistrictShare: 0.7,
  membersPerMerchant: 12,
  marketStoreShare: 0.08,
  markets: DAEJEON_MARKETS.map((market) => ({
    id: market.id,
    district: market.districtCode,
    stores: market.storeCount,
  })),
  industries: [
    { code: 'restaurant', paymentWeight: 30, ticketMedianWon: 14_000, revenueMedianWon: 400_000_000 },
    { code: 'cafe', paymentWeight: 16, ticketMedianWon: 6_000, revenueMedianWon: 180_000_000 },
    { code: 'bakery', paymentWeight: 5, ticketMedianWon: 9_000, revenueMedianWon: 250_000_000 },
    { code: 'grocery', paymentWeight: 14, ticketMedianWon: 22_000, revenueMedianWon: 600_000_000 },
    { code: 'convenience_store', paymentWeight: 8, ticketMedianWon: 7_000, revenueMedianWon: 700_000_000 },
    {
      code: 'traditional_market_store',
      paymentWeight: 6,
      ticketMedianWon: 15_000,
      revenueMedianWon: 120_000_000,
    },
    { code: 'pharmacy', paymentWeight: 3, ticketMedianWon: 12_000, revenueMedianWon: 500_000_000 },
    { code: 'clinic', paymentWeight: 3, ticketMedianWon: 18_000, revenueMedianWon: 800_000_000 },
    { code: 'hair_salon', paymentWeight: 3, ticketMedianWon: 25_000, revenueMedianWon: 150_000_000 },
    { code: 'academy', paymentWeight: 2, ticketMedianWon: 150_000, revenueMedianWon: 400_000_000 },
    { code: 'clothing', paymentWeight: 3, ticketMedianWon: 45_000, revenueMedianWon: 300_000_000 },
    { code: 'fuel_station', paymentWeight: 4, ticketMedianWon: 50_000, revenueMedianWon: 2_000_000_000 },
    { code: 'bookstore', paymentWeight: 1, ticketMedianWon: 18_000, revenueMedianWon: 200_000_000 },
    { code: 'fitness', paymentWeight: 2, ticketMedianWon: 60_000, revenueMedianWon: 250_000_000 },
  ],
  hourWeights: [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 5, 5, 6, 8, 14, 12, 7, 6, 6, 8, 11, 10, 7, 4, 3, 2],
  weekdayWeights: [0.9, 0.95, 1, 1, 1.05, 1.2, 1.15],
  monthWeights: [1.05, 0.95, 1, 1, 1.05, 1, 1, 1.05, 1.1, 1, 1.05, 1.15],
};
