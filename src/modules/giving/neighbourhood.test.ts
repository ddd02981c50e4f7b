import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
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
import { dongFundAccountId } from './neighbourhood.js';

const DONG_CODES: Record<string, string> = { 둔산1동: 'dunsan-1', 대흥동: 'daeheung' };

function kst(localTime: string): string {
  return `${localTime}+09:00`;
}

describe.each(databaseKinds())('동네사랑기부제 on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let cafeCode: string;
  let phoneCount = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    // 2023: the rule (1%) is in force; the preset funds this year's pot with ₩20억.
    t.clock.set(kst('2023-04-20T12:00:00'));
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    cafeCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
  });

  async function participant(dong: string, spendWon: number): Promise<ApiClient> {
    phoneCount += 1;
    const member = await newMember(t.app, tenantId, `010-6500-${String(phoneCount).padStart(4, '0')}`);
    t.clock.set(kst('2023-04-20T12:00:00'));
    const chosen = await member.request('PUT', '/v1/me/neighbourhood-giving', { dong });
    expect(chosen.status).toBe(200);
    expect(chosen.body.nextDong).toEqual({ dong: DONG_CODES[dong], effectiveMonth: '2023-05' });
    t.clock.set(kst('2023-05-10T12:00:00'));
    expect((await member.post('/v1/me/charges', { amountWon: spendWon })).status).toBe(201);
    expect(
      (await member.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: spendWon })).status,
    ).toBe(201);
    return member;
  }

  async function fundBalanceWon(dong: string): Promise<number> {
    return (await t.platform.ledger.getAccount(tenantId, dongFundAccountId(dong)))?.postedWon ?? 0;
  }

  it('gives 1% of last month’s eligible spending to the chosen 동, once, and shows it to member and operator', async () => {
    const first = await participant('둔산1동', 123_456);
    await participant('둔산1동', 200_000);
    await participant('대흥동', 50_000);
    t.clock.set(kst('2023-06-01T09:00:00'));
    const run = await t.platform.giving.neighbourhood.runMonth(tenantId, '2023-05');
    expect(run).toMatchObject({ processed: 3, givenWon: 1_234 + 2_000 + 500 });
    expect((await t.platform.giving.neighbourhood.runMonth(tenantId, '2023-05')).processed).toBe(0);
    await t.platform.scheduler.tick([tenantId]);
    expect(await fundBalanceWon('dunsan-1')).toBe(3_234);
    expect(await fundBalanceWon('daeheung')).toBe(500);
    const mine = (await first.get('/v1/me/neighbourhood-giving')).body;
    expect(mine).toMatchObject({ currentDong: 'dunsan-1', totalGivenWon: 1_234 });
    expect(mine.gifts).toEqual([
      { month: '2023-05', dong: 'dunsan-1', eligibleWon: 123_456, givenWon: 1_234 },
    ]);
    const totals = (await operator.get('/v1/operator/neighbourhood-giving?month=2023-05')).body;
    expect(totals.items).toEqual([
      {
        dong: 'daeheung',
        nameKo: '대흥동',
        members: 1,
        eligibleWon: 50_000,
        requestedWon: 500,
        givenWon: 500,
      },
      {
        dong: 'dunsan-1',
        nameKo: '둔산1동',
        members: 2,
        eligibleWon: 323_456,
        requestedWon: 3_234,
        givenWon: 3_234,
      },
    ]);
    const csv = await t.app.inject({
      url: '/v1/operator/neighbourhood-giving.csv?month=2023-05',
      headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${operator.token}` },
    });
    expect(csv.body.trim().split('\n')).toEqual([
      'month,dong,name_ko,members,eligible_won,requested_won,given_won',
      '2023-05,daeheung,대흥동,1,50000,500,500',
      '2023-05,dunsan-1,둔산1동,2,323456,3234,3234',
    ]);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('writes a 동 name a spreadsheet would run as a formula as text in the CSV', async () => {
    await participant('대흥동', 50_000);
    t.clock.set(kst('2023-06-01T09:00:00'));
    await t.platform.giving.neighbourhood.runMonth(tenantId, '2023-05');
    const lines: string[] = [];
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      // The city's list of 동 is data an operator loads: nothing stops a hostile name reaching it.
      await t.platform.db.query(
        `update neighbourhood_dongs set name_ko = $1 where tenant_id = $2 and code = 'daeheung'`,
        [`${start}1+1`, tenantId],
      );
      const csv = await t.app.inject({
        url: '/v1/operator/neighbourhood-giving.csv?month=2023-05',
        headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${operator.token}` },
      });
      lines.push(csv.body.split('\n')[1] ?? '');
    }
    expect(lines).toEqual([
      "2023-05,daeheung,'=1+1,1,50000,500,500",
      "2023-05,daeheung,'+1+1,1,50000,500,500",
      "2023-05,daeheung,'-1+1,1,50000,500,500",
      "2023-05,daeheung,'@1+1,1,50000,500,500",
      "2023-05,daeheung,'\t1+1,1,50000,500,500",
      `2023-05,daeheung,"'\r1+1",1,50000,500,500`,
    ]);
  });

  it('stops giving when the pot runs out in the middle of a month, never overspending it', async () => {
    // The preset's pot is for 2023; this test uses 2024 with a pot of ₩1,500.
    t.clock.set(kst('2024-01-10T12:00:00'));
    const funded = await operator.post('/v1/operator/neighbourhood-giving/pots', {
      year: 2024,
      amountWon: 1_500,
    });
    expect(funded.status).toBe(201);
    const members: ApiClient[] = [];
    for (const dong of ['봉명동', 'bongmyeong', '관평동']) {
      phoneCount += 1;
      const member = await newMember(t.app, tenantId, `010-6500-${String(phoneCount).padStart(4, '0')}`);
      t.clock.set(kst('2024-01-10T12:00:00'));
      await member.request('PUT', '/v1/me/neighbourhood-giving', { dong });
      t.clock.set(kst('2024-02-10T12:00:00'));
      await member.post('/v1/me/charges', { amountWon: 100_000 });
      await member.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 100_000 });
      members.push(member);
    }
    t.clock.set(kst('2024-03-01T09:00:00'));
    const run = await t.platform.giving.neighbourhood.runMonth(tenantId, '2024-02');
    expect(run).toMatchObject({ processed: 3, givenWon: 1_500 });
    const given = await Promise.all(
      members.map(async (member) => (await member.get('/v1/me/neighbourhood-giving')).body.totalGivenWon),
    );
    expect([...given].sort((a, b) => b - a)).toEqual([1_000, 500, 0]);
    expect(await t.platform.giving.neighbourhood.potView(tenantId, 2024)).toEqual({
      year: 2024,
      fundedWon: 1_500,
      remainingWon: 0,
    });
    const totals = (await operator.get('/v1/operator/neighbourhood-giving?month=2024-02')).body;
    expect(totals.totalGivenWon).toBe(1_500);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses an unknown 동 or a bad month, changing nothing', async () => {
    const member = await newMember(t.app, tenantId, '010-6599-0001');
    const refused = await member.request('PUT', '/v1/me/neighbourhood-giving', { dong: '없는동' });
    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 404,
      code: 'DONG_NOT_FOUND',
    });
    expect((await member.get('/v1/me/neighbourhood-giving')).body).toMatchObject({
      currentDong: null,
      nextDong: null,
    });
    expect((await operator.get('/v1/operator/neighbourhood-giving?month=2023-13')).status).toBe(400);
    expect((await member.get('/v1/operator/neighbourhood-giving?month=2023-05')).status).toBe(403);
    const again = await operator.post('/v1/operator/neighbourhood-giving/pots', { year: 2023, amountWon: 1 });
    expect(again.body.code).toBe('POT_ALREADY_FUNDED');
    expect(
      (await operator.post('/v1/operator/neighbourhood-giving/pots', { year: 2025, amountWon: -1 })).status,
    ).toBe(400);
    expect(await t.platform.giving.neighbourhood.potView(tenantId, 2025)).toMatchObject({ fundedWon: 0 });
    // A year that is over could never give the money out: refused, nothing moved.
    const thisYear = Number(
      new Intl.DateTimeFormat('en', { timeZone: 'Asia/Seoul', year: 'numeric' }).format(t.clock.now()),
    );
    const past = await operator.post('/v1/operator/neighbourhood-giving/pots', {
      year: thisYear - 1,
      amountWon: 5_000_000,
    });
    expect({ status: past.status, code: past.body.code }).toEqual({
      status: 400,
      code: 'EFFECTIVE_DATE_IN_PAST',
    });
    expect(await t.platform.giving.neighbourhood.potView(tenantId, thisYear - 1)).toMatchObject({
      fundedWon: 0,
    });
    expect(
      (
        await t.app.inject({ url: '/v1/neighbourhood-giving/dongs', headers: { 'x-tenant-id': tenantId } })
      ).json().items.length,
    ).toBe(20);
  });
});
