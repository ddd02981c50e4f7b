import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { auditLedger } from './audit.js';

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
          summary: 'Run the ledger audit now: balances, holds, hash chains',
          response: { 200: AuditSchema, ...problemResponses(401, 403) },
        },
      },
      async (request) => {
        const report = await auditLedger(platform.db, userOf(request).tenantId, platform.clock.now());
        return { ...report, checkedAt: report.checkedAt.toISOString() };
      },
    );
  };
}
