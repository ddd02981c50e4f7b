import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATH_PARAM_LENGTH_MAX } from '../../src/http/app.js';
import { databaseKinds } from '../support/databases.js';
import {
  ApiClient,
  demoClient,
  demoMerchantCode,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
type Parameter = { in: string; name: string; required?: boolean; schema?: { maxLength?: number } };
type Operation = {
  parameters?: Parameter[];
  description?: string;
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema?: { type?: string; required?: string[] } }>;
  };
  responses: Record<string, unknown>;
};
type Document = { paths: Record<string, Record<string, Operation>> };
type Route = { method: Method; path: string; operation: Operation };

const KEY_REQUIRED_ROUTES = [
  'POST /v1/me/charges',
  'POST /v1/me/payments',
  'POST /v1/me/transfers',
  'POST /v1/me/refunds',
  'POST /v1/merchant/payments',
  'POST /v1/merchant/payments/{paymentId}/cancellations',
  'POST /v1/me/transfers/{transferId}/accept',
  'POST /v1/me/transfers/{transferId}/decline',
  'POST /v1/me/transfers/{transferId}/cancel',
];
const KEY_OPTIONAL_ROUTES = ['POST /v1/operator/fraud/cases/{caseId}/decision'];

function routesOf(document: Document): Route[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase() as Method,
      path,
      operation,
    })),
  );
}

function idempotencyHeaderOf(operation: Operation): Parameter | undefined {
  return operation.parameters?.find((p) => p.in === 'header' && p.name === 'idempotency-key');
}

/** The path with each parameter filled: `fill` of its documented maxLength (1 when it has none). */
function urlOf({ path, operation }: Route, fill = 'x'): string {
  return path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const parameter = operation.parameters?.find((p) => p.in === 'path' && p.name === name);
    return fill.repeat(parameter?.schema?.maxLength ?? 1);
  });
}

function isEventStream(operation: Operation): boolean {
  return operation.description?.startsWith('text/event-stream') ?? false;
}

/** What Node's parser answers to bytes sent as they are on a raw socket. */
function rawExchange(port: number, request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.write(request);
  });
}

