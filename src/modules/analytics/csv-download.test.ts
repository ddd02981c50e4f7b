import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { restaurantApplication } from '../../../test/support/merchants-fixtures.js';
import {
  type ApiClient,
  demoClient,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { chartColumns, chartCsv } from './csv.js';

const TOP_MERCHANTS_HEADER =
  'merchantId,name,district,industryCode,netWon,declaredAnnualRevenueWon,annualisedVsDeclaredBp';

describe('chart CSV', () => {
  it('takes its columns from the schema, not from the order of the first row', () => {
    expect(chartColumns('topMerchants').join(',')).toBe(TOP_MERCHANTS_HEADER);
    expect(chartCsv('byDistrict', [{ count: 2, netWon: -5000, key: 'seo-gu' }])).toBe(
      'key,netWon,count\r\nseo-gu,-5000,2\r\n',
    );
  });

  it('neutralises text a spreadsheet would run as a formula, whatever character starts it', () => {
    const rows = ['=A', '+A', '-A', '@A', '\tA', '\rA'].map((key) => ({ key, netWon: -5000, count: 1 }));
    expect(chartCsv('byDistrict', rows)).toBe(
      `key,netWon,count\r\n'=A,-5000,1\r\n'+A,-5000,1\r\n'-A,-5000,1\r\n'@A,-5000,1\r\n'\tA,-5000,1\r\n"'\rA",-5000,1\r\n`,
    );
  });

  it('writes the header alone for a chart without points', () => {
    expect(chartCsv('byHour', [])).toBe('key,netWon,count\r\n');
  });
});

describe.each(databaseKinds())('dashboard downloads on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let citizen: ApiClient;
  const codes: string[] = [];
  const names = ['=HYPERLINK("http://evil.example","확인")', '+82 식당', '-1+1 분식', '@SUM(1) 카페'];

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    const owner = await newMember(t.app, tenantId, '010-7400-0001');
    for (const name of names) {
      const applied = await owner.request(
        'POST',
        '/v1/merchant-applications',
        restaurantApplication({ name }),
      );
      expect(applied.status).toBe(201);
      const approved = await operator.request(
        'POST',
        `/v1/operator/merchants/${applied.body.merchantId}/approve`,
      );
      expect(approved.status).toBe(200);
      codes.push(approved.body.merchantCode);
    }
    citizen = await newMember(t.app, tenantId, '010-7400-0002');
    expect((await citizen.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
    // Different amounts give the ranking a known order: the first name sells most.
    for (const [index, merchantCode] of codes.entries())
      expect(
        (await citizen.post('/v1/me/payments', { merchantCode, amountWon: 10_000 - index * 1000 })).status,
      ).toBe(201);
    await t.platform.analytics.catchUp(tenantId);
  });
  afterAll(async () => {
    await t.close();
  });

  async function topMerchantsCsv(): Promise<string[]> {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/operator/analytics/dashboard/topMerchants.csv?from=2021-05-01&to=2021-05-13',
      headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${operator.token}` },
    });
    expect(response.statusCode).toBe(200);
    return response.body.split('\r\n');
  }

  it('neutralises merchant names a spreadsheet would run as formulas, amounts staying numbers', async () => {
    const lines = await topMerchantsCsv();
    const nameCells = lines.slice(1, 1 + names.length).map((line) => line.split(',').slice(1, -5).join(','));
    expect(nameCells).toEqual([
      `"'=HYPERLINK(""http://evil.example"",""확인"")"`,
      "'+82 식당",
      "'-1+1 분식",
      "'@SUM(1) 카페",
    ]);
    expect(lines[1]).toMatch(/,restaurant,10000,240000000,\d+$/);
  });

  it('keeps the declared column order whether the ranking was just computed or read back from jsonb', async () => {
    const before = await topMerchantsCsv();
    expect((await citizen.post('/v1/me/payments', { merchantCode: codes[3], amountWon: 500 })).status).toBe(
      201,
    );
    await t.platform.analytics.catchUp(tenantId);
    const recomputed = await topMerchantsCsv();
    const kept = await topMerchantsCsv();
    expect([before[0], recomputed[0], kept[0]]).toEqual([
      TOP_MERCHANTS_HEADER,
      TOP_MERCHANTS_HEADER,
      TOP_MERCHANTS_HEADER,
    ]);
    expect(recomputed).not.toEqual(before);
    expect(kept).toEqual(recomputed);
  });
});
