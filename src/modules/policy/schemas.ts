import { Type } from 'typebox';
import type { CashbackPolicy, PolicyRule } from './types.js';
import { RULE_KEYS } from './types.js';

/** HTTP shapes of the policy module. Shape is checked here; meaning (order, overlaps) by validation.ts. */

const Won = (description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const RateBp = Type.Integer({ minimum: 0, maximum: 10_000, description: 'basis points: 1000 = 10%' });
const Instant = (description: string) => Type.String({ format: 'date-time', description });

/** Request bodies refuse fields they do not know: a misspelt `effective_to` must not make a rule permanent. */
const Closed = { additionalProperties: false } as const;

export const CashbackPolicyRulesSchema = Type.Object(
  {
    tiers: Type.Array(
      Type.Object(
        { upToWon: Won('upper bound of monthly eligible spending (inclusive)'), rateBp: RateBp },
        Closed,
      ),
      { description: 'strictly increasing upToWon; the last one is the monthly eligible cap' },
    ),
    extras: Type.Array(
      Type.Object(
        {
          code: Type.String(),
          nameKo: Type.String(),
          nameEn: Type.String(),
          when: Type.Union([
            Type.Object(
              { merchantFlag: Type.Union([Type.Literal('traditionalMarket'), Type.Literal('bookstore')]) },
              Closed,
            ),
            Type.Object({ memberFlag: Type.Literal('welfareRecipient') }, Closed),
          ]),
          rateBp: RateBp,
        },
        Closed,
      ),
    ),
    promotions: Type.Array(
      Type.Object(
        {
          code: Type.String(),
          nameKo: Type.String(),
          nameEn: Type.String(),
          from: Instant('start, with offset'),
          to: Instant('end (exclusive), with offset'),
          rateBp: RateBp,
          channel: Type.Optional(
            Type.Union([Type.Literal('mall'), Type.Literal('delivery')], {
              description:
                'only orders of this local-commerce channel, replacing its rate (e.g. a local-currency delivery discount); absent: payments at the till',
            }),
          ),
        },
        Closed,
      ),
    ),
    merchantRevenueCapWon: Type.Union([
      Won('merchants above this annual revenue earn no cashback'),
      Type.Null(),
    ]),
  },
  { ...Closed, description: 'one version of a cashback policy' },
);

export const CashbackPolicySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  effectiveFrom: Instant('start of the version'),
  effectiveTo: Type.Union([Instant('end (exclusive)'), Type.Null()]),
  rules: CashbackPolicyRulesSchema,
  createdBy: Type.String(),
  createdAt: Instant('when it was recorded'),
});

export const RuleKeySchema = Type.Enum(RULE_KEYS);

export const PolicyRuleSchema = Type.Object({
  id: Type.String(),
  key: RuleKeySchema,
  value: Won('won, days, seconds or years, as the key says'),
  effectiveFrom: Instant('start'),
  effectiveTo: Type.Union([Instant('end (exclusive)'), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Instant('when it was recorded'),
});

export const CashbackQuoteSchema = Type.Object({
  policyId: Type.Union([Type.String(), Type.Null()]),
  eligibleWon: Won('part of the payment counted toward the monthly cap'),
  cashbackWon: Won('sum of the rule lines'),
  rules: Type.Array(
    Type.Object({
      code: Type.String(),
      descriptionKo: Type.String(),
      descriptionEn: Type.String(),
      rateBp: RateBp,
      baseWon: Won('amount the rate applies to'),
      amountWon: Won('rounded down to the won'),
    }),
  ),
  limitedBy: Type.Array(Type.String()),
});

export const NewPolicySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    effectiveFrom: Instant('not before now'),
    effectiveTo: Type.Optional(Type.Union([Instant('end (exclusive)'), Type.Null()])),
    rules: CashbackPolicyRulesSchema,
  },
  Closed,
);

export const NewRuleSchema = Type.Object(
  {
    key: RuleKeySchema,
    value: Won(
      'won, days, seconds, years, basis points or a 0/1 flag, as the key says; each key has its range',
    ),
    effectiveFrom: Instant('not before now'),
    effectiveTo: Type.Optional(Type.Union([Instant('end (exclusive)'), Type.Null()])),
  },
  Closed,
);

export const PreviewSchema = Type.Object(
  {
    rules: CashbackPolicyRulesSchema,
    sample: Type.Object(
      {
        amountWon: Won('payment amount'),
        paidFromCashWon: Type.Optional(Won('default amountWon')),
        at: Type.Optional(Instant('default now')),
        monthEligibleSpentBeforeWon: Type.Optional(Won('default 0')),
        merchant: Type.Object(
          {
            isTraditionalMarket: Type.Boolean(),
            isBookstore: Type.Boolean(),
            annualRevenueWon: Won('merchant annual revenue'),
          },
          Closed,
        ),
        member: Type.Object({ isWelfareRecipient: Type.Boolean() }, Closed),
      },
      Closed,
    ),
  },
  Closed,
);

export const PreviewResultSchema = Type.Object({
  at: Instant('instant quoted'),
  current: CashbackQuoteSchema,
  proposed: CashbackQuoteSchema,
});

export const PolicyListSchema = Type.Object({
  items: Type.Array(CashbackPolicySchema),
  rules: Type.Array(PolicyRuleSchema),
});

/** Citizens see the rules, not which operator entered them. */
export const CurrentPolicySchema = Type.Object({
  at: Instant('now'),
  policy: Type.Union([Type.Omit(CashbackPolicySchema, ['createdBy']), Type.Null()]),
  rules: Type.Array(Type.Omit(PolicyRuleSchema, ['createdBy']), {
    description:
      "the rule values the city set that are in force now; the fraud detectors' thresholds are not public",
  }),
  defaults: Type.Array(Type.Object({ key: Type.String(), value: Type.Integer() }), {
    description:
      'values in force now that the city has not set, so a built-in default applies (the online mall and delivery rates and commissions)',
  }),
});

export function policyJson(policy: CashbackPolicy) {
  return {
    id: policy.id,
    name: policy.name,
    effectiveFrom: policy.effectiveFrom.toISOString(),
    effectiveTo: policy.effectiveTo?.toISOString() ?? null,
    rules: policy.rules,
    createdBy: policy.createdBy,
    createdAt: policy.createdAt.toISOString(),
  };
}

export function ruleJson(rule: PolicyRule) {
  return {
    id: rule.id,
    key: rule.key,
    value: rule.value,
    effectiveFrom: rule.effectiveFrom.toISOString(),
    effectiveTo: rule.effectiveTo?.toISOString() ?? null,
    createdBy: rule.createdBy,
    createdAt: rule.createdAt.toISOString(),
  };
}