/** Issue 10: the OpenAPI document says what the server does, and every client mistake gets the problem contract. */
describe.each(databaseKinds())('the HTTP contract on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let citizen: ApiClient;
  let cafe: ApiClient;
  let pos: ApiClient;
  let policyAdmin: ApiClient;
  let document: Document;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    citizen = await newMember(t.app, tenantId, '010-7400-0001');
    await newMember(t.app, tenantId, '010-7400-0002');
    cafe = await demoClient(t.app, tenantId, 'cafe');
    policyAdmin = await newMember(t.app, tenantId, '010-7400-0003');
    const admin = await t.platform.members.findByPhone(tenantId, '010-7400-0003');
    await t.platform.members.grantOperatorRoles(tenantId, admin?.id ?? '', ['policy_admin']);
    await policyAdmin.logIn('010-7400-0003', 'correct-horse-1');
    const { merchantId } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    pos = new ApiClient(t.app, tenantId);
    pos.token = (await t.platform.merchants.createPosKey(tenantId, merchantId, 'till 1')).rawKey;
    document = (await citizen.get('/openapi.json')).body;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('a request line Node cannot parse', () => {
    it('answers raw UTF-8 bytes in the URL with a bilingual problem, then closes', async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as { port: number };
      const answer = await rawExchange(
        port,
        Buffer.from('GET /v1/merchants?q=대흥 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'utf8'),
      );
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request/);
      expect(head).toContain('Content-Type: application/problem+json');
      expect(JSON.parse(body)).toMatchObject({
        status: 400,
        code: 'MALFORMED_REQUEST',
        messages: {
          ko: expect.stringContaining('퍼센트 인코딩'),
          en: expect.stringContaining('percent-encoded'),
        },
      });
    });
  });

  describe('path parameters', () => {
    it('lets the router pass the longest documented path parameter', () => {
      const lengths = routesOf(document).flatMap(({ operation }) =>
        (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.schema?.maxLength ?? 0),
      );
      expect(Math.max(...lengths)).toBeLessThanOrEqual(PATH_PARAM_LENGTH_MAX);
    });

    it('brings a parameter of its documented maxLength to its route on every path', async () => {
      const unrouted: string[] = [];
      for (const route of routesOf(document).filter(({ path }) => path.includes('{'))) {
        const answer = await citizen.request(route.method as 'GET', urlOf(route));
        if (answer.status === 414 || (answer.status === 404 && /^no route/.test(answer.body?.detail ?? '')))
          unrouted.push(`${route.method} ${route.path}: ${answer.status}`);
      }
      expect(unrouted).toEqual([]);
    });
  });

  describe('validation messages', () => {
    it.each([
      [{ amountWon: 0 }, 'body/amountWon must be >= 1', 'body/amountWon 값은 1 이상이어야 합니다'],
      [
        { amountWon: 1_000_000_000_000_000_000 },
        'body/amountWon must be <=',
        'body/amountWon 값은 9007199254740991 이하여야 합니다',
      ],
      [{ amountWon: '5000' }, 'body/amountWon must be integer', 'body/amountWon 값은 정수 형식이어야 합니다'],
      [{}, "body must have required property 'amountWon'", 'body/amountWon 값이 필요합니다'],
      [
        { amountWon: 1_000, tip: 1 },
        'body must NOT have additional properties',
        'body/tip 필드는 허용되지 않습니다',
      ],
    ])('names the field and the reason in Korean too for %j', async (body, en, ko) => {
      const answer = await citizen.post('/v1/me/charges', body);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('INVALID_INPUT');
      expect(answer.body.messages.en).toContain(`invalid request: ${en}`);
      expect(answer.body.messages.ko).toBe(`요청 형식이 올바르지 않습니다: ${ko}`);
    });

    it('says a string is too short or too long in characters', async () => {
      const short = await citizen.post('/v1/me/transfers', { recipientPhone: '010', amountWon: 1_000 });
      expect(short.body.messages.ko).toBe(
        '요청 형식이 올바르지 않습니다: body/recipientPhone 값은 10자 이상이어야 합니다',
      );
      const long = await citizen.post('/v1/me/transfers', {
        recipientPhone: '0'.repeat(14),
        amountWon: 1_000,
      });
      expect(long.body.messages.ko).toBe(
        '요청 형식이 올바르지 않습니다: body/recipientPhone 값은 13자 이하여야 합니다',
      );
    });

    it('says which pattern and which values are allowed', async () => {
      const pattern = await cafe.post('/v1/merchant/payments', { code: '12', amountWon: 1_000 });
      expect(pattern.body.messages.ko).toBe(
        '요청 형식이 올바르지 않습니다: body/code 값이 형식(^\\d{20}$)에 맞지 않습니다',
      );
      const decision = await policyAdmin.post('/v1/operator/fraud/cases/case_x/decision', {
        decision: 'maybe',
        reason: 'x',
      });
      expect(decision.status).toBe(400);
      expect(decision.body.messages.ko).toMatch(/^요청 형식이 올바르지 않습니다: body\/decision 값/);
    });
  });

  describe('the Idempotency-Key', () => {
    const validBodies: Record<string, unknown> = {
      'POST /v1/me/charges': { amountWon: 1_000 },
      'POST /v1/me/payments': { merchantCode: 'DJ000000', amountWon: 1_000 },
      'POST /v1/me/transfers': { recipientPhone: '010-7400-0002', amountWon: 1_000 },
      'POST /v1/me/refunds': {},
      'POST /v1/merchant/payments': { code: '0'.repeat(20), amountWon: 1_000 },
      'POST /v1/merchant/payments/{paymentId}/cancellations': {},
    };

    it.each(KEY_REQUIRED_ROUTES)(
      'is documented as required on %s, where the server requires it',
      async (name) => {
        const [method = '', path = ''] = name.split(' ');
        const operation = document.paths[path]?.[method.toLowerCase()] as Operation;
        expect(idempotencyHeaderOf(operation)?.required).toBe(true);
        const client = path.startsWith('/v1/merchant/') ? cafe : citizen;
        const answer = await client.request(
          'POST',
          urlOf({ method: 'POST', path, operation }),
          validBodies[name],
        );
        expect(answer.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
      },
    );

    it.each(KEY_OPTIONAL_ROUTES)(
      'is documented as optional on %s, where the server goes on without it',
      async (name) => {
        const [, path = ''] = name.split(' ');
        expect(idempotencyHeaderOf(document.paths[path]?.post as Operation)?.required).toBe(false);
      },
    );

    it('is required by the budget route, which moves public money into a pot, as documented', async () => {
      const answer = await policyAdmin.request('POST', '/v1/operator/budgets', {
        name: '계약 검사 예산',
        period: 'annual',
        from: '2030-01-01T00:00:00+09:00',
        to: '2031-01-01T00:00:00+09:00',
        amountWon: 1_000_000,
        nationalShareBp: 0,
      });
      expect(answer.body?.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
      expect(idempotencyHeaderOf(document.paths['/v1/operator/budgets']?.post as Operation)?.required).toBe(
        true,
      );
    });

    it('is documented as required on every other route that declares it', () => {
      const optional = routesOf(document)
        .filter(({ operation }) => idempotencyHeaderOf(operation)?.required === false)
        .map(({ method, path }) => `${method} ${path}`);
      expect(optional.sort()).toEqual([...KEY_OPTIONAL_ROUTES].sort());
    });
  });

  describe('request bodies', () => {
    it('documents a JSON object body as optional exactly when it has no required field', () => {
      for (const { method, path, operation } of routesOf(document)) {
        const body = operation.requestBody;
        const schema = body?.content['application/json']?.schema;
        if (!body || !schema) continue;
        const omittable = schema.type === 'object' && (schema.required ?? []).length === 0;
        expect(body.required, `${method} ${path}`).toBe(!omittable);
      }
      const cancellation = document.paths['/v1/merchant/payments/{paymentId}/cancellations']?.post;
      expect(cancellation?.requestBody?.required).toBe(false);
    });

    it('cancels a payment in full when the cancellation has no body at all', async () => {
      await citizen.post('/v1/me/charges', { amountWon: 10_000 });
      const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
      const paid = await citizen.post('/v1/me/payments', { merchantCode, amountWon: 4_000 });
      expect(paid.status).toBe(201);
      const cancelled = await cafe.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`);
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(201);
    });
  });

  describe('answers that come before any handler', () => {
    it('are documented on every route: 404 (unknown city), 400, 414, 413 and 415 where they can occur', () => {
      const missing = routesOf(document).flatMap(({ method, path, operation }) => {
        const parameters = operation.parameters ?? [];
        const expected = ['404'];
        if (parameters.length > 0 || operation.requestBody) expected.push('400');
        if (parameters.some((p) => p.in === 'path')) expected.push('414');
        if (operation.requestBody) expected.push('413', '415');
        return expected
          .filter((status) => !operation.responses[status])
          .map((status) => `${method} ${path}: ${status}`);
      });
      expect(missing).toEqual([]);
    });

    it('answer an unknown city and an over-long path parameter as documented', async () => {
      const nowhere = new ApiClient(t.app, 'no-such-city');
      const undocumented: string[] = [];
      const check = (route: Route, status: number) => {
        if (!route.operation.responses[String(status)])
          undocumented.push(`${route.method} ${route.path}: ${status}`);
      };
      for (const route of routesOf(document).filter(({ operation }) => !isEventStream(operation))) {
        const unknownCity = await nowhere.request(route.method as 'GET', urlOf(route));
        expect(unknownCity.body?.code, `${route.method} ${route.path}`).toBe('TENANT_NOT_FOUND');
        check(route, unknownCity.status);
        if (route.path.includes('{')) {
          const long = await citizen.request(
            route.method as 'GET',
            route.path.replace(/\{[^}]+\}/g, 'x'.repeat(200)),
          );
          expect(long.status, `${route.method} ${route.path}`).toBe(414);
          check(route, 414);
        }
      }
      expect(undocumented).toEqual([]);
    });
  });

  describe('routes for signed-in people', () => {
    it('document the 403 they answer to a POS key', async () => {
      const undocumented: string[] = [];
      // An event stream the POS key may open would never end.
      for (const route of routesOf(document).filter(({ operation }) => !isEventStream(operation))) {
        const answer = await pos.request(route.method as 'GET', urlOf(route));
        if (answer.status === 403 && answer.body?.code === 'FORBIDDEN' && !route.operation.responses['403'])
          undocumented.push(`${route.method} ${route.path}`);
      }
      expect(undocumented).toEqual([]);
    });

    it('include every /v1/me route', () => {
      const without403 = routesOf(document)
        .filter(({ path, operation }) => path.startsWith('/v1/me/') && !operation.responses['403'])
        .map(({ method, path }) => `${method} ${path}`);
      expect(without403).toEqual([]);
    });
  });
});
