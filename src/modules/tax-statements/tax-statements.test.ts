import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  assertPdfTools,
  embeddedFonts,
  pdfPages,
  pdfText,
  pdfToolsFound,
  pdfToolsRequired,
} from '../../../test/support/pdf-tools.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';

function kst(localTime: string): string {
  return `${localTime}+09:00`;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe.each(databaseKinds())('yearly income-tax statement on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let citizen: ApiClient;
  let phoneCount = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  /**
   * May: charge 300,000; pay 100,000 at the market store (all cash, earns 13,000 cashback);
   * pay 50,000 at the cafe (13,000 from cashback, 37,000 cash, earns 5,000); June: the market store
   * cancels 40,000 of May's payment; pay 30,000 at the cafe.
   */
  beforeEach(async () => {
    t.clock.set(kst('2021-05-13T12:00:00'));
    tenantId = await seedTestTenant(t.platform);
    phoneCount += 1;
    citizen = await newMember(t.app, tenantId, `010-6400-${String(phoneCount).padStart(4, '0')}`);
    expect((await citizen.post('/v1/me/charges', { amountWon: 300_000 })).status).toBe(201);
    const market = await demoMerchantCode(t.platform, tenantId, 'marketStore');
    const cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
    const atMarket = await citizen.post('/v1/me/payments', {
      merchantCode: market.merchantCode,
      amountWon: 100_000,
    });
    expect(atMarket.body.paidFrom).toEqual({ grantWon: 0, cashbackWon: 0, cashWon: 100_000 });
    const atCafe = await citizen.post('/v1/me/payments', {
      merchantCode: cafe.merchantCode,
      amountWon: 50_000,
    });
    expect(atCafe.body.paidFrom).toEqual({ grantWon: 0, cashbackWon: 13_000, cashWon: 37_000 });
    t.clock.set(kst('2021-06-02T12:00:00'));
    const marketOwner = await demoClient(t.app, tenantId, 'marketStore');
    const cancelled = await marketOwner.post(
      `/v1/merchant/payments/${atMarket.body.paymentId}/cancellations`,
      {
        amountWon: 40_000,
      },
    );
    expect(cancelled.status).toBe(201);
    const june = await citizen.post('/v1/me/payments', {
      merchantCode: cafe.merchantCode,
      amountWon: 30_000,
    });
    expect(june.body.paidFrom.cashWon).toBe(30_000);
    t.clock.set(kst('2022-01-10T09:00:00'));
  });

  it('counts only own cash spending by month, netting cancellations, at 40% / 30%', async () => {
    const statement = await citizen.get('/v1/me/tax-statements/2021');
    expect(statement.status).toBe(200);
    expect(statement.body.months).toHaveLength(12);
    const byMonth = Object.fromEntries(
      statement.body.months.map(
        (line: { month: string; traditionalMarketWon: number; generalWon: number }) => [
          line.month,
          [line.traditionalMarketWon, line.generalWon],
        ],
      ),
    );
    expect(byMonth['2021-05']).toEqual([60_000, 37_000]);
    expect(byMonth['2021-06']).toEqual([0, 30_000]);
    expect(byMonth['2021-07']).toEqual([0, 0]);
    expect(statement.body.months[4]).toMatchObject({ traditionalMarketRateBp: 4000, generalRateBp: 3000 });
    expect(statement.body.totals).toEqual({
      traditionalMarketWon: 60_000,
      generalWon: 67_000,
      totalWon: 127_000,
      deductionBaseWon: 24_000 + 11_100 + 9_000,
    });
    expect((await citizen.get('/v1/me/tax-statements/2020')).body.totals.totalWon).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('counts the cash part of captured mall and delivery orders in the month of capture; a return nets it', async () => {
    t.clock.set(kst('2021-07-14T12:00:00'));
    const operator = await demoClient(t.app, tenantId, 'operator');
    const market = await demoClient(t.app, tenantId, 'marketStore');
    const restaurant = await demoClient(t.app, tenantId, 'cafe');
    for (const category of [
      { categoryId: 'food', name: '식품', nameEn: 'Food' },
      { categoryId: 'meals', name: '음식', nameEn: 'Meals' },
    ])
      expect((await operator.request('POST', '/v1/operator/commerce/categories', category)).status).toBe(201);
    const terms = await restaurant.request('PUT', '/v1/merchant/delivery-terms', {
      areas: ['둔산동'],
      minimumOrderWon: 15_000,
      deliveryFeeWon: 2_000,
      opensAt: '10:00',
      closesAt: '22:00',
    });
    expect(terms.status).toBe(200);
    const listing = async (merchant: ApiClient, product: Record<string, unknown>) => {
      const created = await merchant.request('POST', '/v1/merchant/products', product);
      expect(created.status).toBe(201);
      return created.body.productId as string;
    };
    const gukbap = await listing(restaurant, {
      channel: 'delivery',
      name: '돼지국밥',
      priceWon: 9_000,
      categoryId: 'meals',
    });
    const apples = await listing(market, {
      channel: 'mall',
      name: '부사 사과 5kg',
      priceWon: 30_000,
      stock: 5,
      categoryId: 'food',
    });
    phoneCount += 1;
    const buyer = await newMember(t.app, tenantId, `010-6400-${String(phoneCount).padStart(4, '0')}`);
    expect((await buyer.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
    const marketStore = await demoMerchantCode(t.platform, tenantId, 'marketStore');
    const atTill = await buyer.post('/v1/me/payments', {
      merchantCode: marketStore.merchantCode,
      amountWon: 20_000,
    });
    expect(atTill.body.paidFrom).toEqual({ grantWon: 0, cashbackWon: 0, cashWon: 20_000 });
    expect((await buyer.get('/v1/me/wallet')).body.cashbackWon).toBe(2_600);
    // One cart: the delivery order draws the cashback first, the mall order is all cash.
    const placed = await buyer.post('/v1/me/orders', {
      items: [
        { productId: gukbap, quantity: 2 },
        { productId: apples, quantity: 1 },
      ],
      deliveryDong: '둔산동',
    });
    expect(placed.status).toBe(201);
    const [delivery, mall] = placed.body.orders;
    expect(delivery).toMatchObject({ totalWon: 20_000, paidFrom: { cashbackWon: 2_600, cashWon: 17_400 } });
    expect(mall).toMatchObject({ totalWon: 30_000, paidFrom: { cashbackWon: 0, cashWon: 30_000 } });
    const july = async () => {
      const statement = await buyer.get('/v1/me/tax-statements/2021');
      expect(statement.status).toBe(200);
      return statement.body.months[6];
    };
    // Held, not captured: no money moved yet.
    expect(await july()).toMatchObject({ month: '2021-07', traditionalMarketWon: 20_000, generalWon: 0 });

    expect((await restaurant.post(`/v1/merchant/orders/${delivery.orderId}/accept`)).status).toBe(200);
    const shipped = await market.post(`/v1/merchant/orders/${mall.orderId}/status`, {
      status: 'shipped',
      trackingNumber: 'CJ-1',
    });
    expect(shipped.status).toBe(200);
    expect(await july()).toMatchObject({ traditionalMarketWon: 50_000, generalWon: 17_400 });

    t.clock.set(kst('2021-08-03T12:00:00'));
    expect(
      (await market.post(`/v1/merchant/orders/${mall.orderId}/status`, { status: 'delivered' })).status,
    ).toBe(200);
    expect((await buyer.post(`/v1/me/orders/${mall.orderId}/cancellation`, { reason: '상함' })).status).toBe(
      200,
    );
    const returned = await market.post(`/v1/merchant/orders/${mall.orderId}/status`, { status: 'returned' });
    expect(returned.body.status).toBe('returned');

    t.clock.set(kst('2022-01-10T09:00:00'));
    const statement = (await buyer.get('/v1/me/tax-statements/2021')).body;
    // Netted in the month of capture, as a payment's cancellation is netted in the payment's month.
    expect(statement.months[6]).toMatchObject({ traditionalMarketWon: 20_000, generalWon: 17_400 });
    expect(statement.months[7]).toMatchObject({ traditionalMarketWon: 0, generalWon: 0 });
    expect(statement.totals).toEqual({
      traditionalMarketWon: 20_000,
      generalWon: 17_400,
      totalWon: 37_400,
      deductionBaseWon: 8_000 + 5_220,
    });
    const exported = await t.app.inject({
      url: '/v1/operator/tax-statements/2021.csv',
      headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${operator.token}` },
    });
    expect(exported.body.trim().split('\n')).toContain(`${statement.memberId},2021,20000,17400,37400,13220`);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses a malformed or out-of-range year, and strangers', async () => {
    expect((await citizen.get('/v1/me/tax-statements/21')).status).toBe(400);
    expect((await citizen.get('/v1/me/tax-statements/1999')).body.code).toBe('INVALID_INPUT');
    const anonymous = await t.app.inject({
      url: '/v1/me/tax-statements/2021',
      headers: { 'x-tenant-id': tenantId },
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await citizen.get('/v1/operator/tax-statements/2021.csv')).status).toBe(403);
  });

  it('exports every member’s yearly totals as CSV for the operator', async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    // A member whose only payment was cancelled in full spent nothing: no row of zeros.
    phoneCount += 1;
    const refunded = await newMember(t.app, tenantId, `010-6400-${String(phoneCount).padStart(4, '0')}`);
    expect((await refunded.post('/v1/me/charges', { amountWon: 20_000 })).status).toBe(201);
    const cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
    const paid = await refunded.post('/v1/me/payments', {
      merchantCode: cafe.merchantCode,
      amountWon: 10_000,
    });
    const cafeOwner = await demoClient(t.app, tenantId, 'cafe');
    expect((await cafeOwner.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`)).status).toBe(
      201,
    );
    const response = await t.app.inject({
      url: '/v1/operator/tax-statements/2021.csv',
      headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${operator.token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const memberId = (await citizen.get('/v1/me/tax-statements/2021')).body.memberId;
    expect(response.body.trim().split('\n')).toEqual([
      'member_id,year,traditional_market_won,general_won,total_won,deduction_base_won',
      `${memberId},2021,60000,67000,127000,44100`,
    ]);
  });

  it.skipIf(!pdfToolsFound && !pdfToolsRequired)(
    'renders the statement as a PDF with an embedded Korean font, the text and the amounts',
    async () => {
      assertPdfTools();
      // 08:30 in Daejeon is the evening before in UTC: the statement is dated as the city reads it.
      t.clock.set(kst('2022-01-10T08:30:00'));
      const response = await t.app.inject({
        url: '/v1/me/tax-statements/2021.pdf',
        headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${citizen.token}` },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      const pdf = response.rawPayload;
      const text = pdfText(pdf);
      expect(text).toContain('2021년 지역화폐 소득공제 사용내역서');
      expect(text).toContain('테스트 회원');
      expect(text).toContain('발급일 Issued: 2022-01-10');
      expect(text).toMatch(/2021-05\s+60,000원\s+37,000원\s+97,000원/);
      expect(text).toMatch(/2021-06\s+0원\s+30,000원\s+30,000원/);
      expect(text).toMatch(/합계 Total\s+60,000원\s+67,000원\s+127,000원/);
      expect(text).toContain('44,100원');
      expect(embeddedFonts(pdf).some((name) => name.includes('NotoSansKR'))).toBe(true);
      const pages = pdfPages(pdf);
      expect(pages.length).toBe(1);
      expect(pages[0]?.subarray(0, 4)).toEqual(PNG_MAGIC);
    },
  );
});
