import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { openTestPlatform, type TestPlatform } from '../../../test/support/platform.js';

const ADMIN_PHONE = '010-9000-0002';
const ADMIN_PASSWORD = 'Hanbat-test-9f2k-brand';
const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#0a7c55"/></svg>';

describe.each(databaseKinds())('per-city branding on %s', (kind) => {
  let t: TestPlatform;
  let token: string;
  const cityA = `brand-a-${kind}`;
  const cityB = `brand-b-${kind}`;
  const put = (tenantId: string, body: Record<string, unknown>, auth = `Bearer ${token}`) =>
    t.app.inject({
      method: 'PUT',
      url: `/v1/platform/tenants/${tenantId}/branding`,
      headers: { authorization: auth },
      payload: body,
    });
  const branding = (headers: Record<string, string>, query = '') =>
    t.app.inject({ method: 'GET', url: `/v1/branding${query}`, headers });

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    await t.platform.platformAdmins.bootstrap(ADMIN_PHONE, ADMIN_PASSWORD);
    const session = await t.app.inject({
      method: 'POST',
      url: '/v1/platform/sessions',
      payload: { phone: ADMIN_PHONE, password: ADMIN_PASSWORD },
    });
    token = session.json().token;
    for (const [id, name, nameEn] of [
      [cityA, '초록시', 'Green City'],
      [cityB, '파랑군', 'Blue County'],
    ] as const)
      await t.platform.tenants.create({ id, name, nameEn, currencyCode: 'KRW', timeZone: 'Asia/Seoul' });
  });
  afterAll(async () => t.close());

  it("serves each city's own name, colours and logo by host name, data a platform administrator sets", async () => {
    const before = await branding({}, `?tenant=${cityA}`);
    expect(before.json()).toEqual({
      tenantId: cityA,
      host: null,
      nameKo: '초록시',
      nameEn: 'Green City',
      primaryColour: '#0b4a8f',
      accentColour: '#f5b400',
      logoUrl: null,
      custom: false,
    });
    const setA = await put(cityA, {
      host: 'pay.green.example.kr',
      nameKo: '초록페이',
      nameEn: 'Green Pay',
      primaryColour: '#0A7C55',
      accentColour: '#ffcc00',
      logoSvg: LOGO,
    });
    expect(setA.statusCode, setA.body).toBe(200);
    const setB = await put(cityB, {
      host: 'blue.example.kr',
      nameKo: '파랑전',
      nameEn: 'Blue Won',
      primaryColour: '#123456',
      accentColour: '#abcdef',
    });
    expect(setB.statusCode, setB.body).toBe(200);

    const a = await branding({ host: 'pay.green.example.kr' });
    expect(a.json()).toEqual({
      tenantId: cityA,
      host: 'pay.green.example.kr',
      nameKo: '초록페이',
      nameEn: 'Green Pay',
      primaryColour: '#0a7c55',
      accentColour: '#ffcc00',
      logoUrl: `/v1/branding/logo.svg?tenant=${cityA}`,
      custom: true,
    });
    const b = await branding({ host: 'BLUE.example.kr' });
    expect(b.json()).toMatchObject({
      tenantId: cityB,
      nameKo: '파랑전',
      primaryColour: '#123456',
      logoUrl: null,
    });

    const logo = await t.app.inject({ url: `/v1/branding/logo.svg?tenant=${cityA}` });
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toContain('image/svg+xml');
    expect(logo.headers['content-security-policy']).toContain('sandbox');
    expect(logo.body).toBe(LOGO);
    expect((await t.app.inject({ url: `/v1/branding/logo.svg?tenant=${cityB}` })).statusCode).toBe(404);
  });

  it('refuses a taken host, a logo with a script, an unknown city and a caller who is not the administrator', async () => {
    const body = { nameKo: '파랑전', nameEn: 'Blue Won', primaryColour: '#123456', accentColour: '#abcdef' };
    await put(cityA, { ...body, host: 'taken.example.kr' });
    const taken = await put(cityB, { ...body, host: 'taken.example.kr' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('HOST_TAKEN');
    for (const logoSvg of [
      '<svg><script>alert(1)</script></svg>',
      '<svg onload="alert(1)"></svg>',
      '<svg><image href="https://tracker.example/x.png"/></svg>',
      '<html><svg></svg></html>',
    ]) {
      const refused = await put(cityB, { ...body, logoSvg });
      expect(refused.statusCode, logoSvg).toBe(400);
    }
    expect((await put('nowhere', body)).statusCode).toBe(404);
    expect((await put(cityB, body, 'Bearer not-a-session')).statusCode).toBe(401);
    expect((await put(cityB, { ...body, primaryColour: 'red' })).statusCode).toBe(400);
    // Nothing refused changed city B's branding.
    expect((await branding({}, `?tenant=${cityB}`)).json()).toMatchObject({
      host: 'blue.example.kr',
      logoUrl: null,
    });
  });
});
