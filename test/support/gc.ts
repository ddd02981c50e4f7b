import v8 from 'node:v8';
import vm from 'node:vm';

// Tests that prove an object is let go need a full collection on demand; the flag is read when a
// context is created, so the fresh context below exposes `gc` without starting Node with --expose-gc.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * A full collection once the current job has ended: a WeakRef's target is kept alive until then,
 * so a WeakRef made in this job would still answer.
 */
export async function collectGarbage(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}
