import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase, recordingStatements } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { auditLedger } from './audit.js';
import { LedgerService } from './ledger-service.js';
import type { TransferRequest, TransferResult } from './types.js';

describe.each(databaseKinds())('ledger on %s', (kind) => {
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
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_alice' },
      { id: 'bob', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_bob' },
      { id: 'usd', kind: 'other', currencyCode: 'USD' },
    ]);
  });

  async function balances(): Promise<Record<string, number>> {
    const accounts = await ledger.getAccounts(tenantId, ['bank', 'alice', 'bob']);
    return Object.fromEntries(accounts.map((account) => [account.id, account.availableWon]));
  }

  async function post(request: TransferRequest): Promise<TransferResult> {
    const [result] = await ledger.postTransfers(tenantId, [request]);
    if (!result) throw new Error('no result');
    return result;
  }

  const move = (id: string, from: string, to: string, amountWon: number): TransferRequest => ({
    id,
    action: 'transfer',
    code: 'test',
    postings: [
      { accountId: from, amountWon: -amountWon },
      { accountId: to, amountWon },
    ],
  });

  async function expectAuditGreen(): Promise<void> {
    const report = await auditLedger(db, tenantId, clock.now());
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  }

  it('moves exact amounts and keeps balances equal to the journal', async () => {
    expect((await post(move('c1', 'bank', 'alice', 100_000))).ok).toBe(true);
    expect((await post(move('p1', 'alice', 'bob', 36_500))).ok).toBe(true);
    expect(await balances()).toEqual({ bank: -100_000, alice: 63_500, bob: 36_500 });
    await expectAuditGreen();
  });

  it('refuses a debit beyond the available balance and writes nothing', async () => {
    await post(move('c1', 'bank', 'alice', 10_000));
    const result = await post(move('p1', 'alice', 'bob', 10_001));
    expect(result).toMatchObject({ ok: false, code: 'INSUFFICIENT_FUNDS' });
    expect(await balances()).toEqual({ bank: -10_000, alice: 10_000, bob: 0 });
    expect(await ledger.getTransfer(tenantId, 'p1')).toBeUndefined();
    expect((await post(move('p2', 'alice', 'bob', 10_000))).ok).toBe(true);
  });

  it.each([
    [
      'UNBALANCED',
      {
        postings: [
          { accountId: 'bank', amountWon: -5 },
          { accountId: 'alice', amountWon: 4 },
        ],
      },
    ],
    ['TOO_FEW_POSTINGS', { postings: [{ accountId: 'alice', amountWon: 0 }] }],
    [
      'DUPLICATE_ACCOUNT',
      {
        postings: [
          { accountId: 'alice', amountWon: -5 },
          { accountId: 'alice', amountWon: 5 },
        ],
      },
    ],
    [
      'AMOUNT_NOT_INTEGER',
      {
        postings: [
          { accountId: 'bank', amountWon: -1.5 },
          { accountId: 'alice', amountWon: 1.5 },
        ],
      },
    ],
    [
      'AMOUNT_ZERO',
      {
        postings: [
          { accountId: 'bank', amountWon: 0 },
          { accountId: 'alice', amountWon: 0 },
        ],
      },
    ],
    [
      'AMOUNT_OUT_OF_RANGE',
      {
        postings: [
          { accountId: 'bank', amountWon: -(2 ** 63) },
          { accountId: 'alice', amountWon: 2 ** 63 },
        ],
      },
    ],
    [
      'AMOUNT_NOT_INTEGER',
      {
        postings: [
          { accountId: 'bank', amountWon: '-5' },
          { accountId: 'alice', amountWon: '5' },
        ],
      },
    ],
    [
      'ACCOUNT_NOT_FOUND',
      {
        postings: [
          { accountId: 'bank', amountWon: -5 },
          { accountId: 'nobody', amountWon: 5 },
        ],
      },
    ],
    [
      'CURRENCY_MISMATCH',
      {
        postings: [
          { accountId: 'bank', amountWon: -5 },
          { accountId: 'usd', amountWon: 5 },
        ],
      },
    ],
    ['INVALID_CODE', { code: 'Not A Code!' }],
    ['INVALID_ID', { id: 'has spaces in it' }],
    ['METADATA_INVALID', { metadata: { blob: 'x'.repeat(5000) } }],
  ])('refuses %s and writes nothing', async (code, override) => {
    const request = { ...move('bad1', 'bank', 'alice', 5), ...override } as TransferRequest;
    expect(await post(request)).toMatchObject({ ok: false, code });
    expect(await balances()).toEqual({ bank: 0, alice: 0, bob: 0 });
    const counted = await db.query<{ n: number }>(
      'select count(*)::bigint as n from ledger_transfers where tenant_id = $1',
      [tenantId],
    );
    expect(counted[0]?.n).toBe(0);
  });

  it('does not let a transfer reach an account of another tenant', async () => {
    const otherTenant = await createTestTenant(db, clock);
    await ledger.createAccounts(otherTenant, [{ id: 'carol', kind: 'member_cash', currencyCode: 'KRW' }]);
    await post(move('c1', 'bank', 'alice', 1_000));
    expect(await post(move('x1', 'alice', 'carol', 500))).toMatchObject({
      ok: false,
      code: 'ACCOUNT_NOT_FOUND',
    });
    expect((await ledger.getAccount(otherTenant, 'carol'))?.postedWon).toBe(0);
  });

  it('posts one batch for several cities whose accounts and transfers share ids, each city its own', async () => {
    const otherTenant = await createTestTenant(db, clock);
    await ledger.createAccounts(otherTenant, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_alice' },
      { id: 'bob', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_bob' },
    ]);
    await post(move('fund', 'bank', 'alice', 10_000));
    const holdAlice = (id: string, amountWon: number): TransferRequest => ({
      id,
      action: 'pending',
      code: 'hold',
      timeoutAt: new Date(clock.now().getTime() + 60_000),
      postings: [
        { accountId: 'alice', amountWon: -amountWon },
        { accountId: 'bob', amountWon },
      ],
    });
    const statements: string[] = [];
    const postBoth = (parts: Array<{ tenantId: string; commands: TransferRequest[] }>) =>
      db.transaction((tx) => ledger.postTransfersOfTenants(recordingStatements(tx, statements), parts));

    const [here, there] = await postBoth([
      { tenantId, commands: [holdAlice('h1', 4_000), move('t1', 'alice', 'bob', 1_000)] },
      // The other city's alice holds nothing: the same ids are its own accounts, refused on their own.
      {
        tenantId: otherTenant,
        commands: [move('t1', 'bank', 'alice', 3_000), move('t2', 'alice', 'bob', 5_000)],
      },
    ]);
    expect(here?.map((result) => result.ok)).toEqual([true, true]);
    expect(there?.map((result) => (result.ok ? 'ok' : result.code))).toEqual(['ok', 'INSUFFICIENT_FUNDS']);
    const writes = statements.filter((text) => /insert into ledger_transfers/.test(text));
    expect(writes).toHaveLength(1);

    statements.length = 0;
    const [posted, replayed] = await postBoth([
      { tenantId, commands: [{ id: 'p1', action: 'post_pending', pendingId: 'h1', amountWon: 2_500 }] },
      { tenantId: otherTenant, commands: [move('t1', 'bank', 'alice', 3_000)] },
    ]);
    expect(posted?.[0]?.ok).toBe(true);
    expect(replayed?.[0]?.ok && replayed[0].replayed).toBe(true);
    expect(await balances()).toEqual({ bank: -10_000, alice: 6_500, bob: 3_500 });
    const others = await ledger.getAccounts(otherTenant, ['bank', 'alice', 'bob']);
    expect(others.map((account) => [account.id, account.postedWon, account.pendingDebitWon])).toEqual([
      ['alice', 3_000, 0],
      ['bank', -3_000, 0],
      ['bob', 0, 0],
    ]);
    const [openHolds] = await db.query<{ n: number }>(
      'select count(*)::int as n from ledger_open_holds where tenant_id = any($1::text[])',
      [[tenantId, otherTenant]],
    );
    expect(openHolds?.n).toBe(0);
    await expectAuditGreen();
    const otherReport = await auditLedger(db, otherTenant, clock.now());
    expect(otherReport.violations).toEqual([]);
  });

  it('with ids minted fresh, skips the replay lookup and lets a reused id fail whole, writing nothing', async () => {
    await post(move('c1', 'bank', 'alice', 10_000));
    const statements: string[] = [];
    const postFresh = (commands: TransferRequest[]) =>
      db.transaction((tx) =>
        ledger.postTransfersOfTenants(
          recordingStatements(tx, statements),
          [{ tenantId, commands }],
          undefined,
          {
            freshIds: true,
          },
        ),
      );

    const [fresh] = await postFresh([move('f1', 'alice', 'bob', 1_000), move('f2', 'alice', 'bob', 9_500)]);
    expect(fresh?.map((result) => (result.ok ? 'ok' : result.code))).toEqual(['ok', 'INSUFFICIENT_FUNDS']);
    expect(statements.filter((text) => /from ledger_transfers/.test(text))).toEqual([]);
    // No request made f1: it stores its content hash as its request hash, and a request naming f1
    // later, even with the same content, is another request.
    const [stored] = await db.query<{ request_hash: string; content_hash: string }>(
      'select request_hash, content_hash from ledger_transfers where tenant_id = $1 and id = $2',
      [tenantId, 'f1'],
    );
    expect(stored?.request_hash).toBe(stored?.content_hash);
    const again = await post(move('f1', 'alice', 'bob', 1_000));
    expect(again).toMatchObject({ ok: false, code: 'IDEMPOTENCY_CONFLICT' });
    // A reused id is no replay here: the insert's unique key refuses it, and the transaction with it.
    await expect(
      postFresh([move('f3', 'alice', 'bob', 500), move('c1', 'bank', 'alice', 10_000)]),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await balances()).toEqual({ bank: -10_000, alice: 9_000, bob: 1_000 });
    expect(await ledger.getTransfer(tenantId, 'f3')).toBeUndefined();
    await expectAuditGreen();
  });

  it('takes accounts its transaction already holds as locked, once, and decides on them exactly as on a fresh lock', async () => {
    await post(move('c1', 'bank', 'alice', 10_000));
    const batch = [
      move('h1', 'alice', 'bob', 4_000),
      move('h2', 'alice', 'bank', 7_000),
      move('h3', 'bank', 'bob', 1),
    ];
    const statements: Array<{ text: string; params: readonly unknown[] }> = [];
    const results = await db.transaction(async (tx) => {
      const sql = {
        query: <Row>(text: string, params?: readonly unknown[]) => {
          statements.push({ text, params: params ?? [] });
          return tx.query<Row>(text, params);
        },
        exec: (script: string) => tx.exec(script),
      };
      const held = await ledger.lockAccountsOwnedByTenants(sql, [
        { tenantId, id: 'mem_alice' },
        { tenantId, id: 'mem_bob' },
      ]);
      expect(held.accounts.map((account) => [account.id, account.availableWon])).toEqual([
        ['alice', 10_000],
        ['bob', 0],
      ]);
      statements.length = 0;
      const [posted] = await ledger.postTransfersOfTenants(sql, [{ tenantId, commands: batch }], undefined, {
        held,
      });
      // Only the bank, which no owner held, is locked again.
      const locks = statements.filter(({ text }) => /for update/.test(text));
      // Key lists go as text-array literals (`textArray`): `{"city"}`, `{"bank"}`.
      expect(
        locks.map(({ params }) => params.flatMap((param) => JSON.parse(`[${String(param).slice(1, -1)}]`))),
      ).toEqual([[tenantId, 'bank']]);
      await expect(
        ledger.postTransfersOfTenants(
          sql,
          [{ tenantId, commands: [move('h4', 'bank', 'bob', 1)] }],
          undefined,
          {
            held,
          },
        ),
      ).rejects.toThrow(/already used/);
      return posted;
    });
    expect(results?.map((result) => (result.ok ? 'ok' : result.code))).toEqual([
      'ok',
      'INSUFFICIENT_FUNDS',
      'ok',
    ]);
    expect(await balances()).toEqual({ bank: -10_001, alice: 6_000, bob: 4_001 });
    await expectAuditGreen();

    const elsewhere = await db.transaction((tx) =>
      ledger.lockAccountsOwnedByTenants(tx, [{ tenantId, id: 'mem_alice' }]),
    );
    await expect(
      db.transaction((tx) =>
        ledger.postTransfersOfTenants(
          tx,
          [{ tenantId, commands: [move('h5', 'alice', 'bob', 1)] }],
          undefined,
          {
            held: elsewhere,
          },
        ),
      ),
    ).rejects.toThrow(/another transaction/);
  });

  it('updates each balance at the address its lock read, and fails the batch whole when an address names another row', async () => {
    await post(move('c1', 'bank', 'alice', 10_000));
    // The write's last account column is the locked rows' addresses (`ctid`): swap two of them.
    const swappingAddresses = (tx: Sql): Sql => ({
      query: <Row>(text: string, params?: readonly unknown[]) => {
        if (!text.includes('update ledger_accounts') || !params) return tx.query<Row>(text, params);
        const changed = [...params];
        const addresses = String(changed[26]).split('\x1e');
        expect(addresses).toHaveLength(2);
        changed[26] = [...addresses].reverse().join('\x1e');
        return tx.query<Row>(text, changed);
      },
      exec: (script: string) => tx.exec(script),
    });
    await expect(
      db.transaction((tx) =>
        ledger.postTransfersInTransaction(swappingAddresses(tx), tenantId, [
          move('s1', 'alice', 'bob', 1_000),
        ]),
      ),
    ).rejects.toThrow(/ledger invariant: updated 0 of 2/);
    expect(await balances()).toEqual({ bank: -10_000, alice: 10_000, bob: 0 });
    expect(await ledger.getTransfer(tenantId, 's1')).toBeUndefined();

    expect(await post(move('s1', 'alice', 'bob', 1_000))).toMatchObject({ ok: true, replayed: false });
    expect(await balances()).toEqual({ bank: -10_000, alice: 9_000, bob: 1_000 });
    await expectAuditGreen();
  });
  it('refuses postings to a closed account', async () => {
    await ledger.closeAccount(tenantId, 'bob');
    expect(await post(move('c1', 'bank', 'bob', 1))).toMatchObject({ ok: false, code: 'ACCOUNT_CLOSED' });
    await post(move('c2', 'bank', 'alice', 1));
    await expect(ledger.closeAccount(tenantId, 'alice')).rejects.toMatchObject({
      code: 'ACCOUNT_NOT_CLOSABLE',
    });
  });

  it('refuses an oversized batch as a whole', async () => {
    const requests = Array.from({ length: 8191 }, (_, index) => move(`b${index}`, 'bank', 'alice', 1));
    await expect(ledger.postTransfers(tenantId, requests)).rejects.toBeInstanceOf(DomainError);
    expect(await balances()).toEqual({ bank: 0, alice: 0, bob: 0 });
  });

  it('applies a batch in order, each transfer alone', async () => {
    const results = await ledger.postTransfers(tenantId, [
      move('a', 'bank', 'alice', 700),
      move('b', 'alice', 'bob', 500),
      move('c', 'alice', 'bob', 500),
      move('d', 'alice', 'bob', 200),
    ]);
    expect(results.map((result) => (result.ok ? 'ok' : result.code))).toEqual([
      'ok',
      'ok',
      'INSUFFICIENT_FUNDS',
      'ok',
    ]);
    expect(await balances()).toEqual({ bank: -700, alice: 0, bob: 700 });
    await expectAuditGreen();
  });

  it('returns the original result on replay and moves money once', async () => {
    const first = await post(move('k1', 'bank', 'alice', 2_500));
    clock.advanceMs(60_000);
    const again = await post(move('k1', 'bank', 'alice', 2_500));
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(again).toMatchObject({ ok: true, replayed: true });
    if (first.ok && again.ok) expect(again.transfer).toEqual(first.transfer);
    expect(await post(move('k1', 'bank', 'alice', 2_501))).toMatchObject({
      ok: false,
      code: 'IDEMPOTENCY_CONFLICT',
    });
    const inOneBatch = await ledger.postTransfers(tenantId, [
      move('k2', 'bank', 'bob', 7),
      move('k2', 'bank', 'bob', 7),
    ]);
    expect(inOneBatch.map((result) => result.ok && result.replayed)).toEqual([false, true]);
    expect(await balances()).toEqual({ bank: -2_507, alice: 2_500, bob: 7 });
  });

  it('records a correction as a new transfer that references the original', async () => {
    await post(move('wrong', 'bank', 'alice', 9_000));
    const fix = await post({
      ...move('fix', 'alice', 'bank', 9_000),
      correctsId: 'wrong',
    } as TransferRequest);
    expect(fix).toMatchObject({ ok: true, transfer: { correctsId: 'wrong' } });
    expect(
      await post({ ...move('fix2', 'bank', 'alice', 1), correctsId: 'nope' } as TransferRequest),
    ).toMatchObject({
      ok: false,
      code: 'CORRECTED_TRANSFER_NOT_FOUND',
    });
    expect(await balances()).toEqual({ bank: 0, alice: 0, bob: 0 });
  });

  describe('two-phase holds', () => {
    const hold = (id: string, amountWon: number, timeoutMs = 60_000): TransferRequest => ({
      id,
      action: 'pending',
      code: 'hold',
      timeoutAt: new Date(clock.now().getTime() + timeoutMs),
      postings: [
        { accountId: 'alice', amountWon: -amountWon },
        { accountId: 'bob', amountWon },
      ],
    });

    beforeEach(async () => {
      await post(move('fund', 'bank', 'alice', 10_000));
    });

    it('reserves funds: available = posted - pending debits', async () => {
      expect((await post(hold('h1', 6_000))).ok).toBe(true);
      const alice = await ledger.getAccount(tenantId, 'alice');
      expect(alice).toMatchObject({ postedWon: 10_000, pendingDebitWon: 6_000, availableWon: 4_000 });
      expect(await post(move('spend', 'alice', 'bob', 4_001))).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
      expect(await post(hold('h2', 4_001))).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
      await expectAuditGreen();
    });

    it('posts in full once', async () => {
      await post(hold('h1', 6_000));
      expect((await post({ id: 'p1', action: 'post_pending', pendingId: 'h1' })).ok).toBe(true);
      expect(await balances()).toEqual({ bank: -10_000, alice: 4_000, bob: 6_000 });
      expect(await post({ id: 'p2', action: 'post_pending', pendingId: 'h1' })).toMatchObject({
        code: 'PENDING_ALREADY_POSTED',
      });
      expect(await post({ id: 'v1', action: 'void_pending', pendingId: 'h1' })).toMatchObject({
        code: 'PENDING_ALREADY_POSTED',
      });
      await expectAuditGreen();
    });

    it('posts part and releases the rest', async () => {
      await post(hold('h1', 6_000));
      expect(
        await post({ id: 'p1', action: 'post_pending', pendingId: 'h1', amountWon: 6_001 }),
      ).toMatchObject({
        code: 'POST_AMOUNT_EXCEEDS_PENDING',
      });
      expect((await post({ id: 'p2', action: 'post_pending', pendingId: 'h1', amountWon: 2_500 })).ok).toBe(
        true,
      );
      expect(await balances()).toEqual({ bank: -10_000, alice: 7_500, bob: 2_500 });
      const bob = await ledger.getAccount(tenantId, 'bob');
      expect(bob).toMatchObject({ pendingCreditWon: 0, postedWon: 2_500 });
      await expectAuditGreen();
    });

    it('voids, releasing the hold', async () => {
      await post(hold('h1', 6_000));
      expect((await post({ id: 'v1', action: 'void_pending', pendingId: 'h1' })).ok).toBe(true);
      expect(await balances()).toEqual({ bank: -10_000, alice: 10_000, bob: 0 });
      expect(await post({ id: 'p1', action: 'post_pending', pendingId: 'h1' })).toMatchObject({
        code: 'PENDING_ALREADY_VOIDED',
      });
      expect(await post({ id: 'p9', action: 'post_pending', pendingId: 'nothing' })).toMatchObject({
        code: 'PENDING_NOT_FOUND',
      });
      await expectAuditGreen();
    });

    it('expires at its timeout: posting is refused and the expiry job releases it once', async () => {
      await post(hold('h1', 6_000, 1_000));
      expect(await ledger.expirePending(tenantId)).toBe(0);
      clock.advanceMs(1_000);
      expect(await post({ id: 'p1', action: 'post_pending', pendingId: 'h1' })).toMatchObject({
        code: 'PENDING_EXPIRED',
      });
      expect(await ledger.expirePending(tenantId)).toBe(1);
      expect(await ledger.expirePending(tenantId)).toBe(0);
      expect(await balances()).toEqual({ bank: -10_000, alice: 10_000, bob: 0 });
      expect(await post({ id: 'v1', action: 'void_pending', pendingId: 'h1' })).toMatchObject({
        code: 'PENDING_EXPIRED',
      });
      await expectAuditGreen();
    });

    it('refuses a hold without a future timeout', async () => {
      expect(await post(hold('h1', 6_000, 0))).toMatchObject({ code: 'TIMEOUT_INVALID' });
    });
  });

  it('forbids UPDATE, DELETE and TRUNCATE of journal rows in the database itself', async () => {
    await post(move('c1', 'bank', 'alice', 100));
    for (const statement of [
      'update ledger_entries set posted_delta_won = 1000 where tenant_id = $1',
      'delete from ledger_entries where tenant_id = $1',
      "update ledger_transfers set code = 'x' where tenant_id = $1",
      'delete from ledger_transfers where tenant_id = $1',
    ]) {
      await expect(db.query(statement, [tenantId])).rejects.toThrow(/append-only/);
    }
    await expect(db.query('truncate ledger_entries')).rejects.toThrow(/append-only/);
    expect(await balances()).toEqual({ bank: -100, alice: 100, bob: 0 });
    await expectAuditGreen();
  });
});
