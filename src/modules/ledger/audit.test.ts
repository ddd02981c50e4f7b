import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { type AuditReport, auditLedger } from './audit.js';
import { LedgerService } from './ledger-service.js';
import type { TransferRequest, TransferResult } from './types.js';

const ALL_CHECKS = [
  'journal_references',
  'transfers_balanced',
  'balances_match_journal',
  'no_negative_balances',
  'tenant_sums_to_zero',
  'pending_holds_consistent',
  'transfer_digests',
  'hash_chains',
];

const MEMBERS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];

const move = (id: string, from: string, to: string, amountWon: number): TransferRequest => ({
  id,
  action: 'transfer',
  code: 'test',
  postings: [
    { accountId: from, amountWon: -amountWon },
    { accountId: to, amountWon },
  ],
});

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be replayed exactly. */
function seededRandom(seed: number): (maxExclusive: number) => number {
  let state = seed >>> 0;
  return (maxExclusive) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * maxExclusive);
  };
}

/** Names of the failing checks, and the checks named by violations, which must agree. */
function failedChecks(report: AuditReport): string[] {
  const failed = report.checks.filter((check) => !check.ok).map((check) => check.name);
  expect([...new Set(report.violations.map((violation) => violation.check))].sort()).toEqual(
    [...failed].sort(),
  );
  return failed.sort();
}

function violationsOf(report: AuditReport, check: string): Array<{ subject: string; message: string }> {
  return report.violations
    .filter((violation) => violation.check === check)
    .map(({ subject, message }) => ({ subject, message }))
    .sort((a, b) => (a.subject < b.subject ? -1 : 1));
}

/** Changes journal rows past the append-only triggers, as someone with database access could. */
async function tamperWithJournal(db: Database, tenantId: string, statement: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('set session_replication_role = replica');
    await tx.query(statement, [tenantId]);
    await tx.query('set session_replication_role = origin');
    const [setting] = await tx.query<{ role: string }>(
      "select current_setting('session_replication_role') as role",
    );
    expect(setting?.role).toBe('origin');
  });
  // The bypass did not outlive its transaction: the journal refuses changes again.
  await expect(
    db.query('update ledger_transfers set code = code where tenant_id = $1', [tenantId]),
  ).rejects.toThrow(/append-only/);
}

