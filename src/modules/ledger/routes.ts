import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
// The operator's audit is the same as `hanbat audit`: the ledger's checks and the public checkpoints.
import { auditWithCheckpoints } from '../public-books/audit.js';

const AuditSchema = Type.Object({
  tenantId: Type.String(),
  ok: Type.Boolean(),
  checkedAt: Type.String({ format: 'date-time' }),
  checks: Type.Array(
    Type.Object({
      name: Type.String(),
      description: Type.String(),
      ok: Type.Boolean(),
      violationCount: Type.Integer(),
    }),
  ),
  violations: Type.Array(
    Type.Object({ check: Type.String(), subject: Type.String(), message: Type.String() }),
  ),
});

export function ledgerRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/operator/audit',
      {
        preValidation: platform.guards.requireOperator(),
        schema: {
          tags: ['operator'],
          summary: 'Run the audit now: balances, holds, hash chains and the signed public checkpoints',
          response: { 200: AuditSchema, ...problemResponses(401, 403) },
        },
      },
      async (request) => {
        const report = await auditWithCheckpoints(platform, userOf(request).tenantId, platform.clock.now());
        return { ...report, checkedAt: report.checkedAt.toISOString() };
      },
    );
  };
}
