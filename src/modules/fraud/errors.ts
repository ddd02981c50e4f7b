import { DomainError } from '../../errors.js';

/** Fraud's refusals: each a stable code, a 4xx, and nothing changed. */
export const FraudErrors = {
  alertNotFound: (ids: string[]) =>
    new DomainError({
      code: 'FRAUD_ALERT_NOT_FOUND',
      httpStatus: 404,
      message: `alerts not found: ${ids.join(', ')}`,
      messageKo: `알림을 찾을 수 없습니다: ${ids.join(', ')}`,
    }),
  alertNotOpen: (ids: string[]) =>
    new DomainError({
      code: 'FRAUD_ALERT_NOT_OPEN',
      httpStatus: 409,
      message: `alerts already in a case or decided: ${ids.join(', ')}`,
      messageKo: `이미 사건에 포함되었거나 결정된 알림입니다: ${ids.join(', ')}`,
    }),
  caseNotFound: () =>
    new DomainError({
      code: 'FRAUD_CASE_NOT_FOUND',
      httpStatus: 404,
      message: 'case not found',
      messageKo: '사건을 찾을 수 없습니다',
    }),
  caseClosed: (status: string) =>
    new DomainError({
      code: 'FRAUD_CASE_CLOSED',
      httpStatus: 409,
      message: `the case was already decided (${status})`,
      messageKo: `이미 결정된 사건입니다(${status})`,
    }),
  actionsNeedConfirmation: () =>
    new DomainError({
      code: 'INVALID_INPUT',
      httpStatus: 400,
      message: 'a dismissed case takes no actions',
      messageKo: '기각한 사건에는 조치를 할 수 없습니다',
    }),
  noParty: (kind: 'member' | 'merchant') =>
    new DomainError({
      code: 'FRAUD_NO_PARTY',
      httpStatus: 400,
      message: `the case names no ${kind} to act on`,
      messageKo: `사건에 조치할 ${kind === 'member' ? '회원' : '가맹점'}이 없습니다`,
    }),
  partyNotFound: (kind: string, id: string) =>
    new DomainError({
      code: 'FRAUD_PARTY_NOT_FOUND',
      httpStatus: 404,
      message: `${kind} ${id} does not exist`,
      messageKo: `${kind === 'member' ? '회원' : '가맹점'} ${id}이(가) 없습니다`,
    }),
  alreadyClawedBack: (paymentIds: string[]) =>
    new DomainError({
      code: 'FRAUD_ALREADY_CLAWED_BACK',
      httpStatus: 409,
      message: `cashback of these payments was already clawed back: ${paymentIds.join(', ')}`,
      messageKo: `이미 환수한 결제입니다: ${paymentIds.join(', ')}`,
    }),
  nothingToClawBack: () =>
    new DomainError({
      code: 'FRAUD_NOTHING_TO_CLAW_BACK',
      httpStatus: 400,
      message: 'the case names no payments with cashback',
      messageKo: '환수할 캐시백이 있는 결제가 없습니다',
    }),
  freezeNotFound: () =>
    new DomainError({
      code: 'FRAUD_FREEZE_NOT_FOUND',
      httpStatus: 404,
      message: 'freeze not found',
      messageKo: '정지 내역을 찾을 수 없습니다',
    }),
  freezeReleased: () =>
    new DomainError({
      code: 'FRAUD_FREEZE_RELEASED',
      httpStatus: 409,
      message: 'the freeze was already released',
      messageKo: '이미 해제된 정지입니다',
    }),
};
