import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/writable-pool.js';
import { DomainError } from '../errors.js';
import { tenantMovingError } from '../modules/tenant-directory/cluster-set.js';
import { isTenantFenced } from '../modules/tenant-directory/fence.js';
import { failurePath, validationMessageEn, validationMessageKo } from './validation-messages.js';

function tenantOfFence(error: unknown): string {
  const match = /tenant (\S+) is fenced/.exec((error as { message?: string }).message ?? '');
  return match?.[1] ?? 'this tenant';
}

/** RFC 9457 problem details, with the stable `code` clients branch on and messages in both languages. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  messages: { en: string; ko: string };
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemOf(error: DomainError, instance?: string): Problem {
  // Details first: they may add fields but never overwrite the standard ones.
  return {
    ...(error.details ?? {}),
    type: `https://hanbat.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: error.code,
    status: error.httpStatus,
    code: error.code,
    detail: error.message,
    messages: { en: error.message, ko: error.messageKo },
    ...(instance ? { instance } : {}),
  };
}

function databaseUnavailable(): DomainError {
  return new DomainError({
    code: 'DATABASE_UNAVAILABLE',
    httpStatus: 503,
    message: 'the database is switching over or unreachable; retry with the same Idempotency-Key',
    messageKo: '데이터베이스 전환 중이거나 연결할 수 없습니다. 같은 멱등키로 다시 시도해 주세요',
  });
}

function prefersKorean(request: FastifyRequest): boolean {
  return /^ko\b/i.test(request.headers['accept-language'] ?? '');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: DomainError): FastifyReply {
  const problem = problemOf(error, request.url);
  if (prefersKorean(request)) problem.detail = error.messageKo;
  // A refusal that says when to come back (a sign-in lockout, a request still at work) says it in HTTP too.
  const retryAfterSeconds = error.details?.retryAfterSeconds;
  if (Number.isSafeInteger(retryAfterSeconds) && (retryAfterSeconds as number) > 0)
    reply.header('retry-after', String(retryAfterSeconds));
  return reply.code(error.httpStatus).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** What the framework's own client errors say in Korean, by their code; others get a general sentence. */
const FRAMEWORK_MESSAGES_KO: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: '지원하지 않는 본문 형식(Content-Type)입니다',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: '요청 본문의 길이(Content-Length)가 올바르지 않습니다',
  FST_ERR_CTP_BODY_TOO_LARGE: '요청 본문이 너무 큽니다',
  FST_ERR_CTP_EMPTY_JSON_BODY: '요청 본문이 비어 있습니다. JSON을 보내 주세요',
  FST_ERR_CTP_INVALID_JSON_BODY: '요청 본문이 올바른 JSON이 아닙니다',
  FST_ERR_BAD_URL: '요청 주소(URL)가 올바르지 않습니다',
  FST_ERR_MAX_PARAM_LENGTH: '요청 주소가 너무 깁니다',
};

const RATE_LIMITED_KO = '요청이 너무 많습니다. 잠시 후 다시 시도해 주세요';

/** A client error raised by the framework or a plugin, with a stable code and both languages. */
function clientFaultOf(error: FastifyError, status: number): DomainError {
  if (status === 429) {
    return new DomainError({
      code: 'RATE_LIMITED',
      httpStatus: 429,
      message: 'too many requests; try again shortly',
      messageKo: RATE_LIMITED_KO,
    });
  }
  const code = error.code && /^[A-Z0-9_]+$/.test(error.code) ? error.code : 'BAD_REQUEST';
  return new DomainError({
    code,
    httpStatus: status,
    message: error.message,
    messageKo: FRAMEWORK_MESSAGES_KO[code] ?? '요청을 처리할 수 없습니다',
  });
}

/**
 * Errors the router raises before any hook runs (a malformed percent-encoding, a path parameter past
 * the router's length): the same problem body as every other error; its detail does not repeat the path.
 */
