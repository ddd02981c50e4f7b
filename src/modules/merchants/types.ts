export type MerchantStatus = 'pending' | 'approved' | 'rejected' | 'refused';

/** A merchant as other modules see it (payments, settlement, reports). */
export interface Merchant {
  tenantId: string;
  id: string;
  name: string;
  businessNumber: string;
  status: MerchantStatus;
  /** Set on approval; printed in the merchant's QR code. */
  merchantCode: string | null;
  ownerUserId: string;
  industryCode: string;
  district: string;
  dong: string;
  marketId: string | null;
  isTraditionalMarket: boolean;
  isBookstore: boolean;
  annualRevenueWon: number;
  /** A shop the demo data made up: listed only on a demo server, and marked there. */
  demo: boolean;
  /** Ledger account holding what the platform owes the merchant until settlement. */
  receivableAccountId: string;
  createdAt: Date;
}

/** Korea's 17 metropolitan regions (시·도): where a franchise has its headquarters. */
export const REGIONS = [
  'seoul',
  'busan',
  'daegu',
  'incheon',
  'gwangju',
  'daejeon',
  'ulsan',
  'sejong',
  'gyeonggi',
  'gangwon',
  'chungbuk',
  'chungnam',
  'jeonbuk',
  'jeonnam',
  'gyeongbuk',
  'gyeongnam',
  'jeju',
] as const;
export type Region = (typeof REGIONS)[number];

export interface Franchise {
  isFranchise: boolean;
  brand?: string;
  headquartersRegion?: Region;
  /** Run by the headquarters itself (직영점) rather than by a local franchisee (가맹점). */
  directlyOperated?: boolean;
}

export interface SettlementAccount {
  bankCode: string;
  accountNumber: string;
  holderName: string;
}

/** What an applicant submits; the same shape is checked for eligibility before submitting. */
export interface MerchantApplicationInput {
  businessNumber: string;
  name: string;
  industryCode: string;
  district: string;
  dong: string;
  marketId?: string;
  annualRevenueWon: number;
  franchise?: Franchise;
  settlementAccount?: SettlementAccount;
}

export type EligibilityRuleKind =
  | 'excluded_industry'
  | 'out_of_region_franchise_direct'
  | 'district_in_tenant';

/** A rule is data with an effective period [effectiveFrom, effectiveTo); params depend on the kind. */
export interface EligibilityRule {
  id: string;
  kind: EligibilityRuleKind;
  params: { homeRegion?: Region };
  effectiveFrom: Date;
  effectiveTo: Date | null;
}

/** One rule's verdict on an application, in words the applicant reads. */
export interface EligibilityReason {
  rule: EligibilityRuleKind;
  passed: boolean;
  messageKo: string;
  messageEn: string;
}

export interface EligibilityResult {
  eligible: boolean;
  reasons: EligibilityReason[];
}

/** The full application as its owner and the reviewers see it. */
export interface MerchantApplication extends Merchant {
  franchise: Franchise;
  settlementAccount: SettlementAccount | null;
  reasons: EligibilityReason[];
  reviewedBy: string | null;
  reviewedAt: Date | null;
  reviewNote: string | null;
}

export interface PosKey {
  id: string;
  merchantId: string;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A city's merchant settings, as a preset ships them. */
export interface MerchantPreset {
  /** Letters before the six digits of a merchant code, e.g. 'DJ' → 'DJ482913'. */
  merchantCodePrefix: string;
  eligibilityRules: readonly EligibilityRule[];
}

/** The ledger account kind a payment credits, owned by the merchant (its receivable until settlement). */
export const MERCHANT_RECEIVABLE_KIND = 'merchant_receivable';
