import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FastifySchemaCompiler } from 'fastify';
import { isYearInRange } from '../time.js';

const YEAR_PREFIX = /^(\d{4})-/;

/** A date or instant in the years the platform can hold (year 0000 is not one PostgreSQL knows). */
function boundedYear(text: string): boolean {
  const match = YEAR_PREFIX.exec(text);
  return match !== null && isYearInRange(Number(match[1]));
}

function validatorOf(format: 'date' | 'date-time'): (text: string) => boolean {
  const base = fullFormats[format];
  const validate = typeof base === 'object' && 'validate' in base ? base.validate : base;
  if (typeof validate !== 'function') throw new Error(`ajv-formats has no ${format} validator`);
  const valid = (text: string) => boundedYear(text) && (validate as (text: string) => boolean)(text);
  // RFC 3339 as ajv reads it admits an offset without minutes (+09), which Date cannot read: every
  // instant a route accepts must be one the handlers can turn into a Date.
  if (format === 'date-time') return (text) => valid(text) && Number.isFinite(Date.parse(text));
  return valid;
}

export function newAjv(coerceTypes: boolean | 'array', allErrors = false): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors,
    strict: false,
  });
  (addFormats as unknown as (ajv: Ajv) => Ajv)(ajv);
  // Every schema that says date or date-time gets the year bounds, routes added later included.
  ajv.addFormat('date', validatorOf('date'));
  ajv.addFormat('date-time', validatorOf('date-time'));
  return ajv;
}

const bodyAjv = newAjv(false);
const urlAjv = newAjv('array');

/**
 * Every integer a route accepts is a safe integer unless its schema says less: "1e300" in a path or
 * a 2^60 in a body is a 400, not a number the database refuses later (routes added later included).
 */
export function withSafeIntegers(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withSafeIntegers);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = withSafeIntegers(value);
  if (copy.type === 'integer') {
    copy.maximum ??= Number.MAX_SAFE_INTEGER;
    copy.minimum ??= -Number.MAX_SAFE_INTEGER;
  }
  return copy;
}

/**
 * Bodies are validated strictly ("5000" is not an amount); query strings and path params arrive as
 * text, so they are coerced to the declared types.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const body = httpPart === 'body';
  const compiled = body ? compiledBodies : compiledUrlParts;
  let validate = compiled.get(schema);
  if (!validate) {
    const ajvValidate = (body ? bodyAjv : urlAjv).compile(withSafeIntegers(schema) as object);
    validate = body ? ajvValidate : withDecimalNumbers(schema, ajvValidate);
    compiled.set(schema, validate);
  }
  return validate as ReturnType<FastifySchemaCompiler<object>>;
};

/** What a number in a URL is written as: decimal digits, with a sign and a fraction where allowed. */
const DECIMAL_INTEGER = /^-?\d+$/;
const DECIMAL_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Ajv coerces any text JavaScript reads as a number, so `?limit=0x10` was 16 and `?limit=1e1` 10, and
 * blank text 0: a typo or a probe became a page size or an id. A query or path number must be written
 * in decimal; anything else fails as the wrong type, as "abc" does.
 */
function withDecimalNumbers(schema: unknown, validate: ValidateFunction): ValidateFunction {
  const numeric = numericProperties(schema);
  if (numeric.size === 0) return validate;
  const checked = ((data: unknown) => {
    const failure = nonDecimalFailure(numeric, data);
    const valid = failure === null && validate(data);
    checked.errors = failure ? [failure] : validate.errors;
    return valid;
  }) as ValidateFunction;
  return checked;
}

type PropertySchema = { type?: unknown; items?: { type?: unknown } };

/**
 * Top-level properties declared integer or number (query and params are flat), or arrays of them,
 * including those of an intersection's parts.
 */
function numericProperties(schema: unknown, numeric = new Map<string, RegExp>()): Map<string, RegExp> {
  const { properties, allOf } = (schema ?? {}) as {
    properties?: Record<string, PropertySchema>;
    allOf?: unknown[];
  };
  for (const [name, property] of Object.entries(properties ?? {})) {
    const type = property?.type === 'array' ? property.items?.type : property?.type;
    if (type === 'integer') numeric.set(name, DECIMAL_INTEGER);
    if (type === 'number') numeric.set(name, DECIMAL_NUMBER);
  }
  for (const part of allOf ?? []) numericProperties(part, numeric);
  return numeric;
}

function nonDecimalFailure(numeric: Map<string, RegExp>, data: unknown) {
  if (data === null || typeof data !== 'object') return null;
  for (const [name, pattern] of numeric) {
    const value = (data as Record<string, unknown>)[name];
    const texts = Array.isArray(value) ? value : [value];
    const bad = texts.find((text) => typeof text === 'string' && !pattern.test(text));
    if (bad !== undefined) {
      const type = pattern === DECIMAL_INTEGER ? 'integer' : 'number';
      return {
        instancePath: `/${name}`,
        schemaPath: '#/type',
        keyword: 'type',
        params: { type },
        message: `must be ${type}`,
      };
    }
  }
  return null;
}

/**
 * Route schemas are module constants, so a second app in one process (tests open several) reuses the
 * first one's validators instead of compiling every route again.
 */
const compiledBodies = new WeakMap<object, ValidateFunction>();
const compiledUrlParts = new WeakMap<object, ValidateFunction>();
