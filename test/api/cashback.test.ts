import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

const TIERS_2021 = [{ upToWon: 500_000, rateBp: 1000 }];
const EXTRAS_2021 = [
  {
    code: 'traditional_market',
    nameKo: '전통시장',
    nameEn: 'Traditional market',
    when: { merchantFlag: 'traditionalMarket' },
    rateBp: 300,
  },
];

describe.each(databaseKinds())('cashback policy and budget through the API on %s', (kind) => {
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
  afterEach(() => {
    vi.restoreAllMocks();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    cafeCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
  });

  async function chargedMember(amountWon: number): Promise<ApiClient> {
    phoneCount += 1;
    const client = await newMember(t.app, tenantId, `010-7200-${String(phoneCount).padStart(4, '0')}`);
    expect((await client.post('/v1/me/charges', { amountWon })).status).toBe(201);
    return client;
  }

  it('schedules a 15% promotion whose preview shows the new rate, and pays it on the day', async () => {
    const rules = {
      tiers: TIERS_2021,
      extras: EXTRAS_2021,
      promotions: [
        {
          code: 'onton_sale',
          nameKo: '온통세일',
          nameEn: 'Ontong Sale',
          from: '2021-06-01T00:00:00+09:00',
          to: '2021-07-01T00:00:00+09:00',
          rateBp: 1500,
        },
      ],
      merchantRevenueCapWon: 3_000_000_000,
    };
    const preview = await operator.post('/v1/operator/policies/preview', {
      rules,
      sample: {
        amountWon: 100_000,
        at: '2021-06-10T03:00:00Z',
        merchant: { isTraditionalMarket: false, isBookstore: false, annualRevenueWon: 100_000_000 },
        member: { isWelfareRecipient: false },
      },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.current.cashbackWon).toBe(10_000);
    expect(preview.body.proposed.cashbackWon).toBe(15_000);

    const created = await operator.post('/v1/operator/policies', {
      name: '2021 온통세일',
      effectiveFrom: '2021-05-20T00:00:00+09:00',
      rules,
    });
    expect(created.status).toBe(201);
    const citizen = await chargedMember(200_000);
    // The quote says which policy it is made under and until when it holds.
    const quoted = await citizen.get(`/v1/me/payment-preview?merchantCode=${cafeCode}&amountWon=100000`);
    expect(quoted.body).toMatchObject({
      expectedCashbackWon: 10_000,
      policyId: 'cbp_daejeon_2021',
      validUntil: '2021-05-19T15:00:00.000Z',
    });
    const beforePromotion = await citizen.post('/v1/me/payments', {
      merchantCode: cafeCode,
      amountWon: 100_000,
    });
    expect(beforePromotion.body.cashback.amountWon).toBe(10_000);
    t.clock.set('2021-06-10T03:00:00Z');
    const quotedOnSale = await citizen.get(`/v1/me/payment-preview?merchantCode=${cafeCode}&amountWon=50000`);
    expect(quotedOnSale.body).toMatchObject({ policyId: created.body.id, validUntil: null });
    const onSale = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 50_000 });
    expect(onSale.body.paidFrom).toEqual({ grantWon: 0, cashbackWon: 10_000, cashWon: 40_000 });
    expect(onSale.body.cashback.amountWon).toBe(6_000);
    const trail = await operator.get('/v1/operator/audit-trail');
    expect(trail.body.items.map((item: { action: string }) => item.action)).toContain('policy.create');
  });

  it('splits a payment that crosses a tier: 10% to ₩200,000, then 5%', async () => {
    const tiered = await operator.post('/v1/operator/policies', {
      name: 'tiered',
      effectiveFrom: '2021-05-13T12:00:00+09:00',
      rules: {
        tiers: [
          { upToWon: 200_000, rateBp: 1000 },
          { upToWon: 500_000, rateBp: 500 },
        ],
        extras: [],
        promotions: [],
        merchantRevenueCapWon: null,
      },
    });
    expect(tiered.status).toBe(201);
    const citizen = await chargedMember(500_000);
    const first = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 150_000 });
    expect(first.body.cashback.amountWon).toBe(15_000);
    const crossing = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 115_000 });
    expect(crossing.body.paidFrom.cashWon).toBe(100_000);
    expect(crossing.body.cashback.amountWon).toBe(7_500);
    expect(
      crossing.body.cashback.rules.map((rule: { rateBp: number; baseWon: number }) => [
        rule.rateBp,
        rule.baseWon,
      ]),
    ).toEqual([
      [1000, 50_000],
      [500, 50_000],
    ]);
  });

  it('pays exactly what a budget holds to 50 concurrent payments, and not a won more', async () => {
    await t.platform.budgets.createPot(tenantId, 'test', {
      name: 'May pot with room for two cashbacks',
      period: 'monthly',
      from: new Date('2021-05-01T00:00:00+09:00'),
      to: new Date('2021-06-01T00:00:00+09:00'),
      amountWon: 20_000,
      nationalShareBp: 4000,
    });
    const payers = await Promise.all(Array.from({ length: 50 }, () => chargedMember(100_000)));
    const payments = await Promise.all(
      payers.map((payer) => payer.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 100_000 })),
    );
    expect(payments.map((payment) => payment.status)).toEqual(Array(50).fill(201));
    const cashbacks = payments.map((payment) => payment.body.cashback.amountWon as number);
    expect(cashbacks.reduce((sum, won) => sum + won, 0)).toBe(20_000);
    expect(cashbacks.filter((won) => won === 10_000)).toHaveLength(2);
    expect(
      payments.filter((payment) => payment.body.cashback.limitedBy.includes('BUDGET_EXHAUSTED')),
    ).toHaveLength(48);
    const [pot] = (await t.platform.budgets.listPots(tenantId)).filter(
      (candidate) => candidate.period === 'monthly',
    );
    expect(pot).toMatchObject({ fundedWon: 20_000, remainingWon: 0, spentWon: 20_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('counts against the monthly allowance only the spending whose cashback the budget paid', async () => {
    const pot = await t.platform.budgets.createPot(tenantId, 'test', {
      name: 'May pot with room for one and a half cashbacks',
      period: 'monthly',
      from: new Date('2021-05-01T00:00:00+09:00'),
      to: new Date('2021-06-01T00:00:00+09:00'),
      amountWon: 15_000,
      nationalShareBp: 4000,
    });
    const payer = await chargedMember(500_000);
    const payerPhone = `010-7200-${String(phoneCount).padStart(4, '0')}`;
    const pay = (amountWon: number) => payer.post('/v1/me/payments', { merchantCode: cafeCode, amountWon });
    expect((await pay(100_000)).body.cashback).toMatchObject({ amountWon: 10_000, limitedBy: [] });
    // The first cashback is spent first; 9,000 asked on 90,000 of cash, 5,000 left: 50,000 counts.
    expect((await pay(100_000)).body.cashback).toMatchObject({
      amountWon: 5_000,
      requestedWon: 9_000,
      limitedBy: ['BUDGET_EXHAUSTED'],
    });
    const unpaid = await pay(200_000);
    expect(unpaid.body.cashback).toMatchObject({ amountWon: 0, limitedBy: ['BUDGET_EXHAUSTED'] });
    expect((await payer.get('/v1/me/wallet')).body.month).toMatchObject({
      eligibleSpendWon: 150_000,
      cashbackWon: 15_000,
    });
    // The city tops the pot up: the member still has 350,000 of the month's 500,000 to earn on.
    await t.platform.budgets.topUp(tenantId, 'test', pot.id, 1_000_000, 'top-up-1');
    const after = await pay(100_000);
    expect(after.body.cashback).toMatchObject({ amountWon: 10_000, limitedBy: [] });
    expect((await payer.get('/v1/me/wallet')).body.month).toMatchObject({
      eligibleSpendWon: 250_000,
      cashbackWon: 25_000,
    });
    // The month's whole eligible spending (동네사랑기부제's base) still counts every payment:
    // 100,000 + 90,000 + 195,000 (after 5,000 of cashback) + 100,000.
    const memberId = (await t.platform.members.findByPhone(tenantId, payerPhone))?.id as string;
    const usage = () => t.platform.wallets.monthlyUsage(tenantId, memberId, '2021-05');
    expect(await usage()).toMatchObject({ eligibleSpendWon: 485_000, unearnedSpendWon: 235_000 });
    // Cancelling the payment that earned nothing gives back its spending and its unearned part alike.
    const cafe = await demoClient(t.app, tenantId, 'cafe');
    const cancelled = await cafe.post(`/v1/merchant/payments/${unpaid.body.paymentId}/cancellations`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(201);
    expect(await usage()).toMatchObject({ eligibleSpendWon: 290_000, unearnedSpendWon: 40_000 });
    expect((await payer.get('/v1/me/wallet')).body.month).toMatchObject({ eligibleSpendWon: 250_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('decides a batch again under lock when the pot it read without a lock has since run low', async () => {
    await t.platform.budgets.createPot(tenantId, 'test', {
      name: 'May pot with room for one and a half cashbacks',
      period: 'monthly',
      from: new Date('2021-05-01T00:00:00+09:00'),
      to: new Date('2021-06-01T00:00:00+09:00'),
      amountWon: 15_000,
      nationalShareBp: 4000,
    });
    const payers = await Promise.all([chargedMember(100_000), chargedMember(100_000)]);
    // The unlocked read is stale: it sees far more than the pot holds, as if read before a drain.
    const budgets = t.platform.budgets;
    const potsOfTenants = budgets.potsOfTenants.bind(budgets);
    const potReads = vi
      .spyOn(budgets, 'potsOfTenants')
      .mockImplementation(async (sql, tenantIds, at, mode) => {
        const pots = await potsOfTenants(sql, tenantIds, at, mode);
        if (mode === 'lock') return pots;
        return new Map(
          [...pots].map(([id, tenantPots]) => [
            id,
            tenantPots.map((pot) => ({
              ...pot,
              accounts: pot.accounts.map((account) => ({
                ...account,
                availableWon: account.availableWon + 1_000_000,
              })),
            })),
          ]),
        );
      });
    const potLocks = () => potReads.mock.calls.filter((call) => call[3] === 'lock').length;

    const payments = await Promise.all(
      payers.map((payer) => payer.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 100_000 })),
    );

    expect(payments.map((payment) => payment.status)).toEqual([201, 201]);
    expect(payments.map((payment) => payment.body.cashback.amountWon).sort()).toEqual([10_000, 5_000].sort());
    // Exactly one batch found the pot short under lock and was decided again with the pots locked
    // (whether the two payments shared a batch or not).
    expect(potReads.mock.calls.some((call) => call[3] === 'read')).toBe(true);
    expect(potLocks()).toBe(1);
    const [pot] = (await budgets.listPots(tenantId)).filter((candidate) => candidate.period === 'monthly');
    expect(pot).toMatchObject({ remainingWon: 0, spentWon: 15_000 });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('runs the merchant journey: apply, refused industries with the reason, review, approve, collect', async () => {
    const applicant = await chargedMember(10_000);
    const base = { name: '새 가게', district: 'dong-gu', dong: '중앙동', annualRevenueWon: 90_000_000 };
    const golf = await applicant.request('POST', '/v1/merchant-applications', {
      ...base,
      businessNumber: '1018200051',
      industryCode: 'golf_course',
    });
    expect(golf.status).toBe(201);
    expect(golf.body.status).toBe('refused');
    expect(JSON.stringify(golf.body.reasons)).toContain('골프장');
    const shop = await applicant.request('POST', '/v1/merchant-applications', {
      ...base,
      businessNumber: '2208162517',
      industryCode: 'bakery',
    });
    expect(shop.body.status).toBe('pending');
    const queue = await operator.get('/v1/operator/merchants?status=pending');
    expect(queue.body.items.map((item: { id: string }) => item.id)).toContain(shop.body.merchantId);
    const approved = await operator.post(`/v1/operator/merchants/${shop.body.merchantId}/approve`);
    expect(approved.body).toMatchObject({ status: 'approved', merchantCode: expect.any(String) });
    const paid = await applicant.post('/v1/me/payments', {
      merchantCode: approved.body.merchantCode,
      amountWon: 10_000,
    });
    expect(paid.status).toBe(201);
    expect(paid.body.merchantName).toBe('새 가게');
    const audit = await operator.get('/v1/operator/audit');
    expect(audit.body.ok).toBe(true);
  });
});
