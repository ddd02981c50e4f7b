import { DomainError } from '../../errors.js';

export const SettlementErrors = {
  invalidBusinessDate: (text: string) =>
    new DomainError({
      code: 'INVALID_BUSINESS_DATE',
      httpStatus: 400,
      message: `businessDate ${text} is not a calendar date (YYYY-MM-DD)`,
      messageKo: '정산일은 YYYY-MM-DD 형식의 날짜여야 합니다',
    }),
  businessDayNotOver: (businessDate: string, endsAt: Date) =>
    new DomainError({
      code: 'BUSINESS_DAY_NOT_OVER',
      httpStatus: 422,
      message: `business day ${businessDate} ends at ${endsAt.toISOString()}; settle it after that`,
      messageKo: `${businessDate} 영업일이 아직 끝나지 않았습니다. 마감 후에 정산하세요`,
      details: { endsAt: endsAt.toISOString() },
    }),
  statementNotFound: () =>
    new DomainError({
      code: 'STATEMENT_NOT_FOUND',
      httpStatus: 404,
      message: 'no such settlement statement for this merchant',
      messageKo: '해당 정산 내역이 없습니다',
    }),
  invalidFeeRule: (message: string, messageKo: string) =>
    new DomainError({ code: 'INVALID_FEE_RULE', httpStatus: 400, message, messageKo }),
  effectiveDateInPast: (effectiveFrom: Date, now: Date) =>
    new DomainError({
      code: 'EFFECTIVE_DATE_IN_PAST',
      httpStatus: 400,
      message: `effectiveFrom ${effectiveFrom.toISOString()} is before now (${now.toISOString()}); schedule changes from now on`,
      messageKo: '시행일은 현재 이후여야 합니다. 지난 기간의 수수료는 바꿀 수 없습니다',
    }),
  feeRulePeriodTaken: (effectiveFrom: Date) =>
    new DomainError({
      code: 'FEE_RULE_PERIOD_CONFLICT',
      httpStatus: 409,
      message: `a fee rule already starts at ${effectiveFrom.toISOString()}; schedule a later start to override it`,
      messageKo: '같은 시행일의 수수료 규칙이 이미 있습니다. 더 늦은 시행일로 등록하세요',
    }),
};
