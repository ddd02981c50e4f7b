import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { auditLedger } from './audit.js';
import { expireTransferId } from './batch.js';
import { LedgerService } from './ledger-service.js';
import type { Entry, LedgerResultCode, Posting, Transfer, TransferRequest, TransferResult } from './types.js';

/**
 * Model-based test: random command sequences run against the real ledger and against a small
 * in-memory model of what the ledger promises; after every command both must agree exactly.
 */

const BANK = 'bank';
const ACCOUNTS = [BANK, 'm1', 'm2', 'm3', 'm4'] as const;
const NUM_RUNS = 40;
const MAX_COMMANDS = 40;
/** Per database kind; 40 runs take 6-11 s on an idle 2-core machine. */
const TIME_LIMIT_MS = 15_000;

type Command =
  | { kind: 'transfer'; from: number; toOffset: number; amountWon: number }
  | { kind: 'hold'; from: number; toOffset: number; amountWon: number; timeoutMs: number }
  | { kind: 'post'; pick: number; amountWon: number | undefined }
  | { kind: 'void'; pick: number }
  | { kind: 'replay'; pick: number }
  | { kind: 'reuseId'; pick: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'advanceToTimeout'; pick: number }
  | { kind: 'expire' };

/** Which earlier item a command refers to, counted back from the most recent (0), so it shrinks well. */
const pickArbitrary = fc.nat({ max: 30 });

/** The `pick`-th most recent item, wrapping around; undefined when there is none. */
function recent<T>(items: readonly T[], pick: number): T | undefined {
  return items.length === 0 ? undefined : items[items.length - 1 - (pick % items.length)];
}

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      // The bank is drawn more often than a member, so members get money to spend.
      from: fc.oneof(
        { weight: 2, arbitrary: fc.constant(0) },
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) },
      ),
      toOffset: fc.integer({ min: 1, max: 4 }),
      amountWon: fc.integer({ min: 1, max: 300 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('hold' as const),
      from: fc.oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) },
      ),
      toOffset: fc.integer({ min: 1, max: 4 }),
      amountWon: fc.integer({ min: 1, max: 300 }),
      timeoutMs: fc.integer({ min: 1, max: 4_000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('post' as const),
      pick: pickArbitrary,
      amountWon: fc.option(fc.integer({ min: 1, max: 320 }), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('void' as const), pick: pickArbitrary }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('replay' as const), pick: pickArbitrary }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reuseId' as const), pick: pickArbitrary }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2_500 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advanceToTimeout' as const), pick: pickArbitrary }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('expire' as const) }) },
);

interface Balance {
  postedWon: number;
  pendingDebitWon: number;
  pendingCreditWon: number;
}

interface ModelHold {
  id: string;
  from: string;
  to: string;
  amountWon: number;
  timeoutAtMs: number;
  state: 'open' | 'posted' | 'voided' | 'expired';
}

type Expected =
  | { ok: true; replayed: true }
  | { ok: true; replayed: false; action: Transfer['action']; pendingId: string | null; entries: Entry[] }
  | { ok: false; code: LedgerResultCode };

const entry = (accountId: string, posted: number, pendingDebit: number, pendingCredit: number): Entry => ({
  accountId,
  postedDeltaWon: posted,
  pendingDebitDeltaWon: pendingDebit,
  pendingCreditDeltaWon: pendingCredit,
});

const EXPIRY_BODY = '<written by the expiry job>';

/** What the ledger promises, stated independently of how it is built. */
class LedgerModel {
  readonly balances = new Map<string, Balance>(
    ACCOUNTS.map((id) => [id, { postedWon: 0, pendingDebitWon: 0, pendingCreditWon: 0 }]),
  );
  /** Every stored transfer id and the body of the request that stored it. */
  readonly stored = new Map<string, string>();
  /** Stored pending transfers by id. */
  readonly holds = new Map<string, ModelHold>();

  constructor(public nowMs: number) {}

  available(accountId: string): number {
    const balance = this.balances.get(accountId) as Balance;
    return balance.postedWon - balance.pendingDebitWon;
  }

