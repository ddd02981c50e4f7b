import { DomainError } from '../../errors.js';

/** The giving module's refusals, each with a stable code and Korean and English messages. */
export const GivingErrors = {
  charityNotFound: (charityId: string) =>
    new DomainError({
      code: 'CHARITY_NOT_FOUND',
      httpStatus: 404,
      message: `charity ${charityId} does not exist`,
      messageKo: '기부처를 찾을 수 없습니다',
      details: { charityId },
    }),
  campaignNotFound: (campaignId: string) =>
    new DomainError({
      code: 'CAMPAIGN_NOT_FOUND',
      httpStatus: 404,
      message: `campaign ${campaignId} does not exist for this charity`,
      messageKo: '해당 기부처의 모금 캠페인을 찾을 수 없습니다',
      details: { campaignId },
    }),
  campaignClosed: (campaignId: string) =>
    new DomainError({
      code: 'CAMPAIGN_CLOSED',
      httpStatus: 422,
      message: 'the campaign is not open now',
      messageKo: '모금 기간이 아닙니다',
      details: { campaignId },
    }),
  registrationTaken: (registrationNumber: string) =>
    new DomainError({
      code: 'CHARITY_ALREADY_REGISTERED',
      httpStatus: 409,
      message: `a charity with registration number ${registrationNumber} already exists`,
      messageKo: '이미 등록된 고유번호입니다',
    }),
  insufficientFunds: (source: string) =>
    new DomainError({
      code: 'INSUFFICIENT_FUNDS',
      httpStatus: 422,
      message: `not enough ${source} balance for this donation`,
      messageKo: '기부할 잔액이 부족합니다',
      details: { source },
    }),
  grantNotAllowed: () =>
    new DomainError({
      code: 'DONATION_SOURCE_NOT_ALLOWED',
      httpStatus: 422,
      message: 'none of your grants is allowed for donations by its programme',
      messageKo: '기부에 쓸 수 있는 정책지원금이 없습니다',
    }),
  giftNotFound: (giftId: string) =>
    new DomainError({
      code: 'MONTHLY_GIFT_NOT_FOUND',
      httpStatus: 404,
      message: `monthly gift ${giftId} not found`,
      messageKo: '정기 기부를 찾을 수 없습니다',
    }),
};
