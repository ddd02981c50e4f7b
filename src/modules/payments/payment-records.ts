/** Pure: what a decided payment writes (ledger transfers, activity) and answers (the receipt). */
import { recordId } from '../../ids.js';
import type { CashbackDraw } from '../budgets/types.js';
import type { Account, TransferRequest } from '../ledger/types.js';
import { memberAccountIds } from '../members/member-service.js';
import type { Merchant } from '../merchants/types.js';
import { eligibleWonEarned } from '../policy/cashback.js';
import type { CashbackQuote } from '../policy/types.js';
import type { WalletView } from '../wallets/types.js';
import type { Funds, PaidFrom } from './split.js';
import type { CashbackOutcome, Payment, PaymentChannel, PaymentReceipt } from './types.js';

export function newPaymentId(): string {
  return recordId('pay');
}

/** A payment as decided: what it was paid from, the cashback quoted, and what the budget pots gave of it. */
export function decidedPayment(decision: {
  tenantId: string;
  memberId: string;
  merchant: Merchant;
  channel: PaymentChannel;
  amountWon: number;
  paidFrom: PaidFrom;
  quote: CashbackQuote;
  draw: CashbackDraw;
  month: string;
  now: Date;
}): Payment {
  return {
    tenantId: decision.tenantId,
    id: newPaymentId(),
    memberId: decision.memberId,
    merchantId: decision.merchant.id,
    channel: decision.channel,
    amountWon: decision.amountWon,
    paidFrom: decision.paidFrom,
    eligibleWon: decision.quote.eligibleWon,
    cashback: cashbackOutcomeOf(decision.quote, decision.draw),
    month: decision.month,
    cancelledWon: 0,
    createdAt: decision.now,
  };
}

/**
 * The part of the payment's eligible spending whose cashback the budget did not pay (an empty or short
 * pot): it stays in the month's eligible spending but does not use up the member's allowance.
 */
export function unearnedEligibleWon(payment: Pick<Payment, 'eligibleWon' | 'cashback'>): number {
  const quote = { eligibleWon: payment.eligibleWon, cashbackWon: payment.cashback.requestedWon };
  return payment.eligibleWon - eligibleWonEarned(quote, payment.cashback.amountWon);
}

export function cashbackOutcomeOf(quote: CashbackQuote, draw: CashbackDraw): CashbackOutcome {
  return {
    amountWon: draw.drawnWon,
    requestedWon: quote.cashbackWon,
    rules: quote.rules,
    limitedBy: draw.drawnWon < quote.cashbackWon ? [...quote.limitedBy, 'BUDGET_EXHAUSTED'] : quote.limitedBy,
    draws: draw.postings.map((posting) => ({ accountId: posting.accountId, amountWon: -posting.amountWon })),
  };
}

/**
 * One ledger transfer per payment: the member's grants, cashback and cash to the merchant, and the
 * cashback from the budget pots to the member, all or nothing. The member's cashback account takes
 * one posting, what it earns less what it spends.
 */
export function paymentTransfer(payment: Payment, merchant: Merchant): TransferRequest {
  const ids = memberAccountIds(payment.memberId);
  const postings = [
    ...payment.paidFrom.grantParts.map((part) => ({ accountId: part.accountId, amountWon: -part.amountWon })),
    { accountId: ids.cashback, amountWon: payment.cashback.amountWon - payment.paidFrom.cashbackWon },
    { accountId: ids.cash, amountWon: -payment.paidFrom.cashWon },
    { accountId: merchant.receivableAccountId, amountWon: payment.amountWon },
    ...payment.cashback.draws.map((drawn) => ({ accountId: drawn.accountId, amountWon: -drawn.amountWon })),
  ].filter((posting) => posting.amountWon !== 0);
  return {
    id: `payment:${payment.id}`,
    action: 'transfer',
    code: 'payment',
    postings,
    metadata: { paymentId: payment.id },
  };
}

/** A payment's line in the member's history, from its row and the merchant name stored with the line. */
export function paymentActivityDetails(payment: Payment, merchantName: unknown): Record<string, unknown> {
  return {
    merchantName,
    amountWon: payment.amountWon,
    paidFrom: payment.paidFrom,
    cashback: {
      amountWon: payment.cashback.amountWon,
      rules: payment.cashback.rules,
      limitedBy: payment.cashback.limitedBy,
    },
  };
}

export function receiptOf(
  payment: Payment,
  merchant: Pick<Merchant, 'id' | 'name'>,
  wallet: WalletView,
): PaymentReceipt {
  const { paidFrom, cashback } = payment;
  return {
    paymentId: payment.id,
    merchantId: merchant.id,
    merchantName: merchant.name,
    amountWon: payment.amountWon,
    paidFrom: { grantWon: paidFrom.grantWon, cashbackWon: paidFrom.cashbackWon, cashWon: paidFrom.cashWon },
    cashback: {
      amountWon: cashback.amountWon,
      requestedWon: cashback.requestedWon,
      rules: cashback.rules,
      limitedBy: cashback.limitedBy,
    },
    createdAt: payment.createdAt.toISOString(),
    wallet,
  };
}

/** What the member can spend at this merchant now, from their locked accounts. */
export function fundsOf(
  accounts: readonly Account[],
  memberId: string,
  merchant: Merchant,
  now: Date,
): Funds {
  const ids = memberAccountIds(memberId);
  const availableOf = (id: string) => accounts.find((account) => account.id === id)?.availableWon ?? 0;
  return {
    grants: accounts
      .filter((account) => account.kind === 'member_grant' && grantUsable(account, merchant, now))
      .map((account) => ({
        accountId: account.id,
        availableWon: account.availableWon,
        expiresAt: typeof account.metadata.expiresAt === 'string' ? account.metadata.expiresAt : null,
      })),
    cashbackWon: availableOf(ids.cashback),
    cashWon: availableOf(ids.cash),
  };
}

/** A grant is spendable only inside its window, at the industries and districts its programme allows. */
export function grantUsable(account: Account, merchant: Merchant, now: Date): boolean {
  const meta = account.metadata as {
    usableFrom?: string;
    expiresAt?: string;
    allowedIndustries?: string[];
    allowedDistricts?: string[];
  };
  if (meta.usableFrom && new Date(meta.usableFrom).getTime() > now.getTime()) return false;
  if (meta.expiresAt && new Date(meta.expiresAt).getTime() <= now.getTime()) return false;
  if (meta.allowedIndustries?.length && !meta.allowedIndustries.includes(merchant.industryCode)) return false;
  if (meta.allowedDistricts?.length && !meta.allowedDistricts.includes(merchant.district)) return false;
  return true;
}

export interface PaymentRow {
  tenant_id: string;
  id: string;
  member_id: string;
  merchant_id: string;
  channel: PaymentChannel;
  amount_won: number;
  paid_from: Payment['paidFrom'];
  eligible_won: number;
  cashback: CashbackOutcome;
  month: string;
  cancelled_won: number;
  created_at: Date;
}

export function toPayment(row: PaymentRow): Payment {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    memberId: row.member_id,
    merchantId: row.merchant_id,
    channel: row.channel,
    amountWon: row.amount_won,
    paidFrom: row.paid_from,
    eligibleWon: row.eligible_won,
    cashback: row.cashback,
    month: row.month,
    cancelledWon: row.cancelled_won,
    createdAt: row.created_at,
  };
}
