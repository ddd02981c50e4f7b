import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { problemOf } from '../../http/problem.js';
import { type ClusterSet, tenantMovingError } from './cluster-set.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Platform-wide paths (the administrator, bank callbacks, metrics, health, the web app) are served by
 * the home cluster's app, which reaches each city's cluster through the cluster set.
 */
function servedByHome(url: string): boolean {
  return !url.startsWith('/v1/') || url.startsWith('/v1/platform/') || url.startsWith('/v1/bank/');
}

/**
 * One HTTP server in front of one app per cluster: each request is handed, unparsed, to the app of
 * its tenant's cluster (Fastify's `routing`), so streams, bodies and hooks work as with one app.
 * A write of a tenant being moved gets 503 TENANT_MOVING with Retry-After; other tenants never wait.
 */
export function createClusterServer(set: ClusterSet, apps: ReadonlyMap<string, FastifyInstance>): Server {
  const homeApp = apps.get(set.clusters().find((cluster) => cluster.home)?.name ?? '') as FastifyInstance;
  return createServer((request, response) => {
    dispatch(set, apps, homeApp, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendDatabaseUnavailable(response, error);
    });
  });
}

async function dispatch(
  set: ClusterSet,
  apps: ReadonlyMap<string, FastifyInstance>,
  homeApp: FastifyInstance,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = request.url ?? '/';
  if (servedByHome(url)) return homeApp.routing(request, response);
  const tenantId = await set.resolveTenant(request);
  if (!READS.has(request.method ?? 'GET')) {
    if (set.isPaused(tenantId)) return sendTenantMoving(response, tenantId, url);
    response.once('close', set.beginWrite(tenantId));
  }
  const app = apps.get(set.clusterOf(tenantId)) ?? homeApp;
  return app.routing(request, response);
}

function sendTenantMoving(response: ServerResponse, tenantId: string, url: string): void {
  response.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
  response.end(JSON.stringify(problemOf(tenantMovingError(tenantId), url)));
}

function sendDatabaseUnavailable(response: ServerResponse, error: unknown): void {
  response.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
  response.end(
    JSON.stringify({
      type: 'https://hanbat.dev/problems/database-unavailable',
      title: 'DATABASE_UNAVAILABLE',
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      detail: `the tenant's database could not be asked: ${error instanceof Error ? error.message : String(error)}`,
      messages: {
        en: 'the database is switching over or unreachable; retry with the same Idempotency-Key',
        ko: '데이터베이스 전환 중이거나 연결할 수 없습니다. 같은 멱등키로 다시 시도해 주세요',
      },
    }),
  );
}
