import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { TEST_RESPONSE_CHECK } from '../../../test/support/platform.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import type { Database } from '../../db/database.js';
import { buildApp } from '../../http/app.js';
import { guards, type OperatorRole } from '../../http/auth.js';
import { createPlatform, type Platform } from '../../platform.js';
import { seedDaejeonPolicy } from '../policy/presets/daejeon.js';

/** Until sessions land, a bearer token names the caller's roles: `Bearer policy_admin`, `Bearer none`. */
function withTokenRoles(platform: Platform, tenantId: () => string): Platform {
  const authenticateSession = async (token: string) => ({
    kind: 'user' as const,
    tenantId: tenantId(),
    userId: `usr_${token}`,
    sessionId: 'ses_test',
    operatorRoles: token === 'none' ? [] : [token as OperatorRole],
  });
  return {
    ...platform,
    guards: guards({
      authenticateSession,
      authenticatePosKey: async () => null,
      ownedMerchantIds: async () => [],
    }),
  };
}

const as = (role: OperatorRole | 'none') => ({ authorization: `Bearer ${role}` });

const year2021 = {
  name: '2021 캐시백 예산',
  period: 'annual',
  from: '2021-01-01T00:00:00+09:00',
  to: '2022-01-01T00:00:00+09:00',
  amountWon: 100_000_000,
  nationalShareBp: 4000,
};

