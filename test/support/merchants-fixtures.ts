import type { OperatorRole, Principal } from '../../src/http/auth.js';
import { guards } from '../../src/http/auth.js';
import type { MerchantApplicationInput } from '../../src/modules/merchants/types.js';
import type { Platform } from '../../src/platform.js';

/**
 * The check digit of a 사업자등록번호, written out independently of the module's implementation
 * so that the tests check the module against the published algorithm rather than against itself.
 */
export function checkDigitByHand(nineDigits: string): number {
  const d = [...nineDigits].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const sum = d[0] + d[1] * 3 + d[2] * 7 + d[3] + d[4] * 3 + d[5] * 7 + d[6] + d[7] * 3 + d[8] * 5;
  return (10 - ((sum + Math.floor((d[8] * 5) / 10)) % 10)) % 10;
}

let businessNumberCount = 0;

/** A fresh valid business number, dashed as people type it (e.g. '300-00-00017'). */
export function newBusinessNumber(): string {
  businessNumberCount += 1;
  const nine = String(300_000_000 + businessNumberCount * 7_919).slice(0, 9);
  const ten = `${nine}${checkDigitByHand(nine)}`;
  return `${ten.slice(0, 3)}-${ten.slice(3, 5)}-${ten.slice(5)}`;
}

export function digitsOf(businessNumber: string): string {
  return businessNumber.replaceAll('-', '');
}

/** A restaurant in 유성구 that passes every Daejeon rule; override what a test is about. */
export function restaurantApplication(
  overrides: Partial<MerchantApplicationInput> = {},
): MerchantApplicationInput {
  return {
    businessNumber: newBusinessNumber(),
    name: '한밭 국밥',
    industryCode: 'restaurant',
    district: 'yuseong-gu',
    dong: '봉명동',
    annualRevenueWon: 240_000_000,
    settlementAccount: { bankCode: '011', accountNumber: '123-4567-8901', holderName: '김한밭' },
    ...overrides,
  };
}

export interface TestSessions {
  /** Returns a bearer token that signs in as this user. */
  signIn(tenantId: string, userId: string, operatorRoles?: OperatorRole[]): string;
}

/**
 * Until the identity module lands, route tests sign people in through a stand-in session table:
 * the guards are rebuilt around it before `buildApp` reads them. POS keys use the real lookup.
 */
export function useTestSessions(platform: Platform): TestSessions {
  const sessions = new Map<string, Principal>();
  platform.guards = guards({
    authenticateSession: async (token) => sessions.get(token) ?? null,
    authenticatePosKey: (key) => platform.merchants.authenticatePosKey(key),
    ownedMerchantIds: (tenantId, userId) => platform.merchants.ownedMerchantIds(tenantId, userId),
  });
  return {
    signIn(tenantId, userId, operatorRoles = []) {
      const token = `test-session.${tenantId}.${userId}`;
      sessions.set(token, { kind: 'user', tenantId, userId, sessionId: token, operatorRoles });
      return token;
    },
  };
}
