import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { invalidInput } from '../../errors.js';
import { userOf } from '../../http/auth.js';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { publishCheckpoint } from './proof.js';
import type { StoredCheckpoint } from './types.js';

const Hex256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

const CheckpointSchema = Type.Object({
  sequence: Type.Integer(),
  tenantId: Type.String(),
  sealedAt: Type.String({ format: 'date-time' }),
  firstTransferId: Type.Union([Type.String(), Type.Null()]),
  lastTransferId: Type.Union([Type.String(), Type.Null()]),
  transferCount: Type.Integer(),
  treeSize: Type.Integer({ description: 'leaves of the whole tree: every transfer sealed so far' }),
  rootHash: Hex256,
  previousRootHash: Hex256,
  signature: Type.String({
    description: 'Ed25519 over the checkpoint statement (docs/public-books.md), base64',
  }),
  publicKeyId: Type.String(),
});

const FiguresSchema = Type.Object({
  circulationWon: Type.Integer({ description: 'member and merchant balances over the sealed journal' }),
  budgetPots: Type.Array(
    Type.Object({
      potId: Type.String(),
      name: Type.String(),
      period: Type.String(),
      from: Type.String({ format: 'date-time' }),
      to: Type.String({ format: 'date-time' }),
      nationalShareBp: Type.Integer(),
      fundedWon: Type.Integer(),
      spentWon: Type.Integer(),
      remainingWon: Type.Integer(),
      movedToMonthlyWon: Type.Integer(),
      sources: Type.Array(
        Type.Object({
          source: Type.String({ description: 'national, city or other, as the budgets module records them' }),
          accountId: Type.String(),
          fundedWon: Type.Integer(),
          spentWon: Type.Integer(),
          remainingWon: Type.Integer(),
          movedToMonthlyWon: Type.Integer(),
        }),
      ),
    }),
  ),
});

const ProofSchema = Type.Object({
  format: Type.Literal('hanbat-inclusion-proof/v1'),
  tenantId: Type.String(),
  transferId: Type.String(),
  leaf: Type.String({ description: 'the exact leaf bytes (UTF-8 JSON) that were hashed' }),
  leafHash: Hex256,
  leafIndex: Type.Integer(),
  treeSize: Type.Integer(),
  inclusionPath: Type.Array(Hex256),
  checkpoint: CheckpointSchema,
  accounts: Type.Array(
    Type.Object({
      account: Hex256,
      accountId: Type.Union([Type.String(), Type.Null()], {
        description: "null for other members' accounts",
      }),
      yours: Type.Boolean(),
    }),
  ),
});

const ProofAnswerSchema = Type.Union([
  Type.Object({
    status: Type.Literal('sealed'),
    transactionId: Type.String(),
    proofs: Type.Array(ProofSchema),
  }),
  Type.Object({
    status: Type.Literal('not_yet_sealed'),
    transactionId: Type.String(),
    nextCheckpointAt: Type.String({ format: 'date-time' }),
  }),
]);

const TenantQuery = Type.Object({
  tenant: Type.Optional(
    Type.String({ maxLength: 32, description: 'tenant id (default: X-Tenant-Id or the default tenant)' }),
  ),
});
const SequenceParams = Type.Object({ sequence: Type.Integer({ minimum: 1 }) });

const TENANT_PATTERN = /^[a-z][a-z0-9_-]{1,31}$/;

function publicTenantOf(request: FastifyRequest, tenant: string | undefined, platform: Platform): string {
  if (tenant === undefined) return tenantOf(request, platform.config.defaultTenantId);
  if (!TENANT_PATTERN.test(tenant))
    throw invalidInput('tenant is not a tenant id', 'tenant가 올바르지 않습니다');
  return tenant;
}

function published(checkpoint: StoredCheckpoint) {
  return publishCheckpoint(checkpoint);
}

