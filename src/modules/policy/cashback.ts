import type {
  CashbackExtra,
  CashbackInput,
  CashbackLimitCode,
  CashbackPolicy,
  CashbackPolicyRules,
  CashbackPromotion,
  CashbackQuote,
  CashbackRuleApplied,
  CashbackTier,
  OrderChannel,
} from './types.js';

const BP_PER_WHOLE = 10_000n;

/** A rate that replaces every tier's over the eligible amount: a promotion, or an order channel's rate. */
interface FlatRate {
  code: string;
  rateBp: number;
  nameKo: string;
  nameEn: string;
}

const CHANNEL_NAMES: Record<OrderChannel, { ko: string; en: string }> = {
  mall: { ko: '온라인몰', en: 'online mall' },
  delivery: { ko: '배달', en: 'delivery' },
};

/** The rule-line codes of the channels' own rates: reserved in every policy. */
export const CHANNEL_RATE_CODES: Record<OrderChannel, string> = {
  mall: 'mall_channel',
  delivery: 'delivery_channel',
};

/** [startWon, endWon): where this payment sits in the member's monthly eligible spending, cap applied. */
interface EligibleSpan {
  startWon: number;
  endWon: number;
}

/**
 * What the rules grant for one payment, before the budget is consulted. Pure: the same policy and
 * input always give the same quote. The payment's cashback is rounded down to the won once, over all
 * its lines (20% in all at a bookstore is floor(20% × amount), not two 10% lines floored apart, which
 * lost a won on about half of such payments); each line shows the difference of running round-downs,
 * so the lines still add up to the total the member is paid.
 */
export function quoteCashback(
  policy: Pick<CashbackPolicy, 'id' | 'rules'> | null,
  input: CashbackInput,
): CashbackQuote {
  assertInput(input);
  if (!policy) return zeroQuote(null, ['NO_POLICY']);
  const { rules } = policy;
  if (isOverRevenueCap(rules, input)) return zeroQuote(policy.id, ['MERCHANT_REVENUE_OVER_CAP']);
  const span = eligibleSpan(rules.tiers, input);
  const eligibleWon = span.endWon - span.startWon;
  const { lines, capped } = atMostWhole(
    roundedTogether([
      ...baseLines(rules.tiers, span, flatRateOf(rules.promotions, input)),
      ...extraLines(rules.extras, eligibleWon, input),
    ]),
    eligibleWon,
  );
  const limitedBy: CashbackLimitCode[] = eligibleWon < input.paidFromCashWon ? ['MONTHLY_CAP_REACHED'] : [];
  return {
    policyId: policy.id,
    eligibleWon,
    cashbackWon: lines.reduce((sum, line) => sum + line.amountWon, 0),
    rules: lines,
    limitedBy: capped ? [...limitedBy, 'RATE_CAPPED'] : limitedBy,
  };
}

/**
 * Never more cashback than the money it is earned on: a policy is refused above 100% in all, but an
 * order's channel rate is a rule value set apart from the policy's extras, so the two can meet above
 * it. The lines past the whole are cut, last first, and the quote says so.
 */
function atMostWhole(
  lines: CashbackRuleApplied[],
  wholeWon: number,
): { lines: CashbackRuleApplied[]; capped: boolean } {
  let leftWon = wholeWon;
  let capped = false;
  const cut = lines.map((line) => {
    const amountWon = Math.min(line.amountWon, leftWon);
    leftWon -= amountWon;
    capped ||= amountWon < line.amountWon;
    return amountWon === line.amountWon ? line : { ...line, amountWon };
  });
  return { lines: cut, capped };
}

/**
 * How much of a payment's eligible spending uses up the member's monthly allowance: all of it when
 * the budget paid the cashback the rules asked for, the paid share of it (rounded down) when the
 * pots paid part, none when they paid nothing, and none when the rules gave nothing for it (a
 * delivery order at the channel's 0% rate): spending that earned nothing never costs the member
 * cashback elsewhere that month. It still counts as the month's local spending.
 */
