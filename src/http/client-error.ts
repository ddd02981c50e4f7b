import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors.js';
import { PROBLEM_CONTENT_TYPE, problemOf } from './problem.js';

/** What Node's HTTP parser refused, by its error code; anything else is a request it could not read. */
function parserRefusalOf(code: string | undefined): DomainError {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new DomainError({
      code: 'REQUEST_TIMEOUT',
      httpStatus: 408,
      message: 'the request did not arrive in time',
      messageKo: '요청이 제때 도착하지 않았습니다',
    });
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new DomainError({
      code: 'HEADERS_TOO_LARGE',
      httpStatus: 431,
      message: 'the request headers are too large',
      messageKo: '요청 헤더가 너무 큽니다',
    });
  }
  return new DomainError({
    code: 'MALFORMED_REQUEST',
    httpStatus: 400,
    message: 'the request could not be read as HTTP (raw non-ASCII bytes in the URL must be percent-encoded)',
    messageKo: '요청을 HTTP로 읽을 수 없습니다(주소의 한글 등 ASCII가 아닌 문자는 퍼센트 인코딩해야 합니다)',
  });
}

/**
 * Requests Node's parser refuses before Fastify sees them (raw UTF-8 in the request line, headers
 * too large) get the same problem body as every other error, then the connection closes, as
 * Fastify's default does; a socket already gone gets nothing.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal = parserRefusalOf(error.code);
  this.log.trace({ err: error }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(problemOf(refusal));
    socket.end(
      [
        `HTTP/1.1 ${refusal.httpStatus} ${STATUS_CODES[refusal.httpStatus]}`,
        `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        'X-Content-Type-Options: nosniff',
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
    return;
  }
  socket.destroy(error);
}
