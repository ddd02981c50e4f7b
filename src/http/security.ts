import cookie from '@fastify/cookie';
import Tokens from '@fastify/csrf';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { DomainError } from '../errors.js';

/** The browser's session: the same token API clients send as a bearer, out of reach of scripts. */
export const SESSION_COOKIE = 'hanbat_session';
/** The secret the CSRF tokens are made from; a page can ask for a token, never read the secret. */
const CSRF_SECRET_COOKIE = 'hanbat_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const CSRF_TOKEN_LENGTH_MAX = 200;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrfTokens = Tokens();

/**
 * Security headers on every response (helmet): a CSP the web app passes (its own scripts only, no
 * inline script, images from itself and data: URLs for QR codes), no framing, nosniff, no referrer
 * beyond the origin. `upgrade-insecure-requests` is left out: the demo serves plain http on loopback.
 * Built once: the Fastify plugin built helmet's middleware again for every request, parsing the CSP's
 * directives each time (~2.6% of the server's CPU under payments, bench/profile-http.ts).
 */
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
});

/** Sets the security headers on a raw response, then calls `next` (also for answers no hook sees). */
export function applySecurityHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  next: (error?: Error) => void,
): void {
  securityHeaders(request.raw, reply.raw, (error?: unknown) => next(error as Error | undefined));
}

export async function registerSecurity(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', (request, reply, done) => applySecurityHeaders(request, reply, done));
  await app.register(cookie);
}

function cookieOptions(request: FastifyRequest, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}

/** After a sign-in: the session cookie and a fresh CSRF secret, both living as long as the session. */
export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
) {
  const maxAgeSeconds = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(request, maxAgeSeconds));
  reply.setCookie(CSRF_SECRET_COOKIE, csrfTokens.secretSync(), cookieOptions(request, maxAgeSeconds));
}

export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
  reply.clearCookie(CSRF_SECRET_COOKIE, cookieOptions(request));
}

/** A token for the X-CSRF-Token header, made from this browser's secret (one is set if missing). */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string {
  const existing = request.cookies[CSRF_SECRET_COOKIE];
  if (existing) return csrfTokens.create(existing);
  const secret = csrfTokens.secretSync();
  reply.setCookie(CSRF_SECRET_COOKIE, secret, cookieOptions(request));
  return csrfTokens.create(secret);
}

export function sessionCookieOf(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE];
}

/** A request authenticated by cookie that changes something must carry a token made from the cookie's secret. */
export function assertCsrfToken(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const secret = request.cookies[CSRF_SECRET_COOKIE];
  const token = request.headers[CSRF_HEADER];
  const valid =
    typeof secret === 'string' &&
    typeof token === 'string' &&
    token.length <= CSRF_TOKEN_LENGTH_MAX &&
    csrfTokens.verify(secret, token);
  if (!valid)
    throw new DomainError({
      code: 'CSRF_TOKEN_INVALID',
      httpStatus: 403,
      message: `a signed-in browser must send ${CSRF_HEADER} (from GET /v1/sessions/csrf-token) with every change`,
      messageKo: '보안 토큰이 없거나 올바르지 않습니다. 페이지를 새로 고친 뒤 다시 시도하세요',
    });
}
