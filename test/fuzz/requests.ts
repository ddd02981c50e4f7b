import fc from 'fast-check';
import { generateSync, type JsonSchema } from 'json-schema-faker';

/**
 * Requests generated from the live OpenAPI document: json-schema-faker makes a value its schema
 * accepts (seeded by fast-check, so a failing case replays from fast-check's seed), and fast-check
 * then keeps it, pushes it to a boundary, or breaks it with text, numbers, dates and shapes a
 * careless or hostile client sends.
 */

export interface Operation {
  method: string;
  path: string;
  parameters: Array<{ in: string; name: string; required?: boolean; schema?: JsonSchema }>;
  body: { contentType: string; schema: JsonSchema; required: boolean } | null;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

type OpenApi = { paths: Record<string, Record<string, Record<string, unknown>>> };

/** Every operation of the document, so routes added later are fuzzed without a change here. */
/**
 * A server-sent-events route answers with a stream that stays open while the client listens: a test that
 * awaits a whole response would wait for ever. Such routes say so first in their description; they are
 * driven by their own test (test/api/commerce-live.test.ts), with a client that reads and hangs up.
 */
export function isEventStream(operation: { description?: unknown }): boolean {
  return typeof operation.description === 'string' && operation.description.startsWith('text/event-stream');
}

export function operationsOf(spec: OpenApi): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (isEventStream(operation)) continue;
      const content = (operation.requestBody as { content?: Record<string, { schema: JsonSchema }> })
        ?.content;
      const [contentType, media] = Object.entries(content ?? {})[0] ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: (operation.parameters as Operation['parameters']) ?? [],
        body:
          contentType && media
            ? {
                contentType,
                schema: media.schema,
                required: Boolean((operation.requestBody as { required?: boolean }).required),
              }
            : null,
      });
    }
  }
  return operations;
}

const NUL = '\u0000';

/** Text a client should never be able to turn into a 500. */
export const hostileText = fc.constantFrom(
  '',
  NUL,
  `a${NUL}b`,
  '\ud800',
  'x\udfffy',
  '\u202e\ufeff',
  ' ',
  '%00',
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1e300',
  'NaN',
  'null',
  '[]',
  '{}',
  '__proto__',
  "'; drop table ledger_entries; --",
  '../../etc/passwd',
  '한밭'.repeat(300),
  'x'.repeat(5_000),
);

export const hostileNumber = fc.constantFrom(
  0,
  -1,
  1,
  0.5,
  -0.0,
  2 ** 31,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  2 ** 53,
  2 ** 63,
  1e300,
  -1e300,
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  hostileNumber,
  fc.constantFrom(null, true, [], {}, [NUL], { [NUL]: NUL }),
);

/** A cursor: a real one from an earlier page, or a hand-made one (any JSON, any bytes). */
export function cursorArbitrary(seen: readonly string[]): fc.Arbitrary<string> {
  const handMade = fc
    .oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.record({ seq: fc.oneof(hostileNumber, hostileText) }),
      fc.record({ at: hostileText, id: hostileText }),
      fc.record({ createdAt: hostileText, id: fc.oneof(hostileText, hostileNumber) }),
      fc.record({ date: hostileText }),
      fc.record({ name: fc.oneof(hostileText, hostileNumber), id: hostileText }),
    )
    .map((value) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url'));
  const arbitraries: Array<fc.Arbitrary<string>> = [handMade, hostileText];
  if (seen.length > 0) arbitraries.push(fc.constantFrom(...seen));
  return fc.oneof(...arbitraries);
}

/** A value the schema accepts, from json-schema-faker seeded by fast-check. */
function validValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((seed) => {
    try {
      return generateSync(schema, { seed, optionalsProbability: 0.6, maxDefaultItems: 3 });
    } catch {
      return null;
    }
  });
}

/** A leaf broken in its own type, so it still passes the schema and reaches the handler. */
function breakLeaf(leaf: unknown): fc.Arbitrary<unknown> {
  if (typeof leaf === 'string')
    return fc.oneof(
      hostileText,
      fc.constantFrom(
        `${leaf}${NUL}`,
        `${NUL}${leaf.slice(1)}`,
        `${leaf.slice(0, -1)}\ud800`,
        leaf.toUpperCase(),
      ),
    );
  if (typeof leaf === 'number') return hostileNumber;
  return hostileValue;
}

