import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  demoClient,
  demoMerchantCode,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { FraudService } from './fraud-service.js';

/**
 * Many cities on one deployment keep only the detectors of the cities scored last; a city whose
 * detector was evicted between two steps must find the same patterns as one that kept it.
 */
describe.each(databaseKinds())('fraud detectors bounded by a number of cities on %s', (kind) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function cityWithPaymentToCafe(phone: string) {
    const tenantId = await seedTestTenant(t.platform);
    const owner = await demoClient(t.app, tenantId, 'cafe');
    const cafeCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
    const citizen = await newMember(t.app, tenantId, phone);
    expect((await citizen.post('/v1/me/charges', { amountWon: 500_000 })).status).toBe(201);
    expect(
      (await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 400_000 })).status,
    ).toBe(201);
    expect((await owner.post('/v1/me/charges', { amountWon: 400_000 })).status).toBe(201);
    return { tenantId, owner };
  }

  it.each([
    ['in pages of the default size', undefined, '010-7717-00'],
    ['one fact a page', 1, '010-7718-00'],
  ])(
    'finds a round trip whose two halves were scored with another city in between (detector rebuilt %s)',
    async (_, replayPageFacts, phones) => {
      const p = t.platform;
      const fraud = new FraudService(
        p.db,
        p.clock,
        {
          events: p.events,
          tenants: p.tenants,
          policy: p.policy,
          merchants: p.merchants,
          members: p.members,
          payments: p.payments,
          ledger: p.ledger,
          operatorActions: p.operatorActions,
        },
        { detectorsCachedMax: 1, replayPageFacts },
      );
      const a = await cityWithPaymentToCafe(`${phones}01`);
      await fraud.catchUp(a.tenantId);
      // A second city's step takes the only place: city A's detector is dropped.
      const b = await cityWithPaymentToCafe(`${phones}02`);
      await fraud.catchUp(b.tenantId);
      t.clock.advanceMs(3 * 3_600_000);
      const back = await a.owner.post('/v1/me/transfers', {
        recipientPhone: `${phones}01`,
        amountWon: 360_000,
      });
      expect(back.status).toBe(201);
      await fraud.catchUp(a.tenantId);

      const alerts = await fraud.listAlerts(a.tenantId, { rule: 'round_trip' });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.evidence.cycle?.map((edge) => [edge.kind, edge.amountWon])).toEqual([
        ['payment', 400_000],
        ['transfer', 360_000],
      ]);
      expect(await fraud.listAlerts(b.tenantId, { rule: 'round_trip' })).toEqual([]);
    },
  );

  it('two processes taking turns at the job: each observes the facts the other scored instead of rebuilding, and finds what spans both', async () => {
    const p = t.platform;
    const service = () =>
      new FraudService(p.db, p.clock, {
        events: p.events,
        tenants: p.tenants,
        policy: p.policy,
        merchants: p.merchants,
        members: p.members,
        payments: p.payments,
        ledger: p.ledger,
        operatorActions: p.operatorActions,
      });
    const [first, second] = [service(), service()];
    const tenantId = await seedTestTenant(p);
    const owner = await demoClient(t.app, tenantId, 'cafe');
    const cafeCode = (await demoMerchantCode(p, tenantId, 'cafe')).merchantCode;
    const citizen = await newMember(t.app, tenantId, '010-7719-0001');
    expect((await citizen.post('/v1/me/charges', { amountWon: 500_000 })).status).toBe(201);
    await first.catchUp(tenantId);
    // The payment is scored by the second process, the transfer back by the first.
    expect(
      (await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 400_000 })).status,
    ).toBe(201);
    expect((await owner.post('/v1/me/charges', { amountWon: 400_000 })).status).toBe(201);
    await second.catchUp(tenantId);
    t.clock.advanceMs(3 * 3_600_000);
    expect(
      (await owner.post('/v1/me/transfers', { recipientPhone: '010-7719-0001', amountWon: 360_000 })).status,
    ).toBe(201);
    await first.catchUp(tenantId);

    const alerts = await first.listAlerts(tenantId, { rule: 'round_trip' });
    expect(alerts.map((alert) => alert.evidence.cycle?.map((edge) => [edge.kind, edge.amountWon]))).toEqual([
      [
        ['payment', 400_000],
        ['transfer', 360_000],
      ],
    ]);
    expect([first.detectorRebuilds, second.detectorRebuilds]).toEqual([1, 1]);
  });
});
