import { describe, expect, it } from 'vitest';
import { SerialByKey } from './serial-by-key.js';

describe('SerialByKey', () => {
  it("runs one key's tasks one after another in arrival order, a failure included, and other keys beside them", async () => {
    const serial = new SerialByKey();
    const log: string[] = [];
    let releaseFirst: () => void = () => {};
    const first = serial.run('a', async () => {
      log.push('a1 start');
      await new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      log.push('a1 end');
      throw new Error('a1 failed');
    });
    const second = serial.run('a', async () => {
      log.push('a2');
      return 2;
    });
    const other = serial.run('b', async () => {
      log.push('b1');
      return 'b';
    });
    expect(await other).toBe('b');
    expect(log).toEqual(['a1 start', 'b1']);
    releaseFirst();
    await expect(first).rejects.toThrow('a1 failed');
    expect(await second).toBe(2);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    // Drained keys leave the map: it holds only keys with work in flight.
    await new Promise((resolve) => setImmediate(resolve));
    expect((serial as unknown as { tails: Map<string, unknown> }).tails.size).toBe(0);
  });
});
