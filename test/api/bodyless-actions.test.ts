import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { restaurantApplication } from '../support/merchants-fixtures.js';
import {
  type ApiClient,
  demoClient,
  expectLedgerAuditGreen,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * A route that reads no body (an action: accept, decline, cancel, approve) takes no body, an empty one
 * or `{}` as one and the same request, so one Idempotency-Key replays across them; any other body is
 * refused before the route does anything.
 */
describe.each(databaseKinds())('bodyless action routes on %s', (kind) => {
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
    '010-7710',
  );

  /** A sender who charged ₩50,000 and sent ₩10,000 to a recipient, still held. */
  async function sentTransfer() {
    const sender = await member(50_000);
    const recipient = await member();
    const sent = await sender.post('/v1/me/transfers', {
      recipientPhone: recipient.phone,
      amountWon: 10_000,
    });
    expect(sent.status).toBe(201);
    return { sender, recipient, transferId: sent.body.transferId as string };
  }

  const cashOf = async (client: ApiClient) => (await client.get('/v1/me/wallet')).body.cashWon;

  /** Sends `action` three times under one key: with `{}`, with no body, and with an empty JSON body. */
  async function threeWays(client: ApiClient, url: string, key: string) {
    const withObject = await client.request('POST', url, {}, { 'idempotency-key': key });
    const withNone = await client.request('POST', url, undefined, { 'idempotency-key': key });
    const withEmpty = await client.request('POST', url, '', { ...JSON_TYPE, 'idempotency-key': key });
    return [withObject, withNone, withEmpty];
  }

  it.each([
    ['accept', 'recipient', 50_000 - 10_000, 10_000],
    ['decline', 'recipient', 50_000, 0],
    ['cancel', 'sender', 50_000, 0],
  ] as const)(
    'takes %s with {}, no body and an empty body as one request, moving the money once',
    async (action, actor, senderCashWon, recipientCashWon) => {
      const transfer = await sentTransfer();
      const answers = await threeWays(
        transfer[actor],
        `/v1/me/transfers/${transfer.transferId}/${action}`,
        `${action}-once`,
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      expect(answers[1]?.body).toEqual(answers[0]?.body);
      expect(answers[2]?.body).toEqual(answers[0]?.body);
      expect(answers[1]?.headers['idempotent-replayed']).toBe('true');
      expect(await cashOf(transfer.sender)).toBe(senderCashWon);
      expect(await cashOf(transfer.recipient)).toBe(recipientCashWon);
      await expectLedgerAuditGreen(t.platform, tenantId);
    },
  );

  it('refuses any other body on accept before anything happens, and the key still works after', async () => {
    const { sender, recipient, transferId } = await sentTransfer();
    const url = `/v1/me/transfers/${transferId}/accept`;
    const key = { 'idempotency-key': 'accept-after-refusals' };
    const text = await recipient.request('POST', url, 'x', { 'content-type': 'text/plain', ...key });
    expect(text.status).toBe(415);
    expect(text.body.code).toBe('FST_ERR_CTP_INVALID_MEDIA_TYPE');
    for (const body of ['[]', 'null', '"x"', '{"amountWon":1}']) {
      const refused = await recipient.request('POST', url, body, { ...JSON_TYPE, ...key });
      expect(refused.status, body).toBe(400);
      expect(refused.body.code, body).toBe('INVALID_INPUT');
      expect(refused.body.messages.en).toBe('this route takes no body: send none, or {}');
    }
    expect(await cashOf(recipient)).toBe(0);
    expect(await cashOf(sender)).toBe(40_000);
    const history = (await recipient.get('/v1/me/transfers?direction=incoming')).body.items;
    expect(history).toEqual([expect.objectContaining({ transferId, status: 'pending' })]);

    const accepted = await recipient.request('POST', url, undefined, key);
    expect(accepted.status).toBe(200);
    expect(await cashOf(recipient)).toBe(10_000);
  });

  it('refuses a body on an operator action without a key too, and approves with none', async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    const owner = await member();
    const ownerId = (await owner.get('/v1/me')).body.memberId as string;
    const applied = await t.platform.merchants.apply(tenantId, ownerId, restaurantApplication());
    const url = `/v1/operator/merchants/${applied.id}/approve`;
    const text = await operator.request('POST', url, 'x', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const list = await operator.request('POST', url, '[]', JSON_TYPE);
    expect(list.status).toBe(400);
    expect((await t.platform.merchants.getById(tenantId, applied.id))?.status).toBe('pending');
    const approved = await operator.request('POST', url, '', JSON_TYPE);
    expect(approved.status).toBe(200);
    expect((await t.platform.merchants.getById(tenantId, applied.id))?.status).toBe('approved');
  });
});
