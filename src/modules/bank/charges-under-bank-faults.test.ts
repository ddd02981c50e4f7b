import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { RECONCILIATION_LIMITS, reconciliationJobs } from './reconciliation.js';
import type { SandboxBank } from './sandbox/server.js';

const MEMBER_COUNT = 12;
/** 120,000 won wanted against 100,000 in the bank: every member meets a refusal too. */
const CHARGES_WON = [30_000, 40_000, 50_000];
const OPENING_WON = 100_000;
const IDLE_WAIT_MS = 10_000;
const RECONCILE_EVERY_MS = 30_000;
const RECONCILE_RUNS_MAX = 20;

interface ChargeRow {
  id: string;
  member_id: string;
  amount_won: number;
  status: string;
}

/** A small seeded generator, so every run draws the same faults. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe.each(databaseKinds())('charging while the bank misbehaves, on %s', (kind) => {
  let sandbox: SandboxBank;
  let t: BankTestPlatform;
  let tenantId: string;
  const members: { client: ApiClient; memberId: string }[] = [];

  beforeAll(async () => {
    const clock = newTestClock();
    const opened = await openTestSandboxBank(clock, {
      openingBalanceWon: OPENING_WON,
      faultRandom: seededRandom(20210513),
    });
    sandbox = opened.sandbox;
    // Shorter than the sandbox's 400 ms hang, so `timeout` faults land after the platform gave up.
    t = await openBankTestPlatform(kind, clock, testGateway(opened.bankUrl, { timeoutMs: 150 }));
    sandbox.callbacks.url = t.callbackUrl;
    tenantId = await seedTestTenant(t.platform);
    for (const job of reconciliationJobs(t.platform)) t.platform.scheduler.register(job);
    for (let index = 0; index < MEMBER_COUNT; index++) {
      const phone = `010-9999-${String(index).padStart(4, '0')}`;
      const client = await newMember(t.app, tenantId, phone);
      members.push({ client, memberId: (await t.platform.members.findByPhone(tenantId, phone))?.id ?? '' });
    }
    await sandbox.store.closeAccount(bankAccountOf(members[0]?.memberId ?? ''));
  });
  afterAll(async () => {
    await t.close();
    await sandbox.close();
  });

  function bankAccountOf(memberId: string) {
    return { bankCode: 'SANDBOX', accountNumber: memberId };
  }

  /** Every member charges three times at once; the platform's calls retry with the same key. */
  async function chargeConcurrently() {
    const flows = members.flatMap(({ client }, memberIndex) =>
      CHARGES_WON.map(async (amountWon, chargeIndex) => {
        const key = `fault-${memberIndex}-${chargeIndex}`;
        const first = await client.post('/v1/me/charges', { amountWon }, key);
        // Half the members press "charge" again after a pending answer, racing their own first call.
        const again = first.status === 202 && memberIndex % 2 === 0;
        const retried = again ? await client.post('/v1/me/charges', { amountWon }, key) : first;
        return [first.status, retried.status];
      }),
    );
    return (await Promise.all(flows)).flat();
  }

  async function charges(): Promise<ChargeRow[]> {
    return t.db.query<ChargeRow>(
      'select id, member_id, amount_won, status from charges where tenant_id = $1 order by id',
      [tenantId],
    );
  }

  async function pendingCount(): Promise<number> {
    return (await charges()).filter((charge) => charge.status === 'pending').length;
  }

  async function appliedBankKeys(): Promise<string[]> {
    const keys: string[] = [];
    let since = 0;
    for (let page = 0; page < 100; page++) {
      const statement = await sandbox.store.statement(since, 500);
      keys.push(...statement.transactions.map((line) => line.idempotencyKey));
      since = statement.nextSince;
      if (!statement.more) return keys;
    }
    throw new Error('statement longer than 100 pages');
  }

  it('settles every charge, issues none twice, and keeps bank plus wallet equal to the start', async () => {
    sandbox.faults.configure({
      latencyMs: 2,
      hangMs: 400,
      ratesBp: { error_5xx: 3_000, lost_response: 2_500, timeout: 1_000, duplicate_callback: 2_000 },
    });
    const statuses = await chargeConcurrently();
    // Issued, left pending for reconciliation, or refused by the bank; never a server error.
    expect(statuses.filter((status) => ![201, 202, 502].includes(status))).toEqual([]);

    // Reconcile while timed-out requests may still be landing at the bank.
    t.clock.advanceMs(RECONCILIATION_LIMITS.graceMs);
    await t.platform.scheduler.tick([tenantId]);
    t.clock.advanceMs(RECONCILIATION_LIMITS.giveUpMs);
    await t.platform.scheduler.tick([tenantId]);
    // A lookup or abandon that itself outlasts the gateway's 150 ms (a busy machine) stops that run, as
    // a bank outage would; the job's next runs finish the rest.
    for (let run = 0; run < RECONCILE_RUNS_MAX && (await pendingCount()) > 0; run++) {
      t.clock.advanceMs(RECONCILE_EVERY_MS);
      await t.platform.scheduler.tick([tenantId]);
    }
    await sandbox.whenIdle(IDLE_WAIT_MS);

    const settled = await charges();
    expect(settled).toHaveLength(MEMBER_COUNT * CHARGES_WON.length);
    expect(settled.filter((charge) => charge.status === 'pending')).toEqual([]);
    const succeeded = settled.filter((charge) => charge.status === 'succeeded');
    expect((await appliedBankKeys()).sort()).toEqual(succeeded.map((charge) => charge.id).sort());
    const issued = await t.db.query<{ id: string }>(
      `select id from ledger_transfers where tenant_id = $1 and code = 'charge' order by id`,
      [tenantId],
    );
    expect(issued.map((row) => row.id)).toEqual(succeeded.map((charge) => `charge:${charge.id}`).sort());

    for (const { client, memberId } of members) {
      const bankWon = (await sandbox.store.balanceOf(bankAccountOf(memberId))).balanceWon;
      const wallet = (await client.get('/v1/me/wallet')).body;
      const chargedWon = succeeded
        .filter((charge) => charge.member_id === memberId)
        .reduce((sum, charge) => sum + charge.amount_won, 0);
      expect({ total: bankWon + wallet.cashWon, chargedWon: wallet.month.chargedWon }).toEqual({
        total: OPENING_WON,
        chargedWon,
      });
    }
    // Callbacks reached the platform (twice, some); one signed before the clock jumped is refused as stale.
    expect(sandbox.callbacks.deliveredCount).toBeGreaterThan(0);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
