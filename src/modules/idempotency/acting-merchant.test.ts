import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { restaurantApplication } from '../../../test/support/merchants-fixtures.js';
import {
  type ApiClient,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';

/**
 * Whom a request acts for is part of the request: an owner of two shops who sends one
 * Idempotency-Key as shop A (X-Merchant-Id) and then as shop B sent two requests, and the second is
 * refused (IDEMPOTENCY_KEY_REUSED), never answered with shop A's answer.
 */
describe.each(databaseKinds())('the acting shop is part of an idempotent request on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let owner: ApiClient;
  let shopA: string;
  let shopB: string;
  let phones = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    owner = await newMember(t.app, tenantId, nextPhone());
    const ownerId = (await owner.get('/v1/me')).body.memberId as string;
    const shops: string[] = [];
    for (const name of ['한밭 국밥 둔산점', '한밭 국밥 탄방점']) {
      const applied = await t.platform.merchants.apply(tenantId, ownerId, restaurantApplication({ name }));
      shops.push((await t.platform.merchants.approve(tenantId, applied.id, 'usr_reviewer')).id);
      // Shop A is the older: the one an owner acts for without X-Merchant-Id.
      t.clock.advanceMs(60_000);
    }
    [shopA = '', shopB = ''] = shops;
  });

  function nextPhone(): string {
    phones += 1;
    return `010-5670-${String(phones).padStart(4, '0')}`;
  }

  const as = (shop: string, key: string) => ({ 'x-merchant-id': shop, 'idempotency-key': key });

  async function applicationsOf(shop: string): Promise<unknown[]> {
    const listed = await owner.request('GET', '/v1/merchant/fund-applications', undefined, {
      'x-merchant-id': shop,
    });
    expect(listed.status).toBe(200);
    return listed.body.items;
  }

  it("refuses shop B a fund application key shop A used, and replays it for shop A (also as the owner's first shop)", async () => {
    const body = { amountWon: 1_000_000, purpose: '두 가게', termMonths: 12, openedOn: '2015-04-01' };
    const atA = await owner.request('POST', '/v1/merchant/fund-applications', body, as(shopA, 'fund-k'));
    expect(atA.status).toBe(201);
    expect(atA.body.merchantId).toBe(shopA);

    const atB = await owner.request('POST', '/v1/merchant/fund-applications', body, as(shopB, 'fund-k'));
    expect(atB.status).toBe(409);
    expect(atB.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await applicationsOf(shopB)).toEqual([]);

    const againAtA = await owner.request('POST', '/v1/merchant/fund-applications', body, as(shopA, 'fund-k'));
    expect(againAtA.status).toBe(201);
    expect(againAtA.headers['idempotent-replayed']).toBe('true');
    expect(againAtA.body).toEqual(atA.body);
    // Without X-Merchant-Id the owner acts as their first shop, A: the same request.
    const unnamed = await owner.request('POST', '/v1/merchant/fund-applications', body, {
      'idempotency-key': 'fund-k',
    });
    expect(unnamed.status).toBe(201);
    expect(unnamed.body).toEqual(atA.body);
    expect(await applicationsOf(shopA)).toHaveLength(1);
  });

  it('refuses shop B a code payment key shop A used, taking the customer’s money once', async () => {
    const customer = await newMember(t.app, tenantId, nextPhone());
    expect((await customer.post('/v1/me/charges', { amountWon: 20_000 })).status).toBe(201);
    const code = (await customer.post('/v1/me/payment-codes')).body.code;
    const body = { code, amountWon: 1_000 };
    const atA = await owner.request('POST', '/v1/merchant/payments', body, as(shopA, 'pay-k'));
    expect(atA.status).toBe(201);
    expect(atA.body.merchantId).toBe(shopA);

    const atB = await owner.request('POST', '/v1/merchant/payments', body, as(shopB, 'pay-k'));
    expect(atB.status).toBe(409);
    expect(atB.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const againAtA = await owner.request('POST', '/v1/merchant/payments', body, as(shopA, 'pay-k'));
    expect(againAtA.status).toBe(201);
    expect(againAtA.body).toEqual(atA.body);
    expect((await customer.get('/v1/me/wallet')).body.cashWon).toBe(19_000);
    const salesOfB = await owner.request('GET', '/v1/merchant/sales', undefined, { 'x-merchant-id': shopB });
    expect(salesOfB.body.items).toEqual([]);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it("refuses shop B a cancellation key shop A used, cancelling shop A's payment once", async () => {
    const customer = await newMember(t.app, tenantId, nextPhone());
    expect((await customer.post('/v1/me/charges', { amountWon: 20_000 })).status).toBe(201);
    const code = (await customer.post('/v1/me/payment-codes')).body.code;
    const paid = await owner.request(
      'POST',
      '/v1/merchant/payments',
      { code, amountWon: 4_000 },
      as(shopA, 'p'),
    );
    expect(paid.status).toBe(201);
    const url = `/v1/merchant/payments/${paid.body.paymentId}/cancellations`;
    const half = { amountWon: 2_000 };
    const atA = await owner.request('POST', url, half, as(shopA, 'cancel-k'));
    expect(atA.status).toBe(201);
    const atB = await owner.request('POST', url, half, as(shopB, 'cancel-k'));
    expect(atB.status).toBe(409);
    expect(atB.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await owner.request('POST', url, half, as(shopA, 'cancel-k'))).body).toEqual(atA.body);
    expect((await customer.get('/v1/me/wallet')).body.cashWon).toBe(18_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
