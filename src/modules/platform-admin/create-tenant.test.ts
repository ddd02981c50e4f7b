/**
 * QA: creating a city is all or nothing. Input the creation would refuse half-way (the first
 * operator's phone) is refused before anything is written; a creation that fails half-way leaves a
 * city no request, job or listing reaches, which only the same request sent again finishes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { ApiClient, openTestPlatform, type TestPlatform } from '../../../test/support/platform.js';
import { CREATION_ATTEMPT_MINUTES_MAX } from './tenant-creations.js';

const ADMIN_PHONE = '010-9000-0051';
const ADMIN_PASSWORD = 'platform-secret-qa51';
const KST = (iso: string) => new Date(`${iso}T12:00:00+09:00`);
const SHOP = { isTraditionalMarket: false, isBookstore: false, annualRevenueWon: 300_000_000 };
const COUNTY_DISTRICTS = ['eup', 'myeon-1', 'myeon-2', 'myeon-3'];
const COUNTY_POT_WON = 10_000_000_000;

describe.each(databaseKinds())('creating a city all or nothing on %s', (kind) => {
  let t: TestPlatform;
  let adminToken: string;

  function createTenant(body: Record<string, unknown>) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/platform/tenants',
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { nameKo: '테스트군', nameEn: 'Test County', timeZone: 'Asia/Seoul', ...body },
    });
  }

  async function listedCities(): Promise<Array<{ tenantId: string; preset: string | null }>> {
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/platform/tenants',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(list.statusCode).toBe(200);
    return list.json().tenants;
  }

  function signUp(tenantId: string, district: string, dong: string) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/members',
      headers: { 'x-tenant-id': tenantId },
      payload: {
        phone: '010-3333-0051',
        password: 'correct-horse-1',
        name: '주민',
        birthDate: '1990-01-01',
        district,
        dong,
      },
    });
  }

  /** No listing, no sign-up, no sign-in: to traffic the city is not there. */
  async function expectNoCity(tenantId: string): Promise<void> {
    expect((await listedCities()).map((city) => city.tenantId)).not.toContain(tenantId);
    expect(await t.platform.tenants.exists(tenantId)).toBe(false);
    const joined = await signUp(tenantId, 'eup', '읍');
    expect([joined.statusCode, joined.json().code], joined.body).toEqual([404, 'TENANT_NOT_FOUND']);
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { 'x-tenant-id': tenantId },
      payload: { phone: '010-0000-0000', password: 'whatever-it-was' },
    });
    expect([signedIn.statusCode, signedIn.json().code]).toEqual([404, 'TENANT_NOT_FOUND']);
  }

  /** The population-decline county's rules and nothing of Daejeon's: 15% in 2025, no 10% in 2021. */
  async function expectCountyOnly(tenantId: string): Promise<void> {
    const quote = async (at: Date) =>
      (
        await t.platform.policy.quoteAt(tenantId, {
          at,
          paidFromCashWon: 100_000,
          monthEligibleSpentBeforeWon: 0,
          merchant: SHOP,
          member: { isWelfareRecipient: false },
        })
      ).cashbackWon;
    expect(await quote(KST('2025-07-01'))).toBe(15_000);
    expect(await quote(KST('2021-05-13'))).toBe(0);
    const districts = await t.platform.reference.listDistricts(tenantId);
    expect(districts.map((district) => district.code)).toEqual(COUNTY_DISTRICTS);
    const pots = await t.platform.budgets.listPots(tenantId);
    expect(pots.map((pot) => pot.remainingWon)).toEqual([COUNTY_POT_WON]);
  }

  async function expectOperatorSignsIn(
    tenantId: string,
    created: { firstOperator: { userId: string; phone: string; password: string } },
  ) {
    const operator = await new ApiClient(t.app, tenantId).logIn(
      created.firstOperator.phone,
      created.firstOperator.password,
    );
    const me = await operator.get('/v1/me');
    expect(me.body.memberId).toBe(created.firstOperator.userId);
    expect(me.body.operatorRoles.sort()).toEqual(['auditor', 'merchant_reviewer', 'policy_admin']);
  }

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    await t.platform.platformAdmins.bootstrap(ADMIN_PHONE, ADMIN_PASSWORD);
    const session = await t.app.inject({
      method: 'POST',
      url: '/v1/platform/sessions',
      payload: { phone: ADMIN_PHONE, password: ADMIN_PASSWORD },
    });
    adminToken = session.json().token;
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => t.close());

  it('refuses an operator phone that is no mobile number before writing anything; the corrected request creates one preset', async () => {
    for (const [preset, operatorPhone] of [
      ['daejeon-2021', 'abcdefghijk'],
      ['blank', '02-123-4567'],
    ]) {
      const refused = await createTenant({ tenantId: 'gongju', preset, operatorPhone });
      expect([refused.statusCode, refused.json().code], refused.body).toEqual([400, 'INVALID_INPUT']);
      expect(refused.json().messages.en).toMatch(/operatorPhone must be a Korean mobile number/);
      expect(refused.json().messages.ko).toMatch(/[가-힣]/);
      expect(await t.platform.tenants.get('gongju')).toBeUndefined();
      expect(await t.platform.reference.listDistricts('gongju')).toEqual([]);
      await expectNoCity('gongju');
    }

    const created = await createTenant({
      tenantId: 'gongju',
      preset: 'population-decline-2025',
      operatorPhone: '010-5555-5555',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().firstOperator.phone).toBe('01055555555');
    await expectCountyOnly('gongju');
    expect((await listedCities()).find((city) => city.tenantId === 'gongju')?.preset).toBe(
      'population-decline-2025',
    );
    expect((await signUp('gongju', 'eup', '읍')).statusCode).toBe(201);
    await expectOperatorSignsIn('gongju', created.json());
  });

  it('keeps a city that failed half-way from traffic, refuses any other request for it, and finishes it for the same one', async () => {
    const body = { tenantId: 'buyeo', preset: 'population-decline-2025', operatorPhone: '010-5555-5555' };
    const pot = vi
      .spyOn(t.platform.budgets, 'createPot')
      .mockRejectedValueOnce(new Error('injected: the budget step fails'));
    const failed = await createTenant(body);
    expect(failed.statusCode, failed.body).toBe(500);
    expect(pot).toHaveBeenCalledOnce();
    // The preset's first transaction committed (its districts are there), yet the city is not.
    expect((await t.platform.reference.listDistricts('buyeo')).map((district) => district.code)).toEqual(
      COUNTY_DISTRICTS,
    );
    await expectNoCity('buyeo');

    for (const other of [
      { ...body, preset: 'daejeon-2021' },
      { ...body, preset: 'blank' },
      { ...body, operatorPhone: '010-5555-5556' },
      { ...body, nameKo: '다른군' },
      { ...body, timeZone: 'UTC' },
    ]) {
      const refused = await createTenant(other);
      expect([refused.statusCode, refused.json().code], JSON.stringify(other)).toEqual([
        409,
        'TENANT_EXISTS',
      ]);
    }
    await expectNoCity('buyeo');

    const created = await createTenant({ ...body, operatorPhone: '01055555555' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().tenant.preset).toBe('population-decline-2025');
    await expectCountyOnly('buyeo');
    await expectOperatorSignsIn('buyeo', created.json());
    const again = await createTenant(body);
    expect([again.statusCode, again.json().code]).toEqual([409, 'TENANT_EXISTS']);
  });

  it('gives the first operator a working password when the same request finishes a creation that failed after the sign-up', async () => {
    const body = { tenantId: 'nonsan', preset: 'blank', operatorPhone: '010-4444-4444' };
    vi.spyOn(t.platform.members, 'grantOperatorRoles').mockRejectedValueOnce(
      new Error('injected: the roles step fails'),
    );
    expect((await createTenant(body)).statusCode).toBe(500);
    expect(await t.platform.members.findByPhone('nonsan', '010-4444-4444')).toBeTruthy();
    await expectNoCity('nonsan');

    const created = await createTenant(body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().tenant.preset).toBe('blank');
    await expectOperatorSignsIn('nonsan', created.json());
  });

  it('holds a city whose attempt died without letting go until the bound, then lets the same request finish it', async () => {
    const body = { tenantId: 'boryeong', preset: 'population-decline-2025' };
    vi.spyOn(t.platform.budgets, 'createPot').mockRejectedValueOnce(new Error('injected: the process dies'));
    expect((await createTenant(body)).statusCode).toBe(500);
    // As a process killed mid-way would leave it: its attempt still holds the city.
    await t.db.query(
      `update tenant_creations set attempt_id = 'tca_dead', attempt_until = $2 where tenant_id = $1`,
      ['boryeong', new Date(t.clock.now().getTime() + CREATION_ATTEMPT_MINUTES_MAX * 60_000)],
    );
    const held = await createTenant(body);
    expect([held.statusCode, held.json().code]).toEqual([409, 'TENANT_EXISTS']);
    await expectNoCity('boryeong');

    t.clock.advanceMs(CREATION_ATTEMPT_MINUTES_MAX * 60_000);
    const created = await createTenant(body);
    expect(created.statusCode, created.body).toBe(201);
    await expectCountyOnly('boryeong');
  });
});
