import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
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

function kst(localTime: string): string {
  return `${localTime}+09:00`;
}

interface Line {
  seq: number;
  type: string;
  amountWon: number;
  referenceId: string;
  merchantId: string | null;
  month: string;
  details: Record<string, unknown>;
}

describe.each(databaseKinds())('donations in the member history on %s', (kind) => {
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
    '010-6400',
  );

  async function charity(name: string, registrationNumber: string): Promise<string> {
    const created = await operator.request('POST', '/v1/operator/charities', {
      name,
      registrationNumber,
      bankAccount: { bankCode: 'SANDBOX', accountNumber: '100-200-300' },
      description: '',
    });
    expect(created.status).toBe(201);
    return created.body.charityId;
  }

  async function history(client: ApiClient, query = ''): Promise<Line[]> {
    const answer = await client.get(`/v1/me/transactions?limit=100${query}`);
    expect(answer.status).toBe(200);
    expect(answer.body.nextCursor).toBeNull();
    return answer.body.items;
  }

  it('lists every donation as a negative line naming the charity; ?type=donation filters; the lines sum to the wallet', async () => {
    const lovingFruit = await charity('대전 사랑의열매', '305-82-11111');
    const foodBank = await charity('대전 푸드뱅크', '305-82-22222');
    const campaign = await operator.request('POST', `/v1/operator/charities/${lovingFruit}/campaigns`, {
      title: '겨울나기 연탄',
      goalWon: 1_000_000,
      startsAt: kst('2021-05-01T00:00:00'),
      endsAt: kst('2021-06-01T00:00:00'),
    });
    expect(campaign.status).toBe(201);
    const a = await member(100_000);
    const cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
    expect(
      (await a.post('/v1/me/payments', { merchantCode: cafe.merchantCode, amountWon: 27_000 })).status,
    ).toBe(201);
    expect((await a.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 73_000, cashbackWon: 2_700 });

    const given = [];
    for (const body of [
      { charityId: lovingFruit, campaignId: campaign.body.campaignId, amountWon: 1_000, source: 'cash' },
      { charityId: foodBank, amountWon: 1_000, source: 'cashback' },
      { charityId: foodBank, amountWon: 777, source: 'cash' },
    ]) {
      const answer = await a.post('/v1/me/donations', body);
      expect(answer.status).toBe(201);
      given.push(answer.body.donation);
    }
    // A replay answers from the stored response: no second movement, no second line.
    const replayed = await a.post(
      '/v1/me/donations',
      { charityId: foodBank, amountWon: 5, source: 'cash' },
      'once',
    );
    expect(
      (await a.post('/v1/me/donations', { charityId: foodBank, amountWon: 5, source: 'cash' }, 'once')).body,
    ).toEqual(replayed.body);
    given.push(replayed.body.donation);

    const wallet = (await a.get('/v1/me/wallet')).body;
    expect(wallet).toMatchObject({ cashWon: 73_000 - 1_000 - 777 - 5, cashbackWon: 1_700 });

    const all = await history(a);
    expect(all.map((line) => line.type)).toEqual([
      'donation',
      'donation',
      'donation',
      'donation',
      'payment',
      'charge',
    ]);
    const donations = all.filter((line) => line.type === 'donation');
    expect(
      donations.map((line) => [
        line.amountWon,
        line.referenceId,
        (line.details.counterpart as { name: string }).name,
      ]),
    ).toEqual([
      [-5, given[3].donationId, '대전 푸드뱅크'],
      [-777, given[2].donationId, '대전 푸드뱅크'],
      [-1_000, given[1].donationId, '대전 푸드뱅크'],
      [-1_000, given[0].donationId, '대전 사랑의열매'],
    ]);
    expect(donations[3]).toMatchObject({
      month: '2021-05',
      merchantId: null,
      details: {
        donationId: given[0].donationId,
        charityId: lovingFruit,
        campaignId: campaign.body.campaignId,
        campaignTitle: '겨울나기 연탄',
        amountWon: 1_000,
        source: 'cash',
        paidFrom: { cashWon: 1_000, cashbackWon: 0, grantWon: 0 },
      },
    });
    expect(donations[2]?.details).toMatchObject({
      campaignTitle: null,
      source: 'cashback',
      paidFrom: { cashWon: 0, cashbackWon: 1_000, grantWon: 0 },
    });

    // Every movement is a line: the history sums to the wallet.
    expect(all.reduce((sum, line) => sum + line.amountWon, 0)).toBe(wallet.totalWon);
    expect(wallet.totalWon).toBe(100_000 - 27_000 + 2_700 - 1_000 - 1_000 - 777 - 5);

    expect(await history(a, '&type=donation')).toEqual(donations);
    expect((await history(a, '&type=donation,charge')).map((line) => line.type)).toEqual([
      'donation',
      'donation',
      'donation',
      'donation',
      'charge',
    ]);
    expect(await history(a, '&month=2021-05&type=donation')).toHaveLength(4);
    expect(await history(a, '&month=2021-04&type=donation')).toEqual([]);
    // Pages of one line walk across the donation lines and the payment's own rows alike.
    const paged: Line[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Line[]; nextCursor: string | null } } = await a.get(
        `/v1/me/transactions?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);

    // Another member sees none of A's donations.
    const b = await member(5_000);
    expect(await history(b, '&type=donation')).toEqual([]);

    // The line's reference finds the donation's ledger transfer in the public books.
    const early = await a.get(`/v1/me/transactions/${donations[1]?.referenceId}/proof`);
    expect(early.status).toBe(200);
    expect(early.body.status).toBe('not_yet_sealed');
    await operator.post('/v1/operator/checkpoints');
    const proof = await a.get(`/v1/me/transactions/${donations[1]?.referenceId}/proof`);
    expect(proof.status).toBe(200);
    expect(proof.body.status).toBe('sealed');
    expect(proof.body.proofs.map((one: { transferId: string }) => one.transferId)).toEqual([
      `donation:${given[2].donationId}`,
    ]);
    expect((await b.get(`/v1/me/transactions/${donations[1]?.referenceId}/proof`)).status).toBe(404);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it("writes a monthly gift's donation of each month as a line whose reference proves it", async () => {
    const charityId = await charity('대전 사랑의열매', '305-82-33333');
    const a = await member(50_000);
    const started = await a.post('/v1/me/donations', {
      charityId,
      amountWon: 12_345,
      source: 'cash',
      monthlyDay: 13,
    });
    expect(started.status).toBe(201);
    const giftId = started.body.monthlyGift.monthlyGiftId;
    // Starting a gift moves nothing, so it is no line.
    expect(await history(a, '&type=donation')).toEqual([]);

    await t.platform.scheduler.tick([tenantId]);
    t.clock.set(kst('2021-06-13T12:00:00'));
    await t.platform.scheduler.tick([tenantId]);
    const lines = await history(a, '&type=donation');
    expect(lines.map((line) => [line.amountWon, line.referenceId, line.month])).toEqual([
      [-12_345, `${giftId}:2021-06`, '2021-06'],
      [-12_345, `${giftId}:2021-05`, '2021-05'],
    ]);
    expect(lines[0]?.details).toMatchObject({
      donationId: `don_${giftId}_2021-06`,
      monthlyGiftId: giftId,
      giftMonth: '2021-06',
      counterpart: { name: '대전 사랑의열매' },
      paidFrom: { cashWon: 12_345, cashbackWon: 0, grantWon: 0 },
    });
    const wallet = (await a.get('/v1/me/wallet')).body;
    expect(wallet.totalWon).toBe(50_000 - 2 * 12_345);
    expect((await history(a)).reduce((sum, line) => sum + line.amountWon, 0)).toBe(wallet.totalWon);

    await operator.post('/v1/operator/checkpoints');
    const proof = await a.get(`/v1/me/transactions/${lines[1]?.referenceId}/proof`);
    expect(proof.body.status).toBe('sealed');
    expect(proof.body.proofs.map((one: { transferId: string }) => one.transferId)).toEqual([
      `donation:${giftId}:2021-05`,
    ]);
  });

  it('a donation from a grant that allows it is a line paid from the grant', async () => {
    const charityId = await charity('대전 사랑의열매', '305-82-55555');
    const a = await member(0);
    const memberId = (await t.platform.members.findByPhone(tenantId, a.phone))?.id as string;
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
    expect((await a.post('/v1/me/donations', { charityId, amountWon: 15_001, source: 'grant' })).status).toBe(
      201,
    );
    const [line] = await history(a, '&type=donation');
    expect(line).toMatchObject({
      amountWon: -15_001,
      details: { source: 'grant', paidFrom: { cashWon: 0, cashbackWon: 0, grantWon: 15_001 } },
    });
    expect((await a.get('/v1/me/wallet')).body.totalWon).toBe(50_000 - 15_001);
  });

  it('a refused donation writes no line', async () => {
    const charityId = await charity('대전 사랑의열매', '305-82-44444');
    const a = await member(1_000);
    expect((await a.post('/v1/me/donations', { charityId, amountWon: 1_001, source: 'cash' })).status).toBe(
      422,
    );
    expect((await a.post('/v1/me/donations', { charityId, amountWon: 1, source: 'cashback' })).status).toBe(
      422,
    );
    expect((await history(a)).map((line) => line.type)).toEqual(['charge']);
  });
});
