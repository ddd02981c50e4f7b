import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BankTestPlatform,
  newTestClock,
  openBankTestPlatform,
  openTestSandboxBank,
  testGateway,
} from '../../../test/support/bank.js';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  type ApiClient,
  expectLedgerAuditGreen,
  newMember,
  seedTestTenant,
} from '../../../test/support/platform.js';
import type { Charge } from '../wallets/types.js';
import type { BankGateway, BankOutcome } from './bank-gateway.js';
import { RECONCILIATION_LIMITS, reconcileCharges, reconciliationJobs } from './reconciliation.js';
import type { SandboxBank } from './sandbox/server.js';

const OPENING_WON = 1_000_000;
const GRACE_MS = RECONCILIATION_LIMITS.graceMs;
const GIVE_UP_MS = RECONCILIATION_LIMITS.giveUpMs;

describe.each(databaseKinds())('reconciling charges with the sandbox bank on %s', (kind) => {
  let sandbox: SandboxBank;
  let t: BankTestPlatform;
  let tenantId: string;
  let citizen: ApiClient;
  let memberId: string;
  let phoneCount = 0;

  beforeAll(async () => {
    const clock = newTestClock();
    const opened = await openTestSandboxBank(clock, { openingBalanceWon: OPENING_WON });
    sandbox = opened.sandbox;
    t = await openBankTestPlatform(kind, clock, testGateway(opened.bankUrl));
    // No callbacks here: these tests prove reconciliation alone settles every charge.
    sandbox.callbacks.url = undefined;
    for (const job of reconciliationJobs(t.platform)) t.platform.scheduler.register(job);
  });
  afterAll(async () => {
    await t.close();
    await sandbox.close();
  });
  beforeEach(async () => {
    sandbox.faults.reset();
    tenantId = await seedTestTenant(t.platform);
    phoneCount += 1;
    const phone = `010-8888-${String(phoneCount).padStart(4, '0')}`;
    citizen = await newMember(t.app, tenantId, phone);
    memberId = (await t.platform.members.findByPhone(tenantId, phone))?.id ?? '';
  });

  async function chargeLeftPending(amountWon: number): Promise<string> {
    const response = await citizen.post('/v1/me/charges', { amountWon });
    expect(response.status).toBe(202);
    return response.body.chargeId;
  }

  const reconcile = () => reconcileCharges(t.platform, tenantId, t.clock.now());
  const bankBalanceWon = async () =>
    (await sandbox.store.balanceOf({ bankCode: 'SANDBOX', accountNumber: memberId })).balanceWon;
  const wallet = async () => (await citizen.get('/v1/me/wallet')).body;
  const chargeStatus = async (chargeId: string) =>
    (
      await t.db.query<{ status: string }>('select status from charges where tenant_id = $1 and id = $2', [
        tenantId,
        chargeId,
      ])
    )[0]?.status;

  it('leaves a charge alone during its grace period', async () => {
    sandbox.faults.configure({ queue: ['lost_response', 'lost_response', 'lost_response'] });
    const chargeId = await chargeLeftPending(30_000);
    t.clock.advanceMs(GRACE_MS - 1);
    expect(await reconcile()).toMatchObject({ processed: 0 });
    expect(await chargeStatus(chargeId)).toBe('pending');
  });

  it('issues a charge whose answer was lost once the bank shows it applied, exactly once', async () => {
    sandbox.faults.configure({ queue: ['lost_response', 'lost_response', 'lost_response'] });
    const chargeId = await chargeLeftPending(30_000);
    expect(await bankBalanceWon()).toBe(OPENING_WON - 30_000);
    t.clock.advanceMs(GRACE_MS);
    const reports = await t.platform.scheduler.tick([tenantId]);
    expect(reports.find((report) => report.name === 'bank.reconcile_charges')?.outcome).toMatchObject({
      details: { succeeded: 1, failed: 0 },
    });
    expect(await reconcile()).toMatchObject({ processed: 0 });
    expect(await chargeStatus(chargeId)).toBe('succeeded');
    expect(await wallet()).toMatchObject({ cashWon: 30_000, month: { chargedWon: 30_000 } });
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('waits for a charge the bank never received, then abandons it after 10 minutes', async () => {
    sandbox.faults.configure({ queue: ['error_5xx', 'error_5xx', 'error_5xx'] });
    const chargeId = await chargeLeftPending(30_000);
    t.clock.advanceMs(GRACE_MS);
    expect(await reconcile()).toMatchObject({ processed: 0, details: { waiting: 1 } });
    t.clock.advanceMs(GIVE_UP_MS - GRACE_MS);
    expect(await reconcile()).toMatchObject({ processed: 1, details: { failed: 1 } });
    expect(await chargeStatus(chargeId)).toBe('failed');
    expect(await wallet()).toMatchObject({ cashWon: 0, month: { chargedWon: 0 } });

    const lateCopy = await t.platform.bank.withdraw({
      idempotencyKey: chargeId,
      account: { bankCode: 'SANDBOX', accountNumber: memberId },
      amountWon: 30_000,
      memo: 'a copy still in flight',
    });
    expect(lateCopy).toMatchObject({ status: 'failed', code: 'REJECTED' });
    expect(await bankBalanceWon()).toBe(OPENING_WON);
  });

  it('issues a charge once when two reconcilers race over it', async () => {
    sandbox.faults.configure({ queue: ['lost_response', 'lost_response', 'lost_response'] });
    const chargeId = await chargeLeftPending(40_000);
    t.clock.advanceMs(GIVE_UP_MS);
    const runs = await Promise.all([reconcile(), reconcile(), reconcile()]);
    expect(runs.reduce((sum, run) => sum + run.processed, 0)).toBeGreaterThanOrEqual(1);
    const issued = await t.db.query<{ n: number }>(
      'select count(*)::int as n from ledger_transfers where tenant_id = $1 and id = $2',
      [tenantId, `charge:${chargeId}`],
    );
    expect(issued[0]?.n).toBe(1);
    expect(await wallet()).toMatchObject({ cashWon: 40_000 });
    expect(await bankBalanceWon()).toBe(OPENING_WON - 40_000);
  });
});

describe('reconciliation while the bank is down', () => {
  it('stops at the first unanswered question and leaves every charge pending', async () => {
    const now = new Date('2021-05-13T03:00:00Z');
    const charge = (id: string): Charge => ({
      id,
      memberId: 'mem_1',
      amountWon: 10_000,
      status: 'pending',
      failureCode: null,
      failureMessage: null,
      createdAt: new Date(now.getTime() - GIVE_UP_MS),
      completedAt: null,
    });
    const asked: string[] = [];
    const unknown: BankOutcome = { status: 'unknown', reason: 'the bank could not be reached' };
    const bank: BankGateway = {
      withdraw: async () => unknown,
      deposit: async () => unknown,
      lookup: async (key) => {
        asked.push(key);
        return unknown;
      },
      abandon: async (key) => {
        asked.push(key);
        return unknown;
      },
    };
    const completed: string[] = [];
    const wallets = {
      pendingCharges: async () => [charge('chg_a'), charge('chg_b')],
      completeCharge: async (_tenantId: string, chargeId: string) => {
        completed.push(chargeId);
        return charge(chargeId);
      },
    };
    expect(await reconcileCharges({ wallets, bank }, 't1', now)).toEqual({
      processed: 0,
      more: false,
      details: { succeeded: 0, failed: 0, waiting: 0, bankUnreachable: true },
    });
    expect(asked).toEqual(['chg_a']);
    expect(completed).toEqual([]);
  });
});
