import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  expectLedgerAuditGreen,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

const BANK_OPENING_WON = 10_000_000;

/**
 * A balance refund (환불) always pays back the whole refundable rest: a body asking for an amount is
 * refused, never read as "everything", so a client cannot send its whole wallet to the bank by mistake.
 */
describe.each(databaseKinds())('the balance refund body on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
  });

  const member = memberMaker(
    () => t.app,
    () => tenantId,
    '010-7700',
  );

  async function bankBalanceOf(client: ApiClient & { phone: string }): Promise<number> {
    const me = await t.platform.members.findByPhone(tenantId, client.phone);
    return t.bank.balanceOf(await t.platform.members.bankAccountOf(tenantId, me?.id ?? ''));
  }

  it('refuses {"amountWon":5000} with INVALID_INPUT naming the property, moving nothing', async () => {
    const citizen = await member(50_000);
    const refused = await citizen.post('/v1/me/refunds', { amountWon: 5_000 });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'INVALID_INPUT',
      errors: [{ path: '/amountWon' }],
      messages: { en: expect.stringContaining('amountWon'), ko: expect.stringContaining('amountWon') },
    });
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 50_000 });
    expect(await bankBalanceOf(citizen)).toBe(BANK_OPENING_WON - 50_000);
    expect((await citizen.get('/v1/me/refunds')).body.items).toEqual([]);
  });

  it('refuses any other property too', async () => {
    const citizen = await member(50_000);
    const refused = await citizen.post('/v1/me/refunds', { partial: true });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'INVALID_INPUT', errors: [{ path: '/partial' }] });
    expect((await citizen.get('/v1/me/refunds')).body.items).toEqual([]);
  });

  it('refunds in full with no body', async () => {
    const citizen = await member(50_000);
    const refund = await citizen.post('/v1/me/refunds');
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ amountWon: 50_000, status: 'paid', wallet: { cashWon: 0 } });
    expect(await bankBalanceOf(citizen)).toBe(BANK_OPENING_WON);
  });

  it('refunds in full with {}, and the same key replays the same refund with or without a body', async () => {
    const citizen = await member(50_000);
    const refund = await citizen.post('/v1/me/refunds', {}, 'refund-all-1');
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ amountWon: 50_000, status: 'paid', wallet: { cashWon: 0 } });
    const replayed = await citizen.post('/v1/me/refunds', {}, 'refund-all-1');
    const replayedWithoutBody = await citizen.post('/v1/me/refunds', undefined, 'refund-all-1');
    for (const replay of [replayed, replayedWithoutBody]) {
      expect(replay.status).toBe(201);
      expect(replay.body).toMatchObject({ refundId: refund.body.refundId, amountWon: 50_000 });
    }
    expect(await bankBalanceOf(citizen)).toBe(BANK_OPENING_WON);
    expect((await citizen.get('/v1/me/refunds')).body.items).toHaveLength(1);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
