import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  type ApiClient,
  demoClient,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { seedDaejeon } from '../../presets/daejeon.js';
import { businessNumberCheckDigit } from '../merchants/business-number.js';
import { partnerDepositAccountId } from './partners.js';
import { DAEJEON_DEMO_PARTNER } from './presets/daejeon.js';
import { charityAccountId } from './types.js';

function kst(localTime: string): string {
  return `${localTime}+09:00`;
}

/** A valid 사업자등록번호 from nine digits (the tenth is the check digit). */
function businessNumber(nine: string): string {
  return `${nine.slice(0, 3)}-${nine.slice(3, 5)}-${nine.slice(5)}${businessNumberCheckDigit(nine)}`;
}

const COMPANY_BANK = { bankCode: 'SANDBOX', accountNumber: '777-000-0001' };
const SANDBOX_OPENING_WON = 10_000_000;
/** "전화번호,금액\r\n" as Korean Excel saves it (CP949). */
const CP949_HEADER = Buffer.from('c0fcc8adb9f8c8a32cb1ddbed70d0a', 'hex');

describe.each(databaseKinds())('동행협약 partners on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let count = 0;

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

  function nextCount(): number {
    count += 1;
    return count;
  }

  async function partner(): Promise<string> {
    const n = nextCount();
    const created = await operator.request('POST', '/v1/operator/partners', {
      name: `한밭전자 ${n}`,
      businessNumber: businessNumber(`30581${String(n).padStart(4, '0')}`),
      contact: '총무팀 김대리 042-000-0000',
    });
    expect(created.status).toBe(201);
    return created.body.partnerId;
  }

  async function deposit(partnerId: string, amountWon: number, key?: string, account = COMPANY_BANK) {
    return operator.post(
      `/v1/operator/partners/${partnerId}/deposits`,
      { amountWon, bankAccount: account },
      key,
    );
  }

  /** A matching pledge, under `key` (a fresh one when omitted). */
  async function pledge(partnerId: string, body: Record<string, unknown>, key?: string) {
    return operator.post(`/v1/operator/partners/${partnerId}/pledges`, body, key);
  }

  async function pledgeRows(partnerId: string): Promise<number> {
    const [row] = await t.db.query<{ n: number }>(
      'select count(*)::int as n from partner_pledges where tenant_id = $1 and partner_id = $2',
      [tenantId, partnerId],
    );
    return row?.n ?? -1;
  }

  async function campaign(): Promise<{ charityId: string; campaignId: string }> {
    const n = nextCount();
    const charity = await operator.request('POST', '/v1/operator/charities', {
      name: `대전 사랑의열매 ${n}`,
      registrationNumber: `305-82-9${String(n).padStart(4, '0')}`,
      bankAccount: { bankCode: 'SANDBOX', accountNumber: '100-200-300' },
      description: '사회복지공동모금회 대전지회',
    });
    expect(charity.status).toBe(201);
    const opened = await operator.request(
      'POST',
      `/v1/operator/charities/${charity.body.charityId}/campaigns`,
      {
        title: '겨울나기 연탄',
        goalWon: 10_000_000,
        startsAt: kst('2021-05-01T00:00:00'),
        endsAt: kst('2021-06-01T00:00:00'),
      },
    );
    expect(opened.status).toBe(201);
    return { charityId: charity.body.charityId, campaignId: opened.body.campaignId };
  }

  async function member(chargeWon: number): Promise<{ client: ApiClient; phone: string }> {
    const phone = `010-6400-${String(nextCount()).padStart(4, '0')}`;
    const client = await newMember(t.app, tenantId, phone);
    if (chargeWon > 0)
      expect((await client.post('/v1/me/charges', { amountWon: chargeWon })).status).toBe(201);
    return { client, phone };
  }

  async function balanceWon(accountId: string): Promise<number> {
    return (await t.platform.ledger.getAccount(tenantId, accountId))?.postedWon ?? -1;
  }

  async function statement(partnerId: string) {
    const response = await operator.get(`/v1/operator/partners/${partnerId}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  async function gift(partnerId: string, body: string | Buffer, key: string, query = '') {
    return operator.request(
      'POST',
      `/v1/operator/partners/${partnerId}/gifts?expiresAt=${encodeURIComponent(kst('2021-12-31T23:59:59'))}${query}`,
      body,
      { 'content-type': 'text/csv', 'idempotency-key': key },
    );
  }

  it('the Daejeon demo has a partner with a deposit and a matching pledge on a demo campaign', async () => {
    const demo = (await operator.get('/v1/operator/partners')).body.items.find(
      (item: { name: string }) => item.name === DAEJEON_DEMO_PARTNER.name,
    );
    expect(demo).toMatchObject({
      depositedWon: 5_000_000,
      depositBalanceWon: 5_000_000,
      pledgedWon: 1_000_000,
      matchedWon: 0,
      giftedWon: 0,
    });
    const detail = await statement(demo.partnerId);
    expect(detail.pledges).toEqual([expect.objectContaining({ rateBp: 5_000, capWon: 1_000_000 })]);
    // Seeding again adds nothing.
    await seedDaejeon(t.platform, tenantId);
    expect(await statement(demo.partnerId)).toMatchObject({ depositedWon: 5_000_000, pledgedWon: 1_000_000 });
  });

  it('registers a partner with a checked business number, once, and lists it', async () => {
    const nine = '305819001';
    const created = await operator.request('POST', '/v1/operator/partners', {
      name: '한밭전자',
      businessNumber: businessNumber(nine),
      contact: '총무팀 042-000-0000',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: '한밭전자',
      businessNumber: `${nine}${businessNumberCheckDigit(nine)}`,
      pledgedWon: 0,
      depositedWon: 0,
      paidWon: 0,
      depositBalanceWon: 0,
    });
    const again = await operator.request('POST', '/v1/operator/partners', {
      name: '한밭전자 2',
      businessNumber: `${nine}${businessNumberCheckDigit(nine)}`,
      contact: '총무팀',
    });
    expect(again.status).toBe(409);
    const wrongCheck = (businessNumberCheckDigit(nine) + 1) % 10;
    const bad = await operator.request('POST', '/v1/operator/partners', {
      name: '가짜',
      businessNumber: `${nine}${wrongCheck}`,
      contact: '총무팀',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_BUSINESS_NUMBER');
    const listed = (await operator.get('/v1/operator/partners')).body.items;
    expect(listed.map((item: { name: string }) => item.name)).toContain('한밭전자');
    expect(listed.map((item: { name: string }) => item.name)).not.toContain('가짜');
    const citizen = await member(0);
    expect((await citizen.client.get('/v1/operator/partners')).status).toBe(403);
  });

  it('takes a deposit from the company bank account once per key; a declined one moves nothing', async () => {
    const partnerId = await partner();
    const account = { bankCode: 'SANDBOX', accountNumber: `777-${nextCount()}` };
    const first = await deposit(partnerId, 1_000_000, 'dep-1', account);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ amountWon: 1_000_000, status: 'succeeded' });
    const replay = await deposit(partnerId, 1_000_000, 'dep-1', account);
    expect(replay.body.depositId).toBe(first.body.depositId);
    expect(t.bank.balanceOf(account)).toBe(SANDBOX_OPENING_WON - 1_000_000);
    // The same key from another account is another request: refused, not answered as if it were paid.
    const otherAccount = { bankCode: 'SANDBOX', accountNumber: `777-${nextCount()}` };
    const reused = await deposit(partnerId, 1_000_000, 'dep-1', otherAccount);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(t.bank.balanceOf(otherAccount)).toBe(SANDBOX_OPENING_WON);
    expect(await balanceWon(partnerDepositAccountId(partnerId))).toBe(1_000_000);

    t.bank.injectFaults('fail');
    const declined = await deposit(partnerId, 500_000, 'dep-2', account);
    expect(declined.status).toBe(422);
    expect(declined.body.code).toBe('DEPOSIT_DECLINED');
    expect((await deposit(partnerId, -5, 'dep-3', account)).status).toBe(400);
    expect((await deposit('ptn_nobody', 5_000, 'dep-4', account)).status).toBe(404);
    expect(t.bank.balanceOf(account)).toBe(SANDBOX_OPENING_WON - 1_000_000);
    expect(await balanceWon(partnerDepositAccountId(partnerId))).toBe(1_000_000);
    expect(await statement(partnerId)).toMatchObject({
      depositedWon: 1_000_000,
      depositBalanceWon: 1_000_000,
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('matches donations to the campaign at the rate up to the cap, once per donation', async () => {
    const partnerId = await partner();
    expect((await deposit(partnerId, 100_000)).status).toBe(201);
    const { charityId, campaignId } = await campaign();
    const over = await pledge(partnerId, {
      campaignId,
      rateBp: 10_001,
      capWon: 20_000,
    });
    expect(over.status).toBe(400);
    const unknown = await pledge('ptn_nobody', {
      campaignId,
      rateBp: 5_000,
      capWon: 20_000,
    });
    expect(unknown.status).toBe(404);
    const noCampaign = await pledge(partnerId, {
      campaignId: 'cmp_nothing',
      rateBp: 5_000,
      capWon: 20_000,
    });
    expect(noCampaign.status).toBe(404);
    const pledged = await pledge(partnerId, {
      campaignId,
      rateBp: 5_000,
      capWon: 20_000,
    });
    expect(pledged.status).toBe(201);

    const { client } = await member(200_000);
    const donation = { charityId, campaignId, amountWon: 30_000, source: 'cash' };
    expect((await client.post('/v1/me/donations', donation, 'give-1')).status).toBe(201);
    expect(await balanceWon(charityAccountId(charityId))).toBe(45_000);
    // A replay of the same request matches nothing again.
    expect((await client.post('/v1/me/donations', donation, 'give-1')).status).toBe(201);
    expect(await balanceWon(charityAccountId(charityId))).toBe(45_000);
    expect((await client.post('/v1/me/donations', donation, 'give-2')).status).toBe(201);
    expect(await balanceWon(charityAccountId(charityId))).toBe(30_000 + 15_000 + 30_000 + 5_000);
    expect((await client.post('/v1/me/donations', donation, 'give-3')).status).toBe(201);
    expect(await balanceWon(charityAccountId(charityId))).toBe(90_000 + 20_000);
    // A donation to the charity without the campaign is not matched.
    expect(
      (await client.post('/v1/me/donations', { charityId, amountWon: 10_000, source: 'cash' })).status,
    ).toBe(201);
    expect(await balanceWon(charityAccountId(charityId))).toBe(120_000);

    const detail = await statement(partnerId);
    expect(detail).toMatchObject({
      pledgedWon: 20_000,
      depositedWon: 100_000,
      matchedWon: 20_000,
      giftedWon: 0,
      paidWon: 20_000,
      depositBalanceWon: 80_000,
    });
    expect(detail.pledges[0]).toMatchObject({ rateBp: 5_000, capWon: 20_000, matchedWon: 20_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('matches a monthly gift to a campaign while the campaign runs; once it has ended the month goes to the charity', async () => {
    const partnerId = await partner();
    expect((await deposit(partnerId, 100_000)).status).toBe(201);
    const { charityId, campaignId } = await campaign();
    expect((await pledge(partnerId, { campaignId, rateBp: 5_000, capWon: 50_000 })).status).toBe(201);
    const { client } = await member(100_000);
    const started = await client.post('/v1/me/donations', {
      charityId,
      campaignId,
      amountWon: 10_000,
      source: 'cash',
      monthlyDay: 20,
    });
    expect(started.status).toBe(201);
    expect(started.body.monthlyGift).toMatchObject({ campaignId, firstMonth: '2021-05' });

    // (The charity's balance is paid out to its bank by its own job: the partner's side shows the match.)
    t.clock.set(kst('2021-05-20T09:00:00'));
    await t.platform.scheduler.tick([tenantId]);
    expect(await statement(partnerId)).toMatchObject({ matchedWon: 5_000, depositBalanceWon: 95_000 });
    // The campaign ended on 06-01: June's gift goes to the charity, and no pledge matches it.
    t.clock.set(kst('2021-06-20T09:00:00'));
    await t.platform.scheduler.tick([tenantId]);
    const given = (await client.get('/v1/me/donations')).body.items;
    expect(
      given.map((d: { giftMonth: string; campaignId: string | null }) => [d.giftMonth, d.campaignId]),
    ).toEqual([
      ['2021-06', null],
      ['2021-05', campaignId],
    ]);
    expect(await statement(partnerId)).toMatchObject({ matchedWon: 5_000, depositBalanceWon: 95_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('never matches beyond the deposit or the cap, even with donations at once', async () => {
    const partnerId = await partner();
    expect((await deposit(partnerId, 25_000)).status).toBe(201);
    const { charityId, campaignId } = await campaign();
    expect(
      (
        await pledge(partnerId, {
          campaignId,
          rateBp: 10_000,
          capWon: 40_000,
        })
      ).status,
    ).toBe(201);
    const donors = await Promise.all([1, 2, 3, 4, 5].map(() => member(10_000)));
    const results = await Promise.all(
      donors.map(({ client }) =>
        client.post('/v1/me/donations', { charityId, campaignId, amountWon: 10_000, source: 'cash' }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual([201, 201, 201, 201, 201]);
    expect(await balanceWon(charityAccountId(charityId))).toBe(50_000 + 25_000);
    expect(await balanceWon(partnerDepositAccountId(partnerId))).toBe(0);
    expect(await statement(partnerId)).toMatchObject({ matchedWon: 25_000, depositBalanceWon: 0 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses a pledge without an Idempotency-Key, replays one with it, and refuses the key for another pledge', async () => {
    const partnerId = await partner();
    const { campaignId } = await campaign();
    const body = { campaignId, rateBp: 10_000, capWon: 5_000 };
    const keyless = await operator.request('POST', `/v1/operator/partners/${partnerId}/pledges`, body);
    expect(keyless.status).toBe(400);
    expect(keyless.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect(await pledgeRows(partnerId)).toBe(0);

    const first = await pledge(partnerId, body, 'pledge-1');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ campaignId, rateBp: 10_000, capWon: 5_000, matchedWon: 0 });
    const again = await pledge(partnerId, body, 'pledge-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const changed = await pledge(partnerId, { ...body, capWon: 6_000 }, 'pledge-1');
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await pledgeRows(partnerId)).toBe(1);
    expect((await statement(partnerId)).pledgedWon).toBe(5_000);
  });

  it('makes one pledge of three identical ones sent at once, with one key or with three, and matches a donation once', async () => {
    const partnerId = await partner();
    expect((await deposit(partnerId, 50_000)).status).toBe(201);
    const { charityId, campaignId } = await campaign();
    const body = { campaignId, rateBp: 10_000, capWon: 5_000 };

    const sameKey = await Promise.all([1, 2, 3].map(() => pledge(partnerId, body, 'pledge-once')));
    expect(sameKey.map((answer) => answer.status)).toEqual([201, 201, 201]);
    expect(sameKey[1]?.body).toEqual(sameKey[0]?.body);
    expect(sameKey[2]?.body).toEqual(sameKey[0]?.body);

    const ownKeys = await Promise.all([1, 2, 3].map((n) => pledge(partnerId, body, `pledge-again-${n}`)));
    for (const answer of ownKeys) {
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({
        code: 'PLEDGE_ALREADY_ACTIVE',
        pledgeId: sameKey[0]?.body.pledgeId,
        capWon: 5_000,
        matchedWon: 0,
      });
    }
    expect(await pledgeRows(partnerId)).toBe(1);

    const { client } = await member(10_000);
    const donated = await client.post('/v1/me/donations', {
      charityId,
      campaignId,
      amountWon: 1_000,
      source: 'cash',
    });
    expect(donated.status).toBe(201);
    expect(await balanceWon(partnerDepositAccountId(partnerId))).toBe(49_000);
    expect(await balanceWon(charityAccountId(charityId))).toBe(2_000);
    expect(await statement(partnerId)).toMatchObject({ pledgedWon: 5_000, matchedWon: 1_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('takes a new pledge on the campaign once the active one has matched its whole cap', async () => {
    const partnerId = await partner();
    expect((await deposit(partnerId, 50_000)).status).toBe(201);
    const { charityId, campaignId } = await campaign();
    const first = await pledge(partnerId, { campaignId, rateBp: 10_000, capWon: 1_000 });
    expect(first.status).toBe(201);
    const { client } = await member(10_000);
    const donation = { charityId, campaignId, amountWon: 999, source: 'cash' };
    expect((await client.post('/v1/me/donations', donation)).status).toBe(201);
    // ₩1 of the cap is left: still active.
    const early = await pledge(partnerId, { campaignId, rateBp: 5_000, capWon: 2_000 });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'PLEDGE_ALREADY_ACTIVE', matchedWon: 999 });
    expect((await client.post('/v1/me/donations', donation)).status).toBe(201);
    const renewed = await pledge(partnerId, { campaignId, rateBp: 5_000, capWon: 2_000 });
    expect(renewed.status).toBe(201);
    expect(await pledgeRows(partnerId)).toBe(2);
    // The next donation is matched by the new pledge alone, at its rate.
    expect((await client.post('/v1/me/donations', { ...donation, amountWon: 1_000 })).status).toBe(201);
    expect(await statement(partnerId)).toMatchObject({ pledgedWon: 3_000, matchedWon: 1_500 });
    expect(await balanceWon(partnerDepositAccountId(partnerId))).toBe(48_500);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('gives employees grants from a CP949 or BOM CSV, all or nothing, within the deposit', async () => {
    const partnerId = await partner();
    expect((await deposit(partnerId, 100_000)).status).toBe(201);
    const first = await member(0);
    const second = await member(0);
    const cp949 = Buffer.concat([
      CP949_HEADER,
      Buffer.from(`${first.phone},"30,000"\r\n${second.phone},20000\r\n`),
    ]);
    const given = await gift(partnerId, cp949, 'gift-1', '&allowedIndustries=restaurant');
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({
      recipientCount: 2,
      amountWon: 50_000,
      allowedIndustries: ['restaurant'],
    });
    const replay = await gift(partnerId, cp949, 'gift-1', '&allowedIndustries=restaurant');
    expect(replay.body.giftId).toBe(given.body.giftId);
    const wallet = (await first.client.get('/v1/me/wallet')).body;
    expect(wallet.grants).toEqual([
      expect.objectContaining({
        amountWon: 30_000,
        expiresAt: new Date(kst('2021-12-31T23:59:59')).toISOString(),
      }),
    ]);
    expect(await balanceWon(partnerDepositAccountId(partnerId))).toBe(50_000);

    const tooMuch = `\uFEFF전화번호,금액\r\n${first.phone},30000\r\n${second.phone},30000\r\n`;
    const refused = await gift(partnerId, tooMuch, 'gift-2');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INSUFFICIENT_DEPOSIT');
    const badRow = `\uFEFF전화번호,금액\r\n${first.phone},-3000\r\n010-9999-0000,1000\r\n`;
    const invalid = await gift(partnerId, badRow, 'gift-3');
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('GIFT_FILE_INVALID');
    expect((await gift('ptn_nobody', tooMuch, 'gift-4')).status).toBe(404);
    expect(await balanceWon(partnerDepositAccountId(partnerId))).toBe(50_000);
    expect((await second.client.get('/v1/me/wallet')).body.grants).toEqual([
      expect.objectContaining({ amountWon: 20_000 }),
    ]);
    expect(await statement(partnerId)).toMatchObject({
      depositedWon: 100_000,
      giftedWon: 50_000,
      paidWon: 50_000,
      depositBalanceWon: 50_000,
      gifts: [expect.objectContaining({ recipientCount: 2, amountWon: 50_000 })],
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses a gift limited to an industry the city does not have, naming it and giving nothing', async () => {
    const partnerId = await partner();
    expect((await deposit(partnerId, 100_000)).status).toBe(201);
    const employee = await member(0);
    const list = `전화번호,금액\n${employee.phone},100\n`;
    const refused = await gift(partnerId, list, 'gift-unknown', '&allowedIndustries=restaurant,zz-unknown');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'UNKNOWN_INDUSTRY', codes: ['zz-unknown'] });
    expect(refused.body.detail).toContain('zz-unknown');
    expect((await employee.client.get('/v1/me/wallet')).body.grants).toEqual([]);
    expect(await balanceWon(partnerDepositAccountId(partnerId))).toBe(100_000);
    expect(await statement(partnerId)).toMatchObject({ giftedWon: 0, depositBalanceWon: 100_000, gifts: [] });

    const known = await gift(partnerId, list, 'gift-known', '&allowedIndustries=restaurant');
    expect(known.status).toBe(201);
    expect(known.body).toMatchObject({ amountWon: 100, allowedIndustries: ['restaurant'] });
  });

  it('takes an expired gift back into the deposit once, and only what was left', async () => {
    const partnerId = await partner();
    expect((await deposit(partnerId, 100_000)).status).toBe(201);
    const first = await member(0);
    const second = await member(0);
    const csv = `전화번호,금액\r\n${first.phone},30000\r\n${second.phone},20000\r\n`;
    const given = await gift(partnerId, csv, 'gift-expiry');
    expect(given.status).toBe(201);
    const partners = t.platform.giving.partners;
    // Not yet expired: nothing comes back.
    expect((await partners.reclaimExpiredGifts(tenantId, t.clock.now())).details.reclaimedWon).toBe(0);
    t.clock.set(kst('2022-01-01T00:00:00'));
    const run = await partners.reclaimExpiredGifts(tenantId, t.clock.now());
    expect(run).toMatchObject({ processed: 1, details: { reclaimedWon: 50_000 } });
    expect((await partners.reclaimExpiredGifts(tenantId, t.clock.now())).processed).toBe(0);
    expect(await balanceWon(partnerDepositAccountId(partnerId))).toBe(100_000);
    expect((await first.client.get('/v1/me/wallet')).body.grants).toEqual([
      expect.objectContaining({ amountWon: 0 }),
    ]);
    expect(await statement(partnerId)).toMatchObject({
      giftedWon: 50_000,
      reclaimedWon: 50_000,
      paidWon: 0,
      depositBalanceWon: 100_000,
      gifts: [expect.objectContaining({ reclaimedWon: 50_000 })],
    });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
