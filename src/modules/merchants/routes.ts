import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { Type } from 'typebox';
import { forbidden, userOf } from '../../http/auth.js';
import { type CursorCodec, CursorKey, cursorCodec } from '../../http/cursor.js';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import {
  ApplicationBodySchema,
  ApplicationSchema,
  ApplyResponseSchema,
  ApproveResponseSchema,
  applicationView,
  CreatedPosKeySchema,
  DirectoryEntrySchema,
  DirectoryQuerySchema,
  directoryEntryView,
  EligibilityResponseSchema,
  MerchantIdParamsSchema,
  MerchantProfileSchema,
  NextCursorSchema,
  PosKeyBodySchema,
  PosKeyParamsSchema,
  PosKeySchema,
  posKeyView,
  profileView,
  RejectBodySchema,
  RejectResponseSchema,
  ReviewQuerySchema,
  reasonsView,
} from './schemas.js';

const PAGE_LIMIT_DEFAULT = 20;

/** Merchant applications, operator review, the merchant's own profile and POS keys, the public directory. */
export function merchantRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(applicationRoutes(platform));
    await app.register(reviewRoutes(platform));
    await app.register(merchantSelfRoutes(platform));
    await app.register(directoryRoutes(platform));
  };
}

function applicationRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { merchants, guards } = platform;
  return async (app) => {
    app.post(
      '/v1/merchant-applications',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['merchants'],
          summary: 'Apply to become a merchant; the signed-in person becomes the owner',
          description: 'Refused applications (an eligibility rule failed) are stored too, with the reasons.',
          body: ApplicationBodySchema,
          response: { 201: ApplyResponseSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const user = userOf(request);
        const application = await merchants.apply(user.tenantId, user.userId, request.body);
        const status = application.status === 'refused' ? 'refused' : 'pending';
        return reply
          .code(201)
          .send({ merchantId: application.id, status, reasons: reasonsView(application.reasons) });
      },
    );

    app.post(
      '/v1/merchant-applications/eligibility',
      {
        schema: {
          tags: ['merchants'],
          summary: 'Check an application against the eligibility rules without filing it',
          body: ApplicationBodySchema,
          response: { 200: EligibilityResponseSchema, ...problemResponses(400) },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request, platform.config.defaultTenantId);
        const result = await merchants.checkEligibility(tenantId, request.body);
        return { eligible: result.eligible, reasons: reasonsView(result.reasons) };
      },
    );

    app.get(
      '/v1/me/merchant-applications',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['merchants'],
          summary: "The caller's merchant applications and their status, newest first",
          response: {
            200: Type.Object({ items: Type.Array(ApplicationSchema) }),
            ...problemResponses(401, 403),
          },
        },
      },
      async (request) => {
        const user = userOf(request);
        const applications = await merchants.listForOwner(user.tenantId, user.userId);
        return { items: applications.map(applicationView) };
      },
    );
  };
}

function reviewRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { merchants, guards } = platform;
  return async (app) => {
    app.get(
      '/v1/operator/merchants',
      {
        preValidation: guards.requireOperator('merchant_reviewer', 'auditor'),
        schema: {
          tags: ['merchants', 'operator'],
          summary: 'Merchant applications with their rule results, oldest first (the review queue)',
          querystring: ReviewQuerySchema,
          response: {
            200: Type.Object({ items: Type.Array(ApplicationSchema), nextCursor: NextCursorSchema }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const { status, cursor } = request.query;
        const limit = request.query.limit ?? PAGE_LIMIT_DEFAULT;
        const rows = await merchants.listForReview(userOf(request).tenantId, {
          status,
          after: reviewCursor.decode(cursor) ?? undefined,
          limit: limit + 1,
        });
        const page = pageOf(rows, limit, reviewCursor, (row) => ({
          createdAt: row.createdAt.toISOString(),
          id: row.id,
        }));
        return { items: page.items.map(applicationView), nextCursor: page.nextCursor };
      },
    );

    app.post(
      '/v1/operator/merchants/:id/approve',
      {
        preValidation: guards.requireOperator('merchant_reviewer'),
        schema: {
          tags: ['merchants', 'operator'],
          summary:
            'Approve a pending application: assigns the merchant code and opens its receivable account',
          params: MerchantIdParamsSchema,
          response: { 200: ApproveResponseSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const reviewer = userOf(request);
        const merchant = await merchants.approve(reviewer.tenantId, request.params.id, reviewer.userId);
        if (merchant.merchantCode === null) throw new Error(`approved merchant ${merchant.id} has no code`);
        return { merchantId: merchant.id, status: 'approved' as const, merchantCode: merchant.merchantCode };
      },
    );

    app.post(
      '/v1/operator/merchants/:id/reject',
      {
        preValidation: guards.requireOperator('merchant_reviewer'),
        schema: {
          tags: ['merchants', 'operator'],
          summary: 'Reject a pending application with a reason the applicant reads',
          params: MerchantIdParamsSchema,
          body: RejectBodySchema,
          response: { 200: RejectResponseSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const reviewer = userOf(request);
        const application = await merchants.reject(
          reviewer.tenantId,
          request.params.id,
          reviewer.userId,
          request.body.reason,
        );
        return {
          merchantId: application.id,
          status: 'rejected' as const,
          reason: application.reviewNote ?? '',
        };
      },
    );
  };
}

function merchantSelfRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { merchants, guards } = platform;
  const ownerSession = [guards.requireMerchant, ownerSessionOnly];
  return async (app) => {
    app.get(
      '/v1/merchant/profile',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['merchants'],
          summary: 'The merchant this request acts for (owner session or POS key)',
          response: { 200: MerchantProfileSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = actingMerchant(request, platform);
        const merchant = await merchants.getById(tenantId, merchantId);
        if (!merchant) throw new Error(`acting merchant ${merchantId} does not exist`);
        return profileView(merchant);
      },
    );

    app.post(
      '/v1/merchant/pos-keys',
      {
        preValidation: ownerSession,
        schema: {
          tags: ['merchants'],
          summary: 'Create a POS key for a till; the raw key is returned only this once',
          body: PosKeyBodySchema,
          response: { 201: CreatedPosKeySchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, merchantId } = actingMerchant(request, platform);
        const { posKey, rawKey } = await merchants.createPosKey(tenantId, merchantId, request.body.label);
        return reply.code(201).send({ keyId: posKey.id, key: rawKey, label: posKey.label });
      },
    );

    app.get(
      '/v1/merchant/pos-keys',
      {
        preValidation: ownerSession,
        schema: {
          tags: ['merchants'],
          summary: "The merchant's POS keys, active first (never the raw keys)",
          response: { 200: Type.Object({ items: Type.Array(PosKeySchema) }), ...problemResponses(401, 403) },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = actingMerchant(request, platform);
        return { items: (await merchants.listPosKeys(tenantId, merchantId)).map(posKeyView) };
      },
    );

    app.delete(
      '/v1/merchant/pos-keys/:keyId',
      {
        preValidation: ownerSession,
        schema: {
          tags: ['merchants'],
          summary: 'Revoke a POS key; revoking twice keeps the first revocation',
          params: PosKeyParamsSchema,
          response: { 200: PosKeySchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = actingMerchant(request, platform);
        return posKeyView(await merchants.revokePosKey(tenantId, merchantId, request.params.keyId));
      },
    );
  };
}

function directoryRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/merchants',
      {
        schema: {
          tags: ['merchants'],
          summary: 'Public directory of approved merchants, by name',
          querystring: DirectoryQuerySchema,
          response: {
            200: Type.Object({ items: Type.Array(DirectoryEntrySchema), nextCursor: NextCursorSchema }),
            ...problemResponses(400),
          },
        },
      },
      async (request) => {
        const { cursor, ...filter } = request.query;
        const limit = request.query.limit ?? PAGE_LIMIT_DEFAULT;
        const tenantId = tenantOf(request, platform.config.defaultTenantId);
        const rows = await platform.merchants.listDirectory(tenantId, {
          ...filter,
          after: directoryCursor.decode(cursor) ?? undefined,
          limit: limit + 1,
          includeDemo: platform.config.mode === 'demo',
        });
        const page = pageOf(rows, limit, directoryCursor, (row) => ({ name: row.name, id: row.id }));
        return { items: page.items.map(directoryEntryView), nextCursor: page.nextCursor };
      },
    );
  };
}

/** A POS key runs a till; managing the keys themselves needs the owner's own session. */
const ownerSessionOnly: preValidationAsyncHookHandler = async (request) => {
  if (request.principal?.kind !== 'user') {
    throw forbidden(
      'POS keys cannot manage POS keys; sign in as the owner',
      'POS 키는 점주 로그인으로만 관리할 수 있습니다',
    );
  }
};

function actingMerchant(
  request: FastifyRequest,
  platform: Platform,
): { tenantId: string; merchantId: string } {
  const merchantId = request.actingMerchantId;
  if (!merchantId) throw new Error('requireMerchant must run before a merchant route');
  return { tenantId: tenantOf(request, platform.config.defaultTenantId), merchantId };
}

/** Fetches one row more than the page to know whether another page follows. */
function pageOf<Row, Key>(
  rows: Row[],
  limit: number,
  codec: CursorCodec<Key>,
  keyOf: (row: Row) => Key,
): { items: Row[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? codec.encode(keyOf(last)) : null };
}

const reviewCursor = cursorCodec({ createdAt: CursorKey.instant, id: CursorKey.text });
const directoryCursor = cursorCodec({ name: CursorKey.text, id: CursorKey.text });
