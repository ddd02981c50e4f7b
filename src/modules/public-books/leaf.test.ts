import { describe, expect, it } from 'vitest';
import { accountHash, encodeLeaf, leafOf } from './leaf.js';

describe('leaf encoding', () => {
  it('names accounts only by a hash, sorted', () => {
    const leaf = leafOf('daejeon', {
      commitSeq: 7,
      id: 'payment:pay_1',
      action: 'transfer',
      code: 'payment',
      pendingId: null,
      correctsId: null,
      createdAt: new Date('2021-05-13T03:00:00Z'),
      contentHash: 'cd'.repeat(32),
      entries: [
        {
          accountId: 'cash:mem_a',
          postedDeltaWon: -12_000,
          pendingDebitDeltaWon: 0,
          pendingCreditDeltaWon: 0,
        },
        {
          accountId: 'merchant:m1',
          postedDeltaWon: 12_000,
          pendingDebitDeltaWon: 0,
          pendingCreditDeltaWon: 0,
        },
      ],
    });
    expect(encodeLeaf(leaf)).toBe(
      `{"action":"transfer","code":"payment","contentHash":"${'cd'.repeat(32)}","correctsId":null,"createdAt":"2021-05-13T03:00:00.000Z","entries":[` +
        leaf.entries
          .map((e) => `{"account":"${e.account}","pendingCredit":0,"pendingDebit":0,"posted":${e.posted}}`)
          .join(',') +
        `],"pendingId":null,"tenantId":"daejeon","transferId":"payment:pay_1","v":1}`,
    );
    expect(encodeLeaf(leaf)).not.toContain('mem_a');
    expect(leaf.entries.map((entry) => entry.account)).toEqual(
      [accountHash('daejeon', 'cash:mem_a'), accountHash('daejeon', 'merchant:m1')].sort(),
    );
    expect(accountHash('daejeon', 'cash:mem_a')).toMatch(/^[0-9a-f]{64}$/);
  });
});
