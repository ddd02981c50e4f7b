import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

/** Bad input gets a 4xx problem with a stable code and changes nothing. */
describe.each(databaseKinds())('invalid requests on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let citizen: ApiClient;
  let merchantCode: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    citizen = await newMember(t.app, tenantId, '010-7100-0001');
    await citizen.post('/v1/me/charges', { amountWon: 50_000 });
    merchantCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
  });
  afterAll(async () => {
    await t.close();
  });

  async function expectUnchanged() {
    const wallet = await citizen.get('/v1/me/wallet');
    expect(wallet.body).toMatchObject({
      cashWon: 50_000,
      cashbackWon: 0,
      month: { chargedWon: 50_000, eligibleSpendWon: 0 },
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  }

  it.each([
    ['a string amount', '/v1/me/charges', { amountWon: '5000' }],
    ['a fractional amount', '/v1/me/charges', { amountWon: 1.5 }],
    ['a zero amount', '/v1/me/charges', { amountWon: 0 }],
    ['a negative amount', '/v1/me/charges', { amountWon: -100 }],
    ['an amount beyond the safe range', '/v1/me/charges', { amountWon: 2 ** 63 }],
    ['an unknown field', '/v1/me/charges', { amountWon: 1_000, bonus: true }],
    ['no amount', '/v1/me/charges', {}],
    ['a payment without a merchant', '/v1/me/payments', { amountWon: 1_000 }],
    ['a negative payment', '/v1/me/payments', { merchantCode: 'X', amountWon: -1 }],
  ])('refuses %s with a 400 problem', async (_name, url, body) => {
    const response = await citizen.post(url, body);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({
      code: 'INVALID_INPUT',
      status: 400,
      messages: { en: expect.any(String), ko: expect.any(String) },
    });
    await expectUnchanged();
  });

  it.each([
    ['an unknown type', 'type=nope'],
    ['an unknown type beside a known one', 'type=charge,nope'],
    ['a thirteenth month', 'month=2026-13'],
    ['a month zero', 'month=2026-00'],
  ])('refuses a history filter with %s, instead of an empty page', async (_name, query) => {
    const response = await citizen.get(`/v1/me/transactions?${query}`);
    expect([response.status, response.body.code]).toEqual([400, 'INVALID_INPUT']);
    const known = await citizen.get('/v1/me/transactions?type=charge,donation&month=2021-05');
    expect(known.status).toBe(200);
  });

  it.each([
    ['an offset without minutes', '2021-05-13T00:00:00+09'],
    ['an offset without minutes, west of Greenwich', '2021-05-13T00:00:00-05'],
  ])(
    'refuses an instant with %s (400, never 500), where an offset with minutes is read',
    async (_name, instant) => {
      const cafe = await demoClient(t.app, tenantId, 'cafe');
      const refused = await cafe.get(`/v1/merchant/sales?from=${encodeURIComponent(instant)}`);
      expect([refused.status, refused.body.code]).toEqual([400, 'INVALID_INPUT']);
      const read = await cafe.get(
        `/v1/merchant/sales?from=${encodeURIComponent('2021-05-13T00:00:00+09:00')}`,
      );
      expect(read.status).toBe(200);
    },
  );

  it('refuses a money-moving request without an Idempotency-Key', async () => {
    const response = await citizen.request('POST', '/v1/me/payments', { merchantCode, amountWon: 1_000 });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    await expectUnchanged();
  });

  it('refuses a payment to an unknown merchant code with 404', async () => {
    const response = await citizen.post('/v1/me/payments', { merchantCode: 'NOPE0000', amountWon: 1_000 });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('MERCHANT_NOT_FOUND');
    await expectUnchanged();
  });

  it('refuses malformed JSON with 400, not 500', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/me/charges',
      headers: {
        authorization: `Bearer ${citizen.token}`,
        'content-type': 'application/json',
        'idempotency-key': 'bad-json',
      },
      payload: '{"amountWon": ',
    });
    expect(response.statusCode).toBe(400);
    await expectUnchanged();
  });

  it.each([
    ['a bad phone', { phone: '02-123' }, 'INVALID_INPUT'],
    ['a short password', { password: 'short' }, 'INVALID_INPUT'],
    ['an impossible birth date', { birthDate: '1990-02-30' }, 'INVALID_INPUT'],
    ['an unknown district', { district: 'gangnam-gu' }, 'UNKNOWN_DISTRICT'],
    ['a 13-year-old', { birthDate: '2008-05-14' }, 'TOO_YOUNG'],
    ['a name of combining grapheme joiners', { name: '\u034f\u034f' }, 'INVALID_INPUT'],
    ['a name of one combining accent', { name: '\u0301' }, 'INVALID_INPUT'],
  ])('refuses a sign-up with %s', async (_name, override, code) => {
    const response = await citizen.request('POST', '/v1/members', {
      phone: '010-7100-0099',
      password: 'correct-horse-1',
      name: '가입자',
      birthDate: '1990-01-01',
      district: 'seo-gu',
      dong: '둔산동',
      ...override,
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe(code);
    expect(await t.platform.members.findByPhone(tenantId, '010-7100-0099')).toBeUndefined();
  });

  it('admits a member on their 14th birthday (KST)', async () => {
    t.clock.set('2021-05-13T15:00:00Z');
    const response = await citizen.request('POST', '/v1/members', {
      phone: '010-7100-0098',
      password: 'correct-horse-1',
      name: '생일자',
      birthDate: '2007-05-14',
      district: 'seo-gu',
      dong: '둔산동',
    });
    expect(response.status).toBe(201);
  });

  it.each([
    ['+82 10-7100-0097', '010-7100-0097'],
    ['＋８２ １０-７１００-００９６', '010-7100-0096'],
  ])('signs up %j, a spelling sign-in accepts, as %s', async (spelled, phone) => {
    const response = await citizen.request('POST', '/v1/members', {
      phone: spelled,
      password: 'correct-horse-1',
      name: '국제번호',
      birthDate: '1990-01-01',
      district: 'seo-gu',
      dong: '둔산동',
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(await t.platform.members.findByPhone(tenantId, phone)).toBeDefined();
  });

  it('refuses a second sign-up with the same phone', async () => {
    const response = await citizen.request('POST', '/v1/members', {
      phone: '01071000001',
      password: 'correct-horse-1',
      name: '중복',
      birthDate: '1990-01-01',
      district: 'seo-gu',
      dong: '둔산동',
    });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('PHONE_ALREADY_REGISTERED');
  });

  it('answers a wrong password and an unknown phone alike', async () => {
    const wrong = await citizen.request('POST', '/v1/sessions', {
      phone: '010-7100-0001',
      password: 'wrong-password',
    });
    const unknown = await citizen.request('POST', '/v1/sessions', {
      phone: '010-7100-9999',
      password: 'wrong-password',
    });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('locks a phone number after five wrong passwords (the preset sign_in_lockout_failures)', async () => {
    const attempts = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      attempts.push(
        (await citizen.request('POST', '/v1/sessions', { phone: '010-7100-0077', password: 'guess-guess' }))
          .status,
      );
    }
    expect(attempts.slice(0, 5)).toEqual(Array(5).fill(401));
    expect(attempts[5]).toBe(429);
    const otherPhone = await citizen.request('POST', '/v1/sessions', {
      phone: '010-7100-0078',
      password: 'guess-guess',
    });
    expect(otherPhone.status).toBe(401);
  });
});
