import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { databaseKinds } from '../support/databases.js';
import { openTestPlatform, seedTestTenant, type TestPlatform } from '../support/platform.js';

describe.each(databaseKinds())('web security on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
  });
  afterAll(async () => {
    await t.close();
  });

  async function browserSignIn() {
    const { phone, password } = DEMO_CREDENTIALS.citizen;
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { 'x-tenant-id': tenantId },
      payload: { phone, password },
    });
    expect(response.statusCode).toBe(201);
    const cookies = Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie]));
    return { token: response.json().token as string, cookies };
  }

  function asBrowser(cookies: Record<string, string>, csrfToken?: string) {
    return (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        cookies,
        headers: {
          'x-tenant-id': tenantId,
          'idempotency-key': `csrf-${Math.random()}`,
          ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
        },
        ...(payload ? { payload } : {}),
      });
  }

  it.each([
    ['GET', '/health'],
    ['GET', '/v1/merchants'],
    ['GET', '/v1/no-such-route'],
    ['POST', '/v1/sessions'],
    ['GET', '/v1/me'],
  ] as const)('sends the security headers on %s %s', async (method, url) => {
    const response = await t.app.inject({ method, url, headers: { 'x-tenant-id': tenantId } });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  });

  it('gives the browser an HttpOnly, SameSite=Strict session cookie that works for reading', async () => {
    const { token, cookies } = await browserSignIn();
    expect(cookies.hanbat_session).toMatchObject({
      value: token,
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
    });
    expect(cookies.hanbat_csrf).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const me = await asBrowser({ hanbat_session: token })('GET', '/v1/me');
    expect(me.statusCode).toBe(200);
  });

  it('refuses a change made with the cookie alone, and accepts it with the CSRF token', async () => {
    const { token, cookies } = await browserSignIn();
    const jar = { hanbat_session: token, hanbat_csrf: cookies.hanbat_csrf?.value ?? '' };
    const forged = await asBrowser(jar)('POST', '/v1/me/charges', { amountWon: 10_000 });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().code).toBe('CSRF_TOKEN_INVALID');
    const wrongToken = await asBrowser(jar, 'abc-def')('POST', '/v1/me/charges', { amountWon: 10_000 });
    expect(wrongToken.statusCode).toBe(403);
    expect((await asBrowser(jar)('GET', '/v1/me/wallet')).json().cashWon).toBe(0);

    const issued = await asBrowser(jar)('GET', '/v1/sessions/csrf-token');
    const { csrfToken } = issued.json();
    const charged = await asBrowser(jar, csrfToken)('POST', '/v1/me/charges', { amountWon: 10_000 });
    expect(charged.statusCode).toBe(201);
    // A token made from another browser's secret does not pass.
    const other = await browserSignIn();
    const otherToken = (
      await asBrowser({ hanbat_csrf: other.cookies.hanbat_csrf?.value ?? '' })(
        'GET',
        '/v1/sessions/csrf-token',
      )
    ).json().csrfToken;
    expect(
      (await asBrowser(jar, otherToken)('POST', '/v1/me/charges', { amountWon: 10_000 })).statusCode,
    ).toBe(403);

    const logOut = await asBrowser(jar, csrfToken)('DELETE', '/v1/sessions/current');
    expect(logOut.statusCode).toBe(204);
    expect(logOut.cookies.find((cookie) => cookie.name === 'hanbat_session')?.value).toBe('');
    expect((await asBrowser(jar)('GET', '/v1/me')).statusCode).toBe(401);
  });

  it('keeps bearer tokens working for API clients without a CSRF token', async () => {
    const { token } = await browserSignIn();
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/me/charges',
      headers: {
        'x-tenant-id': tenantId,
        authorization: `Bearer ${token}`,
        'idempotency-key': 'bearer-charge',
      },
      payload: { amountWon: 10_000 },
    });
    expect(response.statusCode).toBe(201);
  });
});
