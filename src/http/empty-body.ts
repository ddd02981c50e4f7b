import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../errors.js';

/**
 * Whether a route may be sent without a body: it then sees `{}` (see registerEmptyBody), which an
 * object schema with no required field accepts. OpenAPI says so from this same rule.
 */
export function bodyMayBeOmitted(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  const { type, required } = schema as { type?: unknown; required?: unknown };
  return type === 'object' && !(Array.isArray(required) && required.length > 0);
}

/**
 * A request without a body (none at all, or none under `Content-Type: application/json`) means "no
 * fields": a route whose body has only optional fields treats it as `{}` (e.g. a cancellation with
 * no amount cancels in full), a route with required fields still answers which one is missing.
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
