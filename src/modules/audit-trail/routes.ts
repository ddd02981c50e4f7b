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
                  actorName: Type.Union([Type.String(), Type.Null()], {
                    description: 'the operator by name; null for the system',
                  }),
                  subjectName: Type.Union([Type.String(), Type.Null()], {
                    description: 'a member or merchant subject by name; null for other subjects',
                  }),
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
        const names = await namesOf(platform, userOf(request).tenantId, items);
        return {
          items: items.map(({ tenantId: _city, ...item }) => ({
            ...item,
            at: item.at.toISOString(),
            actorName: names.people.get(item.actorUserId) ?? null,
            subjectName:
              item.subjectType === 'member'
                ? (names.people.get(item.subjectId) ?? null)
                : item.subjectType === 'merchant'
                  ? (names.merchants.get(item.subjectId)?.name ?? null)
                  : null,
          })),
          nextCursor: items.length === limit && last ? auditCursor.encode({ seq: last.seq }) : null,
        };
      },
    );
  };
}

/** People and merchants appear by name: one lookup each for the page. */
async function namesOf(
  platform: Platform,
  tenantId: string,
  items: ReadonlyArray<{ actorUserId: string; subjectType: string; subjectId: string }>,
) {
  const memberIds = items.flatMap((item) =>
    item.subjectType === 'member' ? [item.actorUserId, item.subjectId] : [item.actorUserId],
  );
  const merchantIds = items.filter((item) => item.subjectType === 'merchant').map((item) => item.subjectId);
  const [people, merchants] = await Promise.all([
    platform.members.namesOf(tenantId, memberIds),
    platform.merchants.getByIds(tenantId, merchantIds),
  ]);
  return { people, merchants };
}
