import { invalidInput } from '../../errors.js';
import { isBlank } from '../../visible-text.js';
import { normalizeBusinessNumber } from './business-number.js';
import { franchiseRegionRequired } from './errors.js';
import { type Franchise, type MerchantApplicationInput, REGIONS, type SettlementAccount } from './types.js';

const NAME_LENGTH_MAX = 100;
const DONG_LENGTH_MAX = 40;
const BRAND_LENGTH_MAX = 100;
const HOLDER_NAME_LENGTH_MAX = 50;

/** An application after its own fields are checked, before the reference tables are consulted. */
export interface NormalizedApplication {
  businessNumber: string;
  name: string;
  industryCode: string;
  district: string;
  dong: string;
  marketId: string | null;
  annualRevenueWon: number;
  franchise: Franchise;
  settlementAccount: SettlementAccount | null;
}

/** Checks what needs no database; the HTTP schema checks shapes too, but the service may be called directly. */
export function normalizeApplication(input: MerchantApplicationInput): NormalizedApplication {
  return {
    businessNumber: normalizeBusinessNumber(input.businessNumber),
    name: boundedText(input.name, NAME_LENGTH_MAX, 'name', '상호'),
    industryCode: input.industryCode,
    district: input.district,
    dong: boundedText(input.dong, DONG_LENGTH_MAX, 'dong', '동'),
    marketId: input.marketId ?? null,
    annualRevenueWon: revenueWon(input.annualRevenueWon),
    franchise: normalizeFranchise(input.franchise),
    settlementAccount: settlementAccountOf(input.settlementAccount),
  };
}

function boundedText(value: string, lengthMax: number, field: string, fieldKo: string): string {
  const trimmed = value.trim();
  if (isBlank(trimmed) || trimmed.length > lengthMax) {
    throw invalidInput(
      `${field} must be 1-${lengthMax} characters`,
      `${fieldKo}은(는) 1~${lengthMax}자여야 합니다`,
    );
  }
  return trimmed;
}

function settlementAccountOf(account: SettlementAccount | undefined): SettlementAccount | null {
  if (!account) return null;
  const holderName = boundedText(
    account.holderName,
    HOLDER_NAME_LENGTH_MAX,
    'settlementAccount.holderName',
    '예금주',
  );
  return { ...account, holderName };
}

function revenueWon(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(
      'annualRevenueWon must be a whole number of won, 0 or more',
      '연 매출은 0 이상의 원 단위 정수여야 합니다',
    );
  }
  return value;
}

/** Only what the rules read is kept: a store that is not a franchise has no brand or headquarters. */
function normalizeFranchise(franchise: Franchise | undefined): Franchise {
  if (!franchise?.isFranchise) return { isFranchise: false };
  const region = franchise.headquartersRegion;
  if (region !== undefined && !REGIONS.includes(region)) {
    throw invalidInput(
      `headquartersRegion must be one of ${REGIONS.join(', ')}`,
      '본사 소재 시·도가 올바르지 않습니다',
    );
  }
  const directlyOperated = franchise.directlyOperated ?? false;
  if (directlyOperated && region === undefined) throw franchiseRegionRequired();
  return {
    isFranchise: true,
    ...(franchise.brand === undefined
      ? {}
      : { brand: boundedText(franchise.brand, BRAND_LENGTH_MAX, 'franchise.brand', '프랜차이즈 상표') }),
    ...(region === undefined ? {} : { headquartersRegion: region }),
    directlyOperated,
  };
}
