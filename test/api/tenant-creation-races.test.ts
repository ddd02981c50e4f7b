/**
 * QA (issue 17): two platform administrators' requests that create the same city at once. Exactly
 * one may create it; the other is told the id is taken (409 TENANT_EXISTS) and changes nothing: no
 * second preset installed over the first, no second "first operator".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { ApiClient, openTestPlatform, seedTestTenant, type TestPlatform } from '../support/platform.js';

const ADMIN_PHONE = '010-9000-0041';
const ADMIN_PASSWORD = 'platform-secret-qa41';

describe.each(databaseKinds())('creating one city twice at once on %s', (kind) => {
  let t: TestPlatform;
  let adminToken: string;

  function createTenant(body: Record<string, unknown>) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/platform/tenants',
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { nameKo: '테스트시', nameEn: 'Test City', timeZone: 'Asia/Seoul', ...body },
    });
  }

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    expect(await t.platform.platformAdmins.bootstrap(ADMIN_PHONE, ADMIN_PASSWORD)).toBe('created');
    const session = await t.app.inject({
      method: 'POST',
      url: '/v1/platform/sessions',
      payload: { phone: ADMIN_PHONE, password: ADMIN_PASSWORD },
    });
    adminToken = session.json().token;
  });
  afterAll(async () => t.close());

  it('creates it once when two different requests race: the loser gets TENANT_EXISTS and installs nothing', async () => {
    const [first, second] = await Promise.all([
      createTenant({
        tenantId: 'race-city',
        preset: 'daejeon-2021',
        nameKo: '첫째시',
        operatorPhone: '010-7000-0001',
      }),
      createTenant({
        tenantId: 'race-city',
        preset: 'blank',
        nameKo: '둘째시',
        timeZone: 'America/New_York',
        operatorPhone: '010-7000-0002',
      }),
    ]);
    const statuses = [first.statusCode, second.statusCode].sort();
    expect(statuses, `${first.body}\n${second.body}`).toEqual([201, 409]);
    const [winner, loser] = first.statusCode === 201 ? [first, second] : [second, first];
    expect(loser.json().code).toBe('TENANT_EXISTS');
    const created = winner.json();
    const tenant = await t.platform.tenants.get('race-city');
    // The city is what the winner asked for and was told, nothing of the loser's.
    expect({
      nameKo: tenant?.name,
      timeZone: tenant?.timeZone,
      preset: tenant?.preset,
    }).toEqual({
      nameKo: created.tenant.nameKo,
      timeZone: created.tenant.timeZone,
      preset: created.tenant.preset,
    });
    const loserPhone = created.firstOperator.phone === '01070000001' ? '010-7000-0002' : '010-7000-0001';
    expect(await t.platform.members.findByPhone('race-city', loserPhone)).toBeFalsy();
    // Only the winner's preset: the blank preset has no districts, daejeon-2021 has Daejeon's five.
    const districts = await t.platform.reference.listDistricts('race-city');
    if (created.tenant.preset === 'daejeon-2021') expect(districts).toHaveLength(5);
    else expect(districts.map((district) => district.code)).not.toContain('seo-gu');
  });

  it('refuses to "create" a city `serve` seeded (no preset recorded): nothing installed over it, no new operator', async () => {
    const seeded = await seedTestTenant(t.platform);
    const before = await t.platform.tenants.get(seeded);
    expect(before?.preset ?? null).toBeNull();
    const answer = await createTenant({
      tenantId: seeded,
      preset: 'blank',
      timeZone: 'UTC',
      operatorPhone: '010-6666-0041',
    });
    expect(answer.statusCode, answer.body).toBe(409);
    expect(answer.json().code).toBe('TENANT_EXISTS');
    expect(await t.platform.tenants.get(seeded)).toEqual(before);
    expect(await t.platform.members.findByPhone(seeded, '010-6666-0041')).toBeFalsy();
  });

  it('answers TENANT_EXISTS, not another code, to the same request sent twice at once', async () => {
    const body = { tenantId: 'twin-city', preset: 'blank' };
    const answers = await Promise.all([createTenant(body), createTenant(body), createTenant(body)]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409, 409]);
    for (const answer of answers.filter((one) => one.statusCode === 409))
      expect(answer.json().code).toBe('TENANT_EXISTS');
    const winner = answers.find((answer) => answer.statusCode === 201)?.json();
    const operator = new ApiClient(t.app, 'twin-city');
    await operator.logIn('010-0000-0000', winner.firstOperator.password);
  });
});

describe('a city name that is no name', () => {
  let t: TestPlatform;
  let adminToken: string;

  beforeAll(async () => {
    t = await openTestPlatform('pglite');
    await t.platform.platformAdmins.bootstrap(ADMIN_PHONE, ADMIN_PASSWORD);
    const session = await t.app.inject({
      method: 'POST',
      url: '/v1/platform/sessions',
      payload: { phone: ADMIN_PHONE, password: ADMIN_PASSWORD },
    });
    adminToken = session.json().token;
  });
  afterAll(async () => t.close());

  it.each([
    ['a blank Korean name', { nameKo: '   ' }],
    ['a line break for an English name', { nameEn: '\n' }],
    ['a control character inside a name', { nameKo: '세종\u0007시' }],
  ])('refuses %s with 400 INVALID_INPUT in both languages and creates nothing', async (_, names) => {
    const tenantId = `named-${Object.keys(names)[0]?.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`;
    const answer = await t.app.inject({
      method: 'POST',
      url: '/v1/platform/tenants',
      headers: { authorization: `Bearer ${adminToken}` },
      payload: {
        tenantId,
        nameKo: '세종',
        nameEn: 'Sejong',
        timeZone: 'Asia/Seoul',
        preset: 'blank',
        ...names,
      },
    });
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json().code).toBe('INVALID_INPUT');
    expect(answer.json().messages.ko).toMatch(/[가-힣]/);
    expect(await t.platform.tenants.get(tenantId)).toBeUndefined();
  });
});
