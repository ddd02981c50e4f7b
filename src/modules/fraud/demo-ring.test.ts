import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoClient,
  expectLedgerAuditGreen,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { DEMO_RING, plantDemoRing } from './presets/daejeon-demo-ring.js';

describe('the planted demo ring', () => {
  let t: TestPlatform;
  let tenantId: string;
  beforeAll(async () => {
    t = await openTestPlatform('pglite');
    tenantId = await seedTestTenant(t.platform);
  });
  afterAll(async () => {
    await t.close();
  });

  it('raises a named round-trip alert through the real engine, touching no published demo account', async () => {
    const citizen = await demoClient(t.app, tenantId, 'citizen');
    const cafe = await demoClient(t.app, tenantId, 'cafe');
    const before = [(await citizen.get('/v1/me/wallet')).body, (await cafe.get('/v1/me/wallet')).body];
    expect(await plantDemoRing(t.platform, tenantId)).toBe(true);

    const operator = await demoClient(t.app, tenantId, 'operator');
    const queue = await operator.get('/v1/operator/fraud/alerts?status=open&rule=round_trip');
    expect(queue.body.items).toHaveLength(1);
    const [alert] = queue.body.items;
    expect(
      alert.evidence.cycle.map((e: { kind: string; amountWon: number }) => [e.kind, e.amountWon]),
    ).toEqual([
      ['payment', DEMO_RING.paymentWon],
      ['transfer', DEMO_RING.sentBackWon],
    ]);
    expect(Object.values(alert.names).sort()).toEqual(
      [DEMO_RING.member.name, DEMO_RING.owner.name, DEMO_RING.merchantName].sort(),
    );
    const after = [(await citizen.get('/v1/me/wallet')).body, (await cafe.get('/v1/me/wallet')).body];
    expect(after).toEqual(before);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('is planted once: a second start finds it and changes nothing', async () => {
    expect(await plantDemoRing(t.platform, tenantId)).toBe(false);
    const operator = await demoClient(t.app, tenantId, 'operator');
    expect((await operator.get('/v1/operator/fraud/alerts?rule=round_trip')).body.items).toHaveLength(1);
  });
});
