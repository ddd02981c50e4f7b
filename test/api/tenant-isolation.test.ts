/**
 * Two cities on one deployment: every route of the live OpenAPI document is driven by tenant B's
 * people with tenant A's ids, tokens, idempotency key, cursor and payment code, and nothing of A may
 * show in an answer or change in A.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEventStream } from '../fuzz/requests.js';
import { databaseKinds } from '../support/databases.js';
import {
  ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  items?: JsonSchema;
};

/** A body the route's schema accepts, with A's values wherever a field names one. */
function sampleOf(schema: JsonSchema | undefined, name: string, aValues: Record<string, string>): unknown {
  if (!schema) return undefined;
  if (name in aValues) return aValues[name];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const choice = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (choice) return sampleOf(choice, name, aValues);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => sampleOf(part, name, aValues)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' || schema.properties) {
    const body: Record<string, unknown> = {};
    for (const key of schema.required ?? []) body[key] = sampleOf(schema.properties?.[key], key, aValues);
    return body;
  }
  if (type === 'integer' || type === 'number')
    return Math.min(Math.max(schema.minimum ?? 0, 1_000), schema.maximum ?? 1_000);
  if (type === 'boolean') return true;
  if (type === 'array') return schema.minItems ? [sampleOf(schema.items, name, aValues)] : [];
  if (schema.format === 'date-time') return '2021-06-01T00:00:00+09:00';
  if (schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$' || schema.format === 'date') return '1990-01-01';
  return 'isolation';
}

