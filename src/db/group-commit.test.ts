import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { GroupCommit, type GroupCommitOptions, type Settled } from './group-commit.js';

interface Order {
  id: number;
  memberId: string;
}

/** A writer that records each batch and holds it open until the test releases it. */
function recordingWriter() {
  const batches: Order[][] = [];
  const releases: Array<() => void> = [];
  const writeBatch = async (_groupKey: string, orders: readonly Order[]): Promise<Array<Settled<number>>> => {
    batches.push([...orders]);
    await new Promise<void>((resolve) => releases.push(resolve));
    return orders.map((order) =>
      order.id < 0
        ? {
            ok: false,
            error: new DomainError({ code: 'REFUSED', httpStatus: 422, message: 'no', messageKo: '안 됨' }),
          }
        : { ok: true, value: order.id * 10 },
    );
  };
  return { batches, releases, writeBatch };
}

const options = (overrides: Partial<GroupCommitOptions> = {}): GroupCommitOptions => ({
  waitMsMax: 1,
  batchSizeMax: 100,
  queuedMax: 1000,
  inFlightMax: 1,
  ...overrides,
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('group commit', () => {
  it('writes requests that arrive together as one batch and settles each alone', async () => {
    const writer = recordingWriter();
    const group = new GroupCommit(writer.writeBatch, options());
    const answers = [1, -2, 3].map((id) => group.submit('t', { id, memberId: `m${id}` }));
    await tick();
    expect(writer.batches.map((batch) => batch.map((order) => order.id))).toEqual([[1, -2, 3]]);
    writer.releases.shift()?.();
    const settled = await Promise.allSettled(answers);
    expect(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : 'refused'))).toEqual([
      10,
      'refused',
      30,
    ]);
  });

  it('caps a batch at batchSizeMax and refuses past queuedMax with BUSY', async () => {
    const writer = recordingWriter();
    const group = new GroupCommit(writer.writeBatch, options({ batchSizeMax: 2, queuedMax: 3 }));
    const accepted = [1, 2, 3, 4, 5].map((id) => group.submit('t', { id, memberId: `m${id}` }));
    await tick();
    // 1 and 2 were taken as a batch the moment it was full; 3, 4, 5 fill the queue of 3.
    const busy = group.submit('t', { id: 6, memberId: 'm6' });
    await expect(busy).rejects.toMatchObject({ code: 'BUSY' });
    expect(writer.batches.map((batch) => batch.map((order) => order.id))).toEqual([[1, 2]]);
    for (let round = 0; round < 3; round++) {
      writer.releases.shift()?.();
      await tick();
    }
    expect(await Promise.all(accepted)).toEqual([10, 20, 30, 40, 50]);
    expect(writer.batches.map((batch) => batch.map((order) => order.id))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('keeps batches in flight on disjoint conflict keys, each key in arrival order', async () => {
    const writer = recordingWriter();
    const group = new GroupCommit(
      writer.writeBatch,
      options({ batchSizeMax: 2, inFlightMax: 2 }),
      (order: Order) => order.memberId,
    );
    const orders: Order[] = [
      { id: 1, memberId: 'a' },
      { id: 2, memberId: 'b' },
      { id: 3, memberId: 'a' },
      { id: 4, memberId: 'c' },
      { id: 5, memberId: 'd' },
    ];
    const answers = orders.map((order) => group.submit('t', order));
    await tick();
    // Two waiting fill a batch: 3 and 4 arrive, 3's member is in flight, so 4 goes alone; 5 queues.
    expect(writer.batches.map((batch) => batch.map((order) => order.id))).toEqual([[1, 2], [4]]);
    writer.releases.shift()?.();
    await tick();
    // Member a is free again: 3 goes, still ahead of 5.
    expect(writer.batches.map((batch) => batch.map((order) => order.id))).toEqual([[1, 2], [4], [3, 5]]);
    writer.releases.shift()?.();
    writer.releases.shift()?.();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50]);
  });

  it('splits a batch whose writer throws until the request that fails is alone; every other one succeeds', async () => {
    const POISON = 13;
    const written: number[][] = [];
    const group = new GroupCommit<Order, number>(
      async (_groupKey, orders) => {
        written.push(orders.map((order) => order.id));
        if (orders.some((order) => order.id === POISON)) throw new Error('invalid byte sequence: 0x00');
        return orders.map((order) => ({ ok: true, value: order.id }));
      },
      options({ batchSizeMax: 16 }),
    );
    const ids = Array.from({ length: 16 }, (_, index) => index + 1);
    const answers = await Promise.allSettled(ids.map((id) => group.submit('t', { id, memberId: `m${id}` })));
    expect(answers.map((answer) => (answer.status === 'fulfilled' ? answer.value : 'failed'))).toEqual(
      ids.map((id) => (id === POISON ? 'failed' : id)),
    );
    // Halving: 16 → 8 → 4 → 2 → 1, each half in arrival order; the requests written at once stay bounded.
    expect(written).toEqual([
      ids,
      [1, 2, 3, 4, 5, 6, 7, 8],
      [9, 10, 11, 12, 13, 14, 15, 16],
      [9, 10, 11, 12],
      [13, 14, 15, 16],
      [13, 14],
      [13],
      [14],
      [15, 16],
    ]);
  });

  it('fails a request alone with its own error when even it alone cannot be written, and goes on', async () => {
    let calls = 0;
    const group = new GroupCommit<Order, number>(async (_groupKey, orders) => {
      calls += 1;
      if (calls <= 3) throw new Error('database went away');
      return orders.map((order) => ({ ok: true, value: order.id }));
    }, options());
    // [1, 2] fails, then [1] alone and [2] alone fail too: three calls, each request its own error.
    const first = await Promise.allSettled([1, 2].map((id) => group.submit('t', { id, memberId: 'm' })));
    expect(first.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
    expect(await group.submit('t', { id: 3, memberId: 'm' })).toBe(3);
  });
});
