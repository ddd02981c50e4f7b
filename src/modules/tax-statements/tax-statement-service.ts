import type { Clock } from '../../clock.js';
import { csvRow } from '../../csv-cell.js';
import { invalidInput } from '../../errors.js';
import { startOfLocalMonth } from '../../time.js';
import type { OrderTaxSpending } from '../commerce/tax-spending.js';
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

function periodOf(year: number): { fromMonth: string; toMonth: string } {
  return { fromMonth: `${year}-01`, toMonth: `${year}-12` };
}

function monthsOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, index) => `${year}-${String(index + 1).padStart(2, '0')}`);
}

function share(amountWon: number, rateBp: number): number {
  return Number((BigInt(amountWon) * BigInt(rateBp)) / BP_PER_WHOLE);
}

/** The rates of each month of a year, and the shops already classified as 전통시장 or not. */
interface YearContext {
  tenantId: string;
  year: number;
  rates: Array<{ marketBp: number; generalBp: number }>;
  marketFlags: Map<string, boolean>;
}

/**
 * The yearly income-tax statement (소득공제): a member's spending from their own charged money by month,
 * split into 전통시장 and general at the rates in the rule data. Both ways of spending count: payments at
 * a till and captured mall and delivery orders. Cashback and grant spending are left out (each records
 * which part was cash); a cancellation or a return is netted in the month of the spending it undoes.
 * Reads payments, orders, merchants and rules only through their services.
 */
export class TaxStatementService {
  constructor(
    private readonly clock: Clock,
    private readonly deps: {
      payments: PaymentService;
      orders: OrderTaxSpending;
      merchants: MerchantService;
      members: MemberService;
      policy: PolicyService;
      tenants: TenantService;
    },
  ) {}

  async statement(tenantId: string, memberId: string, year: number): Promise<TaxStatement> {
    checkYear(year);
    const period = periodOf(year);
    const [member, paid, ordered, rates] = await Promise.all([
      this.deps.members.getMember(tenantId, memberId),
      this.deps.payments.memberCashSpending(tenantId, memberId, period.fromMonth, period.toMonth),
      this.deps.orders.cashSpendingOf(tenantId, [memberId], period),
      this.ratesOf(tenantId, year),
    ]);
    const context = { tenantId, year, rates, marketFlags: new Map<string, boolean>() };
    const lines = await this.linesOf(context, [...paid, ...ordered]);
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
   * Every member's yearly totals as CSV (see docs/tax-statement-export.md), members in id order.
   * Members who paid at a till come a page at a time with their orders; then those who only ordered.
   * Members without cash spending in the year are left out, and so are those whose spending was all
   * cancelled (a row of zeros is no spending).
   */
  async exportCsv(tenantId: string, year: number): Promise<string> {
    checkYear(year);
    const period = periodOf(year);
    const rates = await this.ratesOf(tenantId, year);
    const context = { tenantId, year, rates, marketFlags: new Map<string, boolean>() };
    const lines = new Map<string, string | null>();
    await eachPage(
      (after) => this.deps.payments.cashSpendingPage(tenantId, period, after, EXPORT_PAGE_MEMBERS),
      async (paid) => {
        const ordered = await this.deps.orders.cashSpendingOf(tenantId, [...paid.keys()], period);
        const orderedBy = byMember(ordered);
        for (const [memberId, rows] of paid)
          lines.set(
            memberId,
            await this.exportLine(context, memberId, [...rows, ...(orderedBy.get(memberId) ?? [])]),
          );
      },
    );
    await eachPage(
      (after) => this.deps.orders.cashSpendingPage(tenantId, period, after, EXPORT_PAGE_MEMBERS),
      async (ordered) => {
        for (const [memberId, rows] of ordered)
          if (!lines.has(memberId)) lines.set(memberId, await this.exportLine(context, memberId, rows));
      },
    );
    const rows = [...lines].filter((entry): entry is [string, string] => entry[1] !== null);
    rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `${[TAX_EXPORT_COLUMNS.join(','), ...rows.map(([, line]) => line)].join('\n')}\n`;
  }

  /** The member's row, or null when nothing of the year's spending is left. */
  private async exportLine(
    context: YearContext,
    memberId: string,
    rows: CashSpendingRow[],
  ): Promise<string | null> {
    const totals = totalsOf(await this.linesOf(context, rows));
    if (totals.totalWon === 0 && totals.traditionalMarketWon === 0 && totals.generalWon === 0) return null;
    return csvRow([
      memberId,
      context.year,
      totals.traditionalMarketWon,
      totals.generalWon,
      totals.totalWon,
      totals.deductionBaseWon,
    ]);
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

  private async linesOf(context: YearContext, rows: CashSpendingRow[]): Promise<TaxMonthLine[]> {
    const { marketFlags } = context;
    for (const merchantId of new Set(rows.map((row) => row.merchantId))) {
      if (marketFlags.has(merchantId)) continue;
      const merchant = await this.deps.merchants.getById(context.tenantId, merchantId);
      marketFlags.set(merchantId, merchant?.isTraditionalMarket ?? false);
    }
    return monthsOf(context.year).map((month, index) => {
      const own = rows.filter((row) => row.month === month);
      const netOf = (market: boolean) =>
        own
          .filter((row) => (marketFlags.get(row.merchantId) ?? false) === market)
          .reduce((sum, row) => sum + row.cashWon - row.cancelledCashWon, 0);
      const rate = context.rates[index] as { marketBp: number; generalBp: number };
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

/** A member's rows together, members in the order the rows name them. */
function byMember(rows: readonly CashSpendingRow[]): Map<string, CashSpendingRow[]> {
  const grouped = new Map<string, CashSpendingRow[]>();
  for (const row of rows) {
    const own = grouped.get(row.memberId) ?? [];
    own.push(row);
    grouped.set(row.memberId, own);
  }
  return grouped;
}

/** Reads pages of members in id order, each after the last member of the one before, until one is empty. */
async function eachPage(
  read: (afterMemberId: string) => Promise<CashSpendingRow[]>,
  use: (rowsByMember: Map<string, CashSpendingRow[]>) => Promise<void>,
): Promise<void> {
  let afterMemberId = '';
  for (let page = 0; page < EXPORT_PAGES_MAX; page += 1) {
    const rows = byMember(await read(afterMemberId));
    if (rows.size === 0) return;
    await use(rows);
    afterMemberId = [...rows.keys()].at(-1) as string;
  }
  throw new Error(`tax export exceeds ${EXPORT_PAGES_MAX} pages`);
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