  /** The outcome of `request` now; applies its effect to the model when it succeeds. */
  submit(request: TransferRequest): Expected {
    const body = bodyOf(request);
    const storedBody = this.stored.get(request.id);
    if (storedBody !== undefined) {
      // Idempotency: the same id and body is the original result, whenever it is sent again.
      return storedBody === body ? { ok: true, replayed: true } : { ok: false, code: 'IDEMPOTENCY_CONFLICT' };
    }
    const outcome = this.decide(request);
    if (outcome.ok && !outcome.replayed) this.commit(request.id, body, outcome.entries);
    return outcome;
  }

  private decide(request: TransferRequest): Expected {
    switch (request.action) {
      case 'transfer':
      case 'pending': {
        const [debit, credit] = request.postings as [Posting, Posting];
        const amountWon = credit.amountWon;
        if (request.action === 'pending' && request.timeoutAt.getTime() <= this.nowMs) {
          return { ok: false, code: 'TIMEOUT_INVALID' };
        }
        if (debit.accountId !== BANK && this.available(debit.accountId) < amountWon) {
          return { ok: false, code: 'INSUFFICIENT_FUNDS' };
        }
        const entries =
          request.action === 'transfer'
            ? [entry(debit.accountId, -amountWon, 0, 0), entry(credit.accountId, amountWon, 0, 0)]
            : [entry(debit.accountId, 0, amountWon, 0), entry(credit.accountId, 0, 0, amountWon)];
        if (request.action === 'pending') {
          this.holds.set(request.id, {
            id: request.id,
            from: debit.accountId,
            to: credit.accountId,
            amountWon,
            timeoutAtMs: request.timeoutAt.getTime(),
            state: 'open',
          });
        }
        return {
          ok: true,
          replayed: false,
          action: request.action,
          pendingId: null,
          entries: sorted(entries),
        };
      }
      case 'post_pending':
      case 'void_pending': {
        const hold = this.holds.get(request.pendingId);
        if (!hold) return { ok: false, code: 'PENDING_NOT_FOUND' };
        if (hold.state === 'posted') return { ok: false, code: 'PENDING_ALREADY_POSTED' };
        if (hold.state === 'voided') return { ok: false, code: 'PENDING_ALREADY_VOIDED' };
        if (hold.state === 'expired' || hold.timeoutAtMs <= this.nowMs)
          return { ok: false, code: 'PENDING_EXPIRED' };
        const postedWon = request.action === 'post_pending' ? (request.amountWon ?? hold.amountWon) : 0;
        if (postedWon > hold.amountWon) return { ok: false, code: 'POST_AMOUNT_EXCEEDS_PENDING' };
        hold.state = request.action === 'post_pending' ? 'posted' : 'voided';
        return {
          ok: true,
          replayed: false,
          action: request.action,
          pendingId: hold.id,
          entries: sorted([
            entry(hold.from, -postedWon, -hold.amountWon, 0),
            entry(hold.to, postedWon, 0, -hold.amountWon),
          ]),
        };
      }
    }
  }

  private commit(id: string, body: string, entries: readonly Entry[]): void {
    this.stored.set(id, body);
    for (const change of entries) {
      const balance = this.balances.get(change.accountId) as Balance;
      balance.postedWon += change.postedDeltaWon;
      balance.pendingDebitWon += change.pendingDebitDeltaWon;
      balance.pendingCreditWon += change.pendingCreditDeltaWon;
    }
  }

  /** The expiry job: releases every open hold whose timeout has come; returns how many. */
  expireDue(): number {
    let expired = 0;
    for (const hold of this.holds.values()) {
      if (hold.state !== 'open' || hold.timeoutAtMs > this.nowMs) continue;
      hold.state = 'expired';
      this.commit(expireTransferId(hold.id), EXPIRY_BODY, [
        entry(hold.from, 0, -hold.amountWon, 0),
        entry(hold.to, 0, 0, -hold.amountWon),
      ]);
      expired += 1;
    }
    return expired;
  }

