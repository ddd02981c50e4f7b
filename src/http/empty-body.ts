import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, invalidInput } from '../errors.js';

/**
 * Whether a route may be sent without a body: it then sees `{}` (see registerEmptyBody), which an
 * object schema with no required field accepts. OpenAPI says so from this same rule.
 */
export function bodyMayBeOmitted(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  const { type, required } = schema as { type?: unknown; required?: unknown };
  return type === 'object' && !(Array.isArray(required) && required.length > 0);
}

/** Whether a route reads a body: it declares the body's schema, or the media types it consumes (a photo). */
function takesBody(schema: { body?: unknown; consumes?: unknown } | undefined): boolean {
  return schema?.body !== undefined || schema?.consumes !== undefined;
}

/**
 * A request without a body (none at all, or none under `Content-Type: application/json`) means "no
 * fields": a route whose body has only optional fields treats it as `{}` (e.g. a cancellation with
 * no amount cancels in full), a route with required fields still answers which one is missing.
 * A route that reads no body (an action: accept, approve, cancel) takes none, an empty one or `{}`,
 * all three as the same request (so one Idempotency-Key replays across them), and refuses any other
 * body before it runs (see `noBody`).
 */
export function registerEmptyBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    return parseJson(request, body as string, (error, value) => {
      if (error && isValidJson(body as string)) return done(forbiddenKey(), undefined);
      return done(error, value);
    });
  });
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body !== undefined) request.body = {};
  });
  // After the guards (preValidation): a caller who may not use the route is told that first.
  app.addHook('preHandler', async (request) => {
    if (!takesBody(request.routeOptions.schema)) request.body = noBody(request);
  });
}

/**
 * The body of a route that reads none: nothing, whether it was sent no body, an empty one or `{}`.
 * A JSON body with fields or one that is not an object (`[]`, `null`, `"x"`) is refused (400), and
 * content of another type (`text/plain` "x") too (415): the client meant something the route
 * would silently ignore.
 */
function noBody(request: FastifyRequest): undefined {
  const { body } = request;
  if (body === undefined || body === '' || isEmptyObject(body)) return undefined;
  if (/^application\/json\b/i.test(request.headers['content-type'] ?? '')) throw unexpectedBody();
  throw unsupportedBody();
}

function isEmptyObject(value: unknown): boolean {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

function unexpectedBody(): DomainError {
  return invalidInput(
    'this route takes no body: send none, or {}',
    '이 요청에는 본문이 없어야 합니다. 본문 없이 보내거나 {}를 보내 주세요',
  );
}

function unsupportedBody(): DomainError {
  return new DomainError({
    code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    httpStatus: 415,
    message: 'this route takes no body: send none, or {} as application/json',
    messageKo: '이 요청에는 본문이 없어야 합니다. 본문 없이 보내거나 application/json으로 {}를 보내 주세요',
  });
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The parser refuses `__proto__` and `constructor.prototype` keys, which could poison objects: say so, not "not JSON". */
function forbiddenKey() {
  return invalidInput(
    'the body has a key named __proto__ or constructor.prototype, which is not accepted',
    '요청 본문에 __proto__ 또는 constructor.prototype 키는 쓸 수 없습니다',
  );
}
