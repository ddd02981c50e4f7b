import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  demoClient,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';

/** The preset's plan (2021: ₩1조3,000억) and economically active people, against what the feed shows. */
describe('issuance against the annual plan, members against the economically active population', () => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  const may = { from: '2021-05-01', to: '2021-05-13' };
  beforeAll(async () => {
    t = await openTestPlatform('pglite');
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    await t.platform.analytics.catchUp(tenantId);
  });
  afterAll(async () => {
    await t.close();
  });

  async function dashboard() {
    const response = await operator.get(`/v1/operator/analytics/dashboard?from=${may.from}&to=${may.to}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  it('shows year-to-date issuance per month against the plan spread evenly, and the overview at the period end', async () => {
    const before = await dashboard();
    const issuedBefore = before.issuanceVsPlan[0].cumulativeIssuedWon as number;
    const member = await newMember(t.app, tenantId, '010-7311-0001', { district: 'jung-gu', dong: '대흥동' });
    expect((await member.post('/v1/me/charges', { amountWon: 120_000 })).status).toBe(201);
    await t.platform.analytics.catchUp(tenantId);
    const after = await dashboard();
    const planWon = Math.floor((1_300_000_000_000 * 5) / 12);
    expect(after.issuanceVsPlan).toEqual([
      {
        month: '2021-05',
        cumulativeIssuedWon: issuedBefore + 120_000,
        cumulativePlanWon: planWon,
        vsPlanBp: Math.floor(((issuedBefore + 120_000) * 10_000) / planWon),
      },
    ]);
    const overview = await operator.get(`/v1/operator/analytics/overview?from=${may.from}&to=${may.to}`);
    expect(overview.body.plan).toEqual({
      year: 2021,
      cumulativePlanWon: planWon,
      cumulativeIssuedWon: issuedBefore + 120_000,
      vsPlanBp: Math.floor(((issuedBefore + 120_000) * 10_000) / planWon),
    });
    expect(overview.body.synthetic).toEqual([]);
    const csv = await t.app.inject({
      method: 'GET',
      url: `/v1/operator/analytics/dashboard/issuanceVsPlan.csv?from=${may.from}&to=${may.to}`,
      headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${operator.token}` },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toBe(
      `month,cumulativeIssuedWon,cumulativePlanWon,vsPlanBp\r\n2021-05,${issuedBefore + 120_000},${planWon},${Math.floor(((issuedBefore + 120_000) * 10_000) / planWon)}\r\n`,
    );
  });

  it('counts members by home district against the economically active people there', async () => {
    const before = await dashboard();
    const jungBefore = before.membersVsPopulation.find(
      (row: { district: string }) => row.district === 'jung-gu',
    );
    await newMember(t.app, tenantId, '010-7311-0002', { district: 'jung-gu', dong: '대흥동' });
    await t.platform.analytics.catchUp(tenantId);
    const after = await dashboard();
    const jung = after.membersVsPopulation.find((row: { district: string }) => row.district === 'jung-gu');
    expect(jung).toEqual({
      district: 'jung-gu',
      members: jungBefore.members + 1,
      economicallyActive: 127_000,
      shareBp: Math.floor(((jungBefore.members + 1) * 10_000) / 127_000),
    });
    expect(after.membersVsPopulation.map((row: { district: string }) => row.district)).toEqual([
      'daedeok-gu',
      'dong-gu',
      'jung-gu',
      'seo-gu',
      'yuseong-gu',
    ]);
    const overview = await operator.get(`/v1/operator/analytics/overview?from=${may.from}&to=${may.to}`);
    expect(overview.body.members.economicallyActive).toBe(790_000);
    expect(overview.body.members.shareOfEconomicallyActiveBp).toBe(
      Math.floor((overview.body.members.total * 10_000) / 790_000),
    );
  });

  it('says which figures are synthetic wherever a period overlaps synthetic history', async () => {
    await t.platform.analytics.markSynthetic(
      tenantId,
      { from: '2021-04-01', to: '2021-05-02' },
      'test history',
    );
    const overlapping = await dashboard();
    expect(overlapping.synthetic).toEqual([{ from: '2021-04-01', to: '2021-05-02', note: 'test history' }]);
    const after = await operator.get('/v1/operator/analytics/overview?from=2021-05-03&to=2021-05-13');
    expect(after.body.synthetic).toEqual([]);
  });
});