  openHoldIds(): string[] {
    return [...this.holds.values()]
      .filter((hold) => hold.state === 'open')
      .map((hold) => hold.id)
      .sort();
  }
}

function bodyOf(request: TransferRequest): string {
  return JSON.stringify(request);
}

function sorted(entries: Entry[]): Entry[] {
  return entries.sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
}

/** Resolution results can carry -0 where the stored row reads back 0; the two are the same amount. */
function withoutNegativeZero(transfer: Transfer | undefined): Transfer | undefined {
  if (!transfer) return transfer;
  return { ...transfer, entries: transfer.entries.map(normalEntry) };
}

function normalEntry(value: Entry): Entry {
  return entry(
    value.accountId,
    value.postedDeltaWon + 0,
    value.pendingDebitDeltaWon + 0,
    value.pendingCreditDeltaWon + 0,
  );
}

function outcomeOf(result: TransferResult): string {
  if (!result.ok) return result.code;
  return result.replayed ? 'replayed' : 'ok';
}

describe.each(databaseKinds())('ledger against its model on %s', (kind) => {
  let db: Database;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('agrees with the model on every result and balance, and passes the audit after every command', async () => {
    const outcomes: Record<string, number> = {};
    const startedAt = performance.now();
    let runsCompleted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArbitrary, { minLength: 1, maxLength: MAX_COMMANDS, size: 'max' }),
        async (commands) => {
          const clock = new ManualClock('2021-05-13T03:00:00Z');
          const ledger = new LedgerService(db, clock);
          const tenantId = await createTestTenant(db, clock);
          await ledger.createAccounts(
            tenantId,
            ACCOUNTS.map((id) => ({
              id,
              kind: id === BANK ? 'bank_clearing' : 'member_cash',
              currencyCode: 'KRW',
              allowNegative: id === BANK,
            })),
          );
          const model = new LedgerModel(clock.now().getTime());
          const sent: TransferRequest[] = [];
          const holdIds: string[] = [];
          const firstResults = new Map<string, Transfer>();
          let nextId = 0;
          const freshId = () => `r${++nextId}`;

          const send = async (request: TransferRequest, step: string): Promise<void> => {
            sent.push(request);
            const expected = model.submit(request);
            const [result] = await ledger.postTransfers(tenantId, [request]);
            if (!result) throw new Error('no result');
            outcomes[outcomeOf(result)] = (outcomes[outcomeOf(result)] ?? 0) + 1;
            if (!expected.ok) {
              expect(result, step).toMatchObject({ id: request.id, ok: false, code: expected.code });
            } else if (expected.replayed) {
              expect(result, step).toMatchObject({ id: request.id, ok: true, replayed: true });
              if (result.ok) {
                expect(withoutNegativeZero(result.transfer), step).toEqual(
                  withoutNegativeZero(firstResults.get(request.id)),
                );
              }
            } else {
              expect(result, step).toMatchObject({
                id: request.id,
                ok: true,
                replayed: false,
                transfer: { id: request.id, action: expected.action, pendingId: expected.pendingId },
              });
              if (result.ok) {
                expect(result.transfer.entries.map(normalEntry), step).toEqual(
                  expected.entries.map(normalEntry),
                );
                firstResults.set(request.id, result.transfer);
              }
            }
          };

          // Every member starts with some money, so holds and payments succeed as often as they fail.
          for (const member of ACCOUNTS.slice(1)) {
            const postings = [
              { accountId: BANK, amountWon: -400 },
              { accountId: member, amountWon: 400 },
            ];
            await send({ id: freshId(), action: 'transfer', code: 'fund', postings }, `funding ${member}`);
          }

          for (const [index, command] of commands.entries()) {
            const step = `command ${index + 1} of ${commands.length}: ${JSON.stringify(command)}`;
            switch (command.kind) {
              case 'transfer':
              case 'hold': {
                const from = ACCOUNTS[command.from] as string;
                const to = ACCOUNTS[(command.from + command.toOffset) % ACCOUNTS.length] as string;
                const postings = [
                  { accountId: from, amountWon: -command.amountWon },
                  { accountId: to, amountWon: command.amountWon },
                ];
                const id = freshId();
                if (command.kind === 'transfer') {
                  await send({ id, action: 'transfer', code: 'pay', postings }, step);
                } else {
                  holdIds.push(id);
                  const timeoutAt = new Date(clock.now().getTime() + command.timeoutMs);
                  await send({ id, action: 'pending', code: 'hold', timeoutAt, postings }, step);
                }
                break;
              }
              case 'post':
              case 'void': {
                const pendingId = recent(holdIds, command.pick) ?? 'no-such-hold';
                const request: TransferRequest =
                  command.kind === 'void'
                    ? { id: freshId(), action: 'void_pending', pendingId }
                    : command.amountWon === undefined
                      ? { id: freshId(), action: 'post_pending', pendingId }
                      : { id: freshId(), action: 'post_pending', pendingId, amountWon: command.amountWon };
                await send(request, step);
                break;
              }
              case 'replay': {
                const earlier = recent(sent, command.pick);
                if (earlier) await send(earlier, step);
                break;
              }
              case 'reuseId': {
                // Any id seen so far, the expiry job's included; a different body under a stored id is a conflict.
                const ids = [...new Set([...sent.map((request) => request.id), ...model.stored.keys()])];
                const id = recent(ids, command.pick) ?? freshId();
                await send(
                  {
                    id,
                    action: 'transfer',
                    code: 'reuse',
                    postings: [
                      { accountId: BANK, amountWon: -1 },
                      { accountId: 'm1', amountWon: 1 },
                    ],
                  },
                  step,
                );
                break;
              }
              case 'advance':
                clock.advanceMs(command.ms);
                break;
              case 'advanceToTimeout': {
                // Lands exactly on a hold's timeout: the boundary where it stops being postable.
                const hold = model.holds.get(recent(holdIds, command.pick) ?? '');
                if (hold && hold.timeoutAtMs > clock.now().getTime()) clock.set(new Date(hold.timeoutAtMs));
                break;
              }
              case 'expire': {
                const expected = model.expireDue();
                expect(await ledger.expirePending(tenantId), step).toBe(expected);
                outcomes.expired = (outcomes.expired ?? 0) + expected;
                break;
              }
            }
            model.nowMs = clock.now().getTime();

            const accounts = await ledger.getAccounts(tenantId, [...ACCOUNTS]);
            expect(
              Object.fromEntries(
                accounts.map((account) => [
                  account.id,
                  {
                    postedWon: account.postedWon,
                    pendingDebitWon: account.pendingDebitWon,
                    pendingCreditWon: account.pendingCreditWon,
                  },
                ]),
              ),
              step,
            ).toEqual(Object.fromEntries(model.balances));
            const report = await auditLedger(db, tenantId, clock.now());
            expect(report.violations, step).toEqual([]);
            expect(report.ok, step).toBe(true);
          }

          const openHolds = await db.query<{ transfer_id: string }>(
            'select transfer_id from ledger_open_holds where tenant_id = $1 order by transfer_id',
            [tenantId],
          );
          expect(openHolds.map((row) => row.transfer_id)).toEqual(model.openHoldIds());
          runsCompleted += 1;
        },
      ),
      // On a slow machine the time limit ends the runs early; a failure found by then is still reported.
      { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
    const elapsedMs = Math.round(performance.now() - startedAt);
    console.log(`${kind}: ${runsCompleted} runs in ${elapsedMs} ms; outcomes ${JSON.stringify(outcomes)}`);
    expect(runsCompleted).toBeGreaterThan(0);
    if (runsCompleted < NUM_RUNS) return;
    // The generator must reach the interesting paths, or the property proves little.
    for (const outcome of [
      'ok',
      'replayed',
      'INSUFFICIENT_FUNDS',
      'IDEMPOTENCY_CONFLICT',
      'PENDING_NOT_FOUND',
      'PENDING_EXPIRED',
      'POST_AMOUNT_EXCEEDS_PENDING',
      'expired',
    ]) {
      expect(outcomes[outcome] ?? 0, outcome).toBeGreaterThan(0);
    }
  }, 300_000);
});

