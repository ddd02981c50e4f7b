import { Type } from 'typebox';
import { CashbackPolicyRulesSchema } from '../policy/schemas.js';

const Won = (description: string) => Type.Integer({ description: `${description} (won)` });
const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Bp = (description: string) =>
  Type.Integer({ description: `${description} (basis points, 10000 = 100%)` });

export const PeriodQuery = Type.Object({
  from: Type.String({
    format: 'date',
    description: 'first local date of the period (YYYY-MM-DD), inclusive',
  }),
  to: Type.String({
    format: 'date',
    description: 'last local date of the period, inclusive; not after today',
  }),
});

const Grouped = Type.Object({
  key: Type.String(),
  netWon: Won('payments net of cancellations'),
  count: Count('payments'),
});

const Synthetic = Type.Array(
  Type.Object({
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    note: Type.String({ description: 'what made it (the demo start, hanbat simulate and its seed)' }),
  }),
  { description: 'synthetic history the period overlaps: figures there are generated, not real' },
);
const BpOrNull = (description: string) =>
  Type.Union([Type.Integer(), Type.Null()], {
    description: `${description} (basis points); null without data`,
  });

export const OverviewSchema = Type.Object({
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  issuance: Type.Object({
    chargedWon: Won('charged (일반발행)'),
    grantedWon: Won('policy grants disbursed (정책발행)'),
    totalWon: Won('charged plus granted'),
  }),
  members: Type.Object({
    total: Count('members who had joined by the end of the period'),
    joined: Count('members who joined in the period'),
    paying: Count('members with at least one payment in the calendar months the period touches'),
    economicallyActive: Type.Union([Count('economically active people of the tenant (data)'), Type.Null()]),
    shareOfEconomicallyActiveBp: BpOrNull('members against the economically active people'),
  }),
  plan: Type.Union(
    [
      Type.Object({
        year: Type.Integer(),
        cumulativePlanWon: Won("the year's issuance plan to the end of the period's last month"),
        cumulativeIssuedWon: Won('charged plus granted from 1 January to the end of the period'),
        vsPlanBp: Bp('issued against planned to date'),
      }),
      Type.Null(),
    ],
    { description: 'issuance against the annual plan; null when the year has no plan' },
  ),
  synthetic: Synthetic,
  payments: Type.Object({
    count: Count('payments'),
    grossWon: Won('paid'),
    cancelledWon: Won('cancelled since'),
    netWon: Won('gross minus cancelled'),
  }),
  cashback: Type.Object({
    totalWon: Won('cashback paid from the budget, net of clawbacks'),
    bySource: Type.Object({ national: Won('from national funds'), city: Won('from city funds') }),
    byPot: Type.Array(Type.Object({ potId: Type.String(), amountWon: Won('from this pot') })),
  }),
  spendingByDistrict: Type.Array(
    Type.Object({
      district: Type.String(),
      area: Type.String({
        description: 'old_town (원도심) or new_town (신도심), from the reference districts',
      }),
      netWon: Won('spent at merchants of the district'),
      count: Count('payments'),
    }),
  ),
  spendingByIndustry: Type.Array(
    Type.Object({ industryCode: Type.String(), netWon: Won('spent'), count: Count('payments') }),
  ),
  oldTownShareBp: Bp('share of net spending at merchants in 원도심 districts'),
  feed: Type.Object({
    position: Type.Integer({ description: 'last event analytics has applied' }),
    head: Type.Integer({ description: "the tenant's last committed event" }),
  }),
});

export const DashboardSchema = Type.Object({
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  memberMonths: Type.Object(
    { from: Type.String({ description: 'YYYY-MM' }), to: Type.String({ description: 'YYYY-MM' }) },
    { description: 'calendar months the deciles, concentration and top merchants cover' },
  ),
  synthetic: Synthetic,
  issuanceVsPlan: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM' }),
      cumulativeIssuedWon: Won('charged plus granted, cumulative from January'),
      cumulativePlanWon: Type.Union([Won('the annual plan, spread evenly, to the month end'), Type.Null()]),
      vsPlanBp: BpOrNull('issued against planned'),
    }),
  ),
  membersVsPopulation: Type.Array(
    Type.Object({
      district: Type.String(),
      members: Count('members living in the district, joined by the period end'),
      economicallyActive: Type.Union([Count('economically active people (data)'), Type.Null()]),
      shareBp: BpOrNull('members against economically active people'),
    }),
  ),
  byMonth: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM' }),
      chargedWon: Won('charged'),
      grantedWon: Won('granted'),
      spentWon: Won('spent, net'),
      cashbackWon: Won('cashback drawn, net'),
    }),
  ),
  cashbackByPot: Type.Array(
    Type.Object({ potId: Type.String(), source: Type.String(), amountWon: Won('drawn') }),
  ),
  byDistrict: Type.Array(Grouped),
  byArea: Type.Array(Grouped),
  byIndustry: Type.Array(Grouped),
  byMarket: Type.Array(Grouped),
  byAgeBand: Type.Array(Grouped),
  byHour: Type.Array(Grouped),
  byDecile: Type.Array(
    Type.Object({
      decile: Type.Integer({ minimum: 1, maximum: 10 }),
      members: Count('members in the decile'),
      netWon: Won('their spending'),
      cashbackWon: Won('their cashback'),
    }),
  ),
  concentration: Type.Object({
    members: Count('paying members'),
    top1pctSpendShareBp: Bp("top 1% of members' share of spending"),
    top1pctCashbackShareBp: Bp("top 1% of members' share of cashback"),
    giniBp: Bp('Gini coefficient of member spending'),
  }),
  topMerchants: Type.Array(
    Type.Object({
      merchantId: Type.String(),
      name: Type.String({ description: "the merchant's name as approved" }),
      district: Type.String(),
      industryCode: Type.String(),
      netWon: Won('sales in the period'),
      declaredAnnualRevenueWon: Won('declared annual revenue'),
      annualisedVsDeclaredBp: Type.Union([Type.Integer(), Type.Null()], {
        description: 'period sales scaled to a year against the declared revenue (10000 = as declared)',
      }),
    }),
  ),
});

