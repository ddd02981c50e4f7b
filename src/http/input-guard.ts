import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unstorableText } from '../errors.js';
import { unstorableTextPath } from '../storable-text.js';

function check(value: unknown, root: string): void {
  const path = unstorableTextPath(value, root);
  if (path !== null) throw unstorableText(path);
}

/**
 * One gate for every route, present and future: path parameters, query and headers are checked as
 * the request arrives (before any guard looks up a session), the body once it is parsed, before
 * schema validation and before any handler or batch sees it.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    check(request.params, 'params');
    check(request.query, 'query');
    check(request.headers, 'headers');
  });
  app.addHook('preValidation', async (request: FastifyRequest) => {
    check(request.body, 'body');
  });
}