/** Single scenarios behind the defects the model exposed, easier to debug than a shrunk sequence. */
describe.each(databaseKinds())('ledger contract edge cases on %s', (kind) => {
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
      { id: BANK, kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'alice', kind: 'member_cash', currencyCode: 'KRW' },
      { id: 'bob', kind: 'member_cash', currencyCode: 'KRW' },
    ]);
    const [funded] = await ledger.postTransfers(tenantId, [
      {
        id: 'fund',
        action: 'transfer',
        code: 'fund',
        postings: [
          { accountId: BANK, amountWon: -10_000 },
          { accountId: 'alice', amountWon: 10_000 },
        ],
      },
    ]);
    expect(funded).toMatchObject({ ok: true });
  });

  const hold = (id: string, amountWon: number, timeoutMs: number): TransferRequest => ({
    id,
    action: 'pending',
    code: 'hold',
    timeoutAt: new Date(clock.now().getTime() + timeoutMs),
    postings: [
      { accountId: 'alice', amountWon: -amountWon },
      { accountId: 'bob', amountWon },
    ],
  });

  it('answers a retried pending request with its original result even after the hold timed out', async () => {
    const request = hold('h1', 6_000, 1_000);
    const [first] = await ledger.postTransfers(tenantId, [request]);
    expect(first).toMatchObject({ ok: true, replayed: false });
    const [posted] = await ledger.postTransfers(tenantId, [
      { id: 'p1', action: 'post_pending', pendingId: 'h1' },
    ]);
    expect(posted).toMatchObject({ ok: true });
    clock.advanceMs(1_000);

    // The client never saw the first answer and retries; the hold exists and was even posted.
    const [retried] = await ledger.postTransfers(tenantId, [request]);

    expect(retried).toMatchObject({ id: 'h1', ok: true, replayed: true });
    if (first?.ok && retried?.ok) expect(retried.transfer).toEqual(first.transfer);
  });

  it('releases a timed-out hold even when a client has used the id expire:<hold id>', async () => {
    expect((await ledger.postTransfers(tenantId, [hold('h1', 6_000, 1_000)]))[0]).toMatchObject({ ok: true });
    // Ids may contain ':', so nothing stops a client from taking the expiry job's id for h1.
    await ledger.postTransfers(tenantId, [
      {
        id: 'expire:h1',
        action: 'transfer',
        code: 'pay',
        postings: [
          { accountId: BANK, amountWon: -1 },
          { accountId: 'bob', amountWon: 1 },
        ],
      },
    ]);
    clock.advanceMs(1_000);

    expect(await ledger.expirePending(tenantId)).toBe(1);

    expect(await ledger.getAccount(tenantId, 'alice')).toMatchObject({
      pendingDebitWon: 0,
      availableWon: 10_000,
    });
    const openHolds = await db.query('select transfer_id from ledger_open_holds where tenant_id = $1', [
      tenantId,
    ]);
    expect(openHolds).toEqual([]);
  });

  it.each([
    ['a NUL character', 'before\u0000after'],
    ['a lone surrogate', 'broken \ud800 text'],
  ])('fails only the transfer whose metadata holds %s, not its whole batch', async (_, text) => {
    const pay = (id: string, metadata?: Record<string, unknown>): TransferRequest => ({
      id,
      action: 'transfer',
      code: 'pay',
      postings: [
        { accountId: 'alice', amountWon: -100 },
        { accountId: 'bob', amountWon: 100 },
      ],
      ...(metadata ? { metadata } : {}),
    });

    const results = await ledger.postTransfers(tenantId, [pay('good'), pay('odd', { note: text })]);

    expect(results[0]).toMatchObject({ id: 'good', ok: true });
    const odd = results[1];
    if (odd?.ok) {
      expect((await ledger.getTransfer(tenantId, 'odd'))?.metadata).toEqual({ note: text });
    } else {
      expect(odd).toMatchObject({ id: 'odd', ok: false, code: 'METADATA_INVALID' });
    }
  });
});
