import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError } from '../../errors.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { requirePlatformAdmin } from '../platform-admin/routes.js';

const CLUSTER_NAME = '^[a-z][a-z0-9_-]{0,31}$';

const FingerprintSchema = Type.Object({
  transfers: Type.Integer(),
  transferDigest: Type.String(),
  accounts: Type.Integer(),
  balanceDigest: Type.String(),
  postedWonTotal: Type.Integer(),
});

function notClustered(): DomainError {
  return new DomainError({
    code: 'CLUSTERS_NOT_CONFIGURED',
    httpStatus: 409,
    message: 'this deployment has one database: set HANBAT_CLUSTERS to place tenants on several',
    messageKo: '이 배포는 데이터베이스가 하나뿐입니다 (HANBAT_CLUSTERS를 설정하세요)',
  });
}

/** The platform administrator's view of the clusters, and moving a tenant between them. */
export function tenantDirectoryRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const guard = requirePlatformAdmin(platform.platformAdmins);
  return async (app) => {
    app.get(
      '/v1/platform/clusters',
      {
        preValidation: guard,
        schema: {
          tags: ['platform'],
          summary: 'The database clusters of this deployment and the tenants placed on each',
          description: 'Tenants without a directory entry live on the home cluster (DATABASE_URL).',
          response: {
            200: Type.Object({
              clusters: Type.Array(
                Type.Object({
                  name: Type.String(),
                  home: Type.Boolean(),
                  tenantIds: Type.Array(Type.String()),
                }),
              ),
            }),
            ...problemResponses(401, 409),
          },
        },
      },
      async () => {
        if (!platform.clusters) throw notClustered();
        return { clusters: platform.clusters.clusters() };
      },
    );
    app.post(
      '/v1/platform/tenants/:tenantId/move',
      {
        preValidation: guard,
        schema: {
          tags: ['platform'],
          summary: 'Move a tenant to another cluster: pause its writes, copy, verify, switch, resume',
          description:
            "Only this tenant's writes are refused meanwhile (503 TENANT_MOVING, Retry-After). The copy is " +
            'verified (row counts, ledger fingerprint, a green audit) before the directory switches; a ' +
            'failed verify (409 TENANT_MOVE_VERIFY_FAILED) leaves the tenant where it was.',
          params: Type.Object({ tenantId: Type.String({ pattern: '^[a-z][a-z0-9_-]{1,31}$' }) }),
          body: Type.Object(
            { toCluster: Type.String({ pattern: CLUSTER_NAME }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              tenantId: Type.String(),
              fromCluster: Type.String(),
              toCluster: Type.String(),
              pausedMs: Type.Integer(),
              tables: Type.Integer(),
              rowsCopied: Type.Integer(),
              auditChecks: Type.Integer(),
              fingerprint: FingerprintSchema,
            }),
            ...problemResponses(400, 401, 404, 409),
          },
        },
      },
      async (request) => {
        if (!platform.clusters) throw notClustered();
        return platform.clusters.move(request.params.tenantId, request.body.toCluster);
      },
    );
  };
}
