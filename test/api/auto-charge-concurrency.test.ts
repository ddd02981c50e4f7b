import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors.js';
import { payCoveringShortfall } from '../../src/modules/wallets/auto-charge.js';
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
    expect(refusal?.message).toContain('20000 won was made');
    expect((await member.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 30_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
