import { appendFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newAjv } from './validation.js';

/**
 * The serializer writes what a route's response schema says, not what the handler returned: a null
 * where the schema says integer goes out as 0, a field the schema does not name is dropped. Tests
 * install this check so a handler and its documented shape cannot drift apart unnoticed.
 */
export interface ResponseCheckOptions {
  /** Appends each violation to this file (one JSON line) instead of failing the request. */
  logFile?: string;
}

// Every difference at once, so one run of the suite finds them all.
const ajv = newAjv(false, true);
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * The schema with every object closed, so a field the document does not name is reported. The parts
 * of an intersection (allOf) stay open: each names only its own fields.
 */
function closed(schema: unknown, open = false): unknown {
  if (Array.isArray(schema)) return schema.map((part) => closed(part, open));
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = closed(value, key === 'allOf');
  if (!open && copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) {
    copy.additionalProperties = false;
  }
  return copy;
}

function validatorOf(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(closed(schema) as object);
    compiled.set(schema, validate);
  }
  return validate;
}

function schemaFor(request: FastifyRequest, statusCode: number): object | undefined {
  const responses = request.routeOptions.schema?.response as Record<string, object> | undefined;
  if (!responses) return undefined;
  return responses[String(statusCode)] ?? responses[`${String(statusCode)[0]}xx`] ?? responses.default;
}

/** What the wire would carry before the schema shapes it: dates as text, bigints as numbers. */
function asJson(payload: unknown): unknown {
  return JSON.parse(
    JSON.stringify(payload, (_key, value) => (typeof value === 'bigint' ? Number(value) : value)),
  );
}

export function registerResponseCheck(app: FastifyInstance, options: ResponseCheckOptions): void {
  app.addHook('preSerialization', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (payload === null || typeof payload !== 'object' || Buffer.isBuffer(payload)) return payload;
    const schema = schemaFor(request, reply.statusCode);
    if (!schema) return payload;
    const validate = validatorOf(schema);
    if (validate(asJson(payload))) return payload;
    const violation = {
      route: `${request.method} ${request.routeOptions.url}`,
      status: reply.statusCode,
      errors: validate.errors?.map(({ instancePath, message, params }) => ({
        instancePath,
        message,
        params,
      })),
    };
    if (options.logFile) {
      appendFileSync(options.logFile, `${JSON.stringify(violation)}\n`);
      return payload;
    }
    throw new Error(`response does not match its documented schema: ${JSON.stringify(violation)}`);
  });
}
