import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
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
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { memberAccountIds } from '../members/member-service.js';
import { charityAccountId } from './types.js';

function kst(localTime: string): string {
  return `${localTime}+09:00`;
}

const CHARITY_BANK = { bankCode: 'SANDBOX', accountNumber: '100-200-300' };

describe.each(databaseKinds())('giving (온정나눔) on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set(kst('2021-05-13T12:00:00'));
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
  });

  const member = memberMaker(
    () => t.app,
    () => tenantId,
    '010-6300',
  );

  async function charity(name = '대전 사랑의열매', registrationNumber = '305-82-01234'): Promise<string> {
    const created = await operator.request('POST', '/v1/operator/charities', {
      name,
      registrationNumber,
      bankAccount: CHARITY_BANK,
      description: '사회복지공동모금회 대전지회',
    });
    expect(created.status).toBe(201);
    return created.body.charityId;
  }

  async function listedCharity(charityId: string) {
    const { items } = (await operator.get('/v1/charities')).body;
    return items.find((item: { charityId: string }) => item.charityId === charityId);
  }

  async function wallet(client: ApiClient) {
    return (await client.get('/v1/me/wallet')).body;
  }

  async function charityBalanceWon(charityId: string): Promise<number> {
    return (await t.platform.ledger.getAccount(tenantId, charityAccountId(charityId)))?.postedWon ?? -1;
  }

  it('moves a one-off cash donation to the charity, shown in public totals and campaign progress', async () => {
    const charityId = await charity();
    const campaign = await operator.request('POST', `/v1/operator/charities/${charityId}/campaigns`, {
      title: '겨울나기 연탄',
      goalWon: 1_000_000,
      startsAt: kst('2021-05-01T00:00:00'),
      endsAt: kst('2021-06-01T00:00:00'),
    });
    expect(campaign.status).toBe(201);
    const citizen = await member(100_000);
    const given = await citizen.post('/v1/me/donations', {
      charityId,
      campaignId: campaign.body.campaignId,
      amountWon: 30_000,
      source: 'cash',
    });
    expect(given.status).toBe(201);
    expect(given.body.donation).toMatchObject({ amountWon: 30_000, source: 'cash', charityId });
    expect(await wallet(citizen)).toMatchObject({ cashWon: 70_000, cashbackWon: 0 });
    expect(await charityBalanceWon(charityId)).toBe(30_000);
    const listed = await listedCharity(charityId);
    expect(listed).toMatchObject({ charityId, donatedWon: 30_000, donationCount: 1, paidOutWon: 0 });
    expect(listed.campaigns[0]).toMatchObject({ raisedWon: 30_000, goalWon: 1_000_000, progressBp: 300 });
    const mine = (await citizen.get('/v1/me/donations')).body;
    expect(mine.items).toHaveLength(1);
    expect(mine.totalWon).toBe(30_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('a donation from cashback spends exactly that cashback and earns none', async () => {
    const charityId = await charity();
    const citizen = await member(100_000);
    const cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
    expect(
      (await citizen.post('/v1/me/payments', { merchantCode: cafe.merchantCode, amountWon: 27_000 })).status,
    ).toBe(201);
    expect(await wallet(citizen)).toMatchObject({ cashWon: 73_000, cashbackWon: 2_700 });
    const given = await citizen.post('/v1/me/donations', { charityId, amountWon: 2_000, source: 'cashback' });
    expect(given.status).toBe(201);
    expect(await wallet(citizen)).toMatchObject({ cashWon: 73_000, cashbackWon: 700 });
    expect(await charityBalanceWon(charityId)).toBe(2_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('replays the same Idempotency-Key without giving twice', async () => {
    const charityId = await charity();
    const citizen = await member(50_000);
    const body = { charityId, amountWon: 10_000, source: 'cash' };
    const first = await citizen.post('/v1/me/donations', body, 'give-once');
    const again = await citizen.post('/v1/me/donations', body, 'give-once');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await wallet(citizen)).toMatchObject({ cashWon: 40_000 });
    const reused = await citizen.post('/v1/me/donations', { ...body, amountWon: 5_000 }, 'give-once');
    expect(reused.status).toBe(409);
    expect(await charityBalanceWon(charityId)).toBe(10_000);
  });

  it('refuses bad input with 4xx and changes nothing', async () => {
    const charityId = await charity();
    const citizen = await member(10_000);
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ charityId, amountWon: -5_000, source: 'cash' }, 400, 'INVALID_INPUT'],
      [{ charityId, amountWon: 0, source: 'cash' }, 400, 'INVALID_INPUT'],
      [{ charityId: 'chr_nope', amountWon: 1_000, source: 'cash' }, 404, 'CHARITY_NOT_FOUND'],
      [{ charityId, amountWon: 1_000, source: 'points' }, 400, 'INVALID_INPUT'],
      [{ charityId, amountWon: 20_000, source: 'cash' }, 422, 'INSUFFICIENT_FUNDS'],
      [{ charityId, amountWon: 1_000, source: 'cashback' }, 422, 'INSUFFICIENT_FUNDS'],
      [{ charityId, amountWon: 1_000, source: 'grant' }, 422, 'DONATION_SOURCE_NOT_ALLOWED'],
      [{ charityId, amountWon: 1_000, source: 'grant', monthlyDay: 5 }, 422, 'DONATION_SOURCE_NOT_ALLOWED'],
      [{ charityId, amountWon: 1_000, source: 'cash', monthlyDay: 32 }, 400, 'INVALID_INPUT'],
      [{ charityId, campaignId: 'cmp_nope', amountWon: 1_000, source: 'cash' }, 404, 'CAMPAIGN_NOT_FOUND'],
    ];
    for (const [body, status, code] of cases) {
      const refused = await citizen.post('/v1/me/donations', body);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status, code });
    }
    const duplicate = await operator.request('POST', '/v1/operator/charities', {
      name: '중복',
      registrationNumber: '305-82-01234',
      bankAccount: CHARITY_BANK,
      description: '',
    });
    expect(duplicate.status).toBe(409);
    // The same number written without dashes is the same charity; dashes alone are no number or account.
    const undashed = await operator.request('POST', '/v1/operator/charities', {
      name: '중복 (사본)',
      registrationNumber: '3058201234',
      bankAccount: CHARITY_BANK,
      description: '',
    });
    expect({ status: undashed.status, code: undashed.body.code }).toEqual({
      status: 409,
      code: 'CHARITY_ALREADY_REGISTERED',
    });
    for (const [registrationNumber, accountNumber] of [
      ['-----', '100-200'],
      ['305-82-77777', '----'],
    ])
      expect(
        (
          await operator.request('POST', '/v1/operator/charities', {
            name: '대시 재단',
            registrationNumber,
            bankAccount: { ...CHARITY_BANK, accountNumber },
            description: '',
          })
        ).status,
      ).toBe(400);
    expect((await citizen.request('POST', '/v1/operator/charities', {})).status).toBe(403);
    expect(await wallet(citizen)).toMatchObject({ cashWon: 10_000, cashbackWon: 0 });
    expect(await charityBalanceWon(charityId)).toBe(0);
    expect((await citizen.get('/v1/me/donations')).body).toMatchObject({ items: [], monthlyGifts: [] });
    expect((await operator.get('/v1/charities')).body.items).toHaveLength(3);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('gives every gift due today, however many gifts that fall due later sort before it', async () => {
    const charityId = await charity();
    const citizen = await member(50_000);
    t.clock.set(kst('2021-05-10T09:00:00'));
    const later = await citizen.post('/v1/me/donations', {
      charityId,
      amountWon: 1,
      source: 'cash',
      monthlyDay: 31,
    });
    const due = await citizen.post('/v1/me/donations', {
      charityId,
      amountWon: 7_000,
      source: 'cash',
      monthlyDay: 10,
    });
    // A full run's worth of gifts due on the 31st whose ids sort before the one due today.
    await t.db.query(
      `insert into monthly_gifts (tenant_id, id, member_id, charity_id, campaign_id, amount_won, source, monthly_day,
         first_month, status, created_at)
       select tenant_id, 'mgf_0' || lpad(n::text, 4, '0'), member_id, charity_id, campaign_id, amount_won, source,
         monthly_day, first_month, status, created_at
       from monthly_gifts, generate_series(1, 120) as n where tenant_id = $1 and id = $2`,
      [tenantId, later.body.monthlyGift.monthlyGiftId],
    );
    await t.db.query("update monthly_gifts set id = 'mgf_zzzzzzzz' where tenant_id = $1 and id = $2", [
      tenantId,
      due.body.monthlyGift.monthlyGiftId,
    ]);
    const run = await t.platform.giving.runMonthlyGifts(tenantId, t.clock.now());
    expect(run).toMatchObject({ processed: 1, details: { given: 1 } });
    expect(await charityBalanceWon(charityId)).toBe(7_000);
  });

  it('gives a monthly gift once per month across month ends, retries a failed month and reports it', async () => {
    const charityId = await charity();
    const citizen = await member(25_000);
    t.clock.set(kst('2021-05-30T09:00:00'));
    const started = await citizen.post('/v1/me/donations', {
      charityId,
      amountWon: 20_000,
      source: 'cash',
      monthlyDay: 31,
    });
    expect(started.status).toBe(201);
    expect(started.body.monthlyGift).toMatchObject({
      firstMonth: '2021-05',
      monthlyDay: 31,
      status: 'active',
    });
    expect(await wallet(citizen)).toMatchObject({ cashWon: 25_000 });

    await t.platform.scheduler.tick([tenantId]);
    expect(await charityBalanceWon(charityId)).toBe(0);

    t.clock.set(kst('2021-05-31T09:00:00'));
    await t.platform.scheduler.tick([tenantId]);
    t.clock.set(kst('2021-05-31T23:00:00'));
    await t.platform.scheduler.tick([tenantId]);
    expect(await wallet(citizen)).toMatchObject({ cashWon: 5_000 });

    // June has 30 days: the gift on the 31st falls on the 30th; 5,000 won is not enough.
    t.clock.set(kst('2021-06-30T08:00:00'));
    await t.platform.scheduler.tick([tenantId]);
    const failed = (await citizen.get('/v1/me/donations')).body.monthlyGifts[0];
    expect(failed.lastFailure).toEqual({ month: '2021-06', code: 'INSUFFICIENT_FUNDS', attempts: 1 });
    expect((await citizen.post('/v1/me/charges', { amountWon: 30_000 })).status).toBe(201);

    t.clock.set(kst('2021-06-30T08:30:00'));
    await t.platform.scheduler.tick([tenantId]);
    expect(await wallet(citizen)).toMatchObject({ cashWon: 35_000 });
    t.clock.set(kst('2021-06-30T09:30:00'));
    await t.platform.scheduler.tick([tenantId]);
    t.clock.set(kst('2021-06-30T12:00:00'));
    await t.platform.scheduler.tick([tenantId]);
    expect(await wallet(citizen)).toMatchObject({ cashWon: 15_000 });
    const donations = (await citizen.get('/v1/me/donations')).body.items;
    expect(donations.map((donation: { giftMonth: string }) => donation.giftMonth)).toEqual([
      '2021-06',
      '2021-05',
    ]);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('a stopped monthly gift gives nothing more', async () => {
    const charityId = await charity();
    const citizen = await member(100_000);
    const other = await member(0);
    const started = await citizen.post('/v1/me/donations', {
      charityId,
      amountWon: 10_000,
      source: 'cash',
      monthlyDay: 13,
    });
    const giftId = started.body.monthlyGift.monthlyGiftId;
    await t.platform.scheduler.tick([tenantId]);
    expect(await wallet(citizen)).toMatchObject({ cashWon: 90_000 });
    expect((await other.request('POST', `/v1/me/monthly-gifts/${giftId}/stop`)).status).toBe(404);
    const stopped = await citizen.request('POST', `/v1/me/monthly-gifts/${giftId}/stop`);
    expect(stopped.body.status).toBe('stopped');
    t.clock.set(kst('2021-06-14T12:00:00'));
    await t.platform.scheduler.tick([tenantId]);
    expect(await wallet(citizen)).toMatchObject({ cashWon: 90_000 });
  });

  it('pays what a charity holds to its bank account once, through the bank gateway', async () => {
    const charityId = await charity();
    const citizen = await member(100_000);
    await citizen.post('/v1/me/donations', { charityId, amountWon: 40_000, source: 'cash' });
    const deposits = vi.spyOn(t.bank, 'deposit');
    try {
      const before = t.bank.balanceOf(CHARITY_BANK);
      await t.platform.giving.payouts.run(tenantId, t.clock.now());
      await t.platform.giving.payouts.run(tenantId, t.clock.now());
      expect(deposits).toHaveBeenCalledTimes(1);
      expect(t.bank.balanceOf(CHARITY_BANK) - before).toBe(40_000);
      expect(await charityBalanceWon(charityId)).toBe(0);
      const listed = await listedCharity(charityId);
      expect(listed).toMatchObject({ donatedWon: 40_000, paidOutWon: 40_000 });
    } finally {
      deposits.mockRestore();
    }
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('gives from a grant of a programme the operator created allowing donations, and not from another', async () => {
    const charityId = await charity();
    const citizen = await member(0);
    const programme = async (donationAllowed: boolean) => {
      const created = await operator.post('/v1/operator/programs', {
        name: donationAllowed ? '나눔 지원금' : '생활 지원금',
        budgetWon: 100_000,
        nationalShareBp: 0,
        recipientAmountWon: 50_000,
        recipientAmountMaxWon: 50_000,
        usableFrom: kst('2021-05-13T00:00:00'),
        expiresAt: kst('2021-08-31T00:00:00'),
        ...(donationAllowed ? { donationAllowed } : {}),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.donationAllowed).toBe(donationAllowed);
      const imported = await operator.request(
        'POST',
        `/v1/operator/programs/${created.body.id}/recipients`,
        `phone\r\n${citizen.phone}\r\n`,
        { 'content-type': 'text/csv' },
      );
      expect(imported.body).toMatchObject({ imported: true, importedCount: 1 });
      expect((await operator.post(`/v1/operator/programs/${created.body.id}/disbursements`)).status).toBe(
        202,
      );
      await t.platform.programs.idle();
    };
    await programme(false);
    const refused = await citizen.post('/v1/me/donations', { charityId, amountWon: 10_000, source: 'grant' });
    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 422,
      code: 'DONATION_SOURCE_NOT_ALLOWED',
    });
    await programme(true);
    const given = await citizen.post('/v1/me/donations', { charityId, amountWon: 60_000, source: 'grant' });
    // Only the grant that allows it is given from: 50,000 is all it holds.
    expect({ status: given.status, code: given.body.code }).toEqual({
      status: 422,
      code: 'INSUFFICIENT_FUNDS',
    });
    const ok = await citizen.post('/v1/me/donations', { charityId, amountWon: 30_000, source: 'grant' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(await charityBalanceWon(charityId)).toBe(30_000);
    const { grants } = (await citizen.get('/v1/me/wallet')).body;
    expect(grants.map((grant: { amountWon: number }) => grant.amountWon).sort()).toEqual([20_000, 50_000]);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('gives from a grant only when its programme allows donations', async () => {
    const charityId = await charity();
    const citizen = await member(0);
    const memberId = (await t.platform.members.findByPhone(tenantId, citizen.phone))?.id as string;
    const grantId = `${memberId}:grant:prg_test`;
    await t.platform.ledger.createAccounts(tenantId, [
      { id: 'budget_source:city', kind: 'budget_source', currencyCode: 'KRW', allowNegative: true },
      {
        id: grantId,
        kind: 'member_grant',
        currencyCode: 'KRW',
        ownerId: memberId,
        metadata: { programId: 'prg_test', donationAllowed: true, expiresAt: kst('2021-12-31T00:00:00') },
      },
    ]);
    await t.platform.ledger.postTransfers(tenantId, [
      {
        id: 'test-grant',
        action: 'transfer',
        code: 'grant',
        postings: [
          { accountId: 'budget_source:city', amountWon: -50_000 },
          { accountId: grantId, amountWon: 50_000 },
        ],
      },
    ]);
    const given = await citizen.post('/v1/me/donations', { charityId, amountWon: 15_000, source: 'grant' });
    expect(given.status).toBe(201);
    expect((await t.platform.ledger.getAccount(tenantId, grantId))?.postedWon).toBe(35_000);
    expect((await t.platform.ledger.getAccount(tenantId, memberAccountIds(memberId).cash))?.postedWon).toBe(
      0,
    );
    // A standing gift from it is taken too, since a grant allows giving now.
    const monthly = await citizen.post('/v1/me/donations', {
      charityId,
      amountWon: 5_000,
      source: 'grant',
      monthlyDay: 28,
    });
    expect(monthly.status, JSON.stringify(monthly.body)).toBe(201);
    expect(monthly.body.monthlyGift).toMatchObject({ source: 'grant', amountWon: 5_000, status: 'active' });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it.skipIf(!pdfToolsFound && !pdfToolsRequired)(
    'renders a year of donations as a PDF record with the charity, source and amounts',
    async () => {
      assertPdfTools();
      // 07:30 in Daejeon is still the day before in UTC: the record prints the city's dates.
      t.clock.set(kst('2021-05-14T07:30:00'));
      const charityId = await charity('대전 사랑의열매', '305-82-09999');
      const citizen = await member(100_000);
      await citizen.post('/v1/me/donations', { charityId, amountWon: 12_345, source: 'cash' });
      await citizen.post('/v1/me/donations', { charityId, amountWon: 30_000, source: 'cash' });
      const response = await t.app.inject({
        url: '/v1/me/donation-records/2021.pdf',
        headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${citizen.token}` },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      const text = pdfText(response.rawPayload);
      expect(text).toContain('2021년 온정나눔 기부 내역');
      expect(text).toMatch(/2021-05-14\s+대전 사랑의열매\s+충전금\s+12,345원/);
      expect(text).toContain('발급일 Issued: 2021-05-14');
      expect(text).toMatch(/합계 Total\s+2건\s+42,345원/);
      expect(text).toContain('사회복지공동모금회');
      expect(embeddedFonts(response.rawPayload).some((name) => name.includes('NotoSansKR'))).toBe(true);
      expect(pdfPages(response.rawPayload)).toHaveLength(1);

      // A year of more donations than a record lists still totals every one, and says so.
      await t.db.query(
        `insert into donations (tenant_id, id, member_id, charity_id, campaign_id, amount_won, source, monthly_gift_id,
           gift_month, created_at)
         select tenant_id, id || '_' || n, member_id, charity_id, campaign_id, 1, source, null, null,
           created_at + n * interval '1 second'
         from donations, generate_series(1, 400) as n where tenant_id = $1 and amount_won = 30000`,
        [tenantId],
      );
      const long = await t.app.inject({
        url: '/v1/me/donation-records/2021.pdf',
        headers: { 'x-tenant-id': tenantId, authorization: `Bearer ${citizen.token}` },
      });
      const longText = pdfText(long.rawPayload);
      expect(longText).toMatch(/합계 Total\s+402건\s+42,745원/);
      expect(longText).toContain('외 2건은 목록에 없으며 합계에는 포함됩니다');
    },
  );
});
