import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function newAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  (addFormats as unknown as (ajv: Ajv) => Ajv)(ajv);
  return ajv;
}

const bodyAjv = newAjv(false);
const urlAjv = newAjv('array');

/**
 * Bodies are validated strictly ("5000" is not an amount); query strings and path params arrive as
 * text, so they are coerced to the declared types.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : urlAjv).compile(schema) as ReturnType<FastifySchemaCompiler<object>>;
