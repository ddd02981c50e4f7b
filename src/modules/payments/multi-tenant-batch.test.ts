import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseKinds, recordingStatements } from '../../../test/support/databases.js';
import {
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import type { OrderOutcome, PaymentOrder } from './batched-payments.js';

interface City {
  tenantId: string;
  cafe: { merchantId: string; merchantCode: string };
  members: string[];
}

const MAY = { from: new Date('2021-05-01T00:00:00+09:00'), to: new Date('2021-06-01T00:00:00+09:00') };

/**
 * One group-commit batch holds the orders of every tenant of the database: each city's orders are
 * still decided on its own state (its pots, members, merchants, freezes), in arrival order, and a
 * refusal or a pot running dry in one city changes nothing for the others.
 */
describe.each(databaseKinds())('a payment batch over several cities on %s', (kind) => {
  let t: TestPlatform;
  let cities: City[];
  let phoneCount = 0;
  let keyCount = 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    t.clock.set('2021-05-13T03:00:00Z');
    cities = [];
    for (let index = 0; index < 3; index += 1) {
      const tenantId = await seedTestTenant(t.platform);
      const members: string[] = [];
      for (let m = 0; m < 4; m += 1) {
        phoneCount += 1;
        const phone = `010-7777-${String(phoneCount).padStart(4, '0')}`;
        const client = await newMember(t.app, tenantId, phone);
        expect((await client.post('/v1/me/charges', { amountWon: 500_000 })).status).toBe(201);
        const member = await t.platform.members.findByPhone(tenantId, phone);
        members.push(member?.id ?? '');
      }
      cities.push({ tenantId, cafe: await demoMerchantCode(t.platform, tenantId, 'cafe'), members });
    }
  });
  afterAll(async () => t.close());

  function order(city: City, member: number, amountWon: number, merchantCode = city.cafe.merchantCode) {
    keyCount += 1;
    const memberId = city.members[member] as string;
    const paymentOrder: PaymentOrder = {
      memberId,
      merchantCode,
      amountWon,
      idempotency: { principalId: memberId, key: `mt-${keyCount}`, requestHash: `h-${keyCount}` },
    };
    return paymentOrder;
  }

  async function remainingWon(tenantId: string): Promise<number> {
    // The monthly pots this test creates; the preset's annual pots are far larger and draw alongside.
    const pots = (await t.platform.budgets.listPots(tenantId, t.clock.now())).filter(
      (pot) => pot.period === 'monthly',
    );
    return pots.reduce((sum, pot) => sum + pot.remainingWon, 0);
  }

  async function paymentCount(tenantId: string): Promise<number> {
    const [row] = await t.platform.db.query<{ n: number }>(
      'select count(*)::int as n from payments where tenant_id = $1',
      [tenantId],
    );
    return row?.n ?? 0;
  }

  /** Adds to the city's May pot (monthly pots cannot overlap), creating it the first time. */
  async function topUpMay(city: City, amountWon: number): Promise<void> {
    const [pot] = (await t.platform.budgets.listPots(city.tenantId, t.clock.now())).filter(
      (candidate) => candidate.period === 'monthly',
    );
    keyCount += 1;
    if (pot) await t.platform.budgets.topUp(city.tenantId, 'test', pot.id, amountWon, `top-up-${keyCount}`);
    else
      await t.platform.budgets.createPot(city.tenantId, 'test', {
        name: 'May pot',
        period: 'monthly',
        ...MAY,
        amountWon,
        nationalShareBp: 4000,
      });
  }

  const outcomeOf = (result: PromiseSettledResult<OrderOutcome>) =>
    result.status === 'fulfilled'
      ? {
          status: result.value.statusCode,
          cashbackWon: (result.value.body as CashbackBody).cashback.amountWon,
        }
      : { code: (result.reason as { code?: string }).code ?? String(result.reason) };

  it('decides each city on its own: a dry pot, a refusal and a frozen member leave the others exact', async () => {
    const [a, b, c] = cities as [City, City, City];
    await t.platform.budgets.createPot(a.tenantId, 'dry', {
      name: 'May pot with room for one and a half cashbacks',
      period: 'monthly',
      ...MAY,
      amountWon: 15_000,
      nationalShareBp: 4000,
    });
    for (const city of [b, c])
      await t.platform.budgets.createPot(city.tenantId, 'wide', {
        name: 'May pot',
        period: 'monthly',
        ...MAY,
        amountWon: 1_000_000,
        nationalShareBp: 4000,
      });
    // Member 1 of city B is frozen (a fraud case's freeze).
    await t.platform.db.query(
      `insert into fraud_freezes (tenant_id, id, kind, party_id, case_id, reason, status, created_by, created_at)
       values ($1, 'frz-test', 'member', $2, 'case-test', 'test', 'active', 'test', $3)`,
      [b.tenantId, b.members[1], t.clock.now()],
    );
    const paymentsBefore = await Promise.all(cities.map((city) => paymentCount(city.tenantId)));
    const transaction = vi.spyOn(t.platform.db, 'transaction');

    // Submitted in one turn of the event loop: one batch, one transaction for the three cities.
    const results = await Promise.allSettled([
      t.platform.payments.payAtMerchant(c.tenantId, order(c, 0, 50_000)),
      t.platform.payments.payAtMerchant(a.tenantId, order(a, 0, 100_000)),
      t.platform.payments.payAtMerchant(b.tenantId, order(b, 1, 10_000)),
      t.platform.payments.payAtMerchant(a.tenantId, order(a, 1, 100_000)),
      t.platform.payments.payAtMerchant(c.tenantId, order(c, 1, 900_000)),
      t.platform.payments.payAtMerchant(b.tenantId, order(b, 0, 100_000)),
      t.platform.payments.payAtMerchant(a.tenantId, order(a, 2, 100_000)),
    ]);
    const transactions = transaction.mock.calls.length;
    transaction.mockRestore();

    expect(results.map(outcomeOf)).toEqual([
      { status: 201, cashbackWon: 5_000 },
      // City A's pot holds ₩15,000: the first full, the second what is left, the third nothing.
      { status: 201, cashbackWon: 10_000 },
      { code: 'ACCOUNT_FROZEN' },
      { status: 201, cashbackWon: 5_000 },
      { code: 'INSUFFICIENT_FUNDS' },
      { status: 201, cashbackWon: 10_000 },
      { status: 201, cashbackWon: 0 },
    ]);
    // One transaction, plus one more when city A's part was decided again with its pots locked.
    expect(transactions).toBeLessThanOrEqual(2);
    expect(await remainingWon(a.tenantId)).toBe(0);
    expect(await remainingWon(b.tenantId)).toBe(1_000_000 - 10_000);
    expect(await remainingWon(c.tenantId)).toBe(1_000_000 - 5_000);
    const paymentsAfter = await Promise.all(cities.map((city) => paymentCount(city.tenantId)));
    expect(paymentsAfter.map((n, index) => n - (paymentsBefore[index] as number))).toEqual([3, 1, 1]);
    const wallet = await t.platform.wallets.wallet(b.tenantId, b.members[1] as string);
    expect(wallet.cashWon).toBe(500_000);
    for (const city of cities) await expectLedgerAuditGreen(t.platform, city.tenantId);
  });

  it('keeps two cities apart when their merchants share a code', async () => {
    const [a, b] = cities as [City, City];
    await t.platform.db.query('update merchants set merchant_code = $1 where tenant_id = $2 and id = $3', [
      a.cafe.merchantCode,
      b.tenantId,
      b.cafe.merchantId,
    ]);
    b.cafe = { ...b.cafe, merchantCode: a.cafe.merchantCode };
    const results = await Promise.all([
      t.platform.payments.payAtMerchant(a.tenantId, order(a, 3, 1_000)),
      t.platform.payments.payAtMerchant(b.tenantId, order(b, 3, 2_000, a.cafe.merchantCode)),
    ]);
    expect(results.map((result) => (result.body as { merchantId: string }).merchantId)).toEqual([
      a.cafe.merchantId,
      b.cafe.merchantId,
    ]);
    const [paidA] = await t.platform.db.query<{ merchant_id: string; amount_won: number }>(
      `select merchant_id, amount_won::int from payments where tenant_id = $1 and member_id = $2`,
      [a.tenantId, a.members[3]],
    );
    const [paidB] = await t.platform.db.query<{ merchant_id: string; amount_won: number }>(
      `select merchant_id, amount_won::int from payments where tenant_id = $1 and member_id = $2`,
      [b.tenantId, b.members[3]],
    );
    expect(paidA).toEqual({ merchant_id: a.cafe.merchantId, amount_won: 1_000 });
    expect(paidB).toEqual({ merchant_id: b.cafe.merchantId, amount_won: 2_000 });
    for (const city of [a, b]) await expectLedgerAuditGreen(t.platform, city.tenantId);
  });

  it('writes a batch over three cities with as many statements as a batch over one city', async () => {
    const [a, b, c] = cities as [City, City, City];
    for (const city of cities) await topUpMay(city, 1_000_000);
    const transaction = t.platform.db.transaction.bind(t.platform.db);
    async function statementsOf(orders: Array<[City, PaymentOrder]>) {
      const statements: string[] = [];
      const spy = vi
        .spyOn(t.platform.db, 'transaction')
        .mockImplementation((work) => transaction((tx) => work(recordingStatements(tx, statements))));
      try {
        const results = await Promise.all(
          orders.map(([city, paymentOrder]) =>
            t.platform.payments.payAtMerchant(city.tenantId, paymentOrder),
          ),
        );
        expect(results.map((result) => result.statusCode)).toEqual(orders.map(() => 201));
        expect(spy).toHaveBeenCalledTimes(1);
      } finally {
        spy.mockRestore();
      }
      return statements.length;
    }
    const oneCity = await statementsOf([
      [c, order(c, 0, 1_000)],
      [c, order(c, 2, 1_000)],
      [c, order(c, 3, 1_000)],
    ]);
    const threeCities = await statementsOf([
      [c, order(c, 0, 1_000)],
      [a, order(a, 0, 1_000)],
      [b, order(b, 0, 1_000)],
    ]);
    expect(threeCities).toBe(oneCity);
    for (const city of cities) await expectLedgerAuditGreen(t.platform, city.tenantId);
  });

  it('never deadlocks nor overspends a city pot, whatever the spread of concurrent mixed batches', async () => {
    const spread = fc.array(
      fc.record({
        city: fc.integer({ min: 0, max: 2 }),
        member: fc.integer({ min: 0, max: 3 }),
        amountWon: fc.integer({ min: 1, max: 30 }).map((thousands) => thousands * 1_000),
        // The turn of the event loop the order arrives in: orders of one turn share a batch.
        wave: fc.integer({ min: 0, max: 3 }),
      }),
      { minLength: 1, maxLength: 24 },
    );
    await fc.assert(
      fc.asyncProperty(
        spread,
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 3, maxLength: 3 }),
        async (orders, pots) => {
          for (const [index, city] of cities.entries()) await topUpMay(city, (pots[index] as number) * 1_000);
          const before = await Promise.all(cities.map((city) => remainingWon(city.tenantId)));
          const pending: Array<{
            city: number;
            member: number;
            amountWon: number;
            result: Promise<OrderOutcome>;
          }> = [];
          for (let wave = 0; wave <= 3; wave += 1) {
            for (const spec of orders.filter((candidate) => candidate.wave === wave)) {
              const city = cities[spec.city] as City;
              const result = t.platform.payments.payAtMerchant(
                city.tenantId,
                order(city, spec.member, spec.amountWon),
              );
              // Refusals are read below, once every wave is in.
              result.catch(() => undefined);
              pending.push({ city: spec.city, member: spec.member, amountWon: spec.amountWon, result });
            }
            await new Promise((resolve) => setImmediate(resolve));
          }
          const settled = await Promise.allSettled(pending.map((entry) => entry.result));
          const cashbackByCity = [0, 0, 0];
          // Per city, the least cashback a payment asked for and was refused in part for want of budget.
          const shortByCity = [Infinity, Infinity, Infinity];
          settled.forEach((result, index) => {
            const entry = pending[index] as (typeof pending)[number];
            if (result.status === 'rejected') {
              // Only a refusal of the order itself (member 1 of city B is frozen since the first
              // test): never a deadlock or another database failure.
              const frozen = entry.city === 1 && entry.member === 1;
              expect((result.reason as { code?: string }).code).toBe(
                frozen ? 'ACCOUNT_FROZEN' : 'INSUFFICIENT_FUNDS',
              );
              return;
            }
            expect(entry.city === 1 && entry.member === 1).toBe(false);
            const { cashback } = result.value.body as CashbackBody;
            cashbackByCity[entry.city] = (cashbackByCity[entry.city] as number) + cashback.amountWon;
            if (cashback.limitedBy.includes('BUDGET_EXHAUSTED'))
              shortByCity[entry.city] = Math.min(shortByCity[entry.city] as number, cashback.requestedWon);
          });
          const after = await Promise.all(cities.map((city) => remainingWon(city.tenantId)));
          for (const index of [0, 1, 2]) {
            expect(after[index]).toBeGreaterThanOrEqual(0);
            expect((before[index] as number) - (after[index] as number)).toBe(cashbackByCity[index]);
            // A payment cut short by the budget means the pot could not give it what it asked, then or since.
            expect(after[index]).toBeLessThan(shortByCity[index] as number);
          }
        },
      ),
      { numRuns: 6 },
    );
    for (const city of cities) await expectLedgerAuditGreen(t.platform, city.tenantId);
  });
});

interface CashbackBody {
  cashback: { amountWon: number; requestedWon: number; limitedBy: string[] };
}
