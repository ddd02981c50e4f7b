import { describe, expect, it } from 'vitest';
import type { Activity } from '../api/types.js';
import { cancellationDetails, merchantsIn, paymentDetails, shownAmountWon } from './activity.js';

const basePayment: Activity = {
  seq: 2,
  at: '2021-05-13T03:00:00.000Z',
  type: 'payment',
  month: '2021-05',
  amountWon: -50_000,
  referenceId: 'pay_1',
  merchantId: 'mer_1',
  details: {
    merchantName: '중앙시장 한밭상회',
    cashback: {
      amountWon: 6_500,
      rules: [
        {
          code: 'base',
          descriptionKo: '기본',
          descriptionEn: 'base',
          rateBp: 1000,
          baseWon: 50_000,
          amountWon: 5_000,
        },
        {
          code: 'traditional_market',
          descriptionKo: '전통시장',
          descriptionEn: 'market',
          rateBp: 300,
          baseWon: 50_000,
          amountWon: 1_500,
        },
      ],
      limitedBy: [],
    },
  },
};

describe('reading history entries', () => {
  it('reads the cashback of a payment and each rule line', () => {
    const details = paymentDetails(basePayment);
    expect(details.cashbackWon).toBe(6_500);
    expect(details.rules.map((rule) => rule.amountWon)).toEqual([5_000, 1_500]);
    expect(details.merchantName).toBe('중앙시장 한밭상회');
  });

  it('shows a payment at its price and a cancellation at what was given back, not the net balance change', () => {
    const payment = { ...basePayment, details: { ...basePayment.details, amountWon: 50_000 } };
    expect(shownAmountWon(payment)).toBe(-50_000);
    const cancellation = {
      ...basePayment,
      type: 'payment_cancellation' as const,
      amountWon: 22_500,
      details: { amountWon: 25_000, clawback: { amountWon: 2_500 } },
    };
    expect(shownAmountWon(cancellation)).toBe(25_000);
    expect(shownAmountWon({ ...basePayment, details: {} })).toBe(-50_000);
  });

  it('shows no cashback rather than failing on details it does not know', () => {
    const odd = { ...basePayment, details: { cashback: { amountWon: 'lots', rules: [{ code: 1 }] } } };
    expect(paymentDetails(odd)).toEqual({
      merchantName: null,
      amountWon: 0,
      cashbackWon: 0,
      rules: [],
      limitedBy: [],
    });
  });

  it('reads the cashback taken back by a cancellation', () => {
    const cancellation = {
      ...basePayment,
      type: 'payment_cancellation' as const,
      details: { merchantName: '카페', clawback: { amountWon: 2_500 } },
    };
    expect(cancellationDetails(cancellation)).toEqual({
      merchantName: '카페',
      amountWon: 0,
      clawbackWon: 2_500,
    });
  });

  it('collects the shops a member paid, for the shop filter', () => {
    const charge = { ...basePayment, type: 'charge' as const, merchantId: null, details: {} };
    expect([...merchantsIn([basePayment, charge])]).toEqual([['mer_1', '중앙시장 한밭상회']]);
  });
});