describe.each(databaseKinds())('tenant isolation on %s', (kind) => {
  let t: TestPlatform;
  let a: string;
  let b: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    a = await seedTestTenant(t.platform);
    b = await seedTestTenant(t.platform);
  });
  afterAll(async () => t.close());

  it('shows nothing of one city to the other and lets it change nothing there, on every route', async () => {
    // A's footprint: a charge, a payment under a key B will reuse, a pending transfer, a POS key, a payment code.
    const citizenA = await demoClient(t.app, a, 'citizen');
    const cafeA = await demoClient(t.app, a, 'cafe');
    const operatorA = await demoClient(t.app, a, 'operator');
    const cafe = await demoMerchantCode(t.platform, a, 'cafe');
    expect((await citizenA.post('/v1/me/charges', { amountWon: 200_000 })).status).toBe(201);
    const paid = await citizenA.post(
      '/v1/me/payments',
      { merchantCode: cafe.merchantCode, amountWon: 10_000 },
      'shared-key',
    );
    expect(paid.status).toBe(201);
    const transfer = await citizenA.post('/v1/me/transfers', {
      recipientPhone: '010-2222-0002',
      amountWon: 1_000,
    });
    expect(transfer.status).toBe(201);
    const posKey = await cafeA.request('POST', '/v1/merchant/pos-keys', { label: 'till 1' });
    expect(posKey.status).toBe(201);
    const paymentCode = (await citizenA.request('POST', '/v1/me/payment-codes')).body.code as string;
    const page = await citizenA.get('/v1/me/transactions?limit=1');
    const aCitizenId = (await citizenA.get('/v1/me')).body.memberId as string;
    const aValues: Record<string, string> = {
      id: cafe.merchantId,
      merchantId: cafe.merchantId,
      keyId: posKey.body.keyId,
      paymentId: paid.body.paymentId,
      transferId: transfer.body.transferId,
      memberId: aCitizenId,
      programId: 'prg_of_a',
      statementId: 'stm_of_a',
      merchantCode: cafe.merchantCode,
      code: paymentCode,
    };
    // Merchant codes are per city, so B's cafe may carry the same code as A's: only a distinct one is A's.
    const cafeOfB = await demoMerchantCode(t.platform, b, 'cafe');
    const secrets = [
      a,
      cafe.merchantId,
      ...(cafeOfB.merchantCode === cafe.merchantCode ? [] : [cafe.merchantCode]),
      aCitizenId,
      paid.body.paymentId,
      transfer.body.transferId,
      posKey.body.keyId,
      posKey.body.key,
      paymentCode,
      citizenA.token as string,
    ];
    const snapshotOfA = async () => ({
      wallet: (await citizenA.get('/v1/me/wallet')).body,
      transactions: (await citizenA.get('/v1/me/transactions')).body,
      transfers: (await citizenA.get('/v1/me/transfers?direction=outgoing')).body,
      posKeys: (await cafeA.get('/v1/merchant/pos-keys')).body,
      sales: (await cafeA.get('/v1/merchant/sales')).body,
      audit: (await operatorA.get('/v1/operator/audit')).body,
      trail: (await operatorA.get('/v1/operator/audit-trail')).body,
      merchants: (await operatorA.get('/v1/operator/merchants')).body,
      budgets: (await operatorA.get('/v1/operator/budgets')).body,
    });
    const before = await snapshotOfA();

    const people = [
      await demoClient(t.app, b, 'citizen'),
      await demoClient(t.app, b, 'operator'),
      await demoClient(t.app, b, 'cafe'),
      new ApiClient(t.app, b),
    ];
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: Record<string, { schema: JsonSchema }> };
            parameters?: Array<{ in: string; name: string }>;
            description?: string;
          }
        >
      >;
    };
    let requests = 0;
    for (const [path, operations] of Object.entries(spec.paths)) {
      // Signing out ends B's own session (checked below); the platform routes belong to no tenant.
      if (path === '/v1/sessions/current' || path.startsWith('/v1/platform/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        if (isEventStream(operation)) continue;
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(aValues[name] ?? 'x'));
        const hasCursor = operation.parameters?.some((parameter) => parameter.name === 'cursor');
        const query =
          hasCursor && page.body.nextCursor ? `?cursor=${encodeURIComponent(page.body.nextCursor)}` : '';
        const schema = operation.requestBody?.content['application/json']?.schema;
        const body = schema ? sampleOf(schema, '', aValues) : undefined;
        const sent = `${url}${query} ${JSON.stringify(body ?? '')}`;
        for (const person of people) {
          const response = await person.request(method.toUpperCase() as 'GET', `${url}${query}`, body, {
            'idempotency-key': 'shared-key',
          });
          requests += 1;
          const text = JSON.stringify(response.body ?? '');
          expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(500);
          // A refusal may name what the caller sent ("merchant mer_… not found"); nothing else of A.
          const shown = secrets.filter((secret) => !(response.status >= 400 && sent.includes(secret)));
          for (const secret of shown)
            expect(text, `${method} ${path} showed ${secret}`).not.toContain(secret);
          // A's idempotency key, reused by B, never replays A's payment.
          if (response.body?.paymentId) expect(response.body.paymentId).not.toBe(paid.body.paymentId);
        }
      }
    }
    expect(requests).toBeGreaterThan(200);
    expect(await snapshotOfA()).toEqual(before);

    // A's token names its own tenant whatever the header says; B signing out leaves A signed in.
    const crossed = await citizenA.request('GET', '/v1/me', undefined, { 'x-tenant-id': b });
    expect(crossed.body.memberId).toBe(aCitizenId);
    const citizenB = people[0] as ApiClient;
    expect((await citizenB.request('DELETE', '/v1/sessions/current')).status).toBeLessThan(300);
    expect((await citizenA.get('/v1/me')).status).toBe(200);
    // A's POS key still works for A and only for A.
    const pos = await t.app.inject({
      method: 'GET',
      url: '/v1/merchant/profile',
      headers: { authorization: `Bearer ${posKey.body.key}`, 'x-tenant-id': b },
    });
    expect(pos.statusCode).toBe(200);
    expect(pos.json().merchantId ?? pos.json().id).toBe(cafe.merchantId);
    await expectLedgerAuditGreen(t.platform, a);
    await expectLedgerAuditGreen(t.platform, b);
  }, 300_000);

  it('answers every route that names an unknown city with TENANT_NOT_FOUND, and finds a city made later', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { description?: string }>>;
    };
    const unknown = `nowhere-${kind}`;
    let requests = 0;
    for (const [path, operations] of Object.entries(spec.paths)) {
      if (path.startsWith('/v1/platform/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        if (isEventStream(operation)) continue;
        const url = path.replace(/\{(\w+)\}/g, 'x');
        const named = [
          { url, headers: { 'x-tenant-id': unknown } },
          { url: `${url}?tenant=${unknown}`, headers: {} },
        ];
        for (const request of named) {
          const response = await t.app.inject({
            method: method.toUpperCase() as 'GET',
            url: request.url,
            headers: { ...request.headers, 'content-type': 'application/json' },
            payload: method === 'get' ? undefined : '{}',
          });
          requests += 1;
          expect(response.statusCode, `${method} ${request.url}: ${response.body}`).toBe(404);
          expect(response.json().code, `${method} ${request.url}`).toBe('TENANT_NOT_FOUND');
        }
      }
    }
    expect(requests).toBeGreaterThan(100);
    expect(await t.platform.tenants.exists(unknown)).toBe(false);

    // A city created afterwards is found at once: a refusal is not remembered.
    const merchantsOf = (tenantId: string) =>
      t.app.inject({ method: 'GET', url: '/v1/merchants', headers: { 'x-tenant-id': tenantId } });
    await t.platform.tenants.create({
      id: unknown,
      name: '새 도시',
      currencyCode: 'KRW',
      timeZone: 'Asia/Seoul',
    });
    const found = await merchantsOf(unknown);
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().items).toEqual([]);
    // A known city is still served by header and by query.
    const known = await merchantsOf(a);
    expect(known.statusCode).toBe(200);
    expect(known.json().items.length).toBeGreaterThan(0);
    expect((await t.app.inject({ method: 'GET', url: `/v1/branding?tenant=${a}` })).statusCode).toBe(200);
    // `?tenant=` names the city on every public route, not only on the books: the new city's empty
    // shop list and no policy, never the default city's.
    const byQuery = await t.app.inject({ method: 'GET', url: `/v1/merchants?tenant=${unknown}` });
    expect(byQuery.statusCode, byQuery.body).toBe(200);
    expect(byQuery.json().items).toEqual([]);
    const policyOfA = await t.app.inject({ method: 'GET', url: `/v1/policies/current?tenant=${a}` });
    const policyOfNew = await t.app.inject({ method: 'GET', url: `/v1/policies/current?tenant=${unknown}` });
    expect(policyOfA.json().policy).not.toBeNull();
    expect([policyOfNew.statusCode, policyOfNew.json().policy]).toEqual([200, null]);
    const badName = await t.app.inject({ method: 'GET', url: '/v1/merchants?tenant=Not%20A%20City' });
    expect([badName.statusCode, badName.json().code]).toEqual([400, 'INVALID_INPUT']);
    // A city named twice or as a list names no one city: refused, never read as the default city, and
    // a sign-up so addressed creates no member anywhere.
    for (const query of [
      `tenant=${unknown}&tenant=${unknown}`,
      `tenant[]=${unknown}`,
      `tenant=${a}&tenant=x`,
    ]) {
      const listed = await t.app.inject({ method: 'GET', url: `/v1/merchants?${query}` });
      expect([listed.statusCode, listed.json().code], query).toEqual([400, 'INVALID_INPUT']);
    }
    const twiceSignUp = await t.app.inject({
      method: 'POST',
      url: `/v1/members?tenant=${unknown}&tenant=${unknown}`,
      payload: {
        phone: '010-5555-0002',
        password: 'correct-horse-1',
        name: '두 번',
        birthDate: '1990-01-01',
        district: 'seo-gu',
        dong: '둔산동',
      },
    });
    expect([twiceSignUp.statusCode, twiceSignUp.json().code]).toEqual([400, 'INVALID_INPUT']);
    const [created] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from users where regexp_replace(phone, '[^0-9]', '', 'g') = '01055550002'",
    );
    expect(created?.n).toBe(0);
  }, 300_000);
  it("answers a token sent without a city header for the token's city on public routes, and lists no other city's demo sign-ins", async () => {
    const citizenOfB = await demoClient(t.app, b, 'citizen');
    const tokenOnly = (url: string, token = citizenOfB.token) =>
      t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect(b).not.toBe(t.platform.config.defaultTenantId);
    for (const url of ['/v1/public/books', '/v1/branding']) {
      const answer = await tokenOnly(url);
      expect(answer.statusCode, `${url}: ${answer.body}`).toBe(200);
      expect(answer.json().tenantId, url).toBe(b);
    }
    const shopOfB = await demoMerchantCode(t.platform, b, 'cafe');
    const found = await tokenOnly(`/v1/merchants/by-code/${shopOfB.merchantCode}`);
    expect(found.statusCode, found.body).toBe(200);
    // A token that does not authenticate changes nothing on a public route.
    expect((await tokenOnly('/v1/public/books', 'not-a-session')).json().tenantId).toBe(
      t.platform.config.defaultTenantId,
    );
    const mode = await t.app.inject({ method: 'GET', url: '/v1/mode', headers: { 'x-tenant-id': b } });
    expect(mode.json().demoSignIns).toEqual([]);
    const defaultMode = await t.app.inject({ method: 'GET', url: '/v1/mode' });
    expect(defaultMode.json().demoSignIns.length).toBeGreaterThan(0);
  });
});
