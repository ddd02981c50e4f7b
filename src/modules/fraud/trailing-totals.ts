import type { PaymentFact } from './facts.js';
import { RecentItems } from './windows.js';

/**
 * A merchant's volume and cashback over a trailing window, kept as running sums: a payment adds
 * to them when it arrives and subtracts when it leaves the window, so reading them costs nothing
 * however busy the merchant is. Payments arrive in feed order, which is time order. A payment that
 * leaves is let go at once (RecentItems clears its slot), so a detector whose memory is full does not
 * keep the payments it forgot alive here.
 */
export class TrailingTotals {
  private readonly payments = new RecentItems<PaymentFact>();
  volumeWon = 0;
  cashbackWon = 0;

  constructor(private readonly windowMs: number) {}

  get count(): number {
    return this.payments.length;
  }

  add(payment: PaymentFact): void {
    this.payments.push(payment);
    this.volumeWon += payment.amountWon;
    this.cashbackWon += payment.cashbackWon;
  }

  /** Forgets `payment` early when it is the oldest still counted (the detector's memory is full). */
  dropOldest(payment: PaymentFact): void {
    if (this.payments.first() !== payment) return;
    this.leave(payment);
  }

  /** Drops what fell out of the window ending at `now`. */
  advance(now: number): this {
    const since = now - this.windowMs;
    let oldest = this.payments.first();
    while (oldest !== undefined && oldest.at < since) {
      this.leave(oldest);
      oldest = this.payments.first();
    }
    return this;
  }

  private leave(payment: PaymentFact): void {
    this.volumeWon -= payment.amountWon;
    this.cashbackWon -= payment.cashbackWon;
    this.payments.shift();
  }
}
