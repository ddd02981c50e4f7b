import type { PaymentFact } from './facts.js';

/** Dropped entries are compacted away once they are this many and at least half of the array. */
const COMPACT_AT_MIN = 1_024;

/**
 * A merchant's volume and cashback over a trailing window, kept as running sums: a payment adds
 * to them when it arrives and subtracts when it leaves the window, so reading them costs nothing
 * however busy the merchant is. Payments arrive in feed order, which is time order.
 */
export class TrailingTotals {
  private readonly payments: PaymentFact[] = [];
  private head = 0;
  volumeWon = 0;
  cashbackWon = 0;

  constructor(private readonly windowMs: number) {}

  get count(): number {
    return this.payments.length - this.head;
  }

  add(payment: PaymentFact): void {
    this.payments.push(payment);
    this.volumeWon += payment.amountWon;
    this.cashbackWon += payment.cashbackWon;
  }

  /** Forgets `payment` early when it is the oldest still counted (the detector's memory is full). */
  dropOldest(payment: PaymentFact): void {
    if (this.payments[this.head] !== payment) return;
    this.volumeWon -= payment.amountWon;
    this.cashbackWon -= payment.cashbackWon;
    this.head += 1;
  }

  /** Drops what fell out of the window ending at `now`. */
  advance(now: number): this {
    const since = now - this.windowMs;
    while (this.head < this.payments.length && (this.payments[this.head] as PaymentFact).at < since) {
      const leaving = this.payments[this.head] as PaymentFact;
      this.volumeWon -= leaving.amountWon;
      this.cashbackWon -= leaving.cashbackWon;
      this.head += 1;
    }
    if (this.head >= COMPACT_AT_MIN && this.head * 2 >= this.payments.length) {
      this.payments.splice(0, this.head);
      this.head = 0;
    }
    return this;
  }
}
