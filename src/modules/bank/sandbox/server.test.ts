import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTestClock, openTestSandboxBank } from '../../../../test/support/bank.js';
import { FAULT_QUEUE_MAX } from './faults.js';
import type { SandboxBank } from './server.js';

describe('sandbox bank API', () => {
  let sandbox: SandboxBank;

  beforeAll(async () => {
    sandbox = (await openTestSandboxBank(newTestClock(), { openingBalanceWon: 50_000 })).sandbox;
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const withdraw = (key: string | undefined, body: unknown) =>
    sandbox.app.inject({
      method: 'POST',
      url: '/withdrawals',
      headers: key ? { 'idempotency-key': key } : {},
      payload: body as object,
    });
  const charge = { account: { bankCode: 'SANDBOX', accountNumber: 'api-1' }, amountWon: 20_000, memo: 'm' };

  it('answers 200 for a withdrawal, 422 for a refusal, 409 for a key reused with other content', async () => {
    expect((await withdraw('api-key-1', charge)).statusCode).toBe(200);
    const refused = await withdraw('api-key-2', { ...charge, amountWon: 40_000 });
    expect([refused.statusCode, refused.json().code]).toEqual([422, 'INSUFFICIENT_FUNDS']);
    expect((await withdraw('api-key-1', { ...charge, amountWon: 1_000 })).statusCode).toBe(409);
  });

  it('refuses a request without an idempotency key or with a fractional amount', async () => {
    expect((await withdraw(undefined, charge)).statusCode).toBe(400);
    expect((await withdraw('api-key-3', { ...charge, amountWon: 1.5 })).statusCode).toBe(400);
  });

  it('refuses a fault queue over its bound and a statement page over its bound', async () => {
    const tooMany = Array.from({ length: FAULT_QUEUE_MAX + 1 }, () => 'error_5xx');
    const faults = await sandbox.app.inject({
      method: 'PUT',
      url: '/admin/faults',
      payload: { queue: tooMany },
    });
    expect(faults.statusCode).toBe(400);
    expect((await sandbox.app.inject({ method: 'GET', url: '/statements?limit=501' })).statusCode).toBe(400);
  });

  it('consumes queued faults one per request, then behaves', async () => {
    await sandbox.app.inject({ method: 'PUT', url: '/admin/faults', payload: { queue: ['error_5xx'] } });
    expect((await withdraw('api-key-4', { ...charge, amountWon: 1_000 })).statusCode).toBe(503);
    expect((await withdraw('api-key-4', { ...charge, amountWon: 1_000 })).statusCode).toBe(200);
    const settings = await sandbox.app.inject({ method: 'GET', url: '/admin/faults' });
    expect(settings.json().queue).toEqual([]);
  });

  it('shows an account balance and refuses a closed account', async () => {
    const close = await sandbox.app.inject({ method: 'POST', url: '/admin/accounts/SANDBOX/api-2/close' });
    expect(close.json()).toMatchObject({ balanceWon: 50_000, closed: true });
    const refused = await withdraw('api-key-5', {
      ...charge,
      account: { bankCode: 'SANDBOX', accountNumber: 'api-2' },
    });
    expect(refused.json().code).toBe('ACCOUNT_NOT_FOUND');
  });
});
