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
  /**
   * The merchant is frozen by a fraud case, or its payouts are held (hold_settlement): no loan is
   * approved or paid to it, as settlement pays it nothing. Nothing moved and the application keeps
   * its status, so it can be approved once an operator releases the freeze.
   */
  merchantFrozen: (
    application: { id: string; merchantId: string; amountWon: number; status: string },
    freeze: { id: string; caseId: string; kind: 'merchant' | 'settlement' },
  ) => {
    const [whatEn, whatKo] =
      freeze.kind === 'merchant'
        ? ['The merchant is frozen after a fraud review', '가맹점이 부정거래 조사로 정지되어']
        : [
            "The merchant's payouts are held by a fraud review",
            '가맹점에 대한 지급이 부정거래 조사로 보류되어',
          ];
    return new DomainError({
      code: 'FUND_MERCHANT_FROZEN',
      httpStatus: 409,
      message: `${whatEn} (case ${freeze.caseId}), so the ${wonEn(application.amountWon)} loan cannot be approved or paid. Nothing moved; the application stays ${application.status} and can be approved once the freeze is released.`,
      messageKo: `${whatKo} 있어(사건 ${freeze.caseId}) ${application.amountWon.toLocaleString('ko-KR')}원 대출을 승인·지급할 수 없습니다. 아무것도 옮겨지지 않았으며, 신청은 그대로 남아 정지가 해제되면 승인할 수 있습니다.`,
      details: {
        applicationId: application.id,
        merchantId: application.merchantId,
        applicationStatus: application.status,
        freezeId: freeze.id,
        caseId: freeze.caseId,
        kind: freeze.kind,
      },
    });
  },
  poolExhausted: (requestedWon: number, availableWon: number) =>
    new DomainError({
      code: 'FUND_POOL_EXHAUSTED',
      httpStatus: 409,
      message: `the fund pool has ${wonEn(availableWon)} available, less than the ${wonEn(requestedWon)} to lend`,
      messageKo: `자금 잔액(${availableWon}원)이 대출 금액보다 적습니다`,
      details: { requestedWon, availableWon },
    }),
};
