import { EventEmitter, on } from 'node:events';
import { DomainError } from '../../errors.js';
import { memberView, type Order, shopView } from './order-types.js';

/** Open live streams per process; one more is refused rather than letting memory grow. */
export const SUBSCRIBERS_MAX = 10_000;
/** Shops one merchant stream follows (an owner's shops); more is a programmer mistake. */
export const STREAM_MERCHANTS_MAX = 100;

type Audience = 'member' | 'merchant';

/** One server-sent event (the fields fastify-sse-v2 writes). */
export interface EventMessage {
  event: string;
  id?: string;
  data: string;
}

/**
 * Live order changes for the merchant's queue and the member's order page, after each commit.
 * In-process: a deployment with several processes sees the changes its own process committed
 * (and the page reloads from the API on reconnect).
 */
export class OrderUpdates {
  private readonly emitter = new EventEmitter();
  private subscribers = 0;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(tenantId: string, orders: readonly Order[]): void {
    for (const order of orders) {
      this.emitter.emit(keyOf(tenantId, 'member', order.memberId), memberView(order));
      this.emitter.emit(keyOf(tenantId, 'merchant', order.merchantId), shopView(order));
    }
  }

  /**
   * Server-sent events of one member's orders, or of one or more merchants' (an owner's shops, each
   * order naming its merchantId), until `signal` aborts.
   */
  async *stream(
    tenantId: string,
    audience: Audience,
    ids: readonly string[],
    signal: AbortSignal,
    stillSignedIn: () => Promise<boolean>,
  ): AsyncIterable<EventMessage> {
    if (ids.length === 0 || ids.length > STREAM_MERCHANTS_MAX || (audience === 'member' && ids.length !== 1))
      throw new Error(`a ${audience} stream follows 1 to ${STREAM_MERCHANTS_MAX} ids, got ${ids.length}`);
    if (this.subscribers >= SUBSCRIBERS_MAX) throw tooManyStreams();
    this.subscribers += 1;
    // One local channel for the stream, fed by a listener on each followed key.
    const merged = new EventEmitter();
    const forward = (order: unknown) => merged.emit('order', order);
    const keys = [...new Set(ids)].map((id) => keyOf(tenantId, audience, id));
    for (const key of keys) this.emitter.on(key, forward);
    try {
      yield { event: 'ready', data: '{}' };
      for await (const [order] of on(merged, 'order', { signal })) {
        // Each change is sent only while the credential the stream opened with still signs in.
        if (!(await stillSignedIn())) return;
        const view = order as ReturnType<typeof memberView>;
        const newDelivery =
          audience === 'merchant' && view.status === 'placed' && view.channel === 'delivery';
        yield {
          event: newDelivery ? 'order.new_delivery' : 'order',
          id: `${view.orderId}:${view.status}`,
          data: JSON.stringify(view),
        };
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    } finally {
      for (const key of keys) this.emitter.off(key, forward);
      this.subscribers -= 1;
    }
  }
}

function keyOf(tenantId: string, audience: Audience, id: string): string {
  return `${tenantId}|${audience}|${id}`;
}

function tooManyStreams(): DomainError {
  return new DomainError({
    code: 'TOO_MANY_STREAMS',
    httpStatus: 503,
    message: 'too many live streams are open; reload the page later',
    messageKo: '실시간 연결이 많습니다. 잠시 후 다시 시도하세요',
  });
}
