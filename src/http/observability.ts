import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.js';
import { PlatformMetrics } from '../observability/metrics.js';

export const REQUEST_ID_HEADER = 'x-request-id';
/** An incoming id is kept only when it is short and plain; anything else is replaced, never echoed. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The request's id: the caller's X-Request-Id when it is well formed, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

/** The routes that pay; their answers are counted by outcome. */
const PAYMENT_ROUTES = new Set(['POST /v1/me/payments', 'POST /v1/merchant/payments']);

/**
 * Echoes the request id, times every request into the metrics by route pattern (never the raw URL,
 * whose ids would make a series per request), counts payment outcomes, and serves GET /metrics —
 * behind a bearer token when HANBAT_METRICS_TOKEN is set.
 */
export function registerObservability(
  app: FastifyInstance,
  metrics: PlatformMetrics,
  metricsToken: string | undefined,
  /** With several clusters: every cluster's platform metrics, read at scrape time. */
  clusterMetrics?: () => ReadonlyArray<{ name: string; metrics: PlatformMetrics }> | undefined,
): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // While draining, every answer closes its keep-alive connection, so the server can finish closing
    // and the client knows to open its next request elsewhere instead of racing the close.
    if (closing) reply.header('connection', 'close');
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    if (PAYMENT_ROUTES.has(route)) countPayment(metrics, request, reply, payload);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpSeconds.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (metricsToken && !bearerMatches(request, metricsToken)) throw metricsUnauthorized();
    const members = clusterMetrics?.();
    const { contentType, body } = members
      ? await PlatformMetrics.clusterExposition(members)
      : await metrics.exposition();
    return reply.type(contentType).send(body);
  });
}

function countPayment(
  metrics: PlatformMetrics,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): void {
  const tenant = request.principal?.tenantId ?? 'unknown';
  if (reply.statusCode === 201) {
    const replayed = reply.getHeader('idempotent-replayed') === 'true';
    metrics.payments.inc({ tenant, outcome: replayed ? 'replayed' : 'paid' });
    return;
  }
  metrics.payments.inc({
    tenant,
    outcome: problemCodeOf(payload)?.toLowerCase() ?? `http_${reply.statusCode}`,
  });
}

function problemCodeOf(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function bearerMatches(request: FastifyRequest, token: string): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function metricsUnauthorized(): DomainError {
  return new DomainError({
    code: 'UNAUTHENTICATED',
    httpStatus: 401,
    message: 'metrics need the bearer token set in HANBAT_METRICS_TOKEN',
    messageKo: '메트릭 조회에는 HANBAT_METRICS_TOKEN 토큰이 필요합니다',
  });
}