export function frameworkProblemOf(error: FastifyError): DomainError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return overLongParameter();
  return clientFaultOf(
    Object.assign(error, { message: 'the URL is not valid (a malformed percent-encoding)' }),
    error.statusCode ?? 400,
  );
}

/** Client mistakes get their message; server faults are logged in full and answered generically. */
/** `pathParamLengthMax`: the router's limit on a path parameter (app.ts), so that past it is one answer. */
export function registerProblemHandlers(
  app: FastifyInstance,
  pathParamLengthMax = Number.POSITIVE_INFINITY,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) return sendProblem(request, reply, error);
    if (error.validation && error.validationContext === 'body' && !consumesContentOf(request))
      return sendProblem(request, reply, unsupportedMediaType(request));
    if (error.validation) {
      return sendProblem(
        request,
        reply,
        new DomainError({
          code: 'INVALID_INPUT',
          httpStatus: 400,
          message: `invalid request: ${validationMessageEn(error.validationContext ?? 'request', error.validation)}`,
          messageKo: validationMessageKo(error.validationContext ?? 'request', error.validation),
          details: {
            errors: error.validation.map((item) => ({ path: failurePath(item), message: item.message })),
          },
        }),
      );
    }
    if (isTenantFenced(error)) {
      // Another instance is moving this tenant (or moved it): nothing was written; retry shortly.
      reply.header('retry-after', '1');
      return sendProblem(request, reply, tenantMovingError(tenantOfFence(error)));
    }
    if (isDatabaseUnavailable(error)) {
      // A failover or a lost connection: nothing was acknowledged; the same request (same idempotency key) may be retried.
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '1');
      return sendProblem(request, reply, databaseUnavailable());
    }
    const status = error.statusCode ?? 500;
    if (status < 500) return sendProblem(request, reply, clientFaultOf(error, status));
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      request,
      reply,
      new DomainError({
        code: 'INTERNAL_ERROR',
        httpStatus: 500,
        message: 'an internal error occurred; it has been logged',
        messageKo: '내부 오류가 발생했습니다. 기록되었습니다',
      }),
    );
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // The router refuses an over-long parameter before a static segment (FST_ERR_MAX_PARAM_LENGTH)
    // but reports one at the end of a path as no route: both are the same mistake, answered alike.
    if (path.split('/').some((segment) => segment.length > pathParamLengthMax))
      return sendProblem(request, reply, overLongParameter());
    return sendProblem(
      request,
      reply,
      new DomainError({
        code: 'NOT_FOUND',
        httpStatus: 404,
        message: `no route ${request.method} ${path}`,
        messageKo: '요청한 경로가 없습니다',
      }),
    );
  });
}

function overLongParameter(): DomainError {
  return new DomainError({
    code: 'FST_ERR_MAX_PARAM_LENGTH',
    httpStatus: 414,
    message: 'a path parameter is longer than any id',
    messageKo: FRAMEWORK_MESSAGES_KO.FST_ERR_MAX_PARAM_LENGTH as string,
  });
}

/**
 * A route that consumes only some media types (a CSV upload) and is sent another, whose parsed body then
 * fails the schema, is told its content type is wrong (415) rather than what the parsed body lacks.
 */
function consumesContentOf(request: FastifyRequest): boolean {
  const consumes = (request.routeOptions.schema as { consumes?: readonly string[] } | undefined)?.consumes;
  if (!consumes) return true;
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return consumes.some((type) => type.toLowerCase() === mediaType);
}

function unsupportedMediaType(request: FastifyRequest): DomainError {
  const consumes = (request.routeOptions.schema as { consumes?: readonly string[] }).consumes ?? [];
  return new DomainError({
    code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    httpStatus: 415,
    message: `this route takes ${consumes.join(' or ')}`,
    messageKo: `이 요청의 본문은 ${consumes.join(' 또는 ')} 형식이어야 합니다`,
  });
}
