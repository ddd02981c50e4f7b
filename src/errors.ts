/**
 * The one domain error type. `code` is stable and part of the API contract; messages are for people,
 * in Korean and English. HTTP status is carried here so the HTTP layer maps it once.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly messageKo: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(args: {
    code: string;
    httpStatus: number;
    message: string;
    messageKo: string;
    details?: Record<string, unknown>;
  }) {
    super(args.message);
    this.name = 'DomainError';
    this.code = args.code;
    this.httpStatus = args.httpStatus;
    this.messageKo = args.messageKo;
    this.details = args.details;
  }
}

export function invalidInput(
  message: string,
  messageKo: string,
  details?: Record<string, unknown>,
): DomainError {
  return new DomainError({ code: 'INVALID_INPUT', httpStatus: 400, message, messageKo, details });
}

export function notFound(what: string, whatKo: string): DomainError {
  return new DomainError({
    code: 'NOT_FOUND',
    httpStatus: 404,
    message: `${what} not found`,
    messageKo: `${whatKo}을(를) 찾을 수 없습니다`,
  });
}

/** Text PostgreSQL or JSON cannot hold (see storable-text.ts), at `path` of the request. */
export function unstorableText(path: string): DomainError {
  return new DomainError({
    code: 'UNSTORABLE_TEXT',
    httpStatus: 400,
    message: `${path} contains a character that cannot be stored (a NUL byte or an unpaired surrogate)`,
    messageKo: `${path}에 저장할 수 없는 문자(NUL 또는 짝이 없는 서로게이트)가 있습니다`,
    details: { path },
  });
}

/** A client mistake like any other bad field (INVALID_INPUT), with the `path` and `field` it was found at. */
export function hiddenControlText(path: string): DomainError {
  const field = path.replace(/^(body|query|params)\/?/, '');
  return invalidInput(
    `${path} contains a control or text-direction character that would change how it reads on screen`,
    `${path}에 화면 표시를 바꾸는 제어 문자 또는 방향 전환 문자가 있습니다`,
    {
      path,
      field,
      reason: 'CONTROL_CHARACTER',
      errors: [{ path: `/${field}`, message: 'must not contain control or text-direction characters' }],
    },
  );
}
