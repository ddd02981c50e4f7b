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
