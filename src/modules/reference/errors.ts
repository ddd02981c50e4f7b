import { DomainError } from '../../errors.js';
import type { District } from './types.js';

export function unknownIndustry(code: string): DomainError {
  return new DomainError({
    code: 'UNKNOWN_INDUSTRY',
    httpStatus: 400,
    message: `no industry ${code} in this city; see GET /v1/industries`,
    messageKo: `업종 ${code}을(를) 찾을 수 없습니다`,
    details: { industryCode: code },
  });
}

/** Codes a grant or programme may not name: the city has no such industries. */
export function unknownIndustries(codes: readonly string[]): DomainError {
  return new DomainError({
    code: 'UNKNOWN_INDUSTRY',
    httpStatus: 400,
    message: `not industries of this city: ${codes.join(', ')}`,
    messageKo: `이 지역의 업종이 아닙니다: ${codes.join(', ')}`,
    details: { codes: [...codes] },
  });
}

export function unknownDistrict(code: string): DomainError {
  return new DomainError({
    code: 'UNKNOWN_DISTRICT',
    httpStatus: 400,
    message: `no district ${code} in this city; see GET /v1/districts`,
    messageKo: `구 ${code}을(를) 찾을 수 없습니다`,
    details: { district: code },
  });
}

export function unknownMarket(id: string): DomainError {
  return new DomainError({
    code: 'UNKNOWN_MARKET',
    httpStatus: 400,
    message: `no traditional market ${id} in this city; see GET /v1/markets`,
    messageKo: `전통시장 ${id}을(를) 찾을 수 없습니다`,
    details: { marketId: id },
  });
}

export function marketNotInDistrict(marketId: string, districtCode: string): DomainError {
  return new DomainError({
    code: 'MARKET_NOT_IN_DISTRICT',
    httpStatus: 400,
    message: `market ${marketId} is not in district ${districtCode}`,
    messageKo: `전통시장 ${marketId}은(는) ${districtCode}에 있지 않습니다`,
    details: { marketId, district: districtCode },
  });
}

export function dongNotInDistrict(
  dong: string,
  district: District,
  dongDistricts: readonly string[],
): DomainError {
  return new DomainError({
    code: 'DONG_NOT_IN_DISTRICT',
    httpStatus: 400,
    message: `${dong} is not in ${district.nameEn}; this city lists it in ${dongDistricts.join(', ')}`,
    messageKo: `${dong}은(는) ${district.nameKo}에 있지 않습니다`,
    details: { dong, district: district.code, dongDistricts },
  });
}
