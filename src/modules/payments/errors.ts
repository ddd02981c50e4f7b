import { DomainError } from '../../errors.js';
import { wonEn } from '../../won-text.js';

export function paymentError(
  code: string,
  httpStatus: number,
  message: string,
  messageKo: string,
  details?: Record<string, unknown>,
) {
  return new DomainError({ code, httpStatus, message, messageKo, ...(details ? { details } : {}) });
}

export const PaymentErrors = {
  invalidAmount: () =>
    paymentError(
      'INVALID_AMOUNT',
      400,
      'amountWon must be a positive whole number of won',
      '금액은 1원 이상의 정수여야 합니다',
    ),
  merchantNotFound: () =>
    paymentError('MERCHANT_NOT_FOUND', 404, 'no merchant has this code', '해당 가맹점 코드가 없습니다'),
  merchantNotActive: () =>
    paymentError(
      'MERCHANT_NOT_ACTIVE',
      409,
      'this merchant is not approved to take payments',
      '결제를 받을 수 없는 가맹점입니다',
    ),
  insufficientFunds: (shortfallWon: number) =>
    paymentError(
      'INSUFFICIENT_FUNDS',
      422,
      `the balance is ${wonEn(shortfallWon)} short`,
      `잔액이 ${shortfallWon.toLocaleString('ko-KR')}원 부족합니다`,
      { shortfallWon },
    ),
  /** A customer's code short of funds, as the merchant sees it: no amounts, which would tell them the balance. */
  customerShortOfFunds: () =>
    paymentError(
      'INSUFFICIENT_FUNDS',
      422,
      "the customer's balance does not cover this amount",
      '고객의 잔액이 부족합니다',
    ),
  codeInvalid: () =>
    paymentError(
      'PAYMENT_CODE_INVALID',
      422,
      'this payment code is not valid',
      '유효하지 않은 결제 코드입니다',
    ),
  codeExpired: () =>
    paymentError(
      'PAYMENT_CODE_EXPIRED',
      422,
      'this payment code has expired; ask for a new one',
      '결제 코드가 만료되었습니다. 새 코드를 받아 주세요',
    ),
  codeUsed: () =>
    paymentError(
      'PAYMENT_CODE_USED',
      409,
      'this payment code was already used',
      '이미 사용된 결제 코드입니다',
    ),
  paymentNotFound: () =>
    paymentError('PAYMENT_NOT_FOUND', 404, 'no such payment at this merchant', '해당 결제가 없습니다'),
  alreadyCancelled: () =>
    paymentError(
      'PAYMENT_ALREADY_CANCELLED',
      409,
      'this payment is already fully cancelled',
      '이미 전액 취소된 결제입니다',
    ),
  cancelAmountInvalid: (remainingWon: number) =>
    paymentError(
      'CANCEL_AMOUNT_INVALID',
      422,
      `the cancellation must be ₩1 to ${wonEn(remainingWon)}`,
      `취소 금액은 1원부터 ${remainingWon.toLocaleString('ko-KR')}원까지입니다`,
      { remainingWon },
    ),
  cancelWindowClosed: (days: number) =>
    paymentError(
      'CANCEL_WINDOW_CLOSED',
      409,
      `payments can be cancelled within ${days} days`,
      `결제 후 ${days}일이 지나 취소할 수 없습니다`,
      { windowDays: days },
    ),
};