export function publicBookRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { publicBooks, guards } = platform;
  return async (app) => {
    app.get(
      '/v1/public/checkpoints',
      {
        schema: {
          tags: ['public books'],
          summary: 'Signed checkpoints of the journal, newest first (no sign-in)',
          querystring: Type.Intersect([
            TenantQuery,
            Type.Object({
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
              before: Type.Optional(
                Type.Integer({ minimum: 1, description: 'nextBefore of the previous page' }),
              ),
            }),
          ]),
          response: {
            200: Type.Object({
              items: Type.Array(CheckpointSchema),
              nextBefore: Type.Union([Type.Integer(), Type.Null()]),
            }),
            ...problemResponses(400),
          },
        },
      },
      async (request) => {
        const tenantId = publicTenantOf(request, request.query.tenant, platform);
        const limit = request.query.limit ?? 20;
        const items = await publicBooks.checkpoints(tenantId, {
          beforeSequence: request.query.before,
          limit,
        });
        const last = items.at(-1);
        return {
          items: items.map(published),
          nextBefore: items.length === limit && last && last.sequence > 1 ? last.sequence : null,
        };
      },
    );

    app.get(
      '/v1/public/checkpoints/:sequence',
      {
        schema: {
          tags: ['public books'],
          summary: 'One signed checkpoint (no sign-in)',
          params: SequenceParams,
          querystring: TenantQuery,
          response: { 200: CheckpointSchema, ...problemResponses(400, 404) },
        },
      },
      async (request) => {
        const tenantId = publicTenantOf(request, request.query.tenant, platform);
        return published(await publicBooks.checkpoint(tenantId, request.params.sequence));
      },
    );

    app.get(
      '/v1/public/checkpoints/:sequence/consistency',
      {
        schema: {
          tags: ['public books'],
          summary: 'RFC 6962 consistency proof: checkpoint `from` is a prefix of this one (no sign-in)',
          params: SequenceParams,
          querystring: Type.Intersect([TenantQuery, Type.Object({ from: Type.Integer({ minimum: 1 }) })]),
          response: {
            200: Type.Object({
              from: CheckpointSchema,
              to: CheckpointSchema,
              consistencyPath: Type.Array(Hex256),
            }),
            ...problemResponses(400, 404),
          },
        },
      },
      async (request) => {
        const tenantId = publicTenantOf(request, request.query.tenant, platform);
        return publicBooks.consistency(tenantId, request.params.sequence, request.query.from);
      },
    );

    app.get(
      '/v1/public/keys',
      {
        schema: {
          tags: ['public books'],
          summary: "The tenant's checkpoint signing keys (Ed25519) with their validity (no sign-in)",
          querystring: TenantQuery,
          response: {
            200: Type.Object({
              tenantId: Type.String(),
              keys: Type.Array(
                Type.Object({
                  keyId: Type.String(),
                  algorithm: Type.Literal('Ed25519'),
                  publicKey: Type.String({ description: 'the 32 raw public key bytes, base64' }),
                  validFrom: Type.String({ format: 'date-time' }),
                  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
                }),
              ),
            }),
            ...problemResponses(400),
          },
        },
      },
      async (request) => {
        const tenantId = publicTenantOf(request, request.query.tenant, platform);
        const keys = await publicBooks.keys(tenantId);
        return {
          tenantId,
          keys: keys.map((key) => ({
            ...key,
            validFrom: key.validFrom.toISOString(),
            validUntil: key.validUntil?.toISOString() ?? null,
          })),
        };
      },
    );

    app.get(
      '/v1/public/books',
      {
        schema: {
          tags: ['public books'],
          summary: 'The public page: latest checkpoints and the figures computed at the newest (no sign-in)',
          querystring: TenantQuery,
          response: {
            200: Type.Object({
              tenantId: Type.String(),
              checkpoints: Type.Array(CheckpointSchema),
              figures: Type.Union([
                Type.Intersect([FiguresSchema, Type.Object({ checkpointSequence: Type.Integer() })]),
                Type.Null(),
              ]),
            }),
            ...problemResponses(400),
          },
        },
      },
      async (request) => {
        const tenantId = publicTenantOf(request, request.query.tenant, platform);
        const checkpoints = await publicBooks.checkpoints(tenantId, { limit: 10 });
        const newest = checkpoints[0];
        return {
          tenantId,
          checkpoints: checkpoints.map(published),
          figures: newest ? { ...newest.figures, checkpointSequence: newest.sequence } : null,
        };
      },
    );

    app.post(
      '/v1/operator/checkpoints',
      {
        preValidation: guards.requireOperator(),
        schema: {
          tags: ['operator'],
          summary: 'Seal a checkpoint now (200 with the latest one when nothing new was committed)',
          response: { 200: CheckpointSchema, 201: CheckpointSchema, ...problemResponses(401, 403, 503) },
        },
      },
      async (request, reply) => {
        const { checkpoint, created } = await publicBooks.seal(userOf(request).tenantId);
        return reply.code(created ? 201 : 200).send(published(checkpoint));
      },
    );

    app.get(
      '/v1/me/transactions/:transactionId/proof',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['wallet'],
          summary: 'Proof that a history item is in the public books (referenceId of /v1/me/transactions)',
          params: Type.Object({ transactionId: Type.String({ minLength: 1, maxLength: 128 }) }),
          response: { 200: ProofAnswerSchema, ...problemResponses(401, 404, 409) },
        },
      },
      async (request) => {
        const principal = userOf(request);
        return publicBooks.proofFor(principal.tenantId, principal.userId, request.params.transactionId);
      },
    );
  };
}
