import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BankTestPlatform,
  newTestClock,
  openBankTestPlatform,
  TEST_SIGNING_SECRET,
} from '../../../test/support/bank.js';
import { databaseKinds } from '../../../test/support/databases.js';
import { type ApiClient, newMember, seedTestTenant } from '../../../test/support/platform.js';
import type { CallbackEvent } from './bank-api.js';
import { InProcessSandboxBank } from './in-process-sandbox-bank.js';
import { signBody } from './signature.js';

describe.each(databaseKinds())('bank callbacks on %s', (kind) => {
  const bank = new InProcessSandboxBank();
  let t: BankTestPlatform;
  let tenantId: string;
  let citizen: ApiClient;
  let phoneCount = 0;

  beforeAll(async () => {
    t = await openBankTestPlatform(kind, newTestClock(), bank);
    tenantId = await seedTestTenant(t.platform);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    phoneCount += 1;
    citizen = await newMember(t.app, tenantId, `010-7777-${String(phoneCount).padStart(4, '0')}`);
  });

  /** A charge the bank never answered: it stays pending until someone says what happened. */
  async function pendingCharge(amountWon: number): Promise<string> {
    bank.injectFaults('timeout');
    const response = await citizen.post('/v1/me/charges', { amountWon });
    expect(response.body.status).toBe('pending');
    return response.body.chargeId;
  }

  function settled(chargeId: string, outcome: CallbackEvent['transfer']['outcome']): CallbackEvent {
    return {
      eventId: `evt_${chargeId}`,
      type: 'transfer.settled',
      occurredAt: t.clock.now().toISOString(),
      transfer: { kind: 'withdrawal', tenantId, amountWon: 30_000, outcome },
    };
  }

  function post(body: string, headers: Record<string, string>) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/bank/callbacks',
      headers: { 'content-type': 'application/json', ...headers },
      payload: body,
    });
  }

  const signed = (body: string) => signBody(TEST_SIGNING_SECRET, body, t.clock.now());

  it('issues a pending charge the bank confirms, once, however often the callback comes', async () => {
    const chargeId = await pendingCharge(30_000);
    const body = JSON.stringify(
      settled(chargeId, { idempotencyKey: chargeId, status: 'succeeded', bankTransactionId: 'sbt_1' }),
    );
    const headers = signed(body);
    const first = await post(body, headers);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ eventId: `evt_${chargeId}`, result: 'applied' });

    const replay = await post(body, headers);
    t.clock.advanceMs(1_000);
    const redelivery = await post(body, signed(body));
    expect([replay.json().result, redelivery.json().result]).toEqual(['duplicate', 'duplicate']);
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({
      cashWon: 30_000,
      month: { chargedWon: 30_000 },
    });
  });

  it('fails a pending charge the bank refused and releases its cap reservation', async () => {
    const chargeId = await pendingCharge(30_000);
    const body = JSON.stringify(
      settled(chargeId, {
        idempotencyKey: chargeId,
        status: 'failed',
        code: 'INSUFFICIENT_FUNDS',
        message: 'the balance is too low for this transfer',
      }),
    );
    expect((await post(body, signed(body))).json().result).toBe('applied');
    expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 0, month: { chargedWon: 0 } });
  });

  it('refuses a bad signature, a stale timestamp and missing headers, and changes nothing', async () => {
    const chargeId = await pendingCharge(30_000);
    const body = JSON.stringify(
      settled(chargeId, { idempotencyKey: chargeId, status: 'succeeded', bankTransactionId: 'sbt_2' }),
    );
    const forged = signBody('not-the-bank-secret-000000', body, t.clock.now());
    const stale = signBody(TEST_SIGNING_SECRET, body, new Date(t.clock.now().getTime() - 301_000));
    const answers = await Promise.all([post(body, forged), post(body, stale), post(body, {})]);
    expect(answers.map((answer) => [answer.statusCode, answer.json().code])).toEqual([
      [401, 'BANK_SIGNATURE_INVALID'],
      [401, 'BANK_SIGNATURE_STALE'],
      [401, 'BANK_SIGNATURE_INVALID'],
    ]);
    expect((await citizen.get('/v1/me/wallet')).body.cashWon).toBe(0);
  });

  it('refuses a signed body that is not a bank event', async () => {
    const body = '{"hello":"bank"}';
    const answer = await post(body, signed(body));
    expect([answer.statusCode, answer.json().code]).toEqual([400, 'INVALID_INPUT']);
  });

  it('acknowledges a deposit callback and leaves it to its own module', async () => {
    const event: CallbackEvent = {
      eventId: 'evt_deposit_1',
      type: 'transfer.settled',
      occurredAt: t.clock.now().toISOString(),
      transfer: {
        kind: 'deposit',
        tenantId,
        amountWon: 10_000,
        outcome: { idempotencyKey: 'rfd_1', status: 'succeeded', bankTransactionId: 'sbt_3' },
      },
    };
    const body = JSON.stringify(event);
    expect((await post(body, signed(body))).json().result).toBe('ignored');
  });
});
