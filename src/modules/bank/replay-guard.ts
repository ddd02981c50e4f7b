/**
 * Remembers callback event ids for as long as a signed message could still pass the timestamp
 * window, so a captured or re-delivered callback is recognised. In memory: a second server process
 * has its own guard, which is safe because applying a bank outcome twice changes nothing.
 */
export class ReplayGuard {
  /** Insertion order is expiry order, because every entry lives for the same `retainMs`. */
  private readonly expiresAtMs = new Map<string, number>();

  constructor(
    private readonly retainMs: number,
    private readonly entriesMax: number,
  ) {
    if (retainMs <= 0 || entriesMax <= 0) throw new Error('a replay guard needs a positive window and size');
  }

  seen(eventId: string, nowMs: number): boolean {
    this.forgetExpired(nowMs);
    return this.expiresAtMs.has(eventId);
  }

  /**
   * When full, the entry closest to expiry is forgotten: memory stays bounded, and the worst that
   * follows is one replay applied again, which the idempotent handlers absorb.
   */
  remember(eventId: string, nowMs: number): void {
    this.forgetExpired(nowMs);
    this.expiresAtMs.delete(eventId);
    if (this.expiresAtMs.size >= this.entriesMax) {
      const oldest = this.expiresAtMs.keys().next();
      if (!oldest.done) this.expiresAtMs.delete(oldest.value);
    }
    this.expiresAtMs.set(eventId, nowMs + this.retainMs);
  }

  private forgetExpired(nowMs: number): void {
    for (const [eventId, expiresAtMs] of this.expiresAtMs) {
      if (expiresAtMs > nowMs) return;
      this.expiresAtMs.delete(eventId);
    }
  }
}