/** Replaces one leaf (or drops one field) of a valid value: the boundary and hostile cases. */
function breakOne(value: unknown): fc.Arbitrary<unknown> {
  if (value === null || typeof value !== 'object') return breakLeaf(value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return fc.oneof(hostileValue, fc.constant({ [NUL]: 1 }));
  return fc.tuple(fc.nat(entries.length - 1), fc.nat(9)).chain(([index, dice]) => {
    const [key, inner] = entries[index] as [string, unknown];
    const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
    if (dice === 0) {
      delete copy[key];
      return fc.constant(Array.isArray(value) ? Object.values(copy) : copy);
    }
    const broken = dice === 1 ? hostileValue : breakOne(inner);
    return broken.map((replacement) => {
      copy[key] = replacement;
      return Array.isArray(value) ? Object.values(copy) : copy;
    });
  });
}

/** Valid a quarter of the time, broken in one place half the time, wholly hostile the rest. */
export function valueArbitrary(schema: JsonSchema): fc.Arbitrary<unknown> {
  const valid = validValue(schema);
  return fc.oneof(
    { arbitrary: valid, weight: 1 },
    { arbitrary: valid.chain(breakOne), weight: 2 },
    { arbitrary: hostileValue, weight: 1 },
  );
}

function paramText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? '');
}

export interface Pools {
  /** Ids seen in earlier answers (payments, transfers, programmes, …), so path params hit real rows. */
  ids: string[];
  cursors: string[];
}

function pathParamArbitrary(schema: JsonSchema, pools: Pools): fc.Arbitrary<string> {
  const arbitraries: Array<fc.Arbitrary<string>> = [valueArbitrary(schema).map(paramText)];
  if (pools.ids.length > 0) arbitraries.push(fc.constantFrom(...pools.ids));
  return fc.oneof(...arbitraries);
}

/** One whole request to `operation`: path params, query, headers and body. */
export function requestArbitrary(operation: Operation, pools: Pools): fc.Arbitrary<FuzzRequest> {
  const params = operation.parameters;
  const paramArbitraries = params.map((param) => {
    const schema = param.schema ?? {};
    if (param.in === 'path') return pathParamArbitrary(schema, pools);
    if (param.name === 'cursor') return fc.option(cursorArbitrary(pools.cursors), { nil: undefined });
    return fc.option(valueArbitrary(schema).map(paramText), { nil: undefined, freq: 3 });
  });
  const body = operation.body;
  const bodyArbitrary: fc.Arbitrary<string | undefined> = !body
    ? fc.constant(undefined)
    : body.contentType === 'application/json'
      ? fc.option(
          valueArbitrary(body.schema).map((value) => JSON.stringify(value) ?? ''),
          { nil: undefined, freq: 8 },
        )
      : fc.oneof(hostileText, fc.string({ maxLength: 200 }), fc.constant('phone\n010-1111-1111\n'));
  return fc
    .tuple(fc.tuple(...paramArbitraries), bodyArbitrary, fc.option(hostileText, { nil: undefined, freq: 4 }))
    .map(([values, payload, tenantHeader]) => {
      let url = operation.path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      params.forEach((param, index) => {
        const value = values[index] as string | undefined;
        if (value === undefined) return;
        if (param.in === 'path') url = url.replace(`{${param.name}}`, encodeURIComponent(wellFormed(value)));
        else if (param.in === 'query') query.set(param.name, value);
        else if (param.in === 'header') headers[param.name] = latin1(value);
      });
      if (tenantHeader !== undefined) headers['x-tenant-id'] = latin1(tenantHeader);
      if (payload !== undefined && body) headers['content-type'] = body.contentType;
      const search = query.toString();
      return {
        method: operation.method,
        url: search ? `${url}?${search}` : url,
        headers,
        ...(payload === undefined ? {} : { payload }),
      };
    });
}

/** A URL carries UTF-8: an unpaired surrogate cannot be sent in one (clients send U+FFFD). */
function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\ufffd');
}

/** HTTP header values are bytes: what a client can send at all (Node refuses the rest before us). */
function latin1(text: string): string {
  return text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?').slice(0, 1_000);
}
