import { DomainError } from '../../errors.js';
import { wonEn } from '../../won-text.js';

function transferError(
  code: string,
  httpStatus: number,
  message: string,
  messageKo: string,
  details?: Record<string, unknown>,
) {
  return new DomainError({ code, httpStatus, message, messageKo, ...(details ? { details } : {}) });
}

export const TransferErrors = {
  invalidAmount: () =>
    transferError(
      'INVALID_AMOUNT',
      400,
      'amountWon must be a positive whole number of won',
      '금액은 1원 이상의 정수여야 합니다',
    ),
  recipientNotFound: () =>
    transferError(
      'RECIPIENT_NOT_FOUND',
      404,
      'no member has this phone number',
      '해당 번호로 가입한 회원이 없습니다',
    ),
  toSelf: () =>
    transferError(
      'TRANSFER_TO_SELF',
      422,
      'you cannot send money to yourself',
      '본인에게는 송금할 수 없습니다',
    ),
  insufficientCash: () =>
    transferError(
      'INSUFFICIENT_FUNDS',
      422,
      'not enough charged money: only charged money can be sent, never cashback or grants',
      '충전금이 부족합니다. 캐시백과 정책지원금은 송금할 수 없습니다',
    ),
  limitExceeded: (limit: 'per_send' | 'daily' | 'monthly', capWon: number, remainingWon: number) =>
    transferError(
      'TRANSFER_LIMIT_EXCEEDED',
      422,
      `over the ${limit.replace('_', '-')} transfer limit of ${wonEn(capWon)}: ${wonEn(remainingWon)} left`,
      `${{ per_send: '1회', daily: '1일', monthly: '월' }[limit]} 송금 한도 ${capWon.toLocaleString('ko-KR')}원을 넘습니다. 남은 한도: ${remainingWon.toLocaleString('ko-KR')}원`,
      { limit, capWon, remainingWon },
    ),
  notFound: () =>
    transferError('TRANSFER_NOT_FOUND', 404, 'no such transfer of yours', '해당 송금이 없습니다'),
  notPending: (status: string) =>
    transferError(
      'TRANSFER_NOT_PENDING',
      409,
      `this transfer is already ${status}`,
      `이미 처리된 송금입니다 (${status})`,
      {
        transferStatus: status,
      },
    ),
  expired: () =>
    transferError(
      'TRANSFER_EXPIRED',
      409,
      'this transfer was not accepted in time; the money went back to the sender',
      '수락 기한이 지나 보낸 분께 돌려드렸습니다',
    ),
};
