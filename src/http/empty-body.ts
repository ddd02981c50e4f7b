import type { FastifyInstance } from 'fastify';

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
    return parseJson(request, body as string, done);
  });
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body !== undefined) request.body = {};
  });
}
