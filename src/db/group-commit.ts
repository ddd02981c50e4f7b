import { DomainError } from '../errors.js';

export interface GroupCommitOptions {
  /** How long the first request of an idle group waits for company before its batch is written. */
  waitMsMax: number;
  /** Requests written in one database transaction. */
  batchSizeMax: number;
  /** Requests waiting per group; more are refused with BUSY instead of queueing without bound. */
  queuedMax: number;
  /**
   * Batches of one group written at once. 1 keeps decisions in arrival order; 2 lets the next batch
   * read and lock what it can while the current one holds a shared lock (only when the writer takes
   * its locks in one global order, so the batches still decide one after the other where they meet).
   */
  inFlightMax: number;
}

/** Told of every batch as it is handed to the writer; for metrics, so it must not throw or block. */
export type BatchObserver = (groupKey: string, batchSize: number) => void;

/** What one request of a batch came to: its own value, or its own refusal. */
export type Settled<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

interface Waiting<Request, Result> {
  request: Request;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

interface Group<Request, Result> {
  waiting: Array<Waiting<Request, Result>>;
  timer: NodeJS.Timeout | null;
  inFlight: number;
  /** Conflict keys of the requests in flight. */
  held: Set<string>;
}

const WAIT_MS_LIMIT = 100;
const IN_FLIGHT_LIMIT = 4;

/**
 * Group commit: requests that arrive together (per group, e.g. per tenant) are written by one call of
 * `writeBatch`, which runs them in one transaction, in arrival order, and settles each alone. A
 * request is answered only after its batch has committed. One batch per group is in flight at a
 * time by default, so arrival order is also the order of decision; requests arriving meanwhile form
 * the next batch, written as soon as the current one ends — under load the batch grows, not the queue.
 */
export class GroupCommit<Request, Result> {
  private readonly groups = new Map<string, Group<Request, Result>>();
  private observer: BatchObserver | undefined;

  constructor(
    private readonly writeBatch: (
      groupKey: string,
      requests: readonly Request[],
    ) => Promise<Array<Settled<Result>>>,
    private readonly options: GroupCommitOptions,
    /**
     * The rows a request will lock (say, its member). With more than one batch in flight, a request
     * whose key an in-flight batch holds waits for the batch after it instead of joining one that would
     * block on that batch's locks; requests with the same key keep their arrival order.
     */
    private readonly conflictKeyOf?: (request: Request) => string,
  ) {
    if (!Number.isInteger(options.batchSizeMax) || options.batchSizeMax < 1)
      throw new Error(`batchSizeMax must be a positive integer, got ${options.batchSizeMax}`);
    if (!(options.waitMsMax >= 0 && options.waitMsMax <= WAIT_MS_LIMIT))
      throw new Error(`waitMsMax must be 0..${WAIT_MS_LIMIT}, got ${options.waitMsMax}`);
    if (!Number.isInteger(options.queuedMax) || options.queuedMax < options.batchSizeMax)
      throw new Error('queuedMax must be an integer of at least batchSizeMax');
    if (
      !Number.isInteger(options.inFlightMax) ||
      options.inFlightMax < 1 ||
      options.inFlightMax > IN_FLIGHT_LIMIT
    )
      throw new Error(`inFlightMax must be 1..${IN_FLIGHT_LIMIT}, got ${options.inFlightMax}`);
  }

  submit(groupKey: string, request: Request): Promise<Result> {
    const group = this.groupOf(groupKey);
    if (group.waiting.length >= this.options.queuedMax) return Promise.reject(busy());
    const result = new Promise<Result>((resolve, reject) => {
      group.waiting.push({ request, resolve, reject });
    });
    if (group.inFlight < this.options.inFlightMax) {
      if (group.waiting.length >= this.options.batchSizeMax) this.flush(groupKey, group);
      else group.timer ??= setTimeout(() => this.flush(groupKey, group), this.options.waitMsMax);
    }
    return result;
  }