describe.each(databaseKinds())('budget routes on %s', (kind) => {
  let db: Database;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let tenantId: string;
  let potId: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const clock = new ManualClock('2021-05-13T03:00:00Z');
    tenantId = await createTestTenant(db, clock);
    const platform = createPlatform(loadConfig({}), db, clock);
    await seedDaejeonPolicy(platform, tenantId);
    app = await buildApp(
      withTokenRoles(platform, () => tenantId),
      {
        logLevel: false,
        responseCheck: TEST_RESPONSE_CHECK,
      },
    );
    const created = await app.inject({
      method: 'POST',
      url: '/v1/operator/budgets',
      headers: { ...as('policy_admin'), 'idempotency-key': 'pot-2021' },
      payload: year2021,
    });
    expect(created.statusCode).toBe(201);
    potId = created.json().id;
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('lists pots with funded, spent and remaining amounts for an auditor', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/operator/budgets', headers: as('auditor') });
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual([
      {
        id: potId,
        name: '2021 캐시백 예산',
        period: 'annual',
        from: '2020-12-31T15:00:00.000Z',
        to: '2021-12-31T15:00:00.000Z',
        nationalShareBp: 4000,
        annualPotId: null,
        accounts: [
          { source: 'national', accountId: `${potId}:national` },
          { source: 'city', accountId: `${potId}:city` },
        ],
        fundedWon: 100_000_000,
        movedToMonthlyWon: 0,
        spentWon: 0,
        remainingWon: 100_000_000,
        createdAt: '2021-05-13T03:00:00.000Z',
      },
    ]);
    const outside = await app.inject({
      method: 'GET',
      url: '/v1/operator/budgets?at=2020-06-01T00:00:00Z',
      headers: as('auditor'),
    });
    expect(outside.json().items).toEqual([]);
  });

  it('refuses an auditor a new pot', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/operator/budgets',
      headers: as('auditor'),
      payload: year2021,
    });
    expect(response.statusCode).toBe(403);
  });

  it('creates one pot, funded once, for a POST retried with the same Idempotency-Key', async () => {
    const headers = { ...as('policy_admin'), 'idempotency-key': 'pot-2021-06' };
    const june = {
      ...year2021,
      name: '2021년 6월',
      period: 'monthly',
      from: '2021-06-01T00:00:00+09:00',
      to: '2021-07-01T00:00:00+09:00',
      amountWon: 1_000_000,
    };
    const first = await app.inject({ method: 'POST', url: '/v1/operator/budgets', headers, payload: june });
    const again = await app.inject({ method: 'POST', url: '/v1/operator/budgets', headers, payload: june });
    expect(first.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(first.json()).toMatchObject({ annualPotId: potId, fundedWon: 1_000_000 });
    const other = await app.inject({
      method: 'POST',
      url: '/v1/operator/budgets',
      headers,
      payload: { ...june, amountWon: 2_000_000 },
    });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    const reserved = await app.inject({
      method: 'POST',
      url: '/v1/operator/budgets',
      headers: { ...headers, 'idempotency-key': 'auto:pot' },
      payload: { ...june, name: '2021년 6월 추가' },
    });
    expect([reserved.statusCode, reserved.json().code]).toEqual([400, 'IDEMPOTENCY_KEY_RESERVED']);
  });

  it('needs an Idempotency-Key to create a pot, which moves public money', async () => {
    const june = {
      ...year2021,
      period: 'monthly',
      from: '2021-06-01T00:00:00+09:00',
      to: '2021-07-01T00:00:00+09:00',
    };
    const response = await app.inject({
      method: 'POST',
      url: '/v1/operator/budgets',
      headers: as('policy_admin'),
      payload: { ...june, amountWon: 1_000 },
    });
    expect([response.statusCode, response.json().code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
    expect(response.json().messages).toEqual({ en: expect.any(String), ko: expect.any(String) });
    const pots = await app.inject({ method: 'GET', url: '/v1/operator/budgets', headers: as('auditor') });
    expect(pots.json().items.map((pot: { fundedWon: number }) => pot.fundedWon)).not.toContain(1_000);
  });

  it.each([
    ['a misspelt field', { ...year2021, name: '2021 추가', effective_to: '2021-06-01T00:00:00+09:00' }],
    ['a pot id', { ...year2021, name: '2021 추가', id: 'bud_mine' }],
  ])('refuses a pot with %s (INVALID_INPUT), and funds nothing', async (_name, payload) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/operator/budgets',
      headers: { ...as('policy_admin'), 'idempotency-key': `extra-${_name}` },
      payload,
    });
    expect([response.statusCode, response.json().code]).toEqual([400, 'INVALID_INPUT']);
  });

  it('refuses a top-up with an unknown field (INVALID_INPUT)', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/v1/operator/budgets/${potId}/top-ups`,
      headers: { ...as('policy_admin'), 'idempotency-key': 'top-up-extra' },
      payload: { amountWon: 5_000, potId: 'bud_other' },
    });
    expect([response.statusCode, response.json().code]).toEqual([400, 'INVALID_INPUT']);
  });

  it.each([
    [
      'a period already over',
      '2021-04-01T00:00:00+09:00',
      '2021-05-01T00:00:00+09:00',
      'EFFECTIVE_DATE_IN_PAST',
    ],
    [
      'six months as a monthly pot',
      '2021-07-01T00:00:00+09:00',
      '2022-01-01T00:00:00+09:00',
      'INVALID_BUDGET',
    ],
    [
      'six months as a monthly pot',
      '2021-07-01T00:00:00+09:00',
      '2022-01-01T00:00:00+09:00',
      'INVALID_BUDGET',
    ],
  ])('refuses a monthly pot for %s with 400, in both languages', async (_name, from, to, code) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/operator/budgets',
      headers: { ...as('policy_admin'), 'idempotency-key': `bad-period-${code}-${to}` },
      payload: { ...year2021, name: _name, period: 'monthly', from, to, amountWon: 1_000 },
    });
    expect([response.statusCode, response.json().code]).toEqual([400, code]);
    expect(response.json().messages).toEqual({ en: expect.any(String), ko: expect.any(String) });
  });

  it('needs an Idempotency-Key to top up, and funds once per key', async () => {
    const url = `/v1/operator/budgets/${potId}/top-ups`;
    const withoutKey = await app.inject({
      method: 'POST',
      url,
      headers: as('policy_admin'),
      payload: { amountWon: 5_000 },
    });
    expect(withoutKey.statusCode).toBe(400);
    expect(withoutKey.json().code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    for (const key of ['has space', 'auto:top-up', 'x'.repeat(129)]) {
      const refused = await app.inject({
        method: 'POST',
        url,
        headers: { ...as('policy_admin'), 'idempotency-key': key },
        payload: { amountWon: 5_000 },
      });
      expect([refused.statusCode, refused.json().code]).toEqual([
        400,
        key.startsWith('auto:') ? 'IDEMPOTENCY_KEY_RESERVED' : 'IDEMPOTENCY_KEY_REQUIRED',
      ]);
    }
    const headers = { ...as('policy_admin'), 'idempotency-key': 'top-up-2021-05' };
    const first = await app.inject({ method: 'POST', url, headers, payload: { amountWon: 5_000 } });
    const again = await app.inject({ method: 'POST', url, headers, payload: { amountWon: 5_000 } });
    expect(first.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(first.json()).toMatchObject({
      fundedWon: 100_005_000,
      movedToMonthlyWon: 1_000_000,
      remainingWon: 99_005_000,
    });
  });

  it('answers an unknown pot with 404', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/operator/budgets/bud_nope/top-ups',
      headers: { ...as('policy_admin'), 'idempotency-key': 'k' },
      payload: { amountWon: 1 },
    });
    expect(response.statusCode).toBe(404);
  });

  it('reports the burn of a pot', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/operator/budgets/${potId}/burn`,
      headers: as('auditor'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      potId,
      months: [
        { month: '2021-01', spentWon: 0 },
        { month: '2021-02', spentWon: 0 },
        { month: '2021-03', spentWon: 0 },
        { month: '2021-04', spentWon: 0 },
        { month: '2021-05', spentWon: 0 },
      ],
      projectedExhaustionDate: null,
      exhaustsBeforePeriodEnd: false,
    });
  });
});
