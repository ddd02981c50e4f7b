import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  demoMerchantCode,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

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

  it('turns auto-charge off whatever the unit in force, and checks the unit again when it is turned on', async () => {
    const citizen = await member();
    expect(
      (await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 30_000 })).status,
    ).toBe(200);
    const operator = await t.platform.members.findByPhone(tenantId, DEMO_CREDENTIALS.operator.phone);
    await t.platform.policy.createRule(tenantId, operator?.id ?? '', {
      key: 'auto_charge_unit_won',
      value: 20_000,
      effectiveFrom: new Date('2021-05-14T00:00:00+09:00'),
    });
    t.clock.set('2021-05-14T03:00:00Z');
    const off = await citizen.request('PUT', '/v1/me/auto-charge', { enabled: false, amountWon: 30_000 });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ enabled: false, amountWon: 30_000, unitWon: 20_000 });
    const on = await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 30_000 });
    expect(on.status).toBe(400);
    expect(on.body).toMatchObject({ code: 'AUTO_CHARGE_AMOUNT_INVALID', unitWon: 20_000 });
    expect((await citizen.get('/v1/me/auto-charge')).body).toMatchObject({ enabled: false });
    expect(
      (await citizen.request('PUT', '/v1/me/auto-charge', { enabled: false, amountWon: 0 })).status,
    ).toBe(400);
  });

  /** The preview of a ₩`amountWon` payment at the café (10% cashback). */
  async function previewAtCafe(citizen: ApiClient, amountWon: number) {
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    const preview = await citizen.get(
      `/v1/me/payment-preview?merchantCode=${merchantCode}&amountWon=${amountWon}`,
    );
    expect(preview.status).toBe(200);
    const { paidFrom, shortfallWon, autoChargeWon, expectedCashbackWon } = preview.body;
    return { paidFrom, shortfallWon, autoChargeWon, expectedCashbackWon };
  }
  async function payAtCafe(citizen: ApiClient, amountWon: number) {
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    return citizen.post('/v1/me/payments', { merchantCode, amountWon });
  }

  it('previews the auto-charge a payment makes up to the monthly charge cap, and none past it, as the payment does', async () => {
    const citizen = await member(480_000);
    await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: UNIT_WON });
    // ₩20,010 short: three units would take the month to ₩510,000, so no auto-charge and no cashback.
    expect(await previewAtCafe(citizen, 500_010)).toEqual({
      paidFrom: null,
      shortfallWon: 20_010,
      autoChargeWon: 0,
      expectedCashbackWon: 0,
    });
    const past = await payAtCafe(citizen, 500_010);
    expect([past.status, past.body.code, past.body.reason]).toEqual([
      422,
      'AUTO_CHARGE_FAILED',
      'MONTHLY_CHARGE_CAP_EXCEEDED',
    ]);
    // ₩20,000 short: two units take the month exactly to the cap.
    expect(await previewAtCafe(citizen, 500_000)).toEqual({
      paidFrom: { grantWon: 0, cashbackWon: 0, cashWon: 500_000 },
      shortfallWon: 20_000,
      autoChargeWon: 20_000,
      expectedCashbackWon: 50_000,
    });
    const paid = await payAtCafe(citizen, 500_000);
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({
      paidFrom: { grantWon: 0, cashbackWon: 0, cashWon: 500_000 },
      cashback: { amountWon: 50_000 },
      autoCharge: { amountWon: 20_000, units: 2 },
      wallet: { month: { chargedWon: MONTHLY_CHARGE_CAP_WON } },
    });
  });

  it('previews no auto-charge the holding cap would refuse, and one it allows, as the payment does', async () => {
    const operator = await t.platform.members.findByPhone(tenantId, DEMO_CREDENTIALS.operator.phone);
    await t.platform.policy.createRule(tenantId, operator?.id ?? '', {
      key: 'holding_cap_won',
      value: 300_000,
      effectiveFrom: new Date('2021-05-14T00:00:00+09:00'),
    });
    const citizen = await member(280_000);
    await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 30_000 });
    t.clock.set('2021-05-14T03:00:00Z');
    // ₩10,000 short; ₩30,000 more would hold ₩310,000, over the ₩300,000 cap.
    expect(await previewAtCafe(citizen, 290_000)).toEqual({
      paidFrom: null,
      shortfallWon: 10_000,
      autoChargeWon: 0,
      expectedCashbackWon: 0,
    });
    const refused = await payAtCafe(citizen, 290_000);
    expect([refused.status, refused.body.code, refused.body.reason]).toEqual([
      422,
      'AUTO_CHARGE_FAILED',
      'HOLDING_CAP_EXCEEDED',
    ]);
    // ₩10,000 at a time holds exactly ₩290,000.
    await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: UNIT_WON });
    expect(await previewAtCafe(citizen, 290_000)).toEqual({
      paidFrom: { grantWon: 0, cashbackWon: 0, cashWon: 290_000 },
      shortfallWon: 10_000,
      autoChargeWon: 10_000,
      expectedCashbackWon: 29_000,
    });
    const paid = await payAtCafe(citizen, 290_000);
    expect(paid.body).toMatchObject({ cashback: { amountWon: 29_000 }, autoCharge: { amountWon: 10_000 } });
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
