import { DomainError } from '../../errors.js';
import type { EligibilityReason, MerchantStatus } from './types.js';

export function merchantNotFound(merchantId: string): DomainError {
  return new DomainError({
    code: 'MERCHANT_NOT_FOUND',
    httpStatus: 404,
    message: `no merchant ${merchantId}`,
    messageKo: `가맹점 ${merchantId}을(를) 찾을 수 없습니다`,
  });
}

export function duplicateBusinessNumber(): DomainError {
  return new DomainError({
    code: 'DUPLICATE_BUSINESS_NUMBER',
    httpStatus: 409,
    message: 'this business registration number already has a pending or approved merchant',
    messageKo: '이 사업자등록번호로 심사 중이거나 승인된 가맹점이 이미 있습니다',
  });
}

export function merchantNotPending(merchantId: string, status: MerchantStatus): DomainError {
  return new DomainError({
    code: 'MERCHANT_NOT_PENDING',
    httpStatus: 409,
    message: `merchant ${merchantId} is ${status}; only pending applications can be reviewed`,
    messageKo: `가맹점 ${merchantId}은(는) 심사 대기 상태가 아닙니다 (${status})`,
    details: { merchantStatus: status },
  });
}

export function merchantNotApproved(merchantId: string, status: MerchantStatus): DomainError {
  return new DomainError({
    code: 'MERCHANT_NOT_APPROVED',
    httpStatus: 409,
    message: `merchant ${merchantId} is ${status}; only approved merchants can do this`,
    messageKo: `가맹점 ${merchantId}은(는) 승인되지 않았습니다 (${status})`,
    details: { merchantStatus: status },
  });
}

/** The rules changed while the application waited; the reviewer should reject it with the reasons. */
export function merchantNoLongerEligible(merchantId: string, reasons: EligibilityReason[]): DomainError {
  return new DomainError({
    code: 'MERCHANT_NO_LONGER_ELIGIBLE',
    httpStatus: 409,
    message: `merchant ${merchantId} fails the eligibility rules in force now`,
    messageKo: `가맹점 ${merchantId}은(는) 현재 가맹 요건을 충족하지 않습니다`,
    details: { reasons },
  });
}

export function selfReviewForbidden(): DomainError {
  return new DomainError({
    code: 'SELF_REVIEW_FORBIDDEN',
    httpStatus: 403,
    message: 'a reviewer cannot review their own merchant application',
    messageKo: '본인이 신청한 가맹점은 심사할 수 없습니다',
  });
}

export function franchiseRegionRequired(): DomainError {
  return new DomainError({
    code: 'FRANCHISE_REGION_REQUIRED',
    httpStatus: 400,
    message: 'a directly operated franchise store must name the region of its headquarters',
    messageKo: '프랜차이즈 직영점은 본사 소재 시·도를 입력해야 합니다',
  });
}

export function posKeyNotFound(keyId: string): DomainError {
  return new DomainError({
    code: 'POS_KEY_NOT_FOUND',
    httpStatus: 404,
    message: `no POS key ${keyId} for this merchant`,
    messageKo: `POS 키 ${keyId}을(를) 찾을 수 없습니다`,
  });
}

export function posKeyLimitReached(activeKeysMax: number): DomainError {
  return new DomainError({
    code: 'POS_KEY_LIMIT_REACHED',
    httpStatus: 409,
    message: `a merchant holds at most ${activeKeysMax} active POS keys; revoke one first`,
    messageKo: `POS 키는 최대 ${activeKeysMax}개까지 쓸 수 있습니다. 먼저 하나를 폐기하세요`,
  });
}
