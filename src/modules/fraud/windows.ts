/** Dead slots at the front are compacted away once they are this many and at least half of the array. */
const COMPACT_AT_MIN = 64;

/**
 * The most recent items of a stream, at most `max`, forgetting from the front in O(1): a detector
 * list held full at 5,000 payments moved every element on each push when it was a plain array with
 * `splice(0, 1)`. Forgotten slots are cleared at once (so the items can be collected) and compacted
 * away in one move once they are half of the array, which costs at most one move per item pushed.
 */
export class RecentItems<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  constructor(private readonly max = Number.POSITIVE_INFINITY) {}

  get length(): number {
    return this.items.length - this.head;
  }

  first(): T | undefined {
    return this.items[this.head];
  }

  push(item: T): void {
    this.items.push(item);
    if (this.length > this.max) this.dropFirst();
    this.compact();
  }

  /** Forgets the first item. */
  shift(): void {
    if (this.length > 0) this.dropFirst();
    this.compact();
  }

  /** Forgets items from the front while `isOld` holds for them (items arrive in time order). */
  dropWhile(isOld: (item: T) => boolean): void {
    while (this.length > 0 && isOld(this.items[this.head] as T)) this.dropFirst();
    this.compact();
  }

  filter(keep: (item: T) => boolean): T[] {
    const kept: T[] = [];
    for (let i = this.head; i < this.items.length; i += 1) {
      const item = this.items[i] as T;
      if (keep(item)) kept.push(item);
    }
    return kept;
  }

  private dropFirst(): void {
    this.items[this.head] = undefined;
    this.head += 1;
  }

  private compact(): void {
    if (this.head >= COMPACT_AT_MIN && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * The last `max` amounts of a stream and their median, which the ticket-size signal reads on every
 * high-value payment: a ring of the amounts in arrival order beside the same amounts kept sorted, so
 * the median is one read instead of a sort of up to 2,000 amounts.
 */
export class RecentAmounts {
  private readonly ring: number[] = [];
  private next = 0;
  private readonly sorted: number[] = [];

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new Error(`RecentAmounts needs a positive bound, not ${max}`);
  }

  get length(): number {
    return this.sorted.length;
  }

  push(amountWon: number): void {
    if (this.ring.length === this.max) {
      const leaving = this.ring[this.next] as number;
      this.sorted.splice(firstIndexAtLeast(this.sorted, leaving), 1);
      this.ring[this.next] = amountWon;
    } else this.ring.push(amountWon);
    this.next = (this.next + 1) % this.max;
    this.sorted.splice(firstIndexAtLeast(this.sorted, amountWon), 0, amountWon);
  }

  /** The upper median (the middle element of the sorted amounts), 0 when empty. */
  median(): number {
    return this.sorted[Math.floor(this.sorted.length / 2)] ?? 0;
  }
}

function firstIndexAtLeast(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** How many of the ascending `sorted` are greater than `value`. */
export function countAbove(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return sorted.length - low;
}