describe.each(databaseKinds())('ledger audit on %s', (kind) => {
  let db: Database;
  let clock: ManualClock;
  let ledger: LedgerService;
  let tenantId: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    clock = new ManualClock('2021-05-13T03:00:00Z');
    ledger = new LedgerService(db, clock);
    tenantId = await createTestTenant(db, clock);
    await ledger.createAccounts(tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      ...MEMBERS.map((id) => ({ id, kind: 'member_cash', currencyCode: 'KRW', ownerId: `mem_${id}` })),
    ]);
  });

  async function post(request: TransferRequest): Promise<TransferResult> {
    const [result] = await ledger.postTransfers(tenantId, [request]);
    if (!result) throw new Error('no result');
    return result;
  }

  async function audit(): Promise<AuditReport> {
    return auditLedger(db, tenantId, clock.now());
  }

  /**
   * A small ledger with every kind of transfer: funding, payments, a fully posted hold,
   * a partially posted hold, a voided hold, an expired hold and one hold still open.
   */
  async function seedSmallLedger(): Promise<void> {
    const hold = (id: string, from: string, to: string, amountWon: number): TransferRequest => ({
      id,
      action: 'pending',
      code: 'hold',
      timeoutAt: new Date(clock.now().getTime() + 60_000),
      postings: [
        { accountId: from, amountWon: -amountWon },
        { accountId: to, amountWon },
      ],
    });
    const requests: TransferRequest[] = [
      move('fund-m1', 'bank', 'm1', 50_000),
      move('fund-m2', 'bank', 'm2', 20_000),
      move('pay-1', 'm1', 'm2', 7_300),
      hold('hold-full', 'm1', 'm3', 4_000),
      hold('hold-part', 'm2', 'm3', 6_000),
      hold('hold-void', 'm1', 'm4', 1_500),
      { id: 'post-full', action: 'post_pending', pendingId: 'hold-full' },
      { id: 'post-part', action: 'post_pending', pendingId: 'hold-part', amountWon: 2_500 },
      { id: 'void-1', action: 'void_pending', pendingId: 'hold-void' },
      hold('hold-expiring', 'm2', 'm4', 900),
    ];
    for (const request of requests) expect(await post(request)).toMatchObject({ ok: true, replayed: false });
    clock.advanceMs(60_000);
    expect(await ledger.expirePending(tenantId)).toBe(1);
    expect(await post(hold('hold-open', 'm1', 'm4', 3_000))).toMatchObject({ ok: true });
    expect(await post(move('pay-last', 'm3', 'm5', 1_200))).toMatchObject({ ok: true });
    const report = await audit();
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  }

  it('passes every check on a busy ledger of random payments, holds, posts, voids and expiries', async () => {
    const random = seededRandom(20210513);
    const accounts = ['bank', ...MEMBERS];
    const holds: string[] = [];
    const outcomes: Record<string, number> = {};
    let sequence = 0;
    const funding = MEMBERS.map((id) => move(`fund-${id}`, 'bank', id, 100_000));
    expect((await ledger.postTransfers(tenantId, funding)).every((result) => result.ok)).toBe(true);
    for (let round = 0; round < 12; round++) {
      const batch: TransferRequest[] = [];
      for (let index = 0; index < 25; index++) {
        sequence += 1;
        const from = accounts[random(accounts.length)] as string;
        const to = accounts[
          (accounts.indexOf(from) + 1 + random(accounts.length - 1)) % accounts.length
        ] as string;
        const choice = random(10);
        if (choice < 4) batch.push(move(`tr-${sequence}`, from, to, 1 + random(20_000)));
        else if (choice < 6) {
          const heldWon = 1 + random(10_000);
          holds.push(`hd-${sequence}`);
          batch.push({
            id: `hd-${sequence}`,
            action: 'pending',
            code: 'hold',
            timeoutAt: new Date(clock.now().getTime() + 1 + random(120_000)),
            postings: [
              { accountId: from, amountWon: -heldWon },
              { accountId: to, amountWon: heldWon },
            ],
          });
        } else if (choice < 8 && holds.length > 0) {
          const pendingId = holds[random(holds.length)] as string;
          batch.push(
            random(2) === 0
              ? { id: `po-${sequence}`, action: 'post_pending', pendingId }
              : { id: `po-${sequence}`, action: 'post_pending', pendingId, amountWon: 1 + random(5_000) },
          );
        } else if (choice < 9 && holds.length > 0) {
          batch.push({
            id: `vo-${sequence}`,
            action: 'void_pending',
            pendingId: holds[random(holds.length)] as string,
          });
        } else {
          // Reuses a recent id: a conflict if that id is stored, otherwise a new 1-won transfer.
          batch.push(move(`tr-${Math.max(1, sequence - 1 - random(10))}`, from, to, 1));
        }
      }
      for (const result of await ledger.postTransfers(tenantId, batch)) {
        const key = result.ok ? (result.replayed ? 'replayed' : 'ok') : result.code;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
      clock.advanceMs(random(30_000));
      await ledger.expirePending(tenantId);
    }
    // The ledger really is busy: most kinds of outcome occurred.
    expect(outcomes.ok).toBeGreaterThan(100);
    expect(outcomes.INSUFFICIENT_FUNDS).toBeGreaterThan(0);
    const [stored] = await db.query<{ actions: number }>(
      'select count(distinct action)::bigint as actions from ledger_transfers where tenant_id = $1',
      [tenantId],
    );
    expect(stored?.actions).toBe(5);

    const report = await audit();

    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.tenantId).toBe(tenantId);
    expect(report.checks.map((check) => check.name)).toEqual(ALL_CHECKS);
    expect(report.checks.every((check) => check.ok && check.violationCount === 0)).toBe(true);
  });

  describe('detects each deliberate corruption', () => {
    beforeEach(async () => {
      await seedSmallLedger();
    });

    it('a stored balance changed without a journal entry: balances_match_journal and tenant_sums_to_zero', async () => {
      await db.query(
        'update ledger_accounts set posted_won = posted_won + 1 where tenant_id = $1 and id = $2',
        [tenantId, 'm2'],
      );

      const report = await audit();

      expect(report.ok).toBe(false);
      expect(failedChecks(report)).toEqual(['balances_match_journal', 'tenant_sums_to_zero']);
      expect(violationsOf(report, 'balances_match_journal')).toEqual([
        {
          subject: 'm2',
          message:
            'account m2 stores posted/pending-debit/pending-credit/entries 24801/0/0/6 but its journal says 24800/0/0/6',
        },
      ]);
      expect(violationsOf(report, 'tenant_sums_to_zero')).toEqual([
        {
          subject: tenantId,
          message: `balances of tenant ${tenantId} add up to 1 won posted and 0 won pending, not zero`,
        },
      ]);
    });

    it('an entry amount rewritten: transfers_balanced, balances_match_journal, transfer_digests and hash_chains', async () => {
      await tamperWithJournal(
        db,
        tenantId,
        `update ledger_entries set posted_delta_won = posted_delta_won + 1000
             where tenant_id = $1 and transfer_id = 'pay-1' and account_id = 'm2'`,
      );

      const report = await audit();

      expect(report.ok).toBe(false);
      expect(failedChecks(report)).toEqual([
        'balances_match_journal',
        'hash_chains',
        'transfer_digests',
        'transfers_balanced',
      ]);
      expect(violationsOf(report, 'transfers_balanced')).toEqual([
        { subject: 'pay-1', message: 'transfer pay-1 has 2 entries and posts 1000 won net' },
      ]);
      expect(violationsOf(report, 'transfer_digests')).toEqual([
        {
          subject: 'pay-1',
          message: 'transfer pay-1 no longer matches the digest recorded when it was written',
        },
      ]);
      expect(violationsOf(report, 'hash_chains')).toEqual([
        { subject: 'm2', message: 'account m2: chain breaks at entry 2 (after entry 1)' },
      ]);
      expect(violationsOf(report, 'balances_match_journal')).toEqual([
        {
          subject: 'm2',
          message:
            'account m2 stores posted/pending-debit/pending-credit/entries 24800/0/0/6 but its journal says 25800/0/0/6',
        },
      ]);
    });

    it('a transfer metadata rewritten: transfer_digests only', async () => {
      await tamperWithJournal(
        db,
        tenantId,
        `update ledger_transfers set metadata = '{"note":"forged"}'
             where tenant_id = $1 and id = 'post-part'`,
      );

      const report = await audit();

      expect(report.ok).toBe(false);
      expect(failedChecks(report)).toEqual(['transfer_digests']);
      expect(violationsOf(report, 'transfer_digests')).toEqual([
        {
          subject: 'post-part',
          message: 'transfer post-part no longer matches the digest recorded when it was written',
        },
      ]);
    });

    it('an entry forged for an account and a transfer that do not exist: journal_references only', async () => {
      await tamperWithJournal(
        db,
        tenantId,
        `insert into ledger_entries (tenant_id, account_id, seq, transfer_id, posted_delta_won,
           pending_debit_delta_won, pending_credit_delta_won, hash, commit_seq)
         values ($1, 'ghost', 1, 'forged', 0, 0, 0, 'x', 0)`,
      );

      const report = await audit();

      expect(report.ok).toBe(false);
      expect(failedChecks(report)).toEqual(['journal_references']);
      expect(violationsOf(report, 'journal_references')).toEqual([
        { subject: 'ghost', message: 'entry 1 of account ghost refers to an account that does not exist' },
      ]);
    });

    it('entries moved to another place in commit order (what a sealer and the ledger read): journal_references and the digest', async () => {
      await tamperWithJournal(
        db,
        tenantId,
        `update ledger_entries set commit_seq = commit_seq + 1000
         where tenant_id = $1 and transfer_id = (select id from ledger_transfers where tenant_id = $1 order by commit_seq limit 1)`,
      );

      const report = await audit();

      expect(report.ok).toBe(false);
      // The ledger finds a transfer's entries by its commit number (migration 3103), so the moved
      // entries are missing from their transfer as read, whose digest no longer matches either.
      expect(failedChecks(report)).toEqual(['journal_references', 'transfer_digests']);
      expect(violationsOf(report, 'transfer_digests')).toHaveLength(1);
      const moved = violationsOf(report, 'journal_references');
      expect(moved.length).toBeGreaterThanOrEqual(2);
      for (const violation of moved)
        expect(violation.message).toMatch(
          /^entry \d+ of account .+ carries another commit number than its transfer$/,
        );
    });

    it('a transfer row deleted under its entries: journal_references names each orphaned entry', async () => {
      await tamperWithJournal(
        db,
        tenantId,
        `delete from ledger_transfers where tenant_id = $1 and id = 'pay-last'`,
      );

      const report = await audit();

      expect(report.ok).toBe(false);
      expect(failedChecks(report)).toContain('journal_references');
      expect(violationsOf(report, 'journal_references')).toEqual([
        { subject: 'm3', message: 'entry 5 of account m3 refers to a transfer that does not exist' },
        { subject: 'm5', message: 'entry 1 of account m5 refers to a transfer that does not exist' },
      ]);
    });

    it('the last entries of a transfer deleted: hash_chains, with the balances, digest and balance checks', async () => {
      await tamperWithJournal(
        db,
        tenantId,
        `delete from ledger_entries where tenant_id = $1 and transfer_id = 'pay-last'`,
      );

      const report = await audit();

      expect(report.ok).toBe(false);
      expect(failedChecks(report)).toEqual([
        'balances_match_journal',
        'hash_chains',
        'transfer_digests',
        'transfers_balanced',
      ]);
      // m3 had entries 1-4 (two holds credited, two posts) and 5 from pay-last; m5 only pay-last.
      expect(violationsOf(report, 'hash_chains')).toEqual([
        {
          subject: 'm3',
          message: 'account m3: head says entry 5, the journal ends at entry 4 with another hash',
        },
        {
          subject: 'm5',
          message: 'account m5: head says entry 1, the journal ends at entry 0 with another hash',
        },
      ]);
      expect(violationsOf(report, 'transfers_balanced')).toEqual([
        { subject: 'pay-last', message: 'transfer pay-last has 0 entries and posts 0 won net' },
      ]);
      expect(violationsOf(report, 'transfer_digests').map((violation) => violation.subject)).toEqual([
        'pay-last',
      ]);
      expect(violationsOf(report, 'balances_match_journal').map((violation) => violation.subject)).toEqual([
        'm3',
        'm5',
      ]);
    });

    it('one entry of a transfer deleted mid-chain: the chain breaks at the gap', async () => {
      await tamperWithJournal(
        db,
        tenantId,
        `delete from ledger_entries where tenant_id = $1 and transfer_id = 'pay-1' and account_id = 'm1'`,
      );

      const report = await audit();

      expect(report.ok).toBe(false);
      expect(failedChecks(report)).toEqual([
        'balances_match_journal',
        'hash_chains',
        'transfer_digests',
        'transfers_balanced',
      ]);
      expect(violationsOf(report, 'hash_chains')).toEqual([
        { subject: 'm1', message: 'account m1: chain breaks at entry 3 (after entry 1)' },
      ]);
      expect(violationsOf(report, 'transfers_balanced')).toEqual([
        { subject: 'pay-1', message: 'transfer pay-1 has 1 entries and posts 7300 won net' },
      ]);
    });

    it('the open-hold row of an open hold deleted: pending_holds_consistent', async () => {
      const deleted = await db.query(
        `delete from ledger_open_holds where tenant_id = $1 and transfer_id = 'hold-open' returning transfer_id`,
        [tenantId],
      );
      expect(deleted).toEqual([{ transfer_id: 'hold-open' }]);

      const report = await audit();

      expect(report.ok).toBe(false);
      expect(failedChecks(report)).toEqual(['pending_holds_consistent']);
      expect(violationsOf(report, 'pending_holds_consistent')).toEqual([
        { subject: 'hold-open', message: 'transfer hold-open is open but has no hold row' },
      ]);
    });

    it('an open-hold row left behind for a posted hold: pending_holds_consistent', async () => {
      await db.query(
        `insert into ledger_open_holds (tenant_id, transfer_id, timeout_at) values ($1, 'hold-full', $2)`,
        [tenantId, clock.now()],
      );

      const report = await audit();

      expect(report.ok).toBe(false);
      expect(failedChecks(report)).toEqual(['pending_holds_consistent']);
      expect(violationsOf(report, 'pending_holds_consistent')).toEqual([
        { subject: 'hold-full', message: 'transfer hold-full has a hold row but is resolved or not pending' },
      ]);
    });
  });
});
