import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  ApiClient,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

const PASSWORD = 'correct-horse-1';

/** The preset's rule values: 5 failures lock for 30 s, doubling to an hour; 50 from one address. */
describe.each(databaseKinds())('sign-in limits on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
  });
  afterAll(async () => {
    await t.close();
  });

  function signIn(phone: string, password: string, address = '192.0.2.1') {
    return t.app
      .inject({
        method: 'POST',
        url: '/v1/sessions',
        headers: { 'x-tenant-id': tenantId },
        remoteAddress: address,
        payload: { phone, password },
      })
      .then((response) => ({
        status: response.statusCode,
        body: response.json(),
        headers: response.headers,
      }));
  }

  it('counts every spelling of one phone against the same account, then locks it with back-off', async () => {
    await newMember(t.app, tenantId, '010-2200-0003');
    const spellings = [
      '010-2200-0003',
      '01022000003',
      '010 2200 0003',
      '\t01022000003',
      '０１０２２０００００３',
    ];
    for (const phone of spellings) expect((await signIn(phone, 'guess-guess-1')).status).toBe(401);

    const locked = await signIn('010.2200.0003', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 'SIGN_IN_LOCKED', retryAfterSeconds: 30 });
    expect(locked.headers['retry-after']).toBe('30');
    // A lock is refused before the password is checked, from any address.
    expect((await signIn('01022000003', PASSWORD, '198.51.100.7')).status).toBe(429);

    t.clock.advanceMs(30_000);
    expect((await signIn('01022000003', 'guess-guess-2')).status).toBe(401);
    expect((await signIn('01022000003', PASSWORD)).body.retryAfterSeconds).toBe(60);
    t.clock.advanceMs(60_000);
    expect((await signIn('01022000003', 'guess-guess-3')).status).toBe(401);
    expect((await signIn('01022000003', PASSWORD)).body.retryAfterSeconds).toBe(120);

    t.clock.advanceMs(120_000);
    expect((await signIn('+82 10-2200-0003', PASSWORD)).status).toBe(201);
    // The right password forgave the phone: the count starts again.
    expect((await signIn('01022000003', 'guess-guess-4')).status).toBe(401);
    expect((await signIn('01022000003', PASSWORD)).status).toBe(201);
  });

  it('locks an unknown phone the same way as a known one', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1)
      expect((await signIn('010-2200-9999', 'guess-guess-1', '192.0.2.9')).status).toBe(401);
    expect((await signIn('010-2200-9999', 'guess-guess-1', '192.0.2.9')).body.code).toBe('SIGN_IN_LOCKED');
  });

  it('locks a client address that tries many phones, and only that address', async () => {
    await newMember(t.app, tenantId, '010-2200-0100');
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const phone = `010-2201-${String(attempt).padStart(4, '0')}`;
      expect((await signIn(phone, 'guess-guess-1', '203.0.113.5')).status).toBe(401);
    }
    expect((await signIn('010-2200-0100', PASSWORD, '203.0.113.5')).body.code).toBe('SIGN_IN_LOCKED');
    expect((await signIn('010-2200-0100', PASSWORD, '203.0.113.6')).status).toBe(201);
  });
});

describe.each(databaseKinds())('passwords at sign-up on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['password', /common passwords/],
    ['12345678', /common passwords/],
    ['qwerty123', /common passwords/],
    ['P@ssw0rd', /common passwords/],
    ['        ', /too easy to guess/],
    ['aaaaaaaaaa', /too easy to guess/],
    ['01022000200', /phone number/],
  ])('refuses %j', async (password, reason) => {
    const response = await new ApiClient(t.app, tenantId).request('POST', '/v1/members', {
      phone: '010-2200-0200',
      password,
      name: '가입자',
      birthDate: '1990-01-01',
      district: 'seo-gu',
      dong: '둔산동',
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'INVALID_INPUT',
      messages: { en: expect.stringMatching(reason) },
    });
    expect(await t.platform.members.findByPhone(tenantId, '010-2200-0200')).toBeUndefined();
  });
});
