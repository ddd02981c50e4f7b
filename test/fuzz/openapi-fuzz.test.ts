import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import {
  type ApiClient,
  demoClient,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';
import { type FuzzRequest, type Operation, operationsOf, type Pools, requestArbitrary } from './requests.js';

/** Cases per route and role: valid, boundary and hostile, about a third each. */
const CASES_PER_ROUTE_AND_ROLE = Number(process.env.FUZZ_CASES ?? 8);
/** Fixed unless asked otherwise, so a run in CI is repeatable; FUZZ_SEED explores further. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const ROLES = ['anonymous', 'citizen', 'merchant', 'pos', 'operator'] as const;
type Role = (typeof ROLES)[number];

interface ServerFault {
  role: Role;
  request: FuzzRequest;
  status: number;
  body: string;
}

/**
 * Issue 10, item 7: every route of the live OpenAPI document (`app.swagger()`, so routes added later
 * are fuzzed too), for every role, with generated path params, queries, headers, bodies and cursors:
 * never a 5xx, and the ledger audit green afterwards. PGlite only: the point is the HTTP surface,
 * and the SQL suites already run on both databases.
 */
describe('fuzzing every route from the OpenAPI document', () => {
  let t: TestPlatform;
  let tenantId: string;
  let operations: Operation[];
  const tokens = new Map<Role, string | undefined>();
  const pools: Pools = { ids: [], cursors: [] };
  const faults: ServerFault[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    // With a signing secret, so the bank's callback route is fuzzed rather than switched off.
    t = await openTestPlatform('pglite', { BANK_SIGNING_SECRET: 'fuzz-signing-secret-0123456789abcdef' });
    tenantId = await seedTestTenant(t.platform);
    const citizen = await newMember(t.app, tenantId, '010-7400-0001');
    await citizen.post('/v1/me/charges', { amountWon: 300_000 });
    const merchant = await demoClient(t.app, tenantId, 'cafe');
    const posKey = await merchant.post('/v1/merchant/pos-keys', { label: 'fuzz till' });
    const operator = await demoClient(t.app, tenantId, 'operator');
    tokens.set('anonymous', undefined);
    tokens.set('citizen', citizen.token);
    tokens.set('merchant', merchant.token);
    tokens.set('pos', posKey.body.key);
    tokens.set('operator', operator.token);
    await seedPools(citizen, merchant, operator);
    operations = operationsOf(t.app.swagger() as unknown as Parameters<typeof operationsOf>[0]);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A few real rows (a payment, a transfer, a programme) so generated path params also hit real ids. */
  async function seedPools(citizen: ApiClient, merchant: ApiClient, operator: ApiClient) {
    const profile = await merchant.get('/v1/merchant/profile');
    const paid = await citizen.post('/v1/me/payments', {
      merchantCode: profile.body.merchantCode,
      amountWon: 5_000,
    });
    const sent = await citizen.post('/v1/me/transfers', {
      recipientPhone: '010-1111-1111',
      amountWon: 1_000,
    });
    const programs = await operator.get('/v1/operator/programs');
    collect(paid.body);
    collect(sent.body);
    collect(programs.body);
  }

  /** Ids and cursors from an answer, bounded. */
  function collect(body: unknown, depth = 0): void {
    if (depth > 3 || body === null || typeof body !== 'object') return;
    for (const [key, value] of Object.entries(body)) {
      if (
        typeof value === 'string' &&
        /id$/i.test(key) &&
        pools.ids.length < 50 &&
        !pools.ids.includes(value)
      )
        pools.ids.push(value);
      if (key === 'nextCursor' && typeof value === 'string' && pools.cursors.length < 20)
        pools.cursors.push(value);
      if (typeof value === 'object') collect(value, depth + 1);
    }
  }

  async function send(role: Role, request: FuzzRequest): Promise<void> {
    const token = tokens.get(role);
    const response = await t.app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: {
        'x-tenant-id': tenantId,
        'idempotency-key': `fuzz-${Math.random().toString(36).slice(2)}`,
        ...request.headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(request.payload === undefined ? {} : { payload: request.payload }),
    });
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    if (response.statusCode >= 500)
      faults.push({ role, request, status: response.statusCode, body: response.body.slice(0, 300) });
    else if (response.statusCode < 300) collect(safeJson(response.body));
    if (request.method === 'DELETE' && request.url.startsWith('/v1/sessions/current'))
      await signInAgain(role);
  }

  /** Fuzzing sign-out ends the role's session: a new one, from the service (no HTTP sign-in limits). */
  async function signInAgain(role: Role) {
    const credentials: Partial<Record<Role, { phone: string; password: string }>> = {
      citizen: { phone: '010-7400-0001', password: 'correct-horse-1' },
      merchant: DEMO_CREDENTIALS.cafe,
      operator: DEMO_CREDENTIALS.operator,
    };
    const who = credentials[role];
    if (who)
      tokens.set(
        role,
        (await t.platform.members.logIn(tenantId, who.phone, who.password, '127.0.0.1')).token,
      );
  }

  it(`answers every route, role and generated case without a 5xx (${CASES_PER_ROUTE_AND_ROLE} cases each)`, async () => {
    expect(operations.length).toBeGreaterThan(50);
    for (const [operationIndex, operation] of operations.entries()) {
      for (const [roleIndex, role] of ROLES.entries()) {
        await fc.assert(
          fc.asyncProperty(requestArbitrary(operation, pools), async (request) => {
            await send(role, request);
          }),
          {
            numRuns: CASES_PER_ROUTE_AND_ROLE,
            seed: SEED + operationIndex * ROLES.length + roleIndex,
            endOnFailure: true,
          },
        );
      }
    }
    const requests = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    console.info(
      `fuzz: ${operations.length} routes × ${ROLES.length} roles × ${CASES_PER_ROUTE_AND_ROLE} cases = ${requests} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(faults).toEqual([]);
    await expectLedgerAuditGreen(t.platform, tenantId);
  }, 600_000);
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
