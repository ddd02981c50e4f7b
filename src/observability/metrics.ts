import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { BudgetService } from '../modules/budgets/budget-service.js';
import type { EventFeed } from '../modules/events/event-feed.js';
import type { PaymentService } from '../modules/payments/payment-service.js';
import type { TenantService } from '../modules/tenants/tenant-service.js';

/** Seconds; payments are batched every couple of milliseconds, so the buckets start below that. */
const HTTP_SECONDS_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Up to PAYMENT_BATCH_PGLITE.batchSizeMax (512; 128 on PostgreSQL). */
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
/** Pots listed per scrape are bounded by the tenants; a scrape never reads more than this many tenants. */
const SCRAPE_TENANTS_MAX = 1_000;

interface Deps {
  db: Database;
  clock: Clock;
  tenants: TenantService;
  budgets: BudgetService;
  payments: PaymentService;
  events: EventFeed;
}

/**
 * The platform's Prometheus metrics, in a registry of their own (so two platforms in one test process
 * never share counters). What is pushed (HTTP timings, payment outcomes, batch sizes) is recorded as
 * it happens; what is state (queue depth, pool use, budget left) is read when Prometheus scrapes.
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  readonly httpSeconds = new Histogram({
    name: 'hanbat_http_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly payments = new Counter({
    name: 'hanbat_payments_total',
    help: 'Payment requests by tenant and outcome: paid, replayed, or the refusal code (lowercase)',
    labelNames: ['tenant', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'hanbat_group_commit_batch_size',
    help: 'Requests written per group-commit batch, by batcher and tenant',
    labelNames: ['batcher', 'tenant'] as const,
    buckets: BATCH_SIZE_BUCKETS,
    registers: [this.registry],
  });
  /** Per tenant and consumer: events written to the feed and not yet read (`head − cursor`), read at scrape. */
  readonly eventFeedLag: Gauge<'tenant' | 'consumer'>;

  constructor(private readonly deps: Deps) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hanbat_' });
    deps.payments.batching.observeBatches((tenantId, size) =>
      this.batchSize.observe({ batcher: 'payments', tenant: tenantId }, size),
    );
    this.queueGauges();
    this.poolGauges();
    this.budgetGauge();
    this.eventFeedLag = this.feedLagGauge();
  }

  private feedLagGauge(): Gauge<'tenant' | 'consumer'> {
    const { events } = this.deps;
    return new Gauge({
      name: 'hanbat_event_feed_lag_events',
      help: 'Events written to the feed and not yet read, by tenant and consumer',
      labelNames: ['tenant', 'consumer'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await events.lags(SCRAPE_TENANTS_MAX * 4))
          this.set({ tenant: row.tenantId, consumer: row.consumer }, row.lag);
      },
    });
  }

  /** The Prometheus text exposition of every metric. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * One exposition for the platforms of several clusters behind one server: each platform times the
   * requests its cluster answers, so every series carries a `cluster` label and none is summed away.
   */
  static async clusterExposition(
    members: ReadonlyArray<{ name: string; metrics: PlatformMetrics }>,
  ): Promise<{ contentType: string; body: string }> {
    const labelled = await Promise.all(
      members.map(async ({ name, metrics }) =>
        (await metrics.registry.getMetricsAsJSON()).map((metric) => ({
          ...metric,
          values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, cluster: name } })),
        })),
      ),
    );
    const merged = AggregatorRegistry.aggregate(labelled);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  private queueGauges(): void {
    const { batching } = this.deps.payments;
    const gauge = (name: string, help: string, pick: (row: { queued: number; inFlight: number }) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['batcher', 'tenant'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const row of batching.depth())
            this.set({ batcher: 'payments', tenant: row.groupKey }, pick(row));
        },
      });
    gauge('hanbat_group_commit_queued', 'Requests waiting for a group-commit batch', (row) => row.queued);
    gauge('hanbat_group_commit_in_flight', 'Group-commit batches being written', (row) => row.inFlight);
  }

  private poolGauges(): void {
    const { db } = this.deps;
    new Gauge({
      name: 'hanbat_db_pool_connections',
      help: 'Database pool connections by state (open, idle, waiting callers, size max); absent on PGlite',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const stats = db.poolStats?.();
        if (!stats) return;
        this.set({ state: 'max' }, stats.sizeMax);
        this.set({ state: 'open' }, stats.open);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }

  private budgetGauge(): void {
    const { tenants, budgets, clock } = this.deps;
    new Gauge({
      name: 'hanbat_budget_remaining_won',
      help: 'What each budget pot in force can still pay, in won, by tenant and pot',
      labelNames: ['tenant', 'pot'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const now = clock.now();
        for (const tenant of (await tenants.list()).slice(0, SCRAPE_TENANTS_MAX)) {
          for (const pot of await budgets.listPots(tenant.id, now))
            this.set({ tenant: tenant.id, pot: pot.id }, pot.remainingWon);
        }
      },
    });
  }
}
