import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors.js';
import { payCoveringShortfall } from '../../src/modules/wallets/auto-charge.js';
import { AUTO_CHARGE_ATTEMPTS_MAX } from '../../src/modules/wallets/wallet-service.js';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

const UNIT_WON = 10_000;

/** Issue 10, item 9: concurrent shortfalls of one member never charge more than they need. */
describe.each(databaseKinds())('auto-charge under concurrency on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let cafeCode: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    cafeCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
  });
  afterAll(async () => {
    await t.close();
  });

  async function memberWithAutoCharge(phone: string, chargeWon: number): Promise<ApiClient> {
    const member = await newMember(t.app, tenantId, phone);
    expect((await member.post('/v1/me/charges', { amountWon: chargeWon })).status).toBe(201);
    await member.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: UNIT_WON });
    return member;
  }

  it('pays five concurrent ₩45,000 payments and charges only what they need together', async () => {
    const member = await memberWithAutoCharge('010-7500-0001', 100_000);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        member.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 45_000 }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    const autoChargedWon = answers.reduce((sum, answer) => sum + (answer.body.autoCharge?.amountWon ?? 0), 0);
    const wallet = (await member.get('/v1/me/wallet')).body;
    // Every won charged is accounted for: the ₩100,000 first, then the auto-charges.
    expect(wallet.month.chargedWon).toBe(100_000 + autoChargedWon);
    // Cashback is spent before cash: had any charge been more than its payment still needed, a
    // whole unit of cash would be left over.
    expect(wallet.cashWon).toBeLessThan(UNIT_WON);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('says what was charged when the payment still fails after its auto-charge', async () => {
    const member = await memberWithAutoCharge('010-7500-0002', 10_000);
    const me = await t.platform.members.findByPhone(tenantId, '010-7500-0002');
    const stillShort = async () => {
      throw new DomainError({
        code: 'INSUFFICIENT_FUNDS',
        httpStatus: 422,
        message: 'short',
        messageKo: '부족',
        details: { shortfallWon: 15_000 },
      });
    };
    const refusal = await payCoveringShortfall(
      t.platform,
      tenantId,
      me?.id ?? '',
      'after-charge',
      stillShort,
    ).then(
      () => null,
      (error: DomainError) => error,
    );
    expect(refusal).toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
      details: { autoCharge: { amountWon: 20_000, units: 2, chargeId: expect.any(String) } },
    });
    expect(refusal?.message).toContain('₩20,000 was made');
    expect((await member.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 30_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('charges again on a retry when the first auto-charge was spent elsewhere', async () => {
    const member = await memberWithAutoCharge('010-7500-0003', 5_000);
    const me = await t.platform.members.findByPhone(tenantId, '010-7500-0003');
    const memberId = me?.id ?? '';
    // The first try: the payment is refused after its ₩10,000 auto-charge (what a donation spending
    // the cash while the bank answered did in the field).
    const refusedAfterCharge = await payCoveringShortfall(
      t.platform,
      tenantId,
      memberId,
      'retry-key',
      async () => {
        throw new DomainError({
          code: 'INSUFFICIENT_FUNDS',
          httpStatus: 422,
          message: 'short',
          messageKo: '부족',
          details: { shortfallWon: 10_000 },
        });
      },
    ).then(
      () => null,
      (error: DomainError) => error,
    );
    const firstCharge = refusedAfterCharge?.details?.autoCharge as { chargeId: string; amountWon: number };
    expect(firstCharge.amountWon).toBe(10_000);
    // The member spends the charged money elsewhere.
    expect((await member.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 15_000 })).status).toBe(
      201,
    );
    expect((await member.get('/v1/me/wallet')).body.cashWon).toBe(0);
    t.clock.advanceMs(1_000);
    // The retry of the same key: short ₩15,000 again, so a new charge of two units, then the payment.
    const retried = await member.post(
      '/v1/me/payments',
      { merchantCode: cafeCode, amountWon: 15_000 },
      'retry-key',
    );
    expect(retried.status).toBe(201);
    expect(retried.body.autoCharge).toMatchObject({ amountWon: 20_000, units: 2 });
    expect(retried.body.autoCharge.chargeId).not.toBe(firstCharge.chargeId);
    // A replay of the paid key replays the payment and charges nothing more.
    const replayed = await member.post(
      '/v1/me/payments',
      { merchantCode: cafeCode, amountWon: 15_000 },
      'retry-key',
    );
    expect(replayed.status).toBe(201);
    expect(replayed.body.paymentId).toBe(retried.body.paymentId);
    const wallet = (await member.get('/v1/me/wallet')).body;
    expect(wallet.month.chargedWon).toBe(5_000 + 10_000 + 20_000);
    expect(wallet.cashWon + wallet.cashbackWon).toBeLessThan(20_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('tries the bank again on a retry after it declined the auto-charge', async () => {
    const member = await memberWithAutoCharge('010-7500-0004', 1_000);
    t.bank.injectFaults('fail');
    const declined = await member.post(
      '/v1/me/payments',
      { merchantCode: cafeCode, amountWon: 5_000 },
      'declined-key',
    );
    expect(declined.status).toBe(502);
    expect(declined.body).toMatchObject({ code: 'AUTO_CHARGE_FAILED', reason: 'BANK_DECLINED' });
    t.clock.advanceMs(1_000);
    const retried = await member.post(
      '/v1/me/payments',
      { merchantCode: cafeCode, amountWon: 5_000 },
      'declined-key',
    );
    expect(retried.status).toBe(201);
    expect(retried.body.autoCharge).toMatchObject({ amountWon: 10_000, units: 1 });
    expect((await member.get('/v1/me/wallet')).body.month.chargedWon).toBe(1_000 + 10_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('stops after the bounded number of auto-charges for one payment key', async () => {
    const member = await memberWithAutoCharge('010-7500-0005', 1_000);
    for (let attempt = 0; attempt < AUTO_CHARGE_ATTEMPTS_MAX; attempt += 1) {
      t.bank.injectFaults('fail');
      const declined = await member.post(
        '/v1/me/payments',
        { merchantCode: cafeCode, amountWon: 5_000 },
        'bounded-key',
      );
      expect(declined.body).toMatchObject({ code: 'AUTO_CHARGE_FAILED', reason: 'BANK_DECLINED' });
      t.clock.advanceMs(1_000);
    }
    const exhausted = await member.post(
      '/v1/me/payments',
      { merchantCode: cafeCode, amountWon: 5_000 },
      'bounded-key',
    );
    expect(exhausted.status).toBe(422);
    expect(exhausted.body).toMatchObject({ code: 'AUTO_CHARGE_FAILED', reason: 'ATTEMPTS_EXHAUSTED' });
    const fresh = await member.post(
      '/v1/me/payments',
      { merchantCode: cafeCode, amountWon: 5_000 },
      'fresh-key',
    );
    expect(fresh.status).toBe(201);
  });
});
