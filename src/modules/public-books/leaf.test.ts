import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SealableTransfer } from '../ledger/index.js';
import { accountHash, type Leaf, leafText } from './leaf.js';
import { leafHash, nodeHash } from './merkle.js';

const payment: SealableTransfer = {
  commitSeq: 7,
  id: 'payment:pay_1',
  action: 'transfer',
  code: 'payment',
  pendingId: null,
  correctsId: null,
  createdAt: '2021-05-13T03:00:00.000Z',
  contentHash: 'cd'.repeat(32),
  entries: [
    { accountId: 'cash:mem_a', postedDeltaWon: -12_000, pendingDebitDeltaWon: 0, pendingCreditDeltaWon: 0 },
    { accountId: 'merchant:m1', postedDeltaWon: 12_000, pendingDebitDeltaWon: 0, pendingCreditDeltaWon: 0 },
  ],
};

/** The format as docs/public-books.md states it: JSON.stringify of the Leaf object, keys sorted. */
function referenceText(tenantId: string, transfer: SealableTransfer): string {
  const leaf: Leaf = {
    action: transfer.action,
    code: transfer.code,
    contentHash: transfer.contentHash,
    correctsId: transfer.correctsId,
    createdAt: transfer.createdAt,
    entries: transfer.entries
      .map((entry) => ({
        account: accountHash(tenantId, entry.accountId),
        pendingCredit: entry.pendingCreditDeltaWon,
        pendingDebit: entry.pendingDebitDeltaWon,
        posted: entry.postedDeltaWon,
      }))
      .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0)),
    pendingId: transfer.pendingId,
    tenantId,
    transferId: transfer.id,
    v: 1,
  };
  return JSON.stringify(leaf);
}

describe('leaf encoding', () => {
  it('names accounts only by a hash, sorted', () => {
    const [first, second] = [
      accountHash('daejeon', 'cash:mem_a'),
      accountHash('daejeon', 'merchant:m1'),
    ].sort();
    const posted = (account: string | undefined) =>
      account === accountHash('daejeon', 'cash:mem_a') ? -12_000 : 12_000;
    expect(leafText('daejeon', payment)).toBe(
      `{"action":"transfer","code":"payment","contentHash":"${'cd'.repeat(32)}","correctsId":null,"createdAt":"2021-05-13T03:00:00.000Z","entries":[` +
        `{"account":"${first}","pendingCredit":0,"pendingDebit":0,"posted":${posted(first)}},` +
        `{"account":"${second}","pendingCredit":0,"pendingDebit":0,"posted":${posted(second)}}` +
        `],"pendingId":null,"tenantId":"daejeon","transferId":"payment:pay_1","v":1}`,
    );
    expect(leafText('daejeon', payment)).not.toContain('mem_a');
    expect(accountHash('daejeon', 'cash:mem_a')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the test vectors of docs/public-books.md (checked there with an independent SHA-256)', () => {
    expect(accountHash('daejeon', 'cash:mem_a')).toBe(
      'de9d23cbdb18d329566ca2ac6aefeb11688731608c08cc2e3b709e6af90c0b23',
    );
    const hash = leafHash(leafText('daejeon', payment));
    expect(hash.toString('hex')).toBe('d69f2f8895e94c80d04af037a84395433222b99eb8479d16b21b823b711b4ea6');
    expect(nodeHash(hash, leafHash('')).toString('hex')).toBe(
      '1b2cf6146880252d52d2c2185ea4c3f43217867ce3d5ce7aacf2e9acbad5f4c1',
    );
  });

  it('writes exactly what JSON.stringify writes for the Leaf object, whatever the strings and amounts', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const won = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(
        text,
        fc.record({
          id: text,
          code: text,
          pendingId: fc.option(text),
          correctsId: fc.option(text),
          contentHash: text,
          createdAt: fc
            .date({ min: new Date(0), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
            .map((date) => date.toISOString()),
          entries: fc.array(
            fc.record({
              accountId: text,
              postedDeltaWon: won,
              pendingDebitDeltaWon: won,
              pendingCreditDeltaWon: won,
            }),
            { maxLength: 4 },
          ),
        }),
        (tenantId, fields) => {
          const transfer: SealableTransfer = { ...fields, commitSeq: 1, action: 'transfer' };
          expect(leafText(tenantId, transfer)).toBe(referenceText(tenantId, transfer));
          expect(leafText(tenantId, transfer, new Map())).toBe(referenceText(tenantId, transfer));
        },
      ),
    );
  });
});
