import type { Clock } from '../../clock.js';
import { invalidInput } from '../../errors.js';
import { startOfLocalMonth } from '../../time.js';
import type { MemberService } from '../members/member-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { CashSpendingRow } from '../payments/tax-spending.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { TenantService } from '../tenants/tenant-service.js';

export interface TaxMonthLine {
  month: string;
  traditionalMarketWon: number;
  generalWon: number;
  traditionalMarketRateBp: number;
  generalRateBp: number;
}

export interface TaxTotals {
  traditionalMarketWon: number;
  generalWon: number;
  totalWon: number;
  /** Σ spending × rate per month, floored per month and category; the tax office applies the pay threshold. */
  deductionBaseWon: number;
}

export interface TaxStatement {
  memberId: string;
  memberName: string;
  year: number;
  months: TaxMonthLine[];
  totals: TaxTotals;
  issuedAt: Date;
}

const YEAR_MIN = 2000;
const YEAR_MAX = 2100;
const EXPORT_PAGE_MEMBERS = 500;
const EXPORT_PAGES_MAX = 2_000;
const BP_PER_WHOLE = 10_000n;

export const TAX_EXPORT_COLUMNS = [
  'member_id',
  'year',
  'traditional_market_won',
  'general_won',
  'total_won',
  'deduction_base_won',
] as const;

function monthsOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, index) => `${year}-${String(index + 1).padStart(2, '0')}`);
}

function share(amountWon: number, rateBp: number): number {
  return Number((BigInt(amountWon) * BigInt(rateBp)) / BP_PER_WHOLE);
}

/**
 * The yearly income-tax statement (소득공제): a member's spending from their own charged money by month,
 * split into 전통시장 and general at the rates in the rule data. Cashback and grant spending are left
 * out (the payment records which part was cash); cancellations are netted in the payment's month.
 * Reads payments, merchants and rules only through their services.
 */
export class TaxStatementService {
  constructor(
    private readonly clock: Clock,
    private readonly deps: {
      payments: PaymentService;
      merchants: MerchantService;
      members: MemberService;
      policy: PolicyService;
      tenants: TenantService;
    },
  ) {}

  async statement(tenantId: string, memberId: string, year: number): Promise<TaxStatement> {
    checkYear(year);
    const months = monthsOf(year);
    const [member, rows, rates] = await Promise.all([
      this.deps.members.getMember(tenantId, memberId),
      this.deps.payments.memberCashSpending(tenantId, memberId, months[0] as string, months[11] as string),
      this.ratesOf(tenantId, year),
    ]);
    const lines = await this.linesOf(tenantId, rows, months, rates, new Map());
    return {
      memberId,
      memberName: member?.name ?? '',
      year,
      months: lines,
      totals: totalsOf(lines),
      issuedAt: this.clock.now(),
    };
  }

  /**
   * Every member's yearly totals as CSV (see docs/tax-statement-export.md), members in id order,
   * read a page of members at a time. Members without cash spending in the year are left out.
   */
  async exportCsv(tenantId: string, year: number): Promise<string> {
    checkYear(year);
    const months = monthsOf(year);
    const rates = await this.ratesOf(tenantId, year);
    const flags = new Map<string, boolean>();
    const lines: string[] = [TAX_EXPORT_COLUMNS.join(',')];
    let afterMemberId = '';
    for (let page = 0; page < EXPORT_PAGES_MAX; page += 1) {
      const rows = await this.deps.payments.cashSpendingPage(
        tenantId,
        { fromMonth: months[0] as string, toMonth: months[11] as string },
        afterMemberId,
        EXPORT_PAGE_MEMBERS,
      );
      if (rows.length === 0) return `${lines.join('\n')}\n`;
      for (const memberId of [...new Set(rows.map((row) => row.memberId))]) {
        const own = rows.filter((row) => row.memberId === memberId);
        const totals = totalsOf(await this.linesOf(tenantId, own, months, rates, flags));
        lines.push(
          [
            memberId,
            year,
            totals.traditionalMarketWon,
            totals.generalWon,
            totals.totalWon,
            totals.deductionBaseWon,
          ].join(','),
        );
        afterMemberId = memberId;
      }
    }
    throw new Error(`tax export of ${tenantId} ${year} exceeds ${EXPORT_PAGES_MAX} pages`);
  }

  /** The rates in force at the start of each local month (a rate changing mid-month applies from the next). */
  private async ratesOf(tenantId: string, year: number) {
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
    return Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        // Before the currency existed there is no rule and no spending: the rate shows as 0.
        const rules = await this.deps.policy.rulesInForce(
          tenantId,
          startOfLocalMonth(year, index + 1, timeZone),
        );
        const rateOf = (key: string) => rules.find((rule) => rule.key === key)?.value ?? 0;
        return {
          marketBp: rateOf('tax_deduction_market_rate_bp'),
          generalBp: rateOf('tax_deduction_general_rate_bp'),
        };
      }),
    );
  }

  private async linesOf(
    tenantId: string,
    rows: CashSpendingRow[],
    months: string[],
    rates: Array<{ marketBp: number; generalBp: number }>,
    marketFlags: Map<string, boolean>,
  ): Promise<TaxMonthLine[]> {
    for (const merchantId of new Set(rows.map((row) => row.merchantId))) {
      if (marketFlags.has(merchantId)) continue;
      const merchant = await this.deps.merchants.getById(tenantId, merchantId);
      marketFlags.set(merchantId, merchant?.isTraditionalMarket ?? false);
    }
    return months.map((month, index) => {
      const own = rows.filter((row) => row.month === month);
      const netOf = (market: boolean) =>
        own
          .filter((row) => (marketFlags.get(row.merchantId) ?? false) === market)
          .reduce((sum, row) => sum + row.cashWon - row.cancelledCashWon, 0);
      const rate = rates[index] as { marketBp: number; generalBp: number };
      return {
        month,
        traditionalMarketWon: netOf(true),
        generalWon: netOf(false),
        traditionalMarketRateBp: rate.marketBp,
        generalRateBp: rate.generalBp,
      };
    });
  }
}

function totalsOf(lines: TaxMonthLine[]): TaxTotals {
  const sum = (pick: (line: TaxMonthLine) => number) => lines.reduce((total, line) => total + pick(line), 0);
  const traditionalMarketWon = sum((line) => line.traditionalMarketWon);
  const generalWon = sum((line) => line.generalWon);
  return {
    traditionalMarketWon,
    generalWon,
    totalWon: traditionalMarketWon + generalWon,
    deductionBaseWon: sum(
      (line) =>
        share(line.traditionalMarketWon, line.traditionalMarketRateBp) +
        share(line.generalWon, line.generalRateBp),
    ),
  };
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < YEAR_MIN || year > YEAR_MAX)
    throw invalidInput(
      `year must be ${YEAR_MIN}-${YEAR_MAX}`,
      `연도는 ${YEAR_MIN}~${YEAR_MAX} 사이여야 합니다`,
    );
}
