import type { CashbackRules } from '../api/types.js';

/** One line of what a new policy version changes: before and after as people read them (null: none). */
export interface PolicyChange {
  label: string;
  before: string | null;
  after: string | null;
}

/** How the lines are worded: the screen passes its language's words and formatters. */
export interface ChangeWords {
  tier: (upToWon: number) => string;
  extra: (name: string) => string;
  promotion: (name: string) => string;
  cap: string;
  rate: (rateBp: number) => string;
  won: (amountWon: number) => string;
  period: (from: string, exclusiveTo: string) => string;
  name: (item: { nameKo: string; nameEn: string }) => string;
}

function changed(label: string, before: string | null, after: string | null): PolicyChange[] {
  return before === after ? [] : [{ label, before, after }];
}

function tierChanges(before: CashbackRules | null, after: CashbackRules, words: ChangeWords) {
  const rateAt = (rules: CashbackRules | null, upToWon: number) => {
    const tier = rules?.tiers.find((candidate) => candidate.upToWon === upToWon);
    return tier ? words.rate(tier.rateBp) : null;
  };
  const bounds = [...new Set([...(before?.tiers ?? []), ...after.tiers].map((tier) => tier.upToWon))];
  return bounds
    .sort((a, b) => a - b)
    .flatMap((upToWon) => changed(words.tier(upToWon), rateAt(before, upToWon), rateAt(after, upToWon)));
}

function byCode<Item extends { code: string; nameKo: string; nameEn: string }>(
  before: readonly Item[],
  after: readonly Item[],
  label: (name: string) => string,
  value: (item: Item) => string,
  words: ChangeWords,
): PolicyChange[] {
  const codes = [...new Set([...before, ...after].map((item) => item.code))];
  return codes.flatMap((code) => {
    const [old, next] = [before.find((item) => item.code === code), after.find((item) => item.code === code)];
    const named = next ?? old;
    if (!named) return [];
    return changed(label(words.name(named)), old ? value(old) : null, next ? value(next) : null);
  });
}

/**
 * What a new cashback policy changes against the one it takes over from, rule by rule: the lines an
 * operator confirms before the version is scheduled. An unchanged rule is not listed.
 */
export function policyChanges(
  before: CashbackRules | null,
  after: CashbackRules,
  words: ChangeWords,
): PolicyChange[] {
  const cap = (rules: CashbackRules | null) =>
    rules?.merchantRevenueCapWon == null ? null : words.won(rules.merchantRevenueCapWon);
  return [
    ...tierChanges(before, after, words),
    ...byCode(before?.extras ?? [], after.extras, words.extra, (extra) => words.rate(extra.rateBp), words),
    ...byCode(
      before?.promotions ?? [],
      after.promotions,
      words.promotion,
      (promotion) => `${words.rate(promotion.rateBp)} · ${words.period(promotion.from, promotion.to)}`,
      words,
    ),
    ...changed(words.cap, cap(before), cap(after)),
  ];
}
