import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertReadyToServe } from '../../src/cli/runtime.js';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import { DEMO_CREDENTIALS, seedDaejeon } from '../../src/presets/daejeon.js';
import { databaseKinds } from '../support/databases.js';
import {
  ApiClient,
  newMember,
  openTestPlatform,
  seedTestTenant,
  TEST_RESPONSE_CHECK,
  type TestPlatform,
} from '../support/platform.js';

const OPERATOR_PASSWORD = 'Other-Strong-2026!';

/** The same database restarted with the environment of a production deployment. */
async function restartInProduction(
  t: TestPlatform,
  env: Record<string, string>,
): Promise<{ platform: Platform; app: FastifyInstance }> {
  const config = loadConfig({ SESSION_TTL_MINUTES: String(366 * 24 * 60), ...env });
  const platform = createPlatform(config, t.db, t.clock, t.bank);
  return { platform, app: await buildApp(platform, { logLevel: false, responseCheck: TEST_RESPONSE_CHECK }) };
}

async function signIn(app: FastifyInstance, tenantId: string, phone: string, password: string) {
  return new ApiClient(app, tenantId).request('POST', '/v1/sessions', { phone, password });
}

describe.each(databaseKinds())('deployment safety on %s', (kind) => {
  let t: TestPlatform;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await t.close();
  });

  async function production(env: Record<string, string>) {
    const restarted = await restartInProduction(t, env);
    apps.push(restarted.app);
    return restarted;
  }

  it('refuses to make a member who signed up the operator, and the member gains nothing', async () => {
    const tenantId = await seedTestTenant(t.platform);
    const attacker = await newMember(t.app, tenantId, '010-9000-0002');

    const { platform } = await production({
      HANBAT_OPERATOR_PHONE: '010-9000-0002',
      HANBAT_OPERATOR_PASSWORD: OPERATOR_PASSWORD,
    });
    await expect(seedDaejeon(platform, tenantId)).rejects.toThrow(
      /HANBAT_OPERATOR_PHONE=010-9000-0002 names an existing account .* a member who signed up.*no account yet/,
    );
    expect((await attacker.get('/v1/operator/budgets')).status).toBe(403);
    expect((await attacker.get('/v1/me')).body.operatorRoles).toEqual([]);
  });

  it('refuses to make a demo person the operator', async () => {
    const tenantId = await seedTestTenant(t.platform);
    const { platform } = await production({
      HANBAT_OPERATOR_PHONE: DEMO_CREDENTIALS.operator.phone,
      HANBAT_OPERATOR_PASSWORD: OPERATOR_PASSWORD,
    });
    await expect(seedDaejeon(platform, tenantId)).rejects.toThrow(/belongs to a demo person/);
  });

  it("creates the configured operator, and on a restart the environment's password wins and old sessions end", async () => {
    const tenantId = `prod-${kind}`;
    const first = await production({
      HANBAT_OPERATOR_PHONE: '010-9000-0003',
      HANBAT_OPERATOR_PASSWORD: OPERATOR_PASSWORD,
    });
    expect(await seedDaejeon(first.platform, tenantId)).toMatchObject({
      demo: false,
      operatorPhone: '010-9000-0003',
      operatorPasswordReplaced: false,
    });
    const operator = await new ApiClient(first.app, tenantId).logIn('010-9000-0003', OPERATOR_PASSWORD);
    expect((await operator.get('/v1/operator/budgets')).status).toBe(200);
    for (const person of Object.values(DEMO_CREDENTIALS))
      expect((await signIn(first.app, tenantId, person.phone, person.password)).status).toBe(401);

    const rotated = 'Rotated-Secret-2027#';
    const second = await production({
      HANBAT_OPERATOR_PHONE: '010-9000-0003',
      HANBAT_OPERATOR_PASSWORD: rotated,
    });
    expect(await seedDaejeon(second.platform, tenantId)).toMatchObject({ operatorPasswordReplaced: true });
    expect((await operator.get('/v1/operator/budgets')).status).toBe(401);
    expect((await signIn(second.app, tenantId, '010-9000-0003', OPERATOR_PASSWORD)).status).toBe(401);
    expect((await signIn(second.app, tenantId, '010-9000-0003', rotated)).body.role).toBe('operator');

    const third = await production({
      HANBAT_OPERATOR_PHONE: '010-9000-0003',
      HANBAT_OPERATOR_PASSWORD: rotated,
    });
    expect(await seedDaejeon(third.platform, tenantId)).toMatchObject({ operatorPasswordReplaced: false });
  });

  it('disables every published sign-in of data made in demo mode, and their open sessions', async () => {
    const tenantId = await seedTestTenant(t.platform);
    const { phone, password } = DEMO_CREDENTIALS.citizen;
    const citizen = await new ApiClient(t.app, tenantId).logIn(phone, password);
    const demoOperator = await new ApiClient(t.app, tenantId).logIn(
      DEMO_CREDENTIALS.operator.phone,
      DEMO_CREDENTIALS.operator.password,
    );

    const { platform, app } = await production({
      HANBAT_OPERATOR_PHONE: '010-9000-0004',
      HANBAT_OPERATOR_PASSWORD: OPERATOR_PASSWORD,
    });
    const seeded = await seedDaejeon(platform, tenantId);
    expect(seeded.disabledDemoPhones).toEqual(Object.values(DEMO_CREDENTIALS).map((person) => person.phone));
    for (const person of Object.values(DEMO_CREDENTIALS))
      expect((await signIn(app, tenantId, person.phone, person.password)).body.code).toBe(
        'INVALID_CREDENTIALS',
      );
    expect((await citizen.get('/v1/me/wallet')).status).toBe(401);
    expect((await demoOperator.get('/v1/operator/budgets')).status).toBe(401);
    expect((await signIn(app, tenantId, '010-9000-0004', OPERATOR_PASSWORD)).status).toBe(201);
    const mode = async (target: FastifyInstance) =>
      (await target.inject({ method: 'GET', url: '/v1/mode' })).json();
    expect(await mode(app)).toEqual({ mode: 'production', demoSignIns: [] });
    expect((await mode(t.app)).demoSignIns).toContainEqual({
      who: DEMO_CREDENTIALS.citizen.who,
      phone: DEMO_CREDENTIALS.citizen.phone,
      password: DEMO_CREDENTIALS.citizen.password,
      name: '김한밭',
      roleKo: '시민',
      roleEn: 'citizen',
    });
    // A second start finds nothing left to disable.
    expect((await seedDaejeon(platform, tenantId)).disabledDemoPhones).toEqual([]);
  });
});

