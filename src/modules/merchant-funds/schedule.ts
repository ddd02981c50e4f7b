/** One month of an equal-principal (원금균등) repayment schedule. */
export interface ScheduledInstallment {
  seq: number;
  /** Local calendar date, YYYY-MM-DD. */
  dueOn: string;
  principalWon: number;
  /** A month's interest on the principal still owed before this installment, at the lender's rate. */
  interestWon: number;
  /** The city's share of that interest (이차보전); the merchant pays interestWon − subsidyWon. */
  subsidyWon: number;
}

export interface ScheduleTerms {
  amountWon: number;
  termMonths: number;
  interestRateBp: number;
  interestSubsidyBp: number;
  /** The local date the money was paid out; installment n falls n months later (the last day of a shorter month). */
  disbursedOn: string;
}

const BP_YEAR_MONTHS = 10_000 * 12;

/**
 * Equal principal each month; the remainder of the division goes to the first installments (one won
 * each), so the principals sum exactly to the amount. Interest rounds down to the won for the lender
 * and the city alike: nobody is charged a fraction of a won.
 */
export function equalPrincipalSchedule(terms: ScheduleTerms): ScheduledInstallment[] {
  const { amountWon, termMonths, interestRateBp, interestSubsidyBp } = terms;
  if (!Number.isSafeInteger(amountWon) || amountWon <= 0) throw new Error(`schedule of ${amountWon} won`);
  if (!Number.isInteger(termMonths) || termMonths <= 0 || termMonths > amountWon)
    throw new Error(`schedule over ${termMonths} months`);
  if (interestSubsidyBp > interestRateBp) throw new Error('the subsidy exceeds the interest rate');
  const base = Math.floor(amountWon / termMonths);
  const remainder = amountWon - base * termMonths;
  const installments: ScheduledInstallment[] = [];
  let owedWon = amountWon;
  for (let seq = 1; seq <= termMonths; seq += 1) {
    const principalWon = base + (seq <= remainder ? 1 : 0);
    const interestWon = monthInterest(owedWon, interestRateBp);
    installments.push({
      seq,
      dueOn: monthsAfter(terms.disbursedOn, seq),
      principalWon,
      interestWon,
      subsidyWon: Math.min(interestWon, monthInterest(owedWon, interestSubsidyBp)),
    });
    owedWon -= principalWon;
  }
  return installments;
}

/** Safe for the pool's sizes: ₩100억 × 10,000 bp stays far below 2^53. */
function monthInterest(owedWon: number, rateBp: number): number {
  return Math.floor((owedWon * rateBp) / BP_YEAR_MONTHS);
}

/** `date` (YYYY-MM-DD) plus `months`, clamped to the last day of the target month. */
export function monthsAfter(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${targetYear}-${pad(targetMonth)}-${pad(Math.min(day, lastDay))}`;
}
