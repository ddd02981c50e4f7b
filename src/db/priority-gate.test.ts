import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { openPglite } from './pglite.js';
import { inBackground, inForeground, PriorityGate } from './priority-gate.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Lets every scheduled continuation and the gate's deferred decision run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('PriorityGate', () => {
  it('holds background work while foreground work runs, and lets later foreground work pass first', async () => {
    const gate = new PriorityGate();
    const order: string[] = [];
    const first = deferred();
    const foreground = gate.run(async () => {
      await first.promise;
      order.push('foreground 1');
    });
    const background = inBackground(() => gate.run(async () => order.push('background')));
    await settle();
    const later = gate.run(async () => order.push('foreground 2'));
    await settle();
    expect(order).toEqual(['foreground 2']);
    expect(gate.state()).toEqual({ foregroundActive: 1, backgroundActive: false, backgroundWaiting: 1 });
    first.resolve();
    await Promise.all([foreground, background, later]);
    expect(order).toEqual(['foreground 2', 'foreground 1', 'background']);
  });

  it('runs background work one operation at a time, in arrival order', async () => {
    const gate = new PriorityGate();
    const order: string[] = [];
    const first = deferred();
    const runs = inBackground(() =>
      Promise.all([
        gate.run(async () => {
          order.push('a starts');
          await first.promise;
          order.push('a ends');
        }),
        gate.run(async () => order.push('b')),
        gate.run(async () => order.push('c')),
      ]),
    );
    await settle();
    expect(order).toEqual(['a starts']);
    first.resolve();
    await runs;
    expect(order).toEqual(['a starts', 'a ends', 'b', 'c']);
  });

  it('gives waiting background work a turn after the bound of foreground operations, even under constant load', async () => {
    const gate = new PriorityGate(2);
    const order: string[] = [];
    const endless = deferred();
    const held = gate.run(() => endless.promise);
    const background = inBackground(() => gate.run(async () => order.push('background')));
    await gate.run(async () => order.push('foreground 1'));
    await settle();
    expect(order).toEqual(['foreground 1']);
    await gate.run(async () => order.push('foreground 2'));
    await background;
    expect(order).toEqual(['foreground 1', 'foreground 2', 'background']);
    expect(gate.state().foregroundActive).toBe(1);
    endless.resolve();
    await held;
  });

  it('treats work marked foreground inside background work as foreground', async () => {
    const gate = new PriorityGate();
    const running = deferred();
    const held = gate.run(() => running.promise);
    let ran = false;
    await inBackground(() =>
      inForeground(() =>
        gate.run(async () => {
          ran = true;
        }),
      ),
    );
    expect(ran).toBe(true);
    running.resolve();
    await held;
  });

  it('releases the turn when background work fails', async () => {
    const gate = new PriorityGate();
    await expect(
      inBackground(() => gate.run(async () => Promise.reject(new Error('page failed')))),
    ).rejects.toThrow('page failed');
    expect(await inBackground(() => gate.run(async () => 'next'))).toBe('next');
    expect(gate.state()).toEqual({ foregroundActive: 0, backgroundActive: false, backgroundWaiting: 0 });
  });

  describe('on PGlite', () => {
    let db: Database;
    // Opened in a hook: starting the embedded database takes seconds on a busy machine.
    beforeAll(async () => {
      db = await openPglite(undefined);
    });
    afterAll(async () => {
      await db.close();
    });

    it('a scheduled statement queued behind a transaction runs after requests that came later', async () => {
      await db.exec('create table seen (n serial primary key, who text not null)');
      const inside = deferred();
      const entered = deferred();
      const transaction = db.transaction(async (tx) => {
        entered.resolve();
        await inside.promise;
        await tx.query(`insert into seen (who) values ('transaction')`);
      });
      await entered.promise;
      const background = inBackground(() => db.query(`insert into seen (who) values ('background')`));
      await settle();
      const request = db.query(`insert into seen (who) values ('request')`);
      inside.resolve();
      await Promise.all([transaction, background, request]);
      const rows = await db.query<{ who: string }>('select who from seen order by n');
      expect(rows.map((row) => row.who)).toEqual(['transaction', 'request', 'background']);
    });
  });
});
