import { Type } from 'typebox';

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
    paying: Count('members with at least one payment in the period'),
  }),
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

export const CHARTS = [
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
