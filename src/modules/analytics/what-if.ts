import { DomainError } from '../../errors.js';
import { addDays, projectExhaustion } from '../budgets/burn.js';
import { validatePolicyRules } from '../policy/validation.js';
import type { ReplayPayment } from './analytics-service.js';
import type { Period } from './period.js';
import { type PotRun, replayPayments } from './replay.js';

/** Payments one what-if may replay (held in memory at once); a larger period is refused, not truncated. */
export const REPLAY_PAYMENTS_MAX = 1_000_000;

export interface WhatIfRequest extends Period {
  /** Untrusted: checked like a policy version (INVALID_POLICY). */
  rules: unknown;
  monthlyPotWon: number | null;
  nationalShareBp: number;
  /** An annual budget to forecast the exhaustion of (back-tested on the replay); null for none. */
  annualBudgetWon: number | null;
}

interface Side {
  cashbackWon: number;
  requestedWon: number;
  byDistrict: Array<{ district: string; cashbackWon: number }>;
  byDecile: Array<{ decile: number; cashbackWon: number }>;
}

export interface WhatIfResult extends Period {
  payments: number;
  /** `pots`: the actual cashback drawn from the draft's monthly pots (empty without a draft pot). */
  actual: Side & { pots: PotRun[] };
  draft: Side & { pots: PotRun[] };
  deltaWon: number;
  forecast: Forecast | null;
}

interface Forecast {
  annualBudgetWon: number;
  /** The day the replayed draft cashback reaches the budget; null if it lasts the period. */
  replayedExhaustionDate: string | null;
  /** The budget module's own projection, made at the end of each month from what came before. */
  backtest: Array<{
    madeOn: string;
    projectedExhaustionDate: string | null;
    /** Projected minus replayed, in days; null where either is missing. */
    errorDays: number | null;
  }>;
  /** Mean of |errorDays| over the forecasts that have one; null when none has (the budget lasted). */
  meanAbsoluteErrorDays: number | null;
}

export function checkWhatIf(request: WhatIfRequest) {
  const rules = validatePolicyRules(request.rules);
  return { rules };
}

export function replayTooLarge(count: number): DomainError {
  return new DomainError({
    code: 'REPLAY_TOO_LARGE',
    httpStatus: 422,
    message: `the period has ${count} payments; a what-if replays at most ${REPLAY_PAYMENTS_MAX}: choose a shorter period`,
    messageKo: `기간의 결제가 ${count}건입니다. 최대 ${REPLAY_PAYMENTS_MAX}건까지 재현할 수 있으니 기간을 줄여 주세요`,
  });
}

/** The draft against what happened, payment by payment, summed by district and member decile. */
export function whatIf(request: WhatIfRequest, payments: readonly ReplayPayment[]): WhatIfResult {
  const { rules } = checkWhatIf(request);
  const replay = replayPayments(payments, rules, {
    monthlyPotWon: request.monthlyPotWon,
    nationalShareBp: request.nationalShareBp,
  });
  const decileOf = memberDeciles(payments);
  const side = (cashbackOf: (index: number) => number, requestedOf: (index: number) => number): Side => {
    const byDistrict = new Map<string, number>();
    const byDecile = new Map<number, number>();
    let cashbackWon = 0;
    let requestedWon = 0;
    payments.forEach((payment, index) => {
      const won = cashbackOf(index);
      cashbackWon += won;
      requestedWon += requestedOf(index);
      byDistrict.set(payment.district, (byDistrict.get(payment.district) ?? 0) + won);
      const decile = decileOf.get(payment.memberId) ?? 1;
      byDecile.set(decile, (byDecile.get(decile) ?? 0) + won);
    });
    return {
      cashbackWon,
      requestedWon,
      byDistrict: [...byDistrict]
        .map(([district, won]) => ({ district, cashbackWon: won }))
        .sort((a, b) => a.district.localeCompare(b.district)),
      byDecile: [...byDecile]
        .map(([decile, won]) => ({ decile, cashbackWon: won }))
        .sort((a, b) => a.decile - b.decile),
    };
  };
  const actual = side(
    (index) => payments[index]?.cashbackWon ?? 0,
    (index) => payments[index]?.requestedCashbackWon ?? 0,
  );
  const draft = side(
    (index) => replay.payments[index]?.cashbackWon ?? 0,
    (index) => replay.payments[index]?.requestedWon ?? 0,
  );
  const dailyDraft = new Map<string, number>();
  payments.forEach((payment, index) => {
    const wonBefore = dailyDraft.get(payment.localDate) ?? 0;
    dailyDraft.set(payment.localDate, wonBefore + (replay.payments[index]?.cashbackWon ?? 0));
  });
  return {
    from: request.from,
    to: request.to,
    payments: payments.length,
    actual: { ...actual, pots: replay.actualPots },
    draft: { ...draft, pots: replay.pots },
    deltaWon: draft.cashbackWon - actual.cashbackWon,
    forecast:
      request.annualBudgetWon === null
        ? null
        : backtestForecast(request, dailyDraft, request.annualBudgetWon),
  };
}

