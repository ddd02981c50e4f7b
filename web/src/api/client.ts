import createClient, { type Middleware } from 'openapi-fetch';
import { apiErrorOf, networkError } from './problem.js';
import type { paths } from './schema.js';

/**
 * What every request carries besides the session, which is an HttpOnly cookie the browser sends and
 * no script can read: for which merchant, in which language, and the CSRF token changes need.
 */
interface Credentials {
  signedIn: boolean;
  merchantId: string | null;
  /** The city of a branded page (by host name or ?tenant=); null: the server's default city. */
  tenantId: string | null;
  language: string;
  onUnauthorized: () => void;
}

const credentials: Credentials = {
  signedIn: false,
  merchantId: null,
  tenantId: null,
  language: 'ko',
  onUnauthorized: () => undefined,
};

export function setCredentials(update: Partial<Credentials>): void {
  Object.assign(credentials, update);
}

const MERCHANT_PATH_PREFIX = '/v1/merchant/';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CSRF_TOKEN_PATH = '/v1/sessions/csrf-token';

/** Fetched once per page load (and again after a sign-in, which starts a new secret). */
let csrfToken: Promise<string> | null = null;

export function forgetCsrfToken(): void {
  csrfToken = null;
}

async function currentCsrfToken(origin: string): Promise<string> {
  csrfToken ??= fetch(`${origin}${CSRF_TOKEN_PATH}`, { credentials: 'same-origin' })
    .then((response) => response.json() as Promise<{ csrfToken: string }>)
    .then((body) => body.csrfToken)
    .catch((error: unknown) => {
      csrfToken = null;
      throw error;
    });
  return csrfToken;
}

const credentialsMiddleware: Middleware = {
  async onRequest({ request }) {
    request.headers.set('accept-language', credentials.language);
    if (credentials.tenantId) request.headers.set('x-tenant-id', credentials.tenantId);
    if (credentials.signedIn && !SAFE_METHODS.has(request.method))
      request.headers.set('x-csrf-token', await currentCsrfToken(new URL(request.url).origin));
    // An owner of several shops chooses which one a merchant request acts for.
    const path = new URL(request.url).pathname;
    if (credentials.merchantId && path.startsWith(MERCHANT_PATH_PREFIX)) {
      request.headers.set('x-merchant-id', credentials.merchantId);
    }
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && credentials.signedIn) credentials.onUnauthorized();
    return response;
  },
};

/** The one typed API client: every call's path, parameters and bodies are checked against openapi.json. */
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? 'http://127.0.0.1' });
api.use(credentialsMiddleware);

interface FetchResult<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/** The response body of a successful call, or an ApiError that says what went wrong in both languages. */
export async function call<Data>(request: Promise<FetchResult<Data>>): Promise<Data> {
  let result: FetchResult<Data>;
  try {
    result = await request;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw networkError();
  }
  if (!result.response.ok) throw apiErrorOf(result.response.status, result.error);
  return result.data as Data;
}

/** Like `call`, with the response, for the headers (the server's Date, for countdowns). */
export async function callWithResponse<Data>(
  request: Promise<FetchResult<Data>>,
): Promise<{ data: Data; response: Response }> {
  let response: Response | undefined;
  const data = await call(
    request.then((result) => {
      response = result.response;
      return result;
    }),
  );
  return { data, response: response as Response };
}

/** The payment PIN header of every spending route; none for a member who has not set a PIN. */
export function pinHeader(pin: string | null): { 'x-payment-pin'?: string } {
  return pin ? { 'x-payment-pin': pin } : {};
}
