import { Type } from 'typebox';
import { WalletSchema } from '../wallets/schemas.js';

export const CashbackRuleSchema = Type.Object({
  code: Type.String(),
  descriptionKo: Type.String(),
  descriptionEn: Type.String(),
  rateBp: Type.Integer(),
  baseWon: Type.Integer(),
  amountWon: Type.Integer(),
});

const PaidFromSchema = Type.Object({
  grantWon: Type.Integer(),
  cashbackWon: Type.Integer(),
  cashWon: Type.Integer(),
});

const ReceiptFields = {
  paymentId: Type.String(),
  merchantId: Type.String(),
  merchantName: Type.String(),
  amountWon: Type.Integer(),
  paidFrom: PaidFromSchema,
  cashback: Type.Object({
    amountWon: Type.Integer({ description: 'credited, after the budget' }),
    requestedWon: Type.Integer({ description: 'what the rules granted before the budget' }),
    rules: Type.Array(CashbackRuleSchema),
    limitedBy: Type.Array(Type.String(), { description: 'e.g. MONTHLY_CAP_REACHED, BUDGET_EXHAUSTED' }),
  }),
  createdAt: Type.String({ format: 'date-time' }),
};

/** What the member sees: the receipt and their new balances. */
export const MemberReceiptSchema = Type.Object({
  ...ReceiptFields,
  wallet: WalletSchema,
  autoCharge: Type.Optional(
    Type.Object(
      { chargeId: Type.String(), amountWon: Type.Integer(), units: Type.Integer() },
      { description: 'present when the balance was short and auto-charge covered it first' },
    ),
  ),
});

/** What the merchant sees: the receipt without the member's balances. */
export const MerchantReceiptSchema = Type.Object(ReceiptFields);

export const CancellationSchema = Type.Object({
  cancellationId: Type.String(),
  paymentId: Type.String(),
  amountWon: Type.Integer(),
  refunded: PaidFromSchema,
  cashbackClawback: Type.Object({
    amountWon: Type.Integer(),
    fromCashbackWon: Type.Integer(),
    fromCashWon: Type.Integer(),
    unrecoveredWon: Type.Integer(),
  }),
  payment: Type.Object({
    amountWon: Type.Integer(),
    cancelledWon: Type.Integer(),
    remainingWon: Type.Integer(),
    status: Type.Union([
      Type.Literal('completed'),
      Type.Literal('partially_cancelled'),
      Type.Literal('cancelled'),
    ]),
  }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const SaleSchema = Type.Object({
  paymentId: Type.String(),
  at: Type.String({ format: 'date-time' }),
  channel: Type.String(),
  amountWon: Type.Integer(),
  cancelledWon: Type.Integer(),
  netWon: Type.Integer(),
});

export const DailyTotalSchema = Type.Object({
  date: Type.String({ description: 'YYYY-MM-DD in the tenant time zone' }),
  count: Type.Integer(),
  grossWon: Type.Integer(),
  cancelledWon: Type.Integer(),
  netWon: Type.Integer(),
});