/** Members ranked by their net spending in the period, cut into ten groups of (nearly) equal size. */
function memberDeciles(payments: readonly ReplayPayment[]): Map<string, number> {
  const spent = new Map<string, number>();
  for (const payment of payments)
    spent.set(payment.memberId, (spent.get(payment.memberId) ?? 0) + payment.cashWon);
  const ranked = [...spent].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return new Map(ranked.map(([memberId], index) => [memberId, Math.floor((index * 10) / ranked.length) + 1]));
}

/**
 * Back-tests the budget module's projection (projectExhaustion) on the replay: at the end of each
 * month k it projects from the first k months, and the projection is compared with the day the
 * replayed spending actually reached the budget (forecasts from on or after that day are not made).
 */
export function backtestForecast(period: Period, daily: Map<string, number>, budgetWon: number): Forecast {
  const days = [...daily].sort((a, b) => a[0].localeCompare(b[0]));
  let cumulativeWon = 0;
  let replayedExhaustionDate: string | null = null;
  for (const [day, won] of days) {
    cumulativeWon += won;
    if (cumulativeWon >= budgetWon) {
      replayedExhaustionDate = day;
      break;
    }
  }
  const backtest: Forecast['backtest'] = [];
  for (let month = nextMonthStart(period.from); month <= period.to; month = nextMonthStart(month)) {
    const madeOn = addDays(month, -1);
    if (replayedExhaustionDate !== null && madeOn >= replayedExhaustionDate) break;
    const before = days.filter(([day]) => day <= madeOn);
    const spentWon = before.reduce((sum, [, won]) => sum + won, 0);
    const pace = projectExhaustion({
      dailySpent: before.map(([day, won]) => ({ period: day, spentWon: won })),
      today: madeOn,
      firstDay: period.from,
      remainingWon: budgetWon - spentWon,
    });
    const projected = pace.projectedExhaustionDate;
    backtest.push({
      madeOn,
      projectedExhaustionDate: projected,
      errorDays:
        projected && replayedExhaustionDate
          ? Math.round((Date.parse(projected) - Date.parse(replayedExhaustionDate)) / 86_400_000)
          : null,
    });
  }
  const errors = backtest.flatMap((point) => (point.errorDays === null ? [] : [Math.abs(point.errorDays)]));
  const meanAbsoluteErrorDays =
    errors.length === 0
      ? null
      : Math.round((errors.reduce((sum, days) => sum + days, 0) / errors.length) * 10) / 10;
  return { annualBudgetWon: budgetWon, replayedExhaustionDate, backtest, meanAbsoluteErrorDays };
}

/** The first day of the month after `day` ('YYYY-MM-DD'). */
function nextMonthStart(day: string): string {
  const [year, month] = day.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}
