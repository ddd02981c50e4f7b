import { DomainError } from '../../errors.js';
import { wonEn } from '../../won-text.js';

/** The fund's refusals, each with a stable code and Korean and English messages. */
export const FundErrors = {
  applicationNotFound: (applicationId: string) =>
    new DomainError({
      code: 'FUND_APPLICATION_NOT_FOUND',
      httpStatus: 404,
      message: `fund application ${applicationId} does not exist`,
      messageKo: '경영안정자금 신청을 찾을 수 없습니다',
      details: { applicationId },
    }),
  notReviewable: (applicationId: string, status: string) =>
    new DomainError({
      code: 'FUND_APPLICATION_NOT_REVIEWABLE',
      httpStatus: 409,
      message: `fund application ${applicationId} is ${status}, not awaiting review`,
      messageKo: '심사 대기 중인 신청이 아닙니다',
      details: { applicationId, status },
    }),
  poolExhausted: (requestedWon: number, availableWon: number) =>
    new DomainError({
      code: 'FUND_POOL_EXHAUSTED',
      httpStatus: 409,
      message: `the fund pool has ${wonEn(availableWon)} available, less than the ${wonEn(requestedWon)} to lend`,
      messageKo: `자금 잔액(${availableWon}원)이 대출 금액보다 적습니다`,
      details: { requestedWon, availableWon },
    }),
};
