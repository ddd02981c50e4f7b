import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import type { RouteOptions } from 'fastify';
import { isPeopleOnlyGuard } from './auth.js';
import { bodyMayBeOmitted } from './empty-body.js';
import { ProblemSchema } from './schemas.js';

const IDEMPOTENCY_KEY = 'idempotency-key';

/**
 * Routes that declare an Idempotency-Key but work without one (a retry is then not recognised):
 * every other route declaring the header answers IDEMPOTENCY_KEY_REQUIRED without it. The header
 * schema stays optional so that the route, not the schema, answers that code; the document says
 * `required` (test/api/openapi-contract.test.ts checks both against the server).
 */
const IDEMPOTENCY_KEY_OPTIONAL: ReadonlySet<string> = new Set([
  'POST /v1/operator/fraud/cases/:caseId/decision',
]);

type ObjectSchema = { properties?: Record<string, unknown>; required?: string[] };

function methodsOf(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method : [route.method];
}

function needsIdempotencyKey(route: RouteOptions, url: string): boolean {
  const headers = route.schema?.headers as ObjectSchema | undefined;
  if (headers?.properties?.[IDEMPOTENCY_KEY] === undefined) return false;
  return methodsOf(route).some((method) => !IDEMPOTENCY_KEY_OPTIONAL.has(`${method} ${url}`));
}

function hooksOf(route: RouteOptions): unknown[] {
  return [route.onRequest, route.preValidation, route.preHandler].flatMap((hook) => hook ?? []);
}

function withRequiredKey(headers: ObjectSchema): ObjectSchema {
  return { ...headers, required: [...new Set([...(headers.required ?? []), IDEMPOTENCY_KEY])] };
}

/**
 * Per route, what the server does beyond its schema: the Idempotency-Key a money route insists on,
 * and the 403 a route for signed-in people answers to a POS key.
 */
export const documentRouteContract: SwaggerTransform = ({ schema, url, route }) => {
  if (!schema) return { schema, url };
  let documented = schema;
  if (needsIdempotencyKey(route, url))
    documented = { ...documented, headers: withRequiredKey(documented.headers as ObjectSchema) };
  const responses = documented.response as Record<string, unknown> | undefined;
  if (hooksOf(route).some(isPeopleOnlyGuard) && responses && responses[403] === undefined)
    documented = { ...documented, response: { ...responses, 403: ProblemSchema } };
  return { schema: documented, url };
};

type Operation = {
  parameters?: Array<{ in: string }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, unknown>;
};
type Spec = {
  paths?: Record<string, Record<string, Operation>>;
  components?: { responses?: Record<string, unknown> };
};

/** One problem response for every answer below, referenced rather than repeated on ~200 operations. */
const PROBLEM_RESPONSE = {
  description: 'RFC 9457 problem details',
  content: { 'application/json': { schema: ProblemSchema } },
};
const PROBLEM_RESPONSE_REF = { $ref: '#/components/responses/Problem' };

/**
 * What any operation may answer before its handler runs, whatever it documents itself: 404 for a
 * city that does not exist (request-context.ts), 400 when its schema refuses the request, 414 for a
 * path parameter over the router's limit, 413 and 415 for a body too large or of another type.
 */
function frameworkStatuses(operation: Operation): string[] {
  const parameters = operation.parameters ?? [];
  const statuses = ['404'];
  if (parameters.length > 0 || operation.requestBody) statuses.push('400');
  if (parameters.some((parameter) => parameter.in === 'path')) statuses.push('414');
  if (operation.requestBody) statuses.push('413', '415');
  return statuses;
}

/**
 * The whole document: a JSON body with no required field may be left out (see empty-body.ts), so
 * its requestBody is optional; and every operation lists the answers that come before its handler.
 */
export const documentWholeContract: SwaggerTransformObject = (document) => {
  const spec = ('openapiObject' in document ? document.openapiObject : document.swaggerObject) as Spec;
  spec.components = {
    ...spec.components,
    responses: { ...spec.components?.responses, Problem: PROBLEM_RESPONSE },
  };
  for (const operations of Object.values(spec.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const body = operation.requestBody;
      if (body && bodyMayBeOmitted(body.content?.['application/json']?.schema)) body.required = false;
      const responses = operation.responses ?? {};
      for (const status of frameworkStatuses(operation)) responses[status] ??= PROBLEM_RESPONSE_REF;
      operation.responses = responses;
    }
  }
  return spec as ReturnType<SwaggerTransformObject>;
};
