import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { databaseKinds } from '../support/databases.js';
import { memberMaker, openTestPlatform, seedTestTenant, type TestPlatform } from '../support/platform.js';

/** 온통대전's rule values in force on the test day (2021-05-13). */
const MONTHLY_CHARGE_CAP_WON = 500_000;
const UNIT_WON = 10_000;

/** An auto-charge amount no charge could ever reach is refused when it is set, not at every payment. */
describe.each(databaseKinds())('the auto-charge amount against the caps on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
  });

  const member = memberMaker(
    () => t.app,
    () => tenantId,
    '010-7710',
  );

  it('accepts an amount at the monthly charge cap', async () => {
    const citizen = await member();
    const set = await citizen.request('PUT', '/v1/me/auto-charge', {
      enabled: true,
      amountWon: MONTHLY_CHARGE_CAP_WON,
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ enabled: true, amountWon: MONTHLY_CHARGE_CAP_WON, unitWon: UNIT_WON });
  });

  it('refuses one unit over the cap, naming the cap in won, and keeps the previous setting', async () => {
    const citizen = await member();
    await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 20_000 });
    const refused = await citizen.request('PUT', '/v1/me/auto-charge', {
      enabled: true,
      amountWon: MONTHLY_CHARGE_CAP_WON + UNIT_WON,
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'AUTO_CHARGE_AMOUNT_OVER_CAP',
      rule: 'charge_monthly_cap_won',
      capWon: MONTHLY_CHARGE_CAP_WON,
      messages: { en: expect.stringContaining('₩500,000'), ko: expect.stringContaining('500,000원') },
    });
    expect((await citizen.get('/v1/me/auto-charge')).body).toEqual({
      enabled: true,
      amountWon: 20_000,
      unitWon: UNIT_WON,
    });
  });

  it('refuses a huge amount (a multiple of the unit near 2^53)', async () => {
    const citizen = await member();
    const refused = await citizen.request('PUT', '/v1/me/auto-charge', {
      enabled: true,
      amountWon: 9_007_199_254_740_000,
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'AUTO_CHARGE_AMOUNT_OVER_CAP',
      capWon: MONTHLY_CHARGE_CAP_WON,
    });
    expect((await citizen.get('/v1/me/auto-charge')).body).toMatchObject({ enabled: false });
  });

  it('reads the caps in force now: a lower holding cap from tomorrow binds from tomorrow', async () => {
    const citizen = await member();
    const operator = await t.platform.members.findByPhone(tenantId, DEMO_CREDENTIALS.operator.phone);
    await t.platform.policy.createRule(tenantId, operator?.id ?? '', {
      key: 'holding_cap_won',
      value: 300_000,
      effectiveFrom: new Date('2021-05-14T00:00:00+09:00'),
    });
    const today = await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 400_000 });
    expect(today.status).toBe(200);
    t.clock.set('2021-05-14T03:00:00Z');
    const tomorrow = await citizen.request('PUT', '/v1/me/auto-charge', {
      enabled: true,
      amountWon: 310_000,
    });
    expect(tomorrow.status).toBe(400);
    expect(tomorrow.body).toMatchObject({
      code: 'AUTO_CHARGE_AMOUNT_OVER_CAP',
      rule: 'holding_cap_won',
      capWon: 300_000,
      messages: {
        en: expect.stringContaining('holding cap of ₩300,000'),
        ko: expect.stringContaining('보유 한도 300,000원'),
      },
    });
  });

  it('still refuses an amount that is not a multiple of the unit, below the cap', async () => {
    const citizen = await member();
    const refused = await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 15_000 });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'AUTO_CHARGE_AMOUNT_INVALID', unitWon: UNIT_WON });
  });

  it('lets a member turn auto-charge off whatever amount is sent', async () => {
    const citizen = await member();
    const off = await citizen.request('PUT', '/v1/me/auto-charge', {
      enabled: false,
      amountWon: MONTHLY_CHARGE_CAP_WON + UNIT_WON,
    });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false });
  });
});
