import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

/** 깡: the cafe's owner pays the cafe; a neighbour paying the same earns the usual 10%. */
describe.each(databaseKinds())('self-dealing on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let owner: ApiClient;
  let neighbour: ApiClient;
  let merchantCode: string;
  let posKey: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    owner = await demoClient(t.app, tenantId, 'cafe');
    neighbour = await newMember(t.app, tenantId, '010-7300-0001');
    for (const member of [owner, neighbour])
      expect((await member.post('/v1/me/charges', { amountWon: 500_000 })).status).toBe(201);
    merchantCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
    posKey = (await owner.request('POST', '/v1/merchant/pos-keys', { label: '카운터' })).body.key;
  });
  afterAll(async () => {
    await t.close();
  });

  async function collectWithPosKey(payer: ApiClient, amountWon: number) {
    const { code } = (await payer.request('POST', '/v1/me/payment-codes')).body;
    const till = new ApiClient(t.app, tenantId);
    till.token = posKey;
    return till.post('/v1/merchant/payments', { code, amountWon });
  }

  it('earns the owner no cashback at their own shop, by merchant code or at their own POS key', async () => {
    const own = await owner.post('/v1/me/payments', { merchantCode, amountWon: 100_000 });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({
      amountWon: 100_000,
      cashback: { amountWon: 0, limitedBy: ['SELF_DEALING'] },
    });
    const atTill = await collectWithPosKey(owner, 50_000);
    expect(atTill.status).toBe(201);
    expect(atTill.body).toMatchObject({
      amountWon: 50_000,
      cashback: { amountWon: 0, limitedBy: ['SELF_DEALING'] },
    });
    expect((await owner.get('/v1/me/wallet')).body).toMatchObject({
      cashWon: 350_000,
      cashbackWon: 0,
      month: { eligibleSpendWon: 0 },
    });

    const preview = await owner.get(`/v1/me/payment-preview?merchantCode=${merchantCode}&amountWon=10000`);
    expect(preview.body).toMatchObject({ shortfallWon: 0, expectedCashbackWon: 0 });

    const other = await neighbour.post('/v1/me/payments', { merchantCode, amountWon: 100_000 });
    expect(other.body).toMatchObject({ cashback: { amountWon: 10_000 } });
    expect((await collectWithPosKey(neighbour, 50_000)).body).toMatchObject({
      cashback: { amountWon: 4_000 },
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses the payment outright from the moment the tenant rule says so', async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    const effectiveFrom = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const rule = await operator.request('POST', '/v1/operator/policies/rules', {
      key: 'self_dealing_payment_refused',
      value: 1,
      effectiveFrom,
    });
    expect(rule.status).toBe(201);
    expect((await owner.post('/v1/me/payments', { merchantCode, amountWon: 1_000 })).status).toBe(201);
    t.clock.advanceMs(60_000);

    const before = (await owner.get('/v1/me/wallet')).body;
    const refused = await owner.post('/v1/me/payments', { merchantCode, amountWon: 100_000 });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('SELF_DEALING_REFUSED');
    expect((await collectWithPosKey(owner, 10_000)).body.code).toBe('SELF_DEALING_REFUSED');
    const preview = await owner.get(`/v1/me/payment-preview?merchantCode=${merchantCode}&amountWon=10000`);
    expect([preview.status, preview.body.code]).toEqual([422, 'SELF_DEALING_REFUSED']);
    // Refused whatever the balance: a payment beyond it makes no auto-charge first.
    expect(
      (await owner.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 10_000 })).status,
    ).toBe(200);
    const beyond = await owner.post('/v1/me/payments', { merchantCode, amountWon: before.totalWon + 5_000 });
    expect([beyond.status, beyond.body.code]).toEqual([422, 'SELF_DEALING_REFUSED']);
    expect(beyond.body.autoCharge).toBeUndefined();
    expect((await owner.get('/v1/me/wallet')).body).toEqual(before);
    expect(
      (await neighbour.post('/v1/me/payments', { merchantCode, amountWon: 10_000 })).body.cashback.amountWon,
    ).toBeGreaterThan(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
