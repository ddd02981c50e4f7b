import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  ApiClient,
  demoClient,
  demoMerchantCode,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';

const PASSWORD = 'Hanbat-test-9f2k-farm';
const FARM_ADDRESS = '203.0.113.7';
const HOME_ADDRESS = '198.51.100.20';

describe.each(databaseKinds())('one sign-in address behind many members on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  const farmPayments: string[] = [];
  const farmIds: string[] = [];
  const familyIds: string[] = [];

  /** Signs a member up and in from `address` (as the sign-in route would), charges and pays the cafe. */
  async function memberPaying(phone: string, address: string, cafeCode: string) {
    const member = await t.platform.members.signUp(tenantId, {
      phone,
      password: PASSWORD,
      name: '테스트 회원',
      birthDate: '1990-01-01',
      district: 'seo-gu',
      dong: '둔산동',
    });
    const grant = await t.platform.members.logIn(tenantId, phone, PASSWORD, address);
    const client = new ApiClient(t.app, tenantId);
    client.token = grant.token;
    expect((await client.post('/v1/me/charges', { amountWon: 200_000 })).status).toBe(201);
    const paid = await client.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 150_000 });
    expect(paid.status).toBe(201);
    return { memberId: member.id, paymentId: paid.body.paymentId as string };
  }

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    // A phone farm: four accounts behind one address, each paying the same shop ₩150,000.
    for (let i = 0; i < 4; i += 1) {
      const { memberId, paymentId } = await memberPaying(`010-7716-55${i}1`, FARM_ADDRESS, merchantCode);
      farmIds.push(memberId);
      farmPayments.push(paymentId);
      t.clock.advanceMs(20 * 60_000);
    }
    // Its look-alike: a family of three at home, paying the same shop as much.
    for (let i = 0; i < 3; i += 1)
      familyIds.push((await memberPaying(`010-7716-66${i}1`, HOME_ADDRESS, merchantCode)).memberId);
    await t.platform.fraud.catchUp(tenantId);
  });
  afterAll(async () => {
    await t.close();
  });

  it('puts each successful sign-in on the feed with the address as a salted hash, never raw', async () => {
    const signIns = (await t.platform.events.read(tenantId, 0, 5_000)).filter(
      (e) => e.type === 'member.signed_in',
    );
    const hashOf = new Map(
      signIns.map((e) => [
        (e.payload as { memberId: string }).memberId,
        (e.payload as { addressHash: string }).addressHash,
      ]),
    );
    expect(signIns.every((e) => e.version === 1)).toBe(true);
    expect(JSON.stringify(signIns)).not.toContain(FARM_ADDRESS);
    expect(JSON.stringify(signIns)).not.toContain(HOME_ADDRESS);
    const farmHashes = new Set(farmIds.map((id) => hashOf.get(id)));
    const familyHashes = new Set(familyIds.map((id) => hashOf.get(id)));
    expect(farmHashes.size).toBe(1);
    expect(familyHashes.size).toBe(1);
    expect([...farmHashes][0]).not.toBe([...familyHashes][0]);
  });

  it('alerts on the four members behind one address at one merchant, with the evidence in Korean and English', async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    const queue = await operator.get('/v1/operator/fraud/alerts?status=open&rule=shared_address');
    expect(queue.status).toBe(200);
    expect(queue.body.items).toHaveLength(1);
    const alert = queue.body.items[0];
    expect([...alert.evidence.paymentIds].sort()).toEqual([...farmPayments].sort());
    expect(alert.score).toBe(50);
    expect(alert.explanation.en).toContain('4 of the 4 members who signed in from the same address');
    expect(alert.explanation.en).toContain('₩150,000');
    expect(alert.explanation.ko).toContain('회원 4명 중 4명');
    expect(alert.explanation.en).not.toContain(FARM_ADDRESS);
  });

  it('stays silent on the family of three at home', async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    const all = await operator.get('/v1/operator/fraud/alerts?rule=shared_address');
    const named = all.body.items.filter((a: { evidence: { paymentIds: string[] } }) =>
      familyIds.some((id) => JSON.stringify(a).includes(id)),
    );
    expect(named).toEqual([]);
  });
});
