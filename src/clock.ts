/** Every module reads time from a Clock so that month ends, expiries and timeouts are testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests and simulations. */
export class ManualClock implements Clock {
  private currentMs: number;

  constructor(start: Date | string = '2021-05-13T00:00:00Z') {
    this.currentMs = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.currentMs);
  }

  set(at: Date | string): void {
    this.currentMs = new Date(at).getTime();
  }

  advanceMs(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0)
      throw new Error(`cannot move a clock by ${durationMs} ms`);
    this.currentMs += durationMs;
  }
}
