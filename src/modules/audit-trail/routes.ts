import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { CursorKey, cursorCodec } from '../../http/cursor.js';
import { PageQuerySchema } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';

const auditCursor = cursorCodec({ seq: CursorKey.seq });

export function auditTrailRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/operator/audit-trail',
      {
        preValidation: platform.guards.requireOperator(),
        schema: {
          tags: ['operator'],
          summary: 'Every operator action, newest first',
          querystring: PageQuerySchema,
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  seq: Type.Integer(),
                  at: Type.String({ format: 'date-time' }),
                  actorUserId: Type.String(),
                  action: Type.String(),
                  subjectType: Type.String(),
                  subjectId: Type.String(),
                  details: Type.Record(Type.String(), Type.Unknown()),
                }),
              ),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const cursor = auditCursor.decode(request.query.cursor);
        const items = await platform.operatorActions.list(userOf(request).tenantId, limit, cursor?.seq);
        const last = items.at(-1);
        return {
          items: items.map((item) => ({ ...item, at: item.at.toISOString() })),
          nextCursor: items.length === limit && last ? auditCursor.encode({ seq: last.seq }) : null,
        };
      },
    );
  };
}
