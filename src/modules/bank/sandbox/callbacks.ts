import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../../clock.js';
import type { CallbackEvent } from '../bank-api.js';
import { signBody } from '../signature.js';

export interface CallbackSenderOptions {
  url: string | undefined;
  secret: string;
  clock: Clock;
  timeoutMs?: number;
  attemptsMax?: number;
  backoffMsBase?: number;
  concurrencyMax?: number;
  queueMax?: number;
}

type Delivery = 'delivered' | 'retry' | 'refused';

/**
 * Best-effort, signed delivery of settlement callbacks to the platform: a bounded queue, a few
 * concurrent deliveries, bounded retries. Callbacks only speed things up — the statement and the
 * platform's reconciliation job are the truth — so a full queue or an unreachable platform drops them.
 */
export class CallbackSender {
  private readonly queue: CallbackEvent[] = [];
  private readonly closing = new AbortController();
  private deliveringCount = 0;
  deliveredCount = 0;
  droppedCount = 0;

  constructor(private readonly options: CallbackSenderOptions) {}

  set url(url: string | undefined) {
    this.options.url = url;
  }

  enqueue(event: CallbackEvent): void {
    if (!this.options.url || this.closing.signal.aborted) return;
    if (this.queue.length >= (this.options.queueMax ?? 10_000)) {
      this.droppedCount += 1;
      return;
    }
    this.queue.push(event);
    this.pump();
  }

  /** Nothing queued and nothing on the wire. */
  get idle(): boolean {
    return this.queue.length === 0 && this.deliveringCount === 0;
  }

  close(): void {
    this.closing.abort();
    this.queue.length = 0;
  }

  private pump(): void {
    while (this.deliveringCount < (this.options.concurrencyMax ?? 4) && this.queue.length > 0) {
      const event = this.queue.shift() as CallbackEvent;
      this.deliveringCount += 1;
      void this.deliver(event).finally(() => {
        this.deliveringCount -= 1;
        this.pump();
      });
    }
  }

  private async deliver(event: CallbackEvent): Promise<void> {
    const body = JSON.stringify(event);
    const attemptsMax = this.options.attemptsMax ?? 4;
    for (let attempt = 1; attempt <= attemptsMax && !this.closing.signal.aborted; attempt++) {
      const delivery = await this.post(body);
      if (delivery === 'delivered') {
        this.deliveredCount += 1;
        return;
      }
      if (delivery === 'refused') break;
      const backoffMs = (this.options.backoffMsBase ?? 200) * 2 ** (attempt - 1);
      await sleep(backoffMs, undefined, { signal: this.closing.signal }).catch(() => undefined);
    }
    this.droppedCount += 1;
  }

  /** Signed afresh on every attempt, so a retry carries a current timestamp. */
  private async post(body: string): Promise<Delivery> {
    const url = this.options.url;
    if (!url) return 'refused';
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signBody(this.options.secret, body, this.options.clock.now()),
        },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs ?? 5_000), this.closing.signal]),
      });
      await response.arrayBuffer();
      if (response.ok) return 'delivered';
      return response.status >= 500 || response.status === 408 || response.status === 429
        ? 'retry'
        : 'refused';
    } catch {
      return 'retry';
    }
  }
}
