import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const MEMBERS = 6;
const ROUNDS = 3;

/**
 * Issue 10, item 4a: one bad order fails alone. Group commit writes the payments that arrive together
 * in one transaction; an order the database could refuse must neither fail nor delay the valid
 * orders of other members that share its moment.
 */
describe.each(databaseKinds())('batch isolation on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let merchantCode: string;
  let members: ApiClient[];

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    merchantCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
    members = [];
    for (let index = 0; index < MEMBERS; index += 1) {
      const member = await newMember(t.app, tenantId, `010-7300-${String(index).padStart(4, '0')}`);
      expect((await member.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
      members.push(member);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('pays every valid order when hostile orders are sent at the same moment over HTTP', async () => {
    const sent = members.flatMap((member, index) =>
      Array.from({ length: ROUNDS }, (_, round) => {
        const hostile = (index + round) % 2 === 0;
        return member
          .post('/v1/me/payments', {
            merchantCode: hostile ? `${merchantCode}\u0000` : merchantCode,
            amountWon: 1_000,
          })
          .then((response) => ({ hostile, response }));
      }),
    );
    const answers = await Promise.all(sent);
    for (const { hostile, response } of answers) {
      if (hostile) expect(response.body.code).toBe('UNSTORABLE_TEXT');
      else expect(response.status, JSON.stringify(response.body)).toBe(201);
    }
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('pays every valid order when orders the batch cannot write share its transaction', async () => {
    const me = await t.platform.members.findByPhone(tenantId, '010-7300-0000');
    const valid = (key: string) =>
      t.platform.payments.payAtMerchant(tenantId, {
        memberId: me?.id ?? '',
        merchantCode,
        amountWon: 1_000,
        idempotency: { principalId: me?.id ?? '', key, requestHash: 'h' },
      });
    // A member no batch can load (no usage row, no accounts): the batch's decision throws a plain
    // error, which before the split failed every order written with it.
    const unwritable = (key: string) =>
      t.platform.payments.payAtMerchant(tenantId, {
        memberId: `usr_ghost_${key}`,
        merchantCode,
        amountWon: 1_000,
        idempotency: { principalId: `usr_ghost_${key}`, key, requestHash: 'h' },
      });
    const orders = Array.from({ length: 12 }, (_, index) =>
      (index % 3 === 1 ? unwritable : valid)(`isolation-${index}`).then(
        (outcome) => ({ index, ok: true as const, statusCode: outcome.statusCode }),
        (error: Error) => ({ index, ok: false as const, message: error.message }),
      ),
    );
    const outcomes = await Promise.all(orders);
    expect(outcomes.filter((outcome) => outcome.index % 3 !== 1)).toEqual(
      outcomes
        .filter((outcome) => outcome.index % 3 !== 1)
        .map((outcome) => ({ index: outcome.index, ok: true, statusCode: 201 })),
    );
    expect(outcomes.filter((outcome) => outcome.index % 3 === 1).every((outcome) => !outcome.ok)).toBe(true);
    const wallet = await members[0]?.get('/v1/me/wallet');
    // ₩100,000 charged; earlier test paid between 1 and 3 × ₩1,000 from this member; now 8 more.
    expect(wallet?.body.month.eligibleSpendWon).toBeGreaterThanOrEqual(8_000);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('refuses an order with text the database cannot hold before it joins a batch', async () => {
    const me = await t.platform.members.findByPhone(tenantId, '010-7300-0001');
    await expect(
      t.platform.payments.payAtMerchant(tenantId, {
        memberId: me?.id ?? '',
        merchantCode: 'A\u0000',
        amountWon: 1_000,
        idempotency: { principalId: me?.id ?? '', key: 'nul', requestHash: 'h' },
      }),
    ).rejects.toMatchObject({ code: 'UNSTORABLE_TEXT', httpStatus: 400 });
  });
});
