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
import { businessNumberCheckDigit } from '../merchants/business-number.js';
import { partnerGrantAccountId } from './partners.js';

function kst(localTime: string): string {
  return `${localTime}+09:00`;
}

/** A valid 사업자등록번호 from nine digits (the tenth is the check digit). */
function businessNumber(nine: string): string {
  return `${nine.slice(0, 3)}-${nine.slice(3, 5)}-${nine.slice(5)}${businessNumberCheckDigit(nine)}`;
}

const COMPANY_BANK = { bankCode: 'SANDBOX', accountNumber: '777-000-0002' };
const GIFT_EXPIRES_AT = kst('2021-12-31T23:59:59');

interface Line {
  seq: number;
  type: string;
  amountWon: number;
  referenceId: string;
  merchantId: string | null;
  month: string;
  details: Record<string, unknown>;
}

describe.each(databaseKinds())('동행협약 partner gifts in the member history on %s', (kind) => {
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

  const member = memberMaker(
    () => t.app,
    () => tenantId,
    '010-6500',
  );

  async function memberIdOf(client: { phone: string }): Promise<string> {
    const found = await t.platform.members.findByPhone(tenantId, client.phone);
    if (!found) throw new Error(`no member with ${client.phone}`);
    return found.id;
  }

  /** A registered partner with a deposit of `depositWon`. */
  async function partner(name: string, depositWon: number): Promise<string> {
    count += 1;
    const created = await operator.request('POST', '/v1/operator/partners', {
      name,
      businessNumber: businessNumber(`30582${String(count).padStart(4, '0')}`),
      contact: '총무팀 042-000-0000',
    });
    expect(created.status).toBe(201);
    const partnerId = created.body.partnerId;
    const deposited = await operator.post(`/v1/operator/partners/${partnerId}/deposits`, {
      amountWon: depositWon,
      bankAccount: COMPANY_BANK,
    });
    expect(deposited.status).toBe(201);
    return partnerId;
  }

  async function gift(partnerId: string, csv: string, key: string) {
    return operator.request(
      'POST',
      `/v1/operator/partners/${partnerId}/gifts?expiresAt=${encodeURIComponent(GIFT_EXPIRES_AT)}`,
      csv,
      { 'content-type': 'text/csv', 'idempotency-key': key },
    );
  }

  async function history(client: ApiClient, query = ''): Promise<Line[]> {
    const answer = await client.get(`/v1/me/transactions?limit=100${query}`);
    expect(answer.status).toBe(200);
    expect(answer.body.nextCursor).toBeNull();
    return answer.body.items;
  }

  /** The member's history adds up to their wallet: every movement is a line. */
  async function expectHistoryAddsUp(client: ApiClient): Promise<number> {
    const wallet = (await client.get('/v1/me/wallet')).body;
    const lines = await history(client);
    expect(lines.reduce((sum, line) => sum + line.amountWon, 0)).toBe(wallet.totalWon);
    return wallet.totalWon;
  }

  async function proofTransferIds(client: ApiClient, referenceId: string): Promise<string[]> {
    const proof = await client.get(`/v1/me/transactions/${encodeURIComponent(referenceId)}/proof`);
    expect(proof.status).toBe(200);
    expect(proof.body.status).toBe('sealed');
    return proof.body.proofs.map((one: { transferId: string }) => one.transferId);
  }

  it('a partner gift is one grant_received line naming the company, its expiry one grant_expired line of minus what was left; the lines sum to the wallet', async () => {
    const partnerId = await partner('한밭전자', 100_000);
    const a = await member(10_000);
    const b = await member(0);
    const [aId, bId] = [await memberIdOf(a), await memberIdOf(b)];

    // Just after midnight on 1 June in Daejeon, still 31 May in UTC: the line's month is the city's.
    t.clock.set(kst('2021-06-01T00:30:00'));
    const csv = `전화번호,금액\r\n${a.phone},30000\r\n${b.phone},20000\r\n`;
    const given = await gift(partnerId, csv, 'gift-history');
    expect(given.status).toBe(201);
    const giftId = given.body.giftId as string;
    // The request's retry answers from its stored response: no second movement, no second line.
    expect((await gift(partnerId, csv, 'gift-history')).body.giftId).toBe(giftId);

    const received = await history(a, '&type=grant_received');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      type: 'grant_received',
      amountWon: 30_000,
      referenceId: `partner_gift:${giftId}:${aId}`,
      merchantId: null,
      month: '2021-06',
      details: {
        counterpart: { name: '한밭전자' },
        programName: '한밭전자',
        partnerId,
        giftId,
        expiresAt: new Date(GIFT_EXPIRES_AT).toISOString(),
        amountWon: 30_000,
      },
    });
    expect((await history(a)).map((line) => [line.type, line.amountWon])).toEqual([
      ['grant_received', 30_000],
      ['charge', 10_000],
    ]);
    expect(await expectHistoryAddsUp(a)).toBe(40_000);
    expect(await history(b)).toEqual([
      expect.objectContaining({
        type: 'grant_received',
        amountWon: 20_000,
        referenceId: `partner_gift:${giftId}:${bId}`,
      }),
    ]);
    expect(await expectHistoryAddsUp(b)).toBe(20_000);

    // A spends part of it; what is left of the grant is what the expiry takes back.
    const cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
    expect(
      (await a.post('/v1/me/payments', { merchantCode: cafe.merchantCode, amountWon: 12_000 })).status,
    ).toBe(201);
    await expectHistoryAddsUp(a);
    const leftWon = (await t.platform.ledger.getAccount(tenantId, partnerGrantAccountId(aId, giftId)))
      ?.availableWon as number;
    expect(leftWon).toBeGreaterThan(0);
    expect(leftWon).toBeLessThanOrEqual(30_000);

    // After the gift expires (00:00 on 1 January in Daejeon, still December in UTC).
    t.clock.set(kst('2022-01-01T00:00:00'));
    const partners = t.platform.giving.partners;
    expect(await partners.reclaimExpiredGifts(tenantId, t.clock.now())).toMatchObject({
      processed: 1,
      details: { reclaimedWon: leftWon + 20_000 },
    });
    // Retries: nothing left to take back, no second line.
    expect((await partners.reclaimExpiredGifts(tenantId, t.clock.now())).processed).toBe(0);
    await t.platform.scheduler.tick([tenantId]);

    const expired = await history(a, '&type=grant_expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({
      type: 'grant_expired',
      amountWon: -leftWon,
      referenceId: `partner_gift_expiry:${giftId}:${aId}`,
      merchantId: null,
      month: '2022-01',
      details: { counterpart: { name: '한밭전자' }, partnerId, giftId, amountWon: leftWon },
    });
    const walletA = (await a.get('/v1/me/wallet')).body;
    expect(walletA.grants).toEqual([expect.objectContaining({ amountWon: 0 })]);
    await expectHistoryAddsUp(a);
    expect((await history(b)).map((line) => [line.type, line.amountWon, line.referenceId])).toEqual([
      ['grant_expired', -20_000, `partner_gift_expiry:${giftId}:${bId}`],
      ['grant_received', 20_000, `partner_gift:${giftId}:${bId}`],
    ]);
    expect(await expectHistoryAddsUp(b)).toBe(0);

    // ?type= filters: one type, or both grant types.
    expect(await history(a, '&type=grant_received')).toEqual(received);
    expect((await history(a, '&type=grant_received,grant_expired')).map((line) => line.type)).toEqual([
      'grant_expired',
      'grant_received',
    ]);
    expect(await history(a, '&type=grant_received&month=2021-05')).toEqual([]);

    // Each line's reference proves exactly its own transfer, though the two transfer ids end alike.
    expect((await operator.post('/v1/operator/checkpoints')).status).toBeLessThan(300);
    expect(await proofTransferIds(a, received[0]?.referenceId as string)).toEqual([
      `partner_gift:${giftId}:${aId}`,
    ]);
    expect(await proofTransferIds(a, expired[0]?.referenceId as string)).toEqual([
      `partner_gift_expiry:${giftId}:${aId}`,
    ]);
    expect(
      (await b.get(`/v1/me/transactions/${encodeURIComponent(received[0]?.referenceId as string)}/proof`))
        .status,
    ).toBe(404);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('takes back, in a later run under its own transfer, what a hold released after the first run', async () => {
    const partnerId = await partner('대덕정밀', 50_000);
    const a = await member(0);
    const aId = await memberIdOf(a);
    const given = await gift(partnerId, `전화번호,금액\r\n${a.phone},15000\r\n`, 'gift-hold');
    expect(given.status).toBe(201);
    const giftId = given.body.giftId as string;
    // A payment held on the grant (as a mall order holds it) when the gift expires.
    const grantId = partnerGrantAccountId(aId, giftId);
    const held = await t.platform.ledger.postTransfers(tenantId, [
      {
        id: 'test-hold',
        action: 'pending',
        code: 'test',
        timeoutAt: new Date('2022-02-01T00:00:00Z'),
        postings: [
          { accountId: grantId, amountWon: -4_000 },
          { accountId: 'fee_income', amountWon: 4_000 },
        ],
      },
    ]);
    expect(held[0]?.ok).toBe(true);
    t.clock.set(kst('2022-01-01T00:00:00'));
    const partners = t.platform.giving.partners;
    expect((await partners.reclaimExpiredGifts(tenantId, t.clock.now())).details).toEqual({
      reclaimedWon: 11_000,
    });
    // The hold is released: the next run takes the rest back under its own transfer, once.
    const voided = await t.platform.ledger.postTransfers(tenantId, [
      { id: 'test-hold-void', action: 'void_pending', pendingId: 'test-hold' },
    ]);
    expect(voided[0]?.ok).toBe(true);
    expect((await partners.reclaimExpiredGifts(tenantId, t.clock.now())).details).toEqual({
      reclaimedWon: 4_000,
    });
    expect((await partners.reclaimExpiredGifts(tenantId, t.clock.now())).processed).toBe(0);
    expect((await t.platform.ledger.getAccount(tenantId, grantId))?.postedWon).toBe(0);
    const expired = await history(a, '&type=grant_expired');
    expect(expired.map((line) => [line.amountWon, line.referenceId])).toEqual([
      [-4_000, `partner_gift_expiry:${giftId}:${aId}:2`],
      [-11_000, `partner_gift_expiry:${giftId}:${aId}`],
    ]);
    expect(await expectHistoryAddsUp(a)).toBe(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
