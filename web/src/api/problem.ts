import type { Language } from '../i18n/format.js';

/** The RFC 9457 body every API error carries: a stable code and the message in both languages. */
export interface ProblemBody {
  status: number;
  code: string;
  detail?: string;
  messages?: { en: string; ko: string };
  [extension: string]: unknown;
}

/** The code of a request the API's schema refused; its `errors[]` name the fields (`path: "/stock"`). */
const INVALID_INPUT = 'INVALID_INPUT';

/** Codes the client itself raises when no problem body could be read. */
export const CLIENT_ERROR_CODES = { network: 'NETWORK_ERROR', unreadable: 'UNREADABLE_RESPONSE' } as const;

/** An API refusal or a failure to reach the API, carrying what a person should read. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messages: { en: string; ko: string } | null;
  readonly problem: ProblemBody | null;

  constructor(
    status: number,
    code: string,
    messages: { en: string; ko: string } | null,
    problem?: ProblemBody,
  ) {
    super(messages?.en ?? code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.messages = messages;
    this.problem = problem ?? null;
  }

  /** The server's own sentence in the reader's language, when it sent one. */
  messageIn(language: Language): string | null {
    return this.messages?.[language] ?? null;
  }

  /**
   * The fields a schema refusal (INVALID_INPUT) names, as the form calls them: `/stock` → `stock`,
   * `/tiers/0/upTo` → `tiers.0.upTo`; none for any other refusal.
   */
  get invalidFields(): string[] {
    const failures = this.code === INVALID_INPUT ? this.problem?.errors : undefined;
    if (!Array.isArray(failures)) return [];
    return failures.flatMap((failure: unknown) => {
      const path = (failure as { path?: unknown } | null)?.path;
      const field = typeof path === 'string' ? path.replace(/^\//, '').replaceAll('/', '.') : '';
      return field ? [field] : [];
    });
  }

  /** Whether the server may have acted before the failure: the same request must be retried as is. */
  get outcomeUnknown(): boolean {
    return this.code === CLIENT_ERROR_CODES.network || this.status >= 500;
  }
}

function isProblemBody(body: unknown): body is ProblemBody {
  return typeof body === 'object' && body !== null && typeof (body as ProblemBody).code === 'string';
}

export function apiErrorOf(status: number, body: unknown): ApiError {
  if (!isProblemBody(body)) return new ApiError(status, CLIENT_ERROR_CODES.unreadable, null);
  const messages =
    body.messages && typeof body.messages.en === 'string' && typeof body.messages.ko === 'string'
      ? body.messages
      : null;
  return new ApiError(status, body.code, messages, body);
}

export function networkError(): ApiError {
  return new ApiError(0, CLIENT_ERROR_CODES.network, null);
}