  /** Replaces the batch observer (one per group commit: the metrics registry of the platform). */
  observeBatches(observer: BatchObserver): void {
    this.observer = observer;
  }

  /** Requests waiting and batches being written, per group key right now. */
  depth(): Array<{ groupKey: string; queued: number; inFlight: number }> {
    return [...this.groups].map(([groupKey, group]) => ({
      groupKey,
      queued: group.waiting.length,
      inFlight: group.inFlight,
    }));
  }

  private groupOf(groupKey: string): Group<Request, Result> {
    let group = this.groups.get(groupKey);
    if (!group) {
      group = { waiting: [], timer: null, inFlight: 0, held: new Set() };
      this.groups.set(groupKey, group);
    }
    return group;
  }

  private flush(groupKey: string, group: Group<Request, Result>): void {
    if (group.timer) clearTimeout(group.timer);
    group.timer = null;
    if (group.inFlight >= this.options.inFlightMax || group.waiting.length === 0) return;
    const batch = this.takeBatch(group);
    if (batch.length === 0) return;
    const keys = this.keysOf(batch);
    for (const key of keys) group.held.add(key);
    group.inFlight += 1;
    this.observer?.(groupKey, batch.length);
    void this.write(groupKey, batch).finally(() => {
      group.inFlight -= 1;
      for (const key of keys) group.held.delete(key);
      // Whatever arrived while this batch was written has waited long enough.
      if (group.waiting.length > 0) this.flush(groupKey, group);
      else if (group.inFlight === 0 && !group.timer) this.groups.delete(groupKey);
    });
    // Requests this batch could not take may form another batch at once.
    if (group.waiting.length > 0) this.flush(groupKey, group);
  }

  /** The oldest waiting requests, up to a batch, skipping those whose key a batch in flight holds. */
  private takeBatch(group: Group<Request, Result>): Array<Waiting<Request, Result>> {
    const keyOf = this.conflictKeyOf;
    if (!keyOf || group.held.size === 0) return group.waiting.splice(0, this.options.batchSizeMax);
    const batch: Array<Waiting<Request, Result>> = [];
    const left: Array<Waiting<Request, Result>> = [];
    for (const waiting of group.waiting) {
      const free = batch.length < this.options.batchSizeMax && !group.held.has(keyOf(waiting.request));
      (free ? batch : left).push(waiting);
    }
    group.waiting = left;
    return batch;
  }

  private keysOf(batch: ReadonlyArray<Waiting<Request, Result>>): string[] {
    const keyOf = this.conflictKeyOf;
    return keyOf ? [...new Set(batch.map((waiting) => keyOf(waiting.request)))] : [];
  }

  /**
   * Writes a batch; a batch that fails as a whole (not one request refused, but the transaction) is
   * split in halves, each written alone, down to single requests, so one request the database
   * cannot take fails by itself and every other request of its batch still succeeds. Halves are
   * written one after the other, so arrival order still decides. At most 2·n − 1 writes for n.
   */
  private async write(groupKey: string, batch: Array<Waiting<Request, Result>>): Promise<void> {
    let settled: Array<Settled<Result>>;
    try {
      settled = await this.writeBatch(
        groupKey,
        batch.map((waiting) => waiting.request),
      );
      if (settled.length !== batch.length)
        throw new Error(`group commit: ${settled.length} results for ${batch.length} requests`);
    } catch (error) {
      if (batch.length === 1) {
        (batch[0] as Waiting<Request, Result>).reject(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.write(groupKey, batch.slice(0, half));
      await this.write(groupKey, batch.slice(half));
      return;
    }
    batch.forEach((waiting, index) => {
      const outcome = settled[index] as Settled<Result>;
      if (outcome.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome.error);
    });
  }
}

function busy(): DomainError {
  return new DomainError({
    code: 'BUSY',
    httpStatus: 503,
    message: 'too many requests are waiting to be written; retry shortly',
    messageKo: '처리 대기 중인 요청이 너무 많습니다. 잠시 후 다시 시도해 주세요',
  });
}
