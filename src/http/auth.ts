// Guards run before body validation: a caller without the right role learns nothing about the body schema.
import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { DomainError } from '../errors.js';
import { namedTenants } from './request-context.js';
import { assertCsrfToken, sessionCookieOf } from './security.js';

export type OperatorRole = 'policy_admin' | 'merchant_reviewer' | 'auditor';
export const OPERATOR_ROLES: readonly OperatorRole[] = ['policy_admin', 'merchant_reviewer', 'auditor'];

/** Who is calling: a signed-in person (member, maybe operator or merchant owner) or a merchant's POS key. */
export type Principal =
  | { kind: 'user'; tenantId: string; userId: string; sessionId: string; operatorRoles: OperatorRole[] }
  | { kind: 'pos'; tenantId: string; merchantId: string; keyId: string };

/** What the guards need from the identity and merchants modules. */
export interface Authenticator {
  authenticateSession(token: string): Promise<Principal | null>;
  authenticatePosKey(key: string): Promise<Principal | null>;
  /** Approved merchants this user owns, oldest first. */
  ownedMerchantIds(tenantId: string, userId: string): Promise<string[]>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Set by requireMerchant: the merchant the request acts for. */
    actingMerchantId?: string;
  }
}

const POS_KEY_PREFIX = 'pos_';
const TOKEN_LENGTH_MAX = 256;

export function unauthenticated(): DomainError {
  return new DomainError({
    code: 'UNAUTHENTICATED',
    httpStatus: 401,
    message: 'sign in first: send Authorization: Bearer <token>',
    messageKo: '먼저 로그인하세요',
  });
}

export function forbidden(why: string, whyKo: string): DomainError {
  return new DomainError({ code: 'FORBIDDEN', httpStatus: 403, message: why, messageKo: whyKo });
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length > TOKEN_LENGTH_MAX + 7) return null;
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
  return match?.[1] ?? null;
}

/** The session cookie (never a POS key), once the request has shown its CSRF token where one is needed. */
function browserSessionToken(request: FastifyRequest): string | null {
  const token = sessionCookieOf(request);
  if (!token || token.length > TOKEN_LENGTH_MAX || token.startsWith(POS_KEY_PREFIX)) return null;
  assertCsrfToken(request);
  return token;
}

/**
 * The caller's token: a bearer header (API clients, POS keys) or, for the browser, the HttpOnly
 * session cookie, which then needs a CSRF token on every request that changes something.
 */
export function sessionTokenOf(request: FastifyRequest): string | null {
  return bearerToken(request) ?? sessionCookieOf(request) ?? null;
}

async function resolvePrincipal(auth: Authenticator, request: FastifyRequest): Promise<Principal> {
  if (request.principal) return request.principal;
  const token = bearerToken(request) ?? browserSessionToken(request);
  if (!token) throw unauthenticated();
  const principal = token.startsWith(POS_KEY_PREFIX)
    ? await auth.authenticatePosKey(token)
    : await auth.authenticateSession(token);
  if (!principal) throw unauthenticated();
  request.principal = principal;
  return principal;
}

function credentialOf(principal: Principal): string {
  return principal.kind === 'user'
    ? `${principal.tenantId}|session|${principal.sessionId}`
    : `${principal.tenantId}|pos|${principal.keyId}`;
}

export function userOf(request: FastifyRequest): Extract<Principal, { kind: 'user' }> {
  const principal = request.principal;
  if (principal?.kind !== 'user') throw unauthenticated();
  return principal;
}

/** Guards that refuse a POS key with 403 (routes for signed-in people): OpenAPI documents that 403. */
const PEOPLE_ONLY_GUARDS = new WeakSet<preValidationAsyncHookHandler>();

function peopleOnly(guard: preValidationAsyncHookHandler): preValidationAsyncHookHandler {
  PEOPLE_ONLY_GUARDS.add(guard);
  return guard;
}

export function isPeopleOnlyGuard(hook: unknown): boolean {
  return typeof hook === 'function' && PEOPLE_ONLY_GUARDS.has(hook as preValidationAsyncHookHandler);
}

/** The route guards; each module's routes pick the one that fits. */
export function guards(auth: Authenticator) {
  const ensureUser = async (request: FastifyRequest) => {
    const principal = await resolvePrincipal(auth, request);
    if (principal.kind !== 'user') {
      throw forbidden('this route is for signed-in people, not POS keys', 'POS 키로는 사용할 수 없습니다');
    }
    return principal;
  };
  const requireUser = peopleOnly(async (request) => {
    await ensureUser(request);
  });

  /** Any of `roles` admits; auditors are read-only, so give them GET routes only. */
  const requireOperator = (...roles: OperatorRole[]): preValidationAsyncHookHandler => {
    const admitted = roles.length > 0 ? roles : OPERATOR_ROLES;
    return peopleOnly(async (request) => {
      const principal = await ensureUser(request);
      if (!principal.operatorRoles.some((role) => admitted.includes(role))) {
        throw forbidden(
          `this route needs the operator role ${admitted.join(' or ')}`,
          '운영자 권한이 필요합니다',
        );
      }
    });
  };

  /** A POS key acts for its merchant; a person acts for the approved merchant they own. */
  const requireMerchant: preValidationAsyncHookHandler = async (request) => {
    const principal = await resolvePrincipal(auth, request);
    if (principal.kind === 'pos') {
      request.actingMerchantId = principal.merchantId;
      return;
    }
    const owned = await auth.ownedMerchantIds(principal.tenantId, principal.userId);
    const wanted = request.headers['x-merchant-id'];
    const merchantId = typeof wanted === 'string' ? owned.find((id) => id === wanted) : owned[0];
    if (!merchantId)
      throw forbidden('you do not own an approved merchant', '승인된 가맹점의 점주만 사용할 수 있습니다');
    request.actingMerchantId = merchantId;
  };

  /**
   * On every route: a request that names no city but carries a bearer token belongs to the token's
   * city (`tenantOf` reads the caller's own first), public routes included, so an API or POS client
   * that sends only its token is never answered with the default city's policy, charities or books.
   * A token that does not authenticate changes nothing here; a guarded route still refuses it.
   */
  const identifyCaller: preValidationAsyncHookHandler = async (request) => {
    if (request.principal || !bearerToken(request) || namedTenants(request).length > 0) return;
    await resolvePrincipal(auth, request).catch(() => undefined);
  };

  /**
   * For a response that outlives its request (a live stream): asks again whether the credential the
   * request came with still signs the same principal in, so a stream ends once its session is signed
   * out, expires or is revoked, or its POS key is revoked.
   */
  const stillAuthenticated = (request: FastifyRequest): (() => Promise<boolean>) => {
    const token = bearerToken(request) ?? sessionCookieOf(request) ?? null;
    const signedIn = request.principal;
    return async () => {
      if (!token || !signedIn) return false;
      const now = token.startsWith(POS_KEY_PREFIX)
        ? await auth.authenticatePosKey(token)
        : await auth.authenticateSession(token);
      return now !== null && credentialOf(now) === credentialOf(signedIn);
    };
  };

  return { requireUser, requireOperator, requireMerchant, identifyCaller, stillAuthenticated };
}

export type Guards = ReturnType<typeof guards>;
