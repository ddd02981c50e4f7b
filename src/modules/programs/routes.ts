import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { CursorKey, cursorCodec } from '../../http/cursor.js';
import { PageQuerySchema } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { maskPhone } from '../members/phone.js';
import { IdempotencyHeaders } from '../wallets/schemas.js';
import { decodeCsvBytes } from './csv.js';
import { ProgramErrors } from './errors.js';
import { IMPORT_BYTES_MAX, IMPORT_ROWS_MAX } from './program-service.js';
import {
  CsvBodySchema,
  ImportQuerySchema,
  ImportReportSchema,
  MemberProgramSchema,
  memberProgramJson,
  NewProgramSchema,
  NextCursorSchema,
  ProgramParams,
  ProgramSchema,
  programJson,
  RecipientSchema,
  ReportSchema,
  recipientJson,
  reportJson,
} from './schemas.js';

const PAGE_LIMIT_DEFAULT = 20;

const programCursor = cursorCodec({ createdAt: CursorKey.instant, id: CursorKey.text });
const recipientCursor = cursorCodec({ memberId: CursorKey.text });

/** Policy payments: operators run programmes; members see theirs and apply. */
export function programRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(operatorRoutes(platform));
    await app.register(importRoutes(platform));
    await app.register(memberRoutes(platform));
  };
}

function operatorRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { programs, guards, idempotency, policy, clock } = platform;
  const writer = guards.requireOperator('policy_admin');
  const reader = guards.requireOperator('policy_admin', 'auditor');
  return async (app) => {
    app.post(
      '/v1/operator/programs',
      {
        preValidation: writer,
        schema: {
          tags: ['programs', 'operator'],
          summary: 'Create a policy programme (정책발행) and fund its pool from national/city funds',
          description:
            'The whole budget moves from the funding sources into the programme pool in one ledger transfer, so disbursement can never exceed it. Idempotent by Idempotency-Key.',
          headers: IdempotencyHeaders,
          body: NewProgramSchema,
          response: { 201: ProgramSchema, ...problemResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const body = request.body;
        await policy.assertAmountWithin(
          tenantId,
          'public_funding_per_request_max_won',
          body.budgetWon,
          clock.now(),
        );
        return idempotency.run(request, reply, { tenantId, principalId: userId }, async (tx) => {
          const program = await programs.create(tx, tenantId, userId, {
            ...body,
            usableFrom: new Date(body.usableFrom),
            expiresAt: new Date(body.expiresAt),
          });
          return { statusCode: 201, body: programJson(program) };
        });
      },
    );

    app.get(
      '/v1/operator/programs',
      {
        preValidation: reader,
        schema: {
          tags: ['programs', 'operator'],
          summary: 'Programmes, newest first, with disbursement progress',
          querystring: PageQuerySchema,
          response: {
            200: Type.Object({ items: Type.Array(ProgramSchema), nextCursor: NextCursorSchema }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const limit = request.query.limit ?? PAGE_LIMIT_DEFAULT;
        const after = programCursor.decode(request.query.cursor);
        const page = await programs.list(tenantId, after, limit + 1);
        const items = page.slice(0, limit);
        const last = items.at(-1);
        return {
          items: items.map(programJson),
          nextCursor:
            page.length > limit && last
              ? programCursor.encode({ createdAt: last.createdAt.toISOString(), id: last.id })
              : null,
        };
      },
    );

    app.get(
      '/v1/operator/programs/:programId',
      {
        preValidation: reader,
        schema: {
          tags: ['programs', 'operator'],
          summary: 'A programme with its disbursement progress (poll while a disbursement runs)',
          params: ProgramParams,
          response: { 200: ProgramSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => programJson(await programs.get(userOf(request).tenantId, request.params.programId)),
    );

    app.get(
      '/v1/operator/programs/:programId/recipients',
      {
        preValidation: reader,
        schema: {
          tags: ['programs', 'operator'],
          summary: 'The recipient list, in member order',
          params: ProgramParams,
          querystring: PageQuerySchema,
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Intersect([
                  RecipientSchema,
                  Type.Object({
                    name: Type.String({ description: "the member's name, as operators read the list" }),
                    phoneMasked: Type.String({ description: '010-****-5678' }),
                  }),
                ]),
              ),
              nextCursor: NextCursorSchema,
            }),
            ...problemResponses(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const limit = request.query.limit ?? PAGE_LIMIT_DEFAULT;
        const after = recipientCursor.decode(request.query.cursor);
        const page = await programs.listRecipients(
          tenantId,
          request.params.programId,
          after?.memberId ?? null,
          limit + 1,
        );
        const items = page.slice(0, limit);
        const last = items.at(-1);
        return {
          items: await Promise.all(
            items.map(async (recipient) => {
              const member = await platform.members.getMember(tenantId, recipient.memberId);
              return {
                ...recipientJson(recipient),
                name: member?.name ?? '',
                phoneMasked: maskPhone(member?.phone ?? ''),
              };
            }),
          ),
          nextCursor:
            page.length > limit && last ? recipientCursor.encode({ memberId: last.memberId }) : null,
        };
      },
    );

    app.post(
      '/v1/operator/programs/:programId/disbursements',
      {
        preValidation: writer,
        schema: {
          tags: ['programs', 'operator'],
          summary: 'Pay every unpaid recipient; runs in the background, poll the programme for progress',
          description:
            'Idempotent: each recipient is paid once however often this is called; a call while a run is going changes nothing. Paid in batches of 500 per transaction; a run cut short (crash, restart) is continued by the programs.disburse job.',
          params: ProgramParams,
          response: { 202: ProgramSchema, ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const program = await programs.disburse(tenantId, userId, request.params.programId);
        return reply.code(202).send(programJson(program));
      },
    );

    app.get(
      '/v1/operator/programs/:programId/report',
      {
        preValidation: reader,
        schema: {
          tags: ['programs', 'operator'],
          summary: 'Recipients, disbursed, spent by district and industry, reclaimed and what remains',
          params: ProgramParams,
          response: { 200: ReportSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) =>
        reportJson(await programs.report(userOf(request).tenantId, request.params.programId)),
    );
  };
}

/**
 * The recipient file is the request body as `text/csv`, which a browser sends with
 * `fetch(url, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file })`.
 * The operator guard runs on request, before a large body is read.
 */
function importRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { programs, guards } = platform;
  return async (app) => {
    app.addContentTypeParser(
      'text/csv',
      { parseAs: 'buffer', bodyLimit: IMPORT_BYTES_MAX },
      (request, body, done) => done(null, decodeCsvBytes(body as Buffer, request.headers['content-type'])),
    );
    app.setErrorHandler((error) => {
      if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        throw ProgramErrors.csvTooLarge(IMPORT_BYTES_MAX);
      throw error;
    });
    app.post(
      '/v1/operator/programs/:programId/recipients',
      {
        onRequest: guards.requireOperator('policy_admin'),
        bodyLimit: IMPORT_BYTES_MAX,
        schema: {
          tags: ['programs', 'operator'],
          summary: 'Import recipients from a CSV file, with a row-by-row validation report',
          description: `Body: text/csv as Korean Excel saves it: UTF-8 (with or without BOM) or CP949/EUC-KR (said by charset, or found when the bytes are not UTF-8); header line first (전화번호, 금액 or phone, amountWon). Columns: phone (010-1234-5678) or memberId, and amountWon (optional when the programme has a default amount). At most ${IMPORT_ROWS_MAX} rows and ${IMPORT_BYTES_MAX} bytes per file. Each bad row is reported with its line and reason; a file with any bad row imports nothing unless importValidRows=true.`,
          consumes: ['text/csv'],
          params: ProgramParams,
          querystring: ImportQuerySchema,
          body: CsvBodySchema,
          response: { 200: ImportReportSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return programs.importRecipients(tenantId, userId, request.params.programId, request.body, {
          importValidRows: request.query.importValidRows ?? false,
        });
      },
    );
  };
}

function memberRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { programs, guards } = platform;
  return async (app) => {
    app.get(
      '/v1/me/programs',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['programs'],
          summary: 'Programmes you are eligible for or received, with what is left of each grant',
          response: {
            200: Type.Object({ items: Type.Array(MemberProgramSchema) }),
            ...problemResponses(401, 403),
          },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return { items: (await programs.memberPrograms(tenantId, userId)).map(memberProgramJson) };
      },
    );

    app.post(
      '/v1/me/programs/:programId/application',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['programs'],
          summary: 'Apply to a programme that requires it; the grant is paid at once',
          description:
            '201 when this call paid the grant, 200 when you had already applied (nothing is paid twice).',
          params: ProgramParams,
          response: {
            200: MemberProgramSchema,
            201: MemberProgramSchema,
            ...problemResponses(401, 403, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const { program, applied } = await programs.apply(tenantId, userId, request.params.programId);
        return reply.code(applied ? 201 : 200).send(memberProgramJson(program));
      },
    );
  };
}
