import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { sendTogetherOnOneKey } from '../../../test/support/idempotency-keys.js';
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
import { businessNumberCheckDigit } from '../merchants/business-number.js';

/**
 * One Idempotency-Key names one request on every money-moving route of a principal, whichever module
 * keeps the answer: the shared table (transfers), the payment's own row, or a module that answers
 * from its own rows and claims the key (charges, refunds, partners' deposits, the fund's bank flows).
 */
describe.each(databaseKinds())('one key, one request, across routes, on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let cafeCode: string;
  let phones = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    cafeCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
  });

  const nextPhone = () => {
    phones += 1;
    return `010-5660-${String(phones).padStart(4, '0')}`;
  };

  /** A member who charged ₩50,000 under a key of its own, and another member to send money to. */
  async function chargedMember(): Promise<ApiClient & { recipientPhone: string }> {
    const client = await newMember(t.app, tenantId, nextPhone());
    expect((await client.post('/v1/me/charges', { amountWon: 50_000 }, 'opening')).status).toBe(201);
    const recipientPhone = nextPhone();
    await newMember(t.app, tenantId, recipientPhone);
    return Object.assign(client, { recipientPhone });
  }

  type MemberRequest = (
    client: ApiClient & { recipientPhone: string },
    key: string,
  ) => ReturnType<ApiClient['post']>;

  /** Each member route that moves money, with a request that succeeds for a charged member. */
  const memberRequests: Record<string, MemberRequest> = {
    charge: (client, key) => client.post('/v1/me/charges', { amountWon: 10_000 }, key),
    payment: (client, key) =>
      client.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 10_000 }, key),
    transfer: (client, key) =>
      client.post('/v1/me/transfers', { recipientPhone: client.recipientPhone, amountWon: 10_000 }, key),
    refund: (client, key) => client.post('/v1/me/refunds', {}, key),
  };
  const pairs = Object.keys(memberRequests).flatMap((first) =>
    Object.keys(memberRequests)
      .filter((second) => second !== first)
      .map((second) => [first, second] as const),
  );

  /** What a member holds and has done: balances, this month's counters, the history's length. */
  async function memberState(client: ApiClient) {
    const wallet = (await client.get('/v1/me/wallet')).body;
    const history = (await client.get('/v1/me/transactions')).body.items as unknown[];
    return { wallet, lines: history.length };
  }

  it.each(pairs)('refuses a %s key on the %s route, and changes nothing', async (first, second) => {
    const client = await chargedMember();
    const firstAnswer = await memberRequests[first]?.(client, 'shared');
    expect(firstAnswer?.status).toBe(201);
    const before = await memberState(client);

    const secondAnswer = await memberRequests[second]?.(client, 'shared');
    expect(secondAnswer?.status).toBe(409);
    expect(secondAnswer?.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(secondAnswer?.body.messages.ko).toContain('Idempotency-Key');
    expect(await memberState(client)).toEqual(before);

    // The first request's own retry is still a replay, and moves nothing more.
    const retried = await memberRequests[first]?.(client, 'shared');
    expect(retried?.status).toBe(201);
    expect(await memberState(client)).toEqual(before);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it("keeps one member's key apart from another member's", async () => {
    const one = await chargedMember();
    const other = await chargedMember();
    expect((await memberRequests.charge?.(one, 'mine'))?.status).toBe(201);
    expect((await memberRequests.payment?.(other, 'mine'))?.status).toBe(201);
    expect((await one.get('/v1/me/wallet')).body.cashWon).toBe(60_000);
    expect((await other.get('/v1/me/wallet')).body.cashWon).toBe(40_000);
  });

  it('refuses a charged key with another amount, and charges once for its retry, which says it is one', async () => {
    const client = await chargedMember();
    const first = await client.post('/v1/me/charges', { amountWon: 10_000 }, 'charge-key');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const changed = await client.post('/v1/me/charges', { amountWon: 20_000 }, 'charge-key');
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const again = await client.post('/v1/me/charges', { amountWon: 10_000 }, 'charge-key');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.chargeId).toBe(first.body.chargeId);
    expect((await client.get('/v1/me/wallet')).body.cashWon).toBe(60_000);
  });

  it.each(Object.keys(memberRequests))(
    "refuses a client key in the auto-charges' namespace on the %s route, so a payment's auto-charge keeps its own",
    async (route) => {
      const client = await chargedMember();
      const before = await memberState(client);
      const refused = await memberRequests[route]?.(client, 'auto:lunch');
      expect(refused?.status).toBe(400);
      expect(refused?.body.code).toBe('IDEMPOTENCY_KEY_RESERVED');
      expect(refused?.body.messages.ko).toContain('auto:');
      expect(await memberState(client)).toEqual(before);

      // The payment whose auto-charge is named `auto:lunch` charges, pays and is labelled as such.
      expect(
        (await client.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 10_000 })).status,
      ).toBe(200);
      const paid = await client.post(
        '/v1/me/payments',
        { merchantCode: cafeCode, amountWon: 55_000 },
        'lunch',
      );
      expect(paid.status).toBe(201);
      expect(paid.body.autoCharge).toMatchObject({ amountWon: 10_000, units: 1 });
      const history = (await client.get('/v1/me/transactions')).body.items as Array<{ type: string }>;
      expect(history.filter((line) => line.type === 'auto_charge')).toHaveLength(1);
      await expectLedgerAuditGreen(t.platform, tenantId);
    },
  );
  it("refuses one operator key across a partner's deposit, a fund-pool funding and a loan approval", async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    const partner = await operator.request('POST', '/v1/operator/partners', {
      name: '한밭전자',
      businessNumber: `305-81-0001${businessNumberCheckDigit('305810001')}`,
      contact: '총무팀 042-000-0000',
    });
    expect(partner.status).toBe(201);
    const deposit = (key: string) =>
      operator.post(
        `/v1/operator/partners/${partner.body.partnerId}/deposits`,
        { amountWon: 1_000_000, bankAccount: { bankCode: 'SANDBOX', accountNumber: '777-000-0001' } },
        key,
      );
    const fund = (key: string) =>
      operator.post('/v1/operator/fund-pool/fundings', { amountWon: 5_000_000 }, key);
    const companyBankWon = () => t.bank.balanceOf({ bankCode: 'SANDBOX', accountNumber: '777-000-0001' });
    const poolCommittedWon = async () => (await operator.get('/v1/operator/fund-pool')).body;

    expect((await deposit('op-1')).status).toBe(201);
    const bankAfterDeposit = await companyBankWon();
    const poolBefore = await poolCommittedWon();
    const fundedOnDepositKey = await fund('op-1');
    expect(fundedOnDepositKey.status).toBe(409);
    expect(fundedOnDepositKey.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await poolCommittedWon()).toEqual(poolBefore);

    expect((await fund('op-2')).status).toBe(201);
    const depositedOnFundingKey = await deposit('op-2');
    expect(depositedOnFundingKey.status).toBe(409);
    expect(depositedOnFundingKey.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await companyBankWon()).toBe(bankAfterDeposit);

    const missing = await operator.post(
      '/v1/operator/fund-applications/fap_missing/approve',
      undefined,
      'op-3',
    );
    expect(missing.status).toBe(404);
    // A refused request claims nothing: its key is still free.
    expect((await deposit('op-3')).status).toBe(201);
    const approvedOnDepositKey = await operator.post(
      '/v1/operator/fund-applications/fap_missing/approve',
      undefined,
      'op-3',
    );
    expect(approvedOnDepositKey.status).toBe(409);
    expect(approvedOnDepositKey.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it("refuses one operator key across budget pots' creation and top-ups and the other routes", async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    const fundedWon = async () =>
      ((await operator.get('/v1/operator/budgets')).body.items as Array<{ fundedWon: number }>).map(
        (pot) => pot.fundedWon,
      );
    const annualPotId = ((await operator.get('/v1/operator/budgets')).body.items as Array<{ id: string }>)[0]
      ?.id as string;
    const topUp = (potId: string, key: string) =>
      operator.post(`/v1/operator/budgets/${potId}/top-ups`, { amountWon: 1_000 }, key);
    const june = await operator.post(
      '/v1/operator/budgets',
      {
        name: '6월 캐시백',
        period: 'monthly',
        from: '2021-06-01T00:00:00+09:00',
        to: '2021-07-01T00:00:00+09:00',
        amountWon: 1_000_000,
        nationalShareBp: 4_000,
      },
      'pot-june',
    );
    expect(june.status).toBe(201);
    expect((await topUp(annualPotId, 'top-up-1')).status).toBe(200);
    const before = await fundedWon();

    const refusals = [
      await topUp(annualPotId, 'pot-june'),
      await topUp(june.body.id, 'top-up-1'),
      await operator.post('/v1/operator/fund-pool/fundings', { amountWon: 5_000_000 }, 'top-up-1'),
    ];
    expect(refusals.map((answer) => [answer.status, answer.body.code])).toEqual([
      [409, 'IDEMPOTENCY_KEY_REUSED'],
      [409, 'IDEMPOTENCY_KEY_REUSED'],
      [409, 'IDEMPOTENCY_KEY_REUSED'],
    ]);
    expect(await fundedWon()).toEqual(before);
    // The top-up's own retry funds nothing more.
    expect((await topUp(annualPotId, 'top-up-1')).status).toBe(200);
    expect(await fundedWon()).toEqual(before);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  // PostgreSQL only: on the embedded database one connection runs one transaction at a time.
  it.skipIf(kind !== 'postgres')(
    'lets one of a charge and a payment with one key through when they arrive together',
    async () => {
      const client = await chargedMember();
      const memberId = (await client.get('/v1/me')).body.memberId as string;
      for (const round of [1, 2, 3]) {
        const key = `together-${round}`;
        const answers = await sendTogetherOnOneKey(t.db, { tenantId, principalId: memberId, key }, () => [
          client.post('/v1/me/charges', { amountWon: 10_000 }, key),
          client.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 10_000 }, key),
        ]);
        expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
      }
      // Three rounds, one request each: the opening ₩50,000 and ₩10,000 either charged or paid.
      const history = (await client.get('/v1/me/transactions')).body.items as Array<{ type: string }>;
      expect(history.filter((line) => line.type === 'charge' || line.type === 'payment')).toHaveLength(4);
      await expectLedgerAuditGreen(t.platform, tenantId);
    },
  );
});
