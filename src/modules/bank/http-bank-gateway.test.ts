import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newTestClock, openTestSandboxBank, testGateway } from '../../../test/support/bank.js';
import type { BankTransferRequest } from './bank-gateway.js';
import type { HttpBankGateway } from './http-bank-gateway.js';
import type { SandboxBank } from './sandbox/server.js';
import { trustAccountOf } from './sandbox/store.js';

const OPENING_WON = 100_000;
let requestCount = 0;

function withdrawal(amountWon: number, accountNumber = 'member-1'): BankTransferRequest {
  requestCount += 1;
  return {
    idempotencyKey: `chg_test_${requestCount}`,
    account: { bankCode: 'SANDBOX', accountNumber },
    amountWon,
    memo: 'test charge',
    tenantId: 'gateway-test',
  };
}

describe('HttpBankGateway against the sandbox bank', () => {
  let sandbox: SandboxBank;
  let bankUrl: string;
  let gateway: HttpBankGateway;

  beforeAll(async () => {
    const opened = await openTestSandboxBank(newTestClock(), { openingBalanceWon: OPENING_WON });
    sandbox = opened.sandbox;
    bankUrl = opened.bankUrl;
    gateway = testGateway(bankUrl);
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.faults.reset();
  });

  const balanceOf = async (accountNumber: string) =>
    (await sandbox.store.balanceOf({ bankCode: 'SANDBOX', accountNumber })).balanceWon;

  it('withdraws into the tenant trust account and answers the same for the same key', async () => {
    const request = withdrawal(30_000, 'member-ok');
    const first = await gateway.withdraw(request);
    expect(first).toMatchObject({ status: 'succeeded' });
    expect(await gateway.withdraw(request)).toEqual(first);
    expect(await gateway.lookup(request.idempotencyKey)).toEqual(first);
    expect(await balanceOf('member-ok')).toBe(70_000);
    expect((await sandbox.store.balanceOf(trustAccountOf('gateway-test'))).balanceWon).toBe(
      10_000_000_000 + 30_000,
    );
  });

  it('maps refusals to failed without moving money: insufficient funds, a closed account', async () => {
    expect(await gateway.withdraw(withdrawal(OPENING_WON + 1, 'member-poor'))).toEqual({
      status: 'failed',
      code: 'INSUFFICIENT_FUNDS',
      message: 'the balance is too low for this transfer',
    });
    expect(await balanceOf('member-poor')).toBe(OPENING_WON);
    await sandbox.store.closeAccount({ bankCode: 'SANDBOX', accountNumber: 'member-closed' });
    expect(await gateway.withdraw(withdrawal(1_000, 'member-closed'))).toMatchObject({
      status: 'failed',
      code: 'ACCOUNT_NOT_FOUND',
    });
  });

  it('returns the original outcome when the answer was lost, and debits once', async () => {
    sandbox.faults.configure({ queue: ['lost_response', 'lost_response'] });
    const request = withdrawal(20_000, 'member-lost');
    const outcome = await gateway.withdraw(request);
    expect(outcome).toMatchObject({ status: 'succeeded' });
    expect(await gateway.lookup(request.idempotencyKey)).toEqual(outcome);
    expect(await balanceOf('member-lost')).toBe(80_000);
  });

  it('answers unknown when every attempt times out, and the late transfer lands once', async () => {
    const impatient = testGateway(bankUrl, { timeoutMs: 150 });
    sandbox.faults.configure({ hangMs: 600, queue: ['timeout', 'timeout', 'timeout'] });
    const request = withdrawal(10_000, 'member-slow');
    const startedMs = Date.now();
    expect(await impatient.withdraw(request)).toEqual({
      status: 'unknown',
      reason: 'the bank did not answer in time',
    });
    // Bounded by attempts × timeout + backoffs, with room for a busy machine's timers.
    expect(Date.now() - startedMs).toBeLessThan(impatient.callMsMax + 1_000);
    await sandbox.whenIdle(5_000);
    expect(await gateway.lookup(request.idempotencyKey)).toMatchObject({ status: 'succeeded' });
    expect(await balanceOf('member-slow')).toBe(90_000);
  });

  it('answers unknown after three 5xx; abandoning then refuses a late copy of the request', async () => {
    sandbox.faults.configure({ queue: ['error_5xx', 'error_5xx', 'error_5xx'] });
    const request = withdrawal(10_000, 'member-5xx');
    expect(await gateway.withdraw(request)).toEqual({
      status: 'unknown',
      reason: 'bank answered 503 3 times',
    });
    expect(await gateway.lookup(request.idempotencyKey)).toBeNull();
    expect(await gateway.abandon(request.idempotencyKey)).toMatchObject({
      status: 'failed',
      code: 'REJECTED',
    });
    expect(await gateway.withdraw(request)).toMatchObject({ status: 'failed', code: 'REJECTED' });
    expect(await balanceOf('member-5xx')).toBe(OPENING_WON);
  });

  it('abandoning an applied transfer answers its success', async () => {
    const request = withdrawal(5_000, 'member-applied');
    const outcome = await gateway.withdraw(request);
    expect(await gateway.abandon(request.idempotencyKey)).toEqual(outcome);
  });

  it('throws on a key reused for another amount instead of guessing', async () => {
    const request = withdrawal(5_000, 'member-conflict');
    await gateway.withdraw(request);
    await expect(gateway.withdraw({ ...request, amountWon: 6_000 })).rejects.toThrow(/409/);
  });

  it('lists applied transfers on the statement in pages, with their keys', async () => {
    const first = await sandbox.store.statement(0, 2);
    expect(first.transactions).toHaveLength(2);
    expect(first.more).toBe(true);
    const rest = await sandbox.store.statement(first.nextSince, 500);
    const keys = [...first.transactions, ...rest.transactions].map((line) => line.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(rest.transactions.every((line) => line.seq > first.nextSince)).toBe(true);
  });
});

describe('HttpBankGateway retries', () => {
  let server: http.Server;
  let baseUrl: string;
  let answers: number[] = [];
  const seenKeys: string[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seenKeys.push(String(request.headers['idempotency-key']));
      request.resume();
      const status = answers.shift() ?? 200;
      const body =
        status === 200
          ? {
              idempotencyKey: request.headers['idempotency-key'],
              status: 'succeeded',
              bankTransactionId: 'b_1',
            }
          : { code: 'UNAVAILABLE', message: 'try later' };
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('retries a 5xx with the same idempotency key, a bounded number of times', async () => {
    seenKeys.length = 0;
    answers = [503, 502];
    const request = withdrawal(1_000);
    expect(await testGateway(baseUrl).withdraw(request)).toEqual({
      status: 'succeeded',
      bankTransactionId: 'b_1',
    });
    expect(seenKeys).toEqual([request.idempotencyKey, request.idempotencyKey, request.idempotencyKey]);
  });

  it('does not retry a refusal', async () => {
    seenKeys.length = 0;
    answers = [400];
    expect(await testGateway(baseUrl).withdraw(withdrawal(1_000))).toMatchObject({
      status: 'failed',
      code: 'REJECTED',
    });
    expect(seenKeys).toHaveLength(1);
  });

  it('answers unknown when nothing listens, within its bound', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await testGateway(`http://127.0.0.1:${port}`).withdraw(withdrawal(1_000));
    expect(outcome).toMatchObject({ status: 'unknown' });
    expect(outcome.status === 'unknown' && outcome.reason).toContain('ECONNREFUSED');
  });
});