describe('what production mode refuses before it opens anything', () => {
  const ready = (env: Record<string, string>) => () => assertReadyToServe(loadConfig(env));

  it('is production with HANBAT_MODE=production or an operator phone, demo otherwise', () => {
    expect(loadConfig({}).mode).toBe('demo');
    expect(loadConfig({ HANBAT_MODE: 'production' }).mode).toBe('production');
    expect(loadConfig({ HANBAT_OPERATOR_PHONE: '010-9000-0005' }).mode).toBe('production');
    expect(() => loadConfig({ HANBAT_MODE: 'prod' })).toThrow(/HANBAT_MODE must be demo or production/);
  });

  it('needs the operator phone and a strong operator password', () => {
    expect(ready({ HANBAT_MODE: 'production', BANK_URL: 'http://bank.test' })).toThrow(
      /needs its first operator: set HANBAT_OPERATOR_PHONE and HANBAT_OPERATOR_PASSWORD/,
    );
    expect(ready({ HANBAT_OPERATOR_PHONE: '010-9000-0005', BANK_URL: 'http://bank.test' })).toThrow(
      /HANBAT_OPERATOR_PASSWORD is required with HANBAT_OPERATOR_PHONE/,
    );
    for (const weak of ['password', 'operator-1', 'qwerty123456', '010900000051'])
      expect(
        ready({
          HANBAT_OPERATOR_PHONE: '010-9000-0005',
          HANBAT_OPERATOR_PASSWORD: weak,
          BANK_URL: 'http://bank.test',
        }),
      ).toThrow(/HANBAT_OPERATOR_PASSWORD is refused/);
  });

  it('needs a real bank unless the sandbox is asked for by name', () => {
    const operator = { HANBAT_OPERATOR_PHONE: '010-9000-0005', HANBAT_OPERATOR_PASSWORD: OPERATOR_PASSWORD };
    expect(ready(operator)).toThrow(
      /production mode needs a real bank: set BANK_URL .* or HANBAT_SANDBOX_BANK=1/,
    );
    expect(ready({ ...operator, HANBAT_SANDBOX_BANK: '1' })).not.toThrow();
    expect(ready({ ...operator, BANK_URL: 'http://bank.test' })).not.toThrow();
    expect(ready({})).not.toThrow();
  });

  it('keeps the sandbox bank under DATA_DIR, on a free port unless one is configured', () => {
    const config = loadConfig({ DATA_DIR: '/srv/hanbat' });
    expect(config.sandboxBankDataDir).toBe('/srv/hanbat/sandbox-bank');
    expect(config.sandboxBankPort).toBeUndefined();
    expect(loadConfig({ SANDBOX_BANK_PORT: '4001' }).sandboxBankPort).toBe(4001);
  });
});
