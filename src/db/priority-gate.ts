import { AsyncLocalStorage } from 'node:async_hooks';

type Priority = 'foreground' | 'background';

const priority = new AsyncLocalStorage<Priority>();

/** Runs `work` (and everything it starts) as background work: on the embedded database it goes after requests. */
export function inBackground<T>(work: () => Promise<T>): Promise<T> {
  return priority.run('background', work);
}

/**
 * Runs `work` as foreground work even when started from background work: a payment batch chained
 * from a batch that a background job once started must not inherit that job's low priority.
 */
export function inForeground<T>(work: () => Promise<T>): Promise<T> {
  return priority.run('foreground', work);
}

export function isBackground(): boolean {
  return priority.getStore() === 'background';
}

/**
 * Foreground operations a waiting background operation lets pass before it takes its turn anyway,
 * so scheduled work (expiries, catch-ups) still advances while requests never stop arriving. It is
 * a fairness bound of the connection, not a rule of the domain: each background operation is one
 * statement or one short transaction (consumers take bounded pages).
 */
export const FOREGROUND_RUNS_PER_BACKGROUND_MAX = 64;

/**
 * A priority gate in front of ONE connection (PGlite runs every statement in the server's own
 * thread, one at a time, first come first served). Foreground operations (requests, payment
 * batches) pass at once. A background operation (anything run under `inBackground`: the
 * scheduler's jobs) waits until no foreground operation is queued or running, and background
 * operations go one at a time, so a payment batch that arrives waits for at most one background
 * statement or page, never for a queue of them. A background operation that has waited while
 * `foregroundRunsPerBackgroundMax` foreground operations completed goes anyway.
 */
export class PriorityGate {
  private foregroundActive = 0;
  private backgroundActive = false;
  private readonly waiting: Array<() => void> = [];
  /** Foreground operations completed since the oldest waiting background operation last had a turn. */
  private foregroundPassed = 0;
  private wakeScheduled = false;

  constructor(private readonly foregroundRunsPerBackgroundMax = FOREGROUND_RUNS_PER_BACKGROUND_MAX) {
    if (!Number.isSafeInteger(foregroundRunsPerBackgroundMax) || foregroundRunsPerBackgroundMax < 1)
      throw new Error(
        `foregroundRunsPerBackgroundMax must be a positive integer, got ${foregroundRunsPerBackgroundMax}`,
      );
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return isBackground() ? this.runBackground(work) : this.runForeground(work);
  }

  /** Operations running or waiting, for tests and metrics. */
  state(): { foregroundActive: number; backgroundActive: boolean; backgroundWaiting: number } {
    return {
      foregroundActive: this.foregroundActive,
      backgroundActive: this.backgroundActive,
      backgroundWaiting: this.waiting.length,
    };
  }

  private async runForeground<T>(work: () => Promise<T>): Promise<T> {
    this.foregroundActive += 1;
    try {
      return await work();
    } finally {
      this.foregroundActive -= 1;
      if (this.waiting.length > 0) {
        this.foregroundPassed += 1;
        this.scheduleWake();
      }
    }
  }

  private async runBackground<T>(work: () => Promise<T>): Promise<T> {
    if (this.backgroundActive || this.foregroundActive > 0 || this.waiting.length > 0) {
      // `wake` marks the turn as taken before it resolves this promise.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.backgroundActive = true;
    }
    try {
      return await work();
    } finally {
      this.backgroundActive = false;
      this.scheduleWake();
    }
  }

  /**
   * Decides after the current turn of the event loop: a payment batch's next statement is issued in
   * a continuation of its last one, and must find the gate still closed to background work.
   */
  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.wake();
    });
  }

  private wake(): void {
    if (this.backgroundActive || this.waiting.length === 0) return;
    const starved = this.foregroundPassed >= this.foregroundRunsPerBackgroundMax;
    if (this.foregroundActive > 0 && !starved) return;
    this.foregroundPassed = 0;
    this.backgroundActive = true;
    (this.waiting.shift() as () => void)();
  }
}
