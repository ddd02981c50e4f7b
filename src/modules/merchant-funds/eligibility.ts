import type { FundRules } from './rules.js';
import type { FundReason } from './types.js';

/** What the rules judge an application on, gathered by the service. */
export interface FundFacts {
  merchantApproved: boolean;
  monthsInBusiness: number;
  annualRevenueWon: number;
  overdueInstallments: number;
  /** Outstanding principal plus amounts applied for and not yet refused, rejected or repaid. */
  alreadyOwedOrAppliedWon: number;
  amountWon: number;
  termMonths: number;
}

const won = (amountWon: number) => amountWon.toLocaleString('ko-KR');

/** Every rule's verdict, in order; the application is eligible when all passed. */
export function judgeFundApplication(facts: FundFacts, rules: FundRules): FundReason[] {
  const owedAfterWon = facts.alreadyOwedOrAppliedWon + facts.amountWon;
  return [
    {
      rule: 'approved_merchant',
      passed: facts.merchantApproved,
      messageKo: '승인된 가맹점만 신청할 수 있습니다',
      messageEn: 'only an approved merchant may apply',
    },
    {
      rule: 'months_in_business',
      passed: facts.monthsInBusiness >= rules.fund_min_months_in_business,
      messageKo: `업력 ${rules.fund_min_months_in_business}개월 이상 (현재 ${facts.monthsInBusiness}개월)`,
      messageEn: `at least ${rules.fund_min_months_in_business} months in business (now ${facts.monthsInBusiness})`,
    },
    {
      rule: 'revenue_band',
      passed:
        facts.annualRevenueWon >= rules.fund_revenue_min_won &&
        facts.annualRevenueWon <= rules.fund_revenue_max_won,
      messageKo: `연매출 ${won(rules.fund_revenue_min_won)}원 ~ ${won(rules.fund_revenue_max_won)}원`,
      messageEn: `annual revenue between ₩${won(rules.fund_revenue_min_won)} and ₩${won(rules.fund_revenue_max_won)}`,
    },
    {
      rule: 'no_overdue',
      passed: facts.overdueInstallments === 0,
      messageKo: '연체 중인 상환금이 없어야 합니다',
      messageEn: 'no overdue repayment',
    },
    {
      rule: 'max_per_merchant',
      passed: owedAfterWon <= rules.fund_max_per_merchant_won,
      messageKo: `가맹점당 한도 ${won(rules.fund_max_per_merchant_won)}원 (신청 후 ${won(owedAfterWon)}원)`,
      messageEn: `at most ₩${won(rules.fund_max_per_merchant_won)} per merchant (₩${won(owedAfterWon)} with this one)`,
    },
    {
      rule: 'term',
      passed:
        facts.termMonths >= rules.fund_term_months_min && facts.termMonths <= rules.fund_term_months_max,
      messageKo: `상환 기간 ${rules.fund_term_months_min}~${rules.fund_term_months_max}개월`,
      messageEn: `a term of ${rules.fund_term_months_min}–${rules.fund_term_months_max} months`,
    },
  ];
}

/** Whole months from `from` to `to` (YYYY-MM-DD): 2021-01-31 → 2021-02-28 is 0, → 2021-03-01 is 1. */
export function wholeMonthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  const months = (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
  return Math.max(0, months);
}
