import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessNumberCheckDigit } from '../../src/modules/merchants/business-number.js';
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

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';

function cursorOf(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Issue 10, item 6: inputs PostgreSQL or JSON cannot hold, hand-made cursors, impossible dates and
 * amounts beyond what a rule allows are client mistakes: a 4xx problem with a stable code, never a 500.
 */
describe.each(databaseKinds())('hostile inputs on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let citizen: ApiClient;
  let operator: ApiClient;
  let merchant: ApiClient;
  let merchantCode: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    citizen = await newMember(t.app, tenantId, '010-7200-0001');
    await citizen.post('/v1/me/charges', { amountWon: 50_000 });
    operator = await demoClient(t.app, tenantId, 'operator');
    merchant = await demoClient(t.app, tenantId, 'cafe');
    merchantCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
  });
  afterAll(async () => {
    await t.close();
  });

  function expectClientError(response: { status: number; body: { code?: string } }, code: string) {
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.code).toBe(code);
  }

  it.each([
    ['a NUL in a directory search', `/v1/merchants?q=a%00b`],
    ['a NUL in a market district', `/v1/markets?district=%00`],
  ])('refuses %s with UNSTORABLE_TEXT', async (_name, url) => {
    expectClientError(await citizen.get(url), 'UNSTORABLE_TEXT');
  });

  it.each([
    ['a malformed percent-encoding', 'GET', '/v1/merchants/by-code/%E0%A4%A', 400, 'FST_ERR_BAD_URL'],
    [
      'an id past any id length',
      'POST',
      `/v1/me/transfers/${'x'.repeat(200)}/accept`,
      414,
      'FST_ERR_MAX_PARAM_LENGTH',
    ],
  ])(
    'answers %s, which the router refuses, as every other error',
    async (_name, method, url, status, code) => {
      const response = await t.app.inject({
        method: method as 'GET' | 'POST',
        url,
        headers: { authorization: `Bearer ${citizen.token}`, 'x-tenant-id': tenantId },
      });
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-request-id']).toBeTruthy();
      const body = response.json();
      expect(body).toMatchObject({ status, code });
      expect(body.messages.ko).toMatch(/요청 주소/);
      expect(body.detail).not.toContain('xxxxxxxxxx');
    },
  );

  it('refuses a NUL in a path segment', async () => {
    expectClientError(
      await operator.request('POST', '/v1/operator/merchants/%00/approve'),
      'UNSTORABLE_TEXT',
    );
  });

  it('refuses a NUL in a header', async () => {
    const response = await citizen.request(
      'POST',
      '/v1/me/charges',
      { amountWon: 1_000 },
      {
        'idempotency-key': `key${NUL}`,
      },
    );
    expectClientError(response, 'UNSTORABLE_TEXT');
  });

  it.each([
    ['__proto__', '{"amountWon":1000,"__proto__":{"admin":true}}'],
    ['constructor.prototype', '{"amountWon":1000,"constructor":{"prototype":{"admin":true}}}'],
    ['a nested __proto__', '{"amountWon":1000,"note":{"__proto__":{}}}'],
  ])(
    'refuses a body with a %s key as INVALID_INPUT, not as broken JSON, and charges nothing',
    async (_name, raw) => {
      const before = (await citizen.get('/v1/me/wallet')).body;
      const response = await citizen.request('POST', '/v1/me/charges', raw, {
        'content-type': 'application/json',
        'idempotency-key': `proto-${_name}`,
      });
      expectClientError(response, 'INVALID_INPUT');
      expect(JSON.stringify(response.body)).toContain('__proto__');
      expect((await citizen.get('/v1/me/wallet')).body).toEqual(before);
      // Broken JSON is still called that.
      const broken = await citizen.request('POST', '/v1/me/charges', '{"amountWon":', {
        'content-type': 'application/json',
        'idempotency-key': `broken-${_name}`,
      });
      expectClientError(broken, 'FST_ERR_CTP_INVALID_JSON_BODY');
    },
  );

  it.each([
    [
      'sign-up name',
      '/v1/members',
      {
        phone: '010-7200-0099',
        password: 'correct-horse-1',
        name: `a${NUL}`,
        birthDate: '1990-01-01',
        district: 'seo-gu',
        dong: '둔산동',
      },
    ],
    [
      'transfer message',
      '/v1/me/transfers',
      { recipientPhone: '010-1111-1111', amountWon: 1_000, message: `hi${NUL}` },
    ],
    [
      'transfer message (lone surrogate)',
      '/v1/me/transfers',
      { recipientPhone: '010-1111-1111', amountWon: 1_000, message: `hi${LONE_SURROGATE}` },
    ],
    ['merchantCode', '/v1/me/payments', { merchantCode: `${NUL}X`, amountWon: 1_000 }],
    ['a key of an object', '/v1/me/payments', { [`merchant${NUL}`]: 'X', amountWon: 1_000 }],
    ['an eligibility check', '/v1/merchant-applications/eligibility', { name: NUL }],
  ])('refuses a NUL in the body: %s', async (_name, url, body) => {
    expectClientError(await citizen.post(url, body), 'UNSTORABLE_TEXT');
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it.each([
    ['a right-to-left override', '\u202e'],
    ['a left-to-right isolate', '\u2066'],
    ['a bell', '\u0007'],
    ['an escape', '\u001b[31m'],
    ['a C1 control', '\u0085'],
  ])('refuses %s in a name, a label or a query, and creates nothing', async (_name, hidden) => {
    const signUp = await t.app.inject({
      method: 'POST',
      url: '/v1/members',
      headers: { 'x-tenant-id': tenantId, 'content-type': 'application/json' },
      payload: {
        phone: '010-7200-0098',
        password: 'correct-horse-1',
        name: `김${hidden}한밭`,
        birthDate: '1990-01-01',
        district: 'seo-gu',
        dong: '둔산동',
      },
    });
    expect(signUp.statusCode, signUp.body).toBe(400);
    expect(signUp.json()).toMatchObject({
      code: 'INVALID_INPUT',
      path: 'body/name',
      field: 'name',
      reason: 'CONTROL_CHARACTER',
    });
    expect(signUp.json().messages.ko).toMatch(/제어 문자/);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { 'x-tenant-id': tenantId },
      payload: { phone: '010-7200-0098', password: 'correct-horse-1' },
    });
    expect(signIn.statusCode).toBe(401);

    const keysBefore = (await merchant.get('/v1/merchant/pos-keys')).body;
    expectClientError(
      await merchant.post('/v1/merchant/pos-keys', { label: `till${hidden}1` }),
      'INVALID_INPUT',
    );
    expect((await merchant.get('/v1/merchant/pos-keys')).body).toEqual(keysBefore);
    expectClientError(
      await citizen.get(`/v1/merchants?q=${encodeURIComponent(`커피${hidden}`)}`),
      'INVALID_INPUT',
    );
  });

  it('still takes tabs and line breaks, and the marks Korean and emoji text use', async () => {
    const response = await merchant.post('/v1/merchant/pos-keys', { label: '1번\t계산대 👩\u200d🍳' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  });

  it.each([
    ['hexadecimal', '0x10'],
    ['an exponent', '1e1'],
    ['blank', ''],
    ['a plus sign', '+5'],
    ['padded', ' 5'],
    ['infinity', 'Infinity'],
  ])('refuses a page size written as %s, as the wrong type', async (_name, limit) => {
    for (const url of [
      `/v1/me/transactions?limit=${encodeURIComponent(limit)}`,
      `/v1/merchants?limit=${encodeURIComponent(limit)}`,
    ]) {
      const response = await citizen.get(url);
      expectClientError(response, 'INVALID_INPUT');
      expect(JSON.stringify(response.body)).toContain('limit');
    }
    expect((await citizen.get('/v1/me/transactions?limit=05')).status).toBe(200);
  });

  it.each([
    ['/v1/me/transactions', { seq: 'abc' }],
    ['/v1/me/transactions', { seq: 1e300 }],
    ['/v1/me/transactions', { seq: -1 }],
    ['/v1/me/transfers', { seq: 'abc' }],
    ['/v1/me/transfers', { createdAt: 'garbage', id: 'x' }],
  ])('refuses a hand-made cursor on %s (%j)', async (url, cursor) => {
    const query = url === '/v1/me/transfers' ? '&direction=incoming' : '';
    expectClientError(await citizen.get(`${url}?cursor=${cursorOf(cursor)}${query}`), 'INVALID_CURSOR');
  });

  it.each([
    ['/v1/merchant/sales', { seq: 1e300 }],
    ['/v1/merchant/sales', { createdAt: 'garbage', id: 1 }],
    ['/v1/merchant/settlements', { date: 'garbage' }],
    ['/v1/merchant/settlements', { date: '0000-01-01' }],
  ])('refuses a hand-made merchant cursor on %s (%j)', async (url, cursor) => {
    expectClientError(await merchant.get(`${url}?cursor=${cursorOf(cursor)}`), 'INVALID_CURSOR');
  });

  it.each([
    ['/v1/operator/programs', { createdAt: 'garbage', id: 'x' }],
    ['/v1/operator/programs', { createdAt: '0000-01-01T00:00:00Z', id: 'x' }],
    ['/v1/operator/merchants', { name: 1e300 }],
    ['/v1/operator/merchants', { createdAt: 'garbage', id: 'x' }],
    ['/v1/operator/audit-trail', { seq: 'abc' }],
  ])('refuses a hand-made operator cursor on %s (%j)', async (url, cursor) => {
    expectClientError(await operator.get(`${url}?cursor=${cursorOf(cursor)}`), 'INVALID_CURSOR');
  });

  it('refuses a birth date in year 0000', async () => {
    const response = await citizen.request('POST', '/v1/members', {
      phone: '010-7200-0098',
      password: 'correct-horse-1',
      name: '가입자',
      birthDate: '0000-01-01',
      district: 'seo-gu',
      dong: '둔산동',
    });
    expectClientError(response, 'INVALID_INPUT');
  });

  it('refuses a year-0000 instant in a budget', async () => {
    const response = await operator.post('/v1/operator/budgets', {
      name: '0년 예산',
      period: 'annual',
      amountWon: 1_000,
      nationalShareBp: 0,
      from: '0000-01-01T00:00:00Z',
      to: '0000-12-31T00:00:00Z',
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('INVALID_INPUT');
  });

  it('refuses a year-0000 sales range', async () => {
    expectClientError(await merchant.get('/v1/merchant/sales?from=0000-01-01T00:00:00Z'), 'INVALID_INPUT');
  });

  it('refuses a programme budget of 2^53-1 by the rule value, and changes nothing', async () => {
    const response = await operator.post('/v1/operator/programs', {
      name: '무한 지원금',
      budgetWon: Number.MAX_SAFE_INTEGER,
      nationalShareBp: 0,
      recipientAmountWon: 1_000,
      usableFrom: '2021-05-13T00:00:00Z',
      expiresAt: '2021-08-31T15:00:00Z',
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('AMOUNT_OVER_LIMIT');
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses a budget top-up of 2^53-1 by the rule value, and changes nothing', async () => {
    const pots = await operator.get('/v1/operator/budgets');
    const potId = pots.body.items[0].id;
    const response = await operator.post(`/v1/operator/budgets/${potId}/top-ups`, {
      amountWon: Number.MAX_SAFE_INTEGER,
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('AMOUNT_OVER_LIMIT');
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses a 동네사랑기부제 pot of 2^53-1 by the rule value, and changes nothing', async () => {
    const response = await operator.post('/v1/operator/neighbourhood-giving/pots', {
      year: 2069,
      amountWon: Number.MAX_SAFE_INTEGER,
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('AMOUNT_OVER_LIMIT');
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses an integer beyond the safe range in a path, on any route', async () => {
    const response = await citizen.get('/v1/public/checkpoints/1e%2B300/consistency?from=1');
    expect(response.status, JSON.stringify(response.body)).toBe(400);
  });

  it('answers a sign-in to an unknown city with 404, not a missing rule', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { 'x-tenant-id': 'nowhere' },
      payload: { phone: '010-7200-0001', password: 'whatever-password-1' },
    });
    expect(response.statusCode, response.body).toBe(404);
  });

  it('refuses a name of invisible characters wherever people read names, and creates nothing', async () => {
    const invisible = '\u200b\u3164\u2060 \u3000';
    const member = (name: string, dong: string) =>
      citizen.request('POST', '/v1/members', {
        phone: '010-7200-0099',
        password: 'correct-horse-1',
        name,
        birthDate: '1990-01-01',
        district: 'seo-gu',
        dong,
      });
    expectClientError(await member(invisible, '둔산동'), 'INVALID_INPUT');
    expectClientError(await member('김한밭', '\u3164'), 'INVALID_INPUT');
    expect(await t.platform.members.findByPhone(tenantId, '010-7200-0099')).toBeUndefined();

    const charity = (name: string) =>
      operator.request('POST', '/v1/operator/charities', {
        name,
        registrationNumber: '305-82-33333',
        bankAccount: { bankCode: 'SANDBOX', accountNumber: '100-200-300' },
        description: '',
      });
    expectClientError(await charity(invisible), 'INVALID_INPUT');

    const firstNine = '305819999';
    const application = (name: string) =>
      citizen.request('POST', '/v1/merchant-applications', {
        businessNumber: `${firstNine}${businessNumberCheckDigit(firstNine)}`,
        name,
        industryCode: 'cafe',
        district: 'seo-gu',
        dong: '둔산동',
        annualRevenueWon: 180_000_000,
      });
    expectClientError(await application(invisible), 'INVALID_INPUT');

    const market = await demoClient(t.app, tenantId, 'marketStore');
    const category = { categoryId: 'food', name: '식품', nameEn: 'Food' };
    expect((await operator.request('POST', '/v1/operator/commerce/categories', category)).status).toBe(201);
    const product = (name: string) =>
      market.request('POST', '/v1/merchant/products', {
        channel: 'mall',
        name,
        priceWon: 3_000,
        stock: 1,
        categoryId: 'food',
      });
    expectClientError(await product(invisible), 'INVALID_INPUT');
    expect((await market.get('/v1/merchant/products')).body.items).toEqual([]);

    // The same requests with a name a reader sees go through: nothing else in them was wrong.
    expect((await member('김한밭', '둔산동')).status).toBe(201);
    expect((await charity('대전 푸드뱅크')).status).toBe(201);
    expect((await application('\u200b한밭 제과')).status).toBe(201);
    expect((await product('부사 사과')).status).toBe(201);
  });

  it('refuses a 동 the city lists only in another district, on sign-up and on a shop application, and creates nothing', async () => {
    const signUp = (phone: string, district: string, dong: string) =>
      citizen.request('POST', '/v1/members', {
        phone,
        password: 'correct-horse-1',
        name: '김한밭',
        birthDate: '1990-01-01',
        district,
        dong,
      });
    // 봉명동 (code bongmyeong) is 유성구's in the Daejeon list.
    for (const dong of ['봉명동', ' 봉명동 ', 'bongmyeong']) {
      const refused = await signUp('010-7200-0077', 'seo-gu', dong);
      expectClientError(refused, 'DONG_NOT_IN_DISTRICT');
      expect(refused.body).toMatchObject({ district: 'seo-gu', dongDistricts: ['yuseong-gu'] });
      expect(JSON.stringify(refused.body.messages)).toContain('서구');
    }
    expect(await t.platform.members.findByPhone(tenantId, '010-7200-0077')).toBeUndefined();
    // The right district, and a 동 the list does not name (a legal 동 such as 둔산동), are accepted.
    expect((await signUp('010-7200-0077', 'yuseong-gu', '봉명동')).status).toBe(201);
    expect((await signUp('010-7200-0078', 'seo-gu', '둔산동')).status).toBe(201);
    // An unknown district is still its own mistake.
    expectClientError(await signUp('010-7200-0079', 'nowhere-gu', '봉명동'), 'UNKNOWN_DISTRICT');

    const firstNine = '305817777';
    const shop = {
      businessNumber: `${firstNine}${businessNumberCheckDigit(firstNine)}`,
      name: '둔산 떡집',
      industryCode: 'cafe',
      district: 'seo-gu',
      dong: '봉명동',
      annualRevenueWon: 180_000_000,
    };
    expectClientError(
      await citizen.request('POST', '/v1/merchant-applications/eligibility', shop),
      'DONG_NOT_IN_DISTRICT',
    );
    expectClientError(
      await citizen.request('POST', '/v1/merchant-applications', shop),
      'DONG_NOT_IN_DISTRICT',
    );
    const applications = await operator.get('/v1/operator/merchants?status=pending');
    expect(JSON.stringify(applications.body)).not.toContain('둔산 떡집');
    const filed = await citizen.request('POST', '/v1/merchant-applications', { ...shop, dong: '둔산1동' });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  });

  it('still pays with a valid merchant code after all of the above', async () => {
    const response = await citizen.post('/v1/me/payments', { merchantCode, amountWon: 1_000 });
    expect(response.status).toBe(201);
  });
});
