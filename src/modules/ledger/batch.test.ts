import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AccountState,
  answerLateReplays,
  applyBatch,
  type BatchContext,
  digestCommand,
  type LedgerCommand,
  type StoredTransfer,
} from './batch.js';
import { genesisHash } from './hashing.js';

const TENANT = 'daejeon';
const NOW = new Date('2026-12-04T12:00:00.000Z');
const ACCOUNT_IDS = ['bank', 'm1', 'm2', 'm3'] as const;

function freshContext(): BatchContext {
  const accounts = new Map<string, AccountState>(
    ACCOUNT_IDS.map((id) => [
      id,
      {
        id,
        currencyCode: 'KRW',
        allowNegative: id === 'bank',
        closed: false,
        postedWon: id === 'bank' ? 0 : 1_000,
        pendingDebitWon: 0,
        pendingCreditWon: 0,
        entryCount: 0,
        headHash: genesisHash(TENANT, id),
        rowId: '(0,1)',
      },
    ]),
  );
  return { tenantId: TENANT, now: NOW, accounts, transfers: new Map(), resolutions: new Map() };
}

const accountId = fc.constantFrom(...ACCOUNT_IDS, 'missing');
const postings = fc
  .tuple(accountId, accountId, fc.integer({ min: -50, max: 2_000 }))
  .map(([from, to, amountWon]) => [
    { accountId: from, amountWon: -amountWon },
    { accountId: to, amountWon },
  ]);
const metadata = fc.option(
  fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  {
    nil: undefined,
  },
);
const id = fc.constantFrom('t1', 't2', 't3', 't4', 't5', '');
/** Transfers and holds, well-formed or not, some repeating an id or correcting an earlier one. */
const command: fc.Arbitrary<LedgerCommand> = fc.oneof(
  fc.record({
    id,
    action: fc.constant('transfer' as const),
    code: fc.constantFrom('p2p', 'payment', 'bad code'),
    postings,
    correctsId: fc.option(id, { nil: undefined }),
    metadata,
  }),
  fc.record({
    id,
    action: fc.constant('pending' as const),
    code: fc.constant('hold'),
    postings,
    timeoutAt: fc.constantFrom(new Date(NOW.getTime() + 60_000), new Date(NOW.getTime() - 1)),
    metadata,
  }),
);

describe('digests worked out before the accounts are locked', () => {
  it('give a batch exactly the results and writes it gets hashing everything itself', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 8 }), (commands) => {
        const digests = commands.map((each) => digestCommand(TENANT, NOW, each));
        const before = applyBatch(freshContext(), commands, digests);
        const within = applyBatch(freshContext(), commands);
        expect(before).toEqual(within);
      }),
      { numRuns: 500 },
    );
  });

  it('know the content digest of a well-formed transfer and leave a malformed one to the batch', () => {
    const transfer: LedgerCommand = {
      id: 't1',
      action: 'transfer',
      code: 'p2p',
      postings: [
        { accountId: 'm1', amountWon: -300 },
        { accountId: 'm2', amountWon: 300 },
      ],
    };
    const [written] = applyBatch(freshContext(), [transfer]).write.transfers;
    expect(digestCommand(TENANT, NOW, transfer).contentHash).toBe(written?.contentHash);
    const malformed = { ...transfer, postings: transfer.postings.slice(0, 1) };
    expect(digestCommand(TENANT, NOW, malformed).contentHash).toBeUndefined();
    expect(applyBatch(freshContext(), [malformed]).results[0]).toMatchObject({
      ok: false,
      code: 'TOO_FEW_POSTINGS',
    });
  });
});

describe('refused commands whose originals turned up stored after the batch looked', () => {
  it('are answered as the batch answers a replay, and every other answer stands', () => {
    fc.assert(
      fc.property(
        fc.array(command, { maxLength: 8 }),
        fc.array(command, { maxLength: 8 }),
        (earlier, commands) => {
          const found = new Map<string, StoredTransfer>(
            applyBatch(freshContext(), earlier).write.transfers.map((stored) => [stored.transfer.id, stored]),
          );
          const digests = commands.map((each) => digestCommand(TENANT, NOW, each));
          const { results } = applyBatch(freshContext(), commands, digests);
          const answered = answerLateReplays(commands, results, digests, found);
          answered.forEach((answer, at) => {
            const decided = results[at];
            if (decided?.ok || !found.has(decided?.id as string)) expect(answer).toBe(decided);
            else {
              const asReplay = applyBatch({ ...freshContext(), transfers: new Map(found) }, [
                commands[at] as LedgerCommand,
              ]);
              expect(answer).toEqual(asReplay.results[0]);
            }
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('give the original transfer to the same request refused for the money the original spent', () => {
    const spend: LedgerCommand = {
      id: 't1',
      action: 'transfer',
      code: 'p2p',
      postings: [
        { accountId: 'm1', amountWon: -1_000 },
        { accountId: 'm2', amountWon: 1_000 },
      ],
    };
    const [original] = applyBatch(freshContext(), [spend]).write.transfers;
    const spent = freshContext();
    (spent.accounts.get('m1') as AccountState).postedWon = 0;
    const digests = [digestCommand(TENANT, NOW, spend)];
    const { results } = applyBatch(spent, [spend], digests);
    expect(results[0]).toMatchObject({ ok: false, code: 'INSUFFICIENT_FUNDS' });

    const found = new Map([['t1', original as StoredTransfer]]);
    expect(answerLateReplays([spend], results, digests, found)).toEqual([
      { id: 't1', ok: true, replayed: true, transfer: original?.transfer },
    ]);
    const other = {
      ...spend,
      postings: spend.postings.map((posting) => ({ ...posting, amountWon: posting.amountWon / 2 })),
    };
    const otherDigests = [digestCommand(TENANT, NOW, other)];
    const refusedOther = applyBatch(spent, [other], otherDigests).results;
    expect(answerLateReplays([other], refusedOther, otherDigests, found)).toEqual([
      { id: 't1', ok: false, code: 'IDEMPOTENCY_CONFLICT', message: expect.any(String) },
    ]);
  });
});