export function eligibleWonEarned(
  quote: Pick<CashbackQuote, 'eligibleWon' | 'cashbackWon'>,
  drawnWon: number,
): number {
  if (quote.cashbackWon <= 0) return 0;
  if (drawnWon >= quote.cashbackWon) return quote.eligibleWon;
  return Number((BigInt(quote.eligibleWon) * BigInt(Math.max(0, drawnWon))) / BigInt(quote.cashbackWon));
}

/** floor(baseWon × rateBp / 10000), exact for any safe-integer base (no float rounding). */
export function applyRateWon(baseWon: number, rateBp: number): number {
  return Number((BigInt(baseWon) * BigInt(rateBp)) / BP_PER_WHOLE);
}

/**
 * Each line's amount as the difference of running round-downs of the lines so far (exact in BigInt):
 * the total is floor(Σ base × rate / 10000), and no line is more than a won from its own round-down.
 */
export function roundedTogether(lines: CashbackRuleApplied[]): CashbackRuleApplied[] {
  let runningScaled = 0n;
  let paidWon = 0;
  return lines.map((line) => {
    runningScaled += BigInt(line.baseWon) * BigInt(line.rateBp);
    const runningWon = Number(runningScaled / BP_PER_WHOLE);
    const amountWon = runningWon - paidWon;
    paidWon = runningWon;
    return { ...line, amountWon };
  });
}

/** The monthly cap is the last tier's bound: spending beyond it earns nothing this month. */
export function monthlyCapWon(tiers: readonly CashbackTier[]): number {
  return tiers.at(-1)?.upToWon ?? 0;
}

/**
 * The promotion running at `at` for payments at the till (no channel) or for one order channel, if
 * any; promotions of one policy and channel never overlap (validated).
 */
export function promotionAt(
  promotions: readonly CashbackPromotion[],
  at: Date,
  channel?: OrderChannel,
): CashbackPromotion | null {
  const atMs = at.getTime();
  return (
    promotions.find(
      (promotion) =>
        promotion.channel === channel &&
        Date.parse(promotion.from) <= atMs &&
        atMs < Date.parse(promotion.to),
    ) ?? null
  );
}

/** A payment: the running promotion. An order: its channel's promotion, else the channel's own rate. */
function flatRateOf(promotions: readonly CashbackPromotion[], input: CashbackInput): FlatRate | null {
  const promotion = promotionAt(promotions, input.at, input.order?.channel);
  if (promotion) return promotion;
  if (!input.order) return null;
  const { channel, rateBp } = input.order;
  return {
    code: CHANNEL_RATE_CODES[channel],
    rateBp,
    nameKo: CHANNEL_NAMES[channel].ko,
    nameEn: CHANNEL_NAMES[channel].en,
  };
}

function isOverRevenueCap(rules: CashbackPolicyRules, input: CashbackInput): boolean {
  return (
    rules.merchantRevenueCapWon !== null && input.merchant.annualRevenueWon > rules.merchantRevenueCapWon
  );
}

function eligibleSpan(tiers: readonly CashbackTier[], input: CashbackInput): EligibleSpan {
  const capWon = monthlyCapWon(tiers);
  return {
    startWon: Math.min(input.monthEligibleSpentBeforeWon, capWon),
    endWon: Math.min(input.monthEligibleSpentBeforeWon + input.paidFromCashWon, capWon),
  };
}

/** A flat rate replaces every tier's rate, so it is one line over the whole eligible amount. */
function baseLines(
  tiers: readonly CashbackTier[],
  span: EligibleSpan,
  flat: FlatRate | null,
): CashbackRuleApplied[] {
  if (flat) {
    const percent = formatPercent(flat.rateBp);
    const line = ruleLine(flat.code, flat.rateBp, span.endWon - span.startWon, {
      ko: `${flat.nameKo} 캐시백 ${percent}`,
      en: `${flat.nameEn} cashback ${percent}`,
    });
    return line.baseWon > 0 ? [line] : [];
  }
  return tiers.map((tier, index) => tierLine(tier, index, tiers, span)).filter((line) => line.baseWon > 0);
}

