import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  ApiClient,
  demoClient,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { installGivingAndFunds } from '../../presets/giving-and-funds.js';

const ADMIN_PHONE = '010-9000-0001';
const ADMIN_PASSWORD = 'platform-secret-one';
const KST = (iso: string) => new Date(`${iso}T12:00:00+09:00`);
const SHOP = { isTraditionalMarket: false, isBookstore: false, annualRevenueWon: 300_000_000 };
const BIG_SHOP = { ...SHOP, annualRevenueWon: 3_000_000_001 };

describe.each(databaseKinds())('platform administrator and tenants on %s', (kind) => {
  let t: TestPlatform;
  let adminToken: string;

  async function platformLogIn(phone: string, password: string) {
    return t.app.inject({ method: 'POST', url: '/v1/platform/sessions', payload: { phone, password } });
  }
  function createTenant(body: Record<string, unknown>, token = adminToken) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/platform/tenants',
      headers: { authorization: `Bearer ${token}` },
      payload: { nameKo: '테스트시', nameEn: 'Test City', timeZone: 'Asia/Seoul', ...body },
    });
  }

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    expect(await t.platform.platformAdmins.bootstrap(ADMIN_PHONE, ADMIN_PASSWORD)).toBe('created');
    const session = await platformLogIn(ADMIN_PHONE, ADMIN_PASSWORD);
    expect(session.statusCode).toBe(201);
    adminToken = session.json().token;
  });
  afterAll(async () => t.close());

  it('creates a city from each preset with a first operator who can sign in with every role', async () => {
    for (const preset of ['daejeon-2021', 'daejeon-2023', 'population-decline-2025', 'blank']) {
      const tenantId = `city-${kind}-${preset.replace(/[^a-z0-9]/g, '')}`.slice(0, 32);
      const created = await createTenant({ tenantId, preset });
      expect(created.statusCode, created.body).toBe(201);
      const body = created.json();
      expect(body.tenant).toEqual({
        tenantId,
        nameKo: '테스트시',
        nameEn: 'Test City',
        timeZone: 'Asia/Seoul',
        currencyCode: 'KRW',
        preset,
      });
      expect(body.firstOperator).toMatchObject({
        phone: '01000000000',
        roles: ['policy_admin', 'merchant_reviewer', 'auditor'],
      });
      const operator = await new ApiClient(t.app, tenantId).logIn(
        '010-0000-0000',
        body.firstOperator.password,
      );
      const me = await operator.get('/v1/me');
      expect(me.body.operatorRoles.sort()).toEqual(['auditor', 'merchant_reviewer', 'policy_admin']);
      expect(me.body.memberId).toBe(body.firstOperator.userId);
    }
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/platform/tenants',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(list.statusCode).toBe(200);
    const presets = list
      .json()
      .tenants.filter((tenant: { tenantId: string }) => tenant.tenantId.startsWith(`city-${kind}`));
    expect(presets.map((tenant: { preset: string }) => tenant.preset).sort()).toEqual([
      'blank',
      'daejeon-2021',
      'daejeon-2023',
      'population-decline-2025',
    ]);
  });

  it('needs no second pass of giving and the merchant fund for daejeon-2021: its installer holds them all', async () => {
    const tenantId = `dj21-${kind}`;
    expect((await createTenant({ tenantId, preset: 'daejeon-2021' })).statusCode).toBe(201);
    const rowsOfTenant = async () => {
      const tables = await t.db.query<{ table: string }>(
        `select table_name as table from information_schema.columns
         where column_name = 'tenant_id' and table_schema = current_schema() order by table_name`,
      );
      const counts: Record<string, number> = {};
      for (const { table } of tables) {
        const [row] = await t.db.query<{ n: number }>(
          `select count(*)::int as n from "${table}" where tenant_id = $1`,
          [tenantId],
        );
        counts[table] = row?.n ?? 0;
      }
      return counts;
    };
    const before = await rowsOfTenant();
    await installGivingAndFunds(t.platform, tenantId, 'daejeon-2021');
    expect(await rowsOfTenant()).toEqual(before);
  });

  it('installs the 대전사랑카드 2023 rules: 3% only in promotion months, welfare 10%, none above ₩30억', async () => {
    const tenantId = `dj23-${kind}`;
    expect((await createTenant({ tenantId, preset: 'daejeon-2023' })).statusCode).toBe(201);
    const quote = (at: Date, merchant = SHOP, welfare = false, before = 0) =>
      t.platform.policy.quoteAt(tenantId, {
        at,
        paidFromCashWon: 100_000,
        monthEligibleSpentBeforeWon: before,
        merchant,
        member: { isWelfareRecipient: welfare },
      });
    expect((await quote(KST('2023-03-15'))).cashbackWon).toBe(3_000);
    expect((await quote(KST('2023-04-15'))).cashbackWon).toBe(0);
    expect((await quote(KST('2023-04-15'), SHOP, true)).cashbackWon).toBe(10_000);
    expect((await quote(KST('2023-03-15'), BIG_SHOP)).cashbackWon).toBe(0);
    // ₩300,000 a month: ₩250,000 spent before leaves ₩50,000 eligible.
    expect((await quote(KST('2023-03-15'), SHOP, false, 250_000)).cashbackWon).toBe(1_500);
    // The 2021 history stays: 10% in May 2021.
    expect((await quote(KST('2021-05-13'))).cashbackWon).toBe(10_000);
  });

  it('installs the population-decline county at 15% with its own districts and budget', async () => {
    const tenantId = `county-${kind}`;
    const created = await createTenant({ tenantId, preset: 'population-decline-2025' });
    expect(created.statusCode, created.body).toBe(201);
    const quote = await t.platform.policy.quoteAt(tenantId, {
      at: KST('2025-07-01'),
      paidFromCashWon: 100_000,
      monthEligibleSpentBeforeWon: 0,
      merchant: SHOP,
      member: { isWelfareRecipient: false },
    });
    expect(quote.cashbackWon).toBe(15_000);
    const districts = await t.platform.reference.listDistricts(tenantId);
    expect(districts.map((district) => district.code)).toEqual(['eup', 'myeon-1', 'myeon-2', 'myeon-3']);
    const pots = await t.platform.budgets.listPots(tenantId);
    expect(pots.map((pot) => pot.remainingWon)).toEqual([10_000_000_000]);
  });

  it('refuses a taken tenant id, a bad time zone, an unknown preset, and anyone but the administrator', async () => {
    expect((await createTenant({ tenantId: 'taken-city', preset: 'blank' })).statusCode).toBe(201);
    const again = await createTenant({ tenantId: 'taken-city', preset: 'blank' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('TENANT_EXISTS');
    const zone = await createTenant({ tenantId: 'zone-city', preset: 'blank', timeZone: 'Mars/Olympus' });
    expect(zone.statusCode).toBe(400);
    expect(await t.platform.tenants.get('zone-city')).toBeUndefined();
    expect((await createTenant({ tenantId: 'preset-city', preset: 'atlantis' })).statusCode).toBe(400);
    expect((await createTenant({ tenantId: 'anon-city', preset: 'blank' }, 'nothing')).statusCode).toBe(401);
    // A city operator's session is not a platform session.
    const daejeon = await seedTestTenant(t.platform);
    const operator = await demoClient(t.app, daejeon, 'operator');
    expect((await createTenant({ tenantId: 'op-city', preset: 'blank' }, operator.token)).statusCode).toBe(
      401,
    );
    // Nor the other way round.
    const asTenant = await t.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: `Bearer ${adminToken}`, 'x-tenant-id': daejeon },
    });
    expect(asTenant.statusCode).toBe(401);
  });

  it('lets the environment password win, revoking earlier sessions, and disables a replaced phone', async () => {
    const before = (await platformLogIn(ADMIN_PHONE, ADMIN_PASSWORD)).json().token;
    expect(await t.platform.platformAdmins.bootstrap(ADMIN_PHONE, ADMIN_PASSWORD)).toBe('unchanged');
    expect(await t.platform.platformAdmins.authenticate(before)).not.toBeNull();
    expect(await t.platform.platformAdmins.bootstrap(ADMIN_PHONE, 'platform-secret-two')).toBe(
      'password-changed',
    );
    expect(await t.platform.platformAdmins.authenticate(before)).toBeNull();
    expect((await platformLogIn(ADMIN_PHONE, ADMIN_PASSWORD)).statusCode).toBe(401);
    const second = (await platformLogIn(ADMIN_PHONE, 'platform-secret-two')).json().token;
    expect(await t.platform.platformAdmins.bootstrap('010-9000-0002', 'platform-secret-new')).toBe('created');
    expect(await t.platform.platformAdmins.authenticate(second)).toBeNull();
    expect((await platformLogIn(ADMIN_PHONE, 'platform-secret-two')).statusCode).toBe(401);
    adminToken = (await platformLogIn('010-9000-0002', 'platform-secret-new')).json().token;
    expect(await t.platform.platformAdmins.authenticate(adminToken)).not.toBeNull();
  });

  it('refuses to start when the phone belongs to an account the environment did not create', async () => {
    await t.db.query(
      `insert into platform_admins (id, phone, password_hash, origin, created_at, password_changed_at)
       values ('pla_api', '01090000003', 'x', 'api', now(), now())`,
    );
    await expect(t.platform.platformAdmins.bootstrap('010-9000-0003', 'platform-secret-3')).rejects.toThrow(
      /not created from the environment; refusing to start/,
    );
    await expect(t.platform.platformAdmins.bootstrap('010-9000-0004', 'short')).rejects.toThrow(/12-128/);
  });
});
