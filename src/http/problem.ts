import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.js';

/** RFC 9457 problem details, with the stable `code` clients branch on and messages in both languages. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  messages: { en: string; ko: string };
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemOf(error: DomainError, instance?: string): Problem {
  // Details first: they may add fields but never overwrite the standard ones.
  return {
    ...(error.details ?? {}),
    type: `https://hanbat.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: error.code,
    status: error.httpStatus,
    code: error.code,
    detail: error.message,
    messages: { en: error.message, ko: error.messageKo },
    ...(instance ? { instance } : {}),
  };
}

function prefersKorean(request: FastifyRequest): boolean {
  return /^ko\b/i.test(request.headers['accept-language'] ?? '');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: DomainError): FastifyReply {
  const problem = problemOf(error, request.url);
  if (prefersKorean(request)) problem.detail = error.messageKo;
  return reply.code(error.httpStatus).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** Client mistakes get their message; server faults are logged in full and answered generically. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) return sendProblem(request, reply, error);
    if (error.validation) {
      return sendProblem(
        request,
        reply,
        new DomainError({
          code: 'INVALID_INPUT',
          httpStatus: 400,
          message: `invalid request: ${error.message}`,
          messageKo: '요청 형식이 올바르지 않습니다',
          details: {
            errors: error.validation.map((item) => ({ path: item.instancePath, message: item.message })),
          },
        }),
      );
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return sendProblem(
        request,
        reply,
        new DomainError({
          code: error.code && /^[A-Z0-9_]+$/.test(error.code) ? error.code : 'BAD_REQUEST',
          httpStatus: status,
          message: error.message,
          messageKo: '요청을 처리할 수 없습니다',
        }),
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      request,
      reply,
      new DomainError({
        code: 'INTERNAL_ERROR',
        httpStatus: 500,
        message: 'an internal error occurred; it has been logged',
        messageKo: '내부 오류가 발생했습니다. 기록되었습니다',
      }),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new DomainError({
        code: 'NOT_FOUND',
        httpStatus: 404,
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
        messageKo: '요청한 경로가 없습니다',
      }),
    ),
  );
}