/** Tier `index` covers monthly spending (previous tier's upToWon, upToWon]; a payment may straddle two. */
function tierLine(
  tier: CashbackTier,
  index: number,
  tiers: readonly CashbackTier[],
  span: EligibleSpan,
): CashbackRuleApplied {
  const lowerWon = tiers[index - 1]?.upToWon ?? 0;
  const sliceWon = Math.max(0, Math.min(span.endWon, tier.upToWon) - Math.max(span.startWon, lowerWon));
  const code = tiers.length === 1 ? 'base' : `base_tier_${index + 1}`;
  return ruleLine(code, tier.rateBp, sliceWon, tierDescription(tiers.length, tier, lowerWon));
}

function tierDescription(
  tierCount: number,
  tier: CashbackTier,
  lowerWon: number,
): { ko: string; en: string } {
  const percent = formatPercent(tier.rateBp);
  if (tierCount === 1) return { ko: `기본 캐시백 ${percent}`, en: `base cashback ${percent}` };
  if (lowerWon === 0) {
    return {
      ko: `기본 캐시백 ${percent} (월 ${formatWon(tier.upToWon)}원까지)`,
      en: `base cashback ${percent} (first ₩${formatWon(tier.upToWon)} a month)`,
    };
  }
  return {
    ko: `기본 캐시백 ${percent} (월 ${formatWon(lowerWon)}원 초과 ${formatWon(tier.upToWon)}원까지)`,
    en: `base cashback ${percent} (₩${formatWon(lowerWon)} to ₩${formatWon(tier.upToWon)} a month)`,
  };
}

/** Extras add their rate on the same eligible amount; each is its own line. */
function extraLines(
  extras: readonly CashbackExtra[],
  eligibleWon: number,
  input: CashbackInput,
): CashbackRuleApplied[] {
  if (eligibleWon === 0) return [];
  return extras
    .filter((extra) => extraApplies(extra, input))
    .map((extra) => {
      const percent = formatPercent(extra.rateBp);
      return ruleLine(extra.code, extra.rateBp, eligibleWon, {
        ko: `${extra.nameKo} 추가 ${percent}`,
        en: `${extra.nameEn} extra ${percent}`,
      });
    });
}

function extraApplies(extra: CashbackExtra, input: CashbackInput): boolean {
  const { when } = extra;
  if ('memberFlag' in when) return input.member.isWelfareRecipient;
  return when.merchantFlag === 'traditionalMarket'
    ? input.merchant.isTraditionalMarket
    : input.merchant.isBookstore;
}

function ruleLine(
  code: string,
  rateBp: number,
  baseWon: number,
  description: { ko: string; en: string },
): CashbackRuleApplied {
  return {
    code,
    descriptionKo: description.ko,
    descriptionEn: description.en,
    rateBp,
    baseWon,
    amountWon: applyRateWon(baseWon, rateBp),
  };
}

function zeroQuote(policyId: string | null, limitedBy: CashbackQuote['limitedBy']): CashbackQuote {
  return { policyId, eligibleWon: 0, cashbackWon: 0, rules: [], limitedBy };
}

/** 1000 → '10%', 250 → '2.5%': for people reading the rule, never for arithmetic. */
export function formatPercent(rateBp: number): string {
  return `${rateBp / 100}%`;
}

function formatWon(amountWon: number): string {
  return amountWon.toLocaleString('en-US');
}

/** A caller passing a negative or fractional amount is a programmer mistake: fail loudly. */
function assertInput(input: CashbackInput): void {
  const amounts = {
    paidFromCashWon: input.paidFromCashWon,
    monthEligibleSpentBeforeWon: input.monthEligibleSpentBeforeWon,
    annualRevenueWon: input.merchant.annualRevenueWon,
  };
  for (const [name, value] of Object.entries(amounts)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`quoteCashback: ${name} must be a non-negative safe integer, got ${value}`);
    }
  }
  if (Number.isNaN(input.at.getTime())) throw new Error('quoteCashback: at is not a valid date');
  const rateBp = input.order?.rateBp ?? 0;
  if (!Number.isSafeInteger(rateBp) || rateBp < 0 || rateBp > 10_000)
    throw new Error(`quoteCashback: order.rateBp must be a whole number of bp in [0, 10000], got ${rateBp}`);
}
