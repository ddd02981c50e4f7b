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
  /** Ledger account holding what the platform owes the merchant until settlement. */
  receivableAccountId: string;
  createdAt: Date;
}
