import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hiddenControlText, unstorableText } from '../errors.js';
import { hiddenControlPath, unstorableTextPath } from '../storable-text.js';

function check(value: unknown, root: string): void {
  const path = unstorableTextPath(value, root);
  if (path !== null) throw unstorableText(path);
}

/** Headers are left out: HTTP itself refuses controls there, and clients set them, not people. */
function checkShown(value: unknown, root: string): void {
  const path = hiddenControlPath(value, root);
  if (path !== null) throw hiddenControlText(path);
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
    checkShown(request.params, 'params');
    checkShown(request.query, 'query');
  });
  app.addHook('preValidation', async (request: FastifyRequest) => {
    check(request.body, 'body');
    checkShown(request.body, 'body');
  });
}
