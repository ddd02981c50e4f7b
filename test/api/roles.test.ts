import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

type Route = { method: 'GET' | 'POST' | 'DELETE'; url: string; body?: unknown };

/** Each role is refused on every route that is not its own: one assertion per route and role. */
describe.each(databaseKinds())('roles on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let citizen: ApiClient;
  let owner: ApiClient;
  let auditor: ApiClient;
  let reviewer: ApiClient;
  let policyAdmin: ApiClient;
  let pos: ApiClient;
  let anonymous: ApiClient;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    citizen = await newMember(t.app, tenantId, '010-7000-0001');
    owner = await demoClient(t.app, tenantId, 'cafe');
    auditor = await operatorWith('010-7000-0002', 'auditor');
    reviewer = await operatorWith('010-7000-0003', 'merchant_reviewer');
    policyAdmin = await operatorWith('010-7000-0004', 'policy_admin');
    const { merchantId } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    const { rawKey } = await t.platform.merchants.createPosKey(tenantId, merchantId, 'till 1');
    pos = new ApiClient(t.app, tenantId);
    pos.token = rawKey;
    anonymous = new ApiClient(t.app, tenantId);
  });
  afterAll(async () => {
    await t.close();
  });

  async function operatorWith(phone: string, role: 'auditor' | 'merchant_reviewer' | 'policy_admin') {
    const client = await newMember(t.app, tenantId, phone);
    const member = await t.platform.members.findByPhone(tenantId, phone);
    await t.platform.members.grantOperatorRoles(tenantId, member?.id ?? '', [role]);
    return client.logIn(phone, 'correct-horse-1');
  }

  const memberRoutes: Route[] = [
    { method: 'GET', url: '/v1/me/wallet' },
    { method: 'POST', url: '/v1/me/charges', body: { amountWon: 1_000 } },
    { method: 'POST', url: '/v1/me/payments', body: { merchantCode: 'DJ000000', amountWon: 1_000 } },
    { method: 'POST', url: '/v1/me/payment-codes' },
    { method: 'GET', url: '/v1/me/transactions' },
  ];
  const merchantRoutes: Route[] = [
    {
      method: 'POST',
      url: '/v1/merchant/payments',
      body: { code: '12345678901234567890', amountWon: 1_000 },
    },
    { method: 'POST', url: '/v1/merchant/payments/pay_x/cancellations', body: {} },
    { method: 'GET', url: '/v1/merchant/sales' },
    { method: 'GET', url: '/v1/merchant/profile' },
  ];
  const reviewerWrites: Route[] = [
    { method: 'POST', url: '/v1/operator/merchants/mer_x/approve' },
    { method: 'POST', url: '/v1/operator/merchants/mer_x/reject', body: { reason: 'x' } },
  ];
  const policyWrites: Route[] = [
    { method: 'POST', url: '/v1/operator/policies', body: {} },
    { method: 'POST', url: '/v1/operator/policies/rules', body: {} },
    { method: 'POST', url: '/v1/operator/budgets', body: {} },
    { method: 'POST', url: '/v1/operator/members/usr_x/welfare', body: { isWelfareRecipient: true } },
  ];
  const operatorReads: Route[] = [
    { method: 'GET', url: '/v1/operator/merchants?status=pending' },
    { method: 'GET', url: '/v1/operator/policies' },
    { method: 'GET', url: '/v1/operator/budgets' },
    { method: 'GET', url: '/v1/operator/audit' },
    { method: 'GET', url: '/v1/operator/audit-trail' },
  ];
  const everyProtected = [
    ...memberRoutes,
    ...merchantRoutes,
    ...reviewerWrites,
    ...policyWrites,
    ...operatorReads,
  ];

  async function call(client: ApiClient, route: Route) {
    return client.request(route.method, route.url, route.body, {
      'idempotency-key': `roles-${Math.random()}`,
    });
  }

  it.each(everyProtected)('refuses anonymous $method $url with 401', async (route) => {
    const response = await call(anonymous, route);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHENTICATED');
  });

  it.each([...merchantRoutes, ...reviewerWrites, ...policyWrites, ...operatorReads])(
    'refuses a plain member $method $url with 403',
    async (route) => {
      expect((await call(citizen, route)).status).toBe(403);
    },
  );

  it.each([...reviewerWrites, ...policyWrites, ...operatorReads])(
    'refuses a merchant owner $method $url with 403',
    async (route) => {
      expect((await call(owner, route)).status).toBe(403);
    },
  );

  it.each([...memberRoutes, ...reviewerWrites, ...policyWrites, ...operatorReads])(
    'refuses a POS key $method $url with 403',
    async (route) => {
      expect((await call(pos, route)).status).toBe(403);
    },
  );

  it.each([...reviewerWrites, ...policyWrites])(
    'refuses the read-only auditor $method $url with 403',
    async (route) => {
      expect((await call(auditor, route)).status).toBe(403);
    },
  );

  it.each(policyWrites)('refuses a merchant reviewer $method $url with 403', async (route) => {
    expect((await call(reviewer, route)).status).toBe(403);
  });

  it.each(reviewerWrites)('refuses a policy admin $method $url with 403', async (route) => {
    expect((await call(policyAdmin, route)).status).toBe(403);
  });

  it.each(operatorReads)('lets the auditor read $method $url', async (route) => {
    expect((await call(auditor, route)).status).toBe(200);
  });

  it('keeps each member to their own data', async () => {
    const other = await newMember(t.app, tenantId, '010-7000-0009');
    await other.post('/v1/me/charges', { amountWon: 7_000 });
    expect((await citizen.get('/v1/me/wallet')).body.cashWon).toBe(0);
    expect((await other.get('/v1/me/wallet')).body.cashWon).toBe(7_000);
    expect((await citizen.get('/v1/me/transactions')).body.items).toEqual([]);
  });

  it('refuses a revoked session', async () => {
    const member = await newMember(t.app, tenantId, '010-7000-0010');
    expect((await member.request('DELETE', '/v1/sessions/current')).status).toBe(204);
    expect((await member.get('/v1/me/wallet')).status).toBe(401);
  });
});