export const PromotionEffectSchema = Type.Union([
  Type.Object({
    treatedMerchants: Count('merchants whose payments carried the promotion'),
    controlMerchants: Count('comparable merchants (same industry and area band) without it'),
    effectBp: Bp('difference-in-differences effect on weekly sales'),
    intervalBp: Type.Array(Type.Integer(), {
      minItems: 2,
      maxItems: 2,
      description: '95% interval (studentized bootstrap over merchants)',
    }),
    significant: Type.Boolean({ description: 'the interval excludes zero' }),
    weekOverWeekBp: Type.Union([Type.Integer(), Type.Null()], {
      description: "treated sales in the promotion's first week against the week before",
    }),
    bootstrapResamples: Count('bootstrap resamples'),
  }),
  Type.Null(),
]);

export const CHARTS = [
  'issuanceVsPlan',
  'membersVsPopulation',
  'byMonth',
  'cashbackByPot',
  'byDistrict',
  'byArea',
  'byIndustry',
  'byMarket',
  'byAgeBand',
  'byHour',
  'byDecile',
  'topMerchants',
] as const;

const Positive = (description: string) =>
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: `${description} (won)` });

export const WhatIfBodySchema = Type.Object(
  {
    from: PeriodQuery.properties.from,
    to: PeriodQuery.properties.to,
    rules: CashbackPolicyRulesSchema,
    monthlyPotWon: Type.Optional(
      Type.Union([Positive('a draft budget pot per calendar month'), Type.Null()], {
        description: 'null or absent: no budget limit, the rules alone decide',
      }),
    ),
    nationalShareBp: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10_000, description: 'national share of each draw (default 0)' }),
    ),
    annualBudgetWon: Type.Optional(
      Type.Union([
        Positive('a budget whose exhaustion is forecast and back-tested on the replay'),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false },
);

const PotRunSchema = Type.Object({
  month: Type.String({ description: 'YYYY-MM' }),
  potWon: Won('the draft pot'),
  spentWon: Won('drawn from it'),
  exhaustedOn: Type.Union([Type.String({ format: 'date' }), Type.Null()], {
    description: 'the first day a payment could not be paid in full',
  }),
});

const WhatIfSide = {
  cashbackWon: Won('cashback paid'),
  requestedWon: Won('cashback the rules granted before the budget'),
  byDistrict: Type.Array(Type.Object({ district: Type.String(), cashbackWon: Won('cashback') })),
  byDecile: Type.Array(
    Type.Object({
      decile: Type.Integer({ minimum: 1, maximum: 10, description: "members by the period's cash spending" }),
      cashbackWon: Won('cashback'),
    }),
  ),
};

export const WhatIfResultSchema = Type.Object({
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  payments: Count('payments replayed'),
  actual: Type.Object({
    ...WhatIfSide,
    cashbackWon: Won(
      'cashback the replayed payments were paid when made: payments at the till only (no mall or delivery orders), before later cancellations and fraud claw-backs, so it compares like for like with the draft; the budget figures (overview, budgets) count orders and net those off',
    ),
    pots: Type.Array(PotRunSchema, {
      description: 'the cashback actually paid, drawn from the same draft pots: when they would have run out',
    }),
  }),
  draft: Type.Object({ ...WhatIfSide, pots: Type.Array(PotRunSchema) }),
  deltaWon: Won('draft minus actual cashback'),
  forecast: Type.Union([
    Type.Object({
      annualBudgetWon: Won('the budget forecast'),
      replayedExhaustionDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
      backtest: Type.Array(
        Type.Object({
          madeOn: Type.String({ format: 'date' }),
          projectedExhaustionDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
          errorDays: Type.Union([Type.Integer(), Type.Null()]),
        }),
      ),
      meanAbsoluteErrorDays: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
        description: 'mean |projected − replayed| in days over the back-test; null when the budget lasted',
      }),
    }),
    Type.Null(),
  ]),
});
