import { setTimeout as sleep } from 'node:timers/promises';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import {
  BankErrorSchema,
  type TransferKind,
  type TransferOutcomeBody,
  TransferOutcomeSchema,
  type TransferRequestBody,
} from './bank-api.js';
import type { BankGateway, BankOutcome, BankTransferRequest } from './bank-gateway.js';

export interface HttpBankGatewayOptions {
  baseUrl: string;
  /** Per attempt, covering the connection, the request and reading the answer. */
  timeoutMs: number;
  attemptsMax?: number;
  backoffMsBase?: number;
  backoffMsMax?: number;
}

export const BANK_ATTEMPTS_MAX = 3;
const BACKOFF_MS_BASE = 100;
const BACKOFF_MS_MAX = 2_000;

/** What one exchange with the bank produced: an HTTP answer, or nothing we can trust. */
type Answer = { kind: 'http'; status: number; body: unknown } | { kind: 'unreachable'; reason: string };

/**
 * BankGateway over the sandbox bank's open-banking style API. Every attempt of one call carries the
 * same Idempotency-Key, so a retry after a timeout or a lost answer can only return the original
 * outcome, never move money twice. When every attempt fails the outcome is `unknown`, and the
 * reconciliation job asks the bank later.
 */
export class HttpBankGateway implements BankGateway {
  private readonly attemptsMax: number;
  /** Ends in a slash, so relative paths keep a base path such as `https://bank.example/api/v1/`. */
  private readonly baseUrl: URL;

  constructor(private readonly options: HttpBankGatewayOptions) {
    this.attemptsMax = options.attemptsMax ?? BANK_ATTEMPTS_MAX;
    this.baseUrl = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    if (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs <= 0)
      throw new Error('the bank timeout must be a positive whole number of ms');
    if (!Number.isSafeInteger(this.attemptsMax) || this.attemptsMax < 1 || this.attemptsMax > 10)
      throw new Error('bank attempts must be 1-10');
  }

  /** The longest one call can take, retries included: callers wait at least this long before asking again. */
  get callMsMax(): number {
    const backoffMsMax = this.options.backoffMsMax ?? BACKOFF_MS_MAX;
    return this.attemptsMax * this.options.timeoutMs + (this.attemptsMax - 1) * backoffMsMax;
  }

  withdraw(request: BankTransferRequest): Promise<BankOutcome> {
    return this.transfer('withdrawal', request);
  }

  deposit(request: BankTransferRequest): Promise<BankOutcome> {
    return this.transfer('deposit', request);
  }

  async lookup(idempotencyKey: string): Promise<BankOutcome | null> {
    const answer = await this.call('GET', `transfers/${encodeURIComponent(idempotencyKey)}`);
    if (answer.kind === 'unreachable') return { status: 'unknown', reason: answer.reason };
    if (answer.status === 404 && bankErrorCode(answer.body) === 'TRANSFER_NOT_FOUND') return null;
    return this.outcomeOf(answer, idempotencyKey, [200]);
  }

  async abandon(idempotencyKey: string): Promise<BankOutcome> {
    const answer = await this.call('POST', `transfers/${encodeURIComponent(idempotencyKey)}/abandon`);
    if (answer.kind === 'unreachable') return { status: 'unknown', reason: answer.reason };
    return this.outcomeOf(answer, idempotencyKey, [200]);
  }

  private async transfer(kind: TransferKind, request: BankTransferRequest): Promise<BankOutcome> {
    const body: TransferRequestBody = {
      account: request.account,
      amountWon: request.amountWon,
      memo: request.memo,
      ...(request.tenantId ? { tenantId: request.tenantId } : {}),
    };
    const answer = await this.call('POST', `${kind}s`, { key: request.idempotencyKey, body });
    if (answer.kind === 'unreachable') return { status: 'unknown', reason: answer.reason };
    if (answer.status === 400)
      return {
        status: 'failed',
        code: 'REJECTED',
        message: `the bank refused the request: ${messageOf(answer)}`,
      };
    return this.outcomeOf(answer, request.idempotencyKey, [200, 422]);
  }

  /**
   * An answer outside the API contract (a conflicting key, a wrong URL, a garbled body) is a
   * programmer or deployment mistake: it throws instead of guessing, and the charge stays pending.
   */
  private outcomeOf(answer: Answer & { kind: 'http' }, key: string, statuses: number[]): BankOutcome {
    if (!statuses.includes(answer.status) || !matches(TransferOutcomeSchema, answer.body))
      throw new Error(`bank answered ${answer.status} for ${key}: ${messageOf(answer)}`);
    const outcome: TransferOutcomeBody = answer.body;
    if (outcome.idempotencyKey !== key)
      throw new Error(`bank answered for ${outcome.idempotencyKey}, not ${key}`);
    return outcome.status === 'succeeded'
      ? { status: 'succeeded', bankTransactionId: outcome.bankTransactionId }
      : { status: 'failed', code: outcome.code, message: outcome.message };
  }

  /** Bounded attempts with jittered exponential backoff; only answers that may change are retried. */
  private async call(method: 'GET' | 'POST', path: string, payload?: { key: string; body: unknown }) {
    let answer: Answer = { kind: 'unreachable', reason: 'not attempted' };
    for (let attempt = 1; attempt <= this.attemptsMax; attempt++) {
      answer = await this.attempt(method, path, payload);
      if (!isRetryable(answer)) return answer;
      if (attempt < this.attemptsMax) await sleep(this.backoffMs(attempt));
    }
    return answer.kind === 'http'
      ? ({ kind: 'unreachable', reason: `bank answered ${answer.status} ${this.attemptsMax} times` } as const)
      : answer;
  }

  private async attempt(
    method: 'GET' | 'POST',
    path: string,
    payload: { key: string; body: unknown } | undefined,
  ): Promise<Answer> {
    try {
      const response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: payload ? { 'content-type': 'application/json', 'idempotency-key': payload.key } : {},
        body: payload ? JSON.stringify(payload.body) : undefined,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await response.text();
      return { kind: 'http', status: response.status, body: parseJson(text) };
    } catch (error) {
      return { kind: 'unreachable', reason: reasonOf(error) };
    }
  }

  private backoffMs(attempt: number): number {
    const capMs = Math.min(
      this.options.backoffMsMax ?? BACKOFF_MS_MAX,
      (this.options.backoffMsBase ?? BACKOFF_MS_BASE) * 2 ** (attempt - 1),
    );
    // Full jitter: concurrent callers retrying after one outage do not hit the bank in step.
    return Math.floor(Math.random() * capMs);
  }
}

/** 5xx, 408 and 429 say "not now"; everything else is the bank's answer. */
function isRetryable(answer: Answer): boolean {
  if (answer.kind === 'unreachable') return true;
  return answer.status >= 500 || answer.status === 408 || answer.status === 429;
}

function matches<T extends TSchema>(schema: T, value: unknown): value is Static<T> {
  return Value.Check(schema, value);
}

function bankErrorCode(body: unknown): string | undefined {
  return matches(BankErrorSchema, body) ? body.code : undefined;
}

function messageOf(answer: Answer & { kind: 'http' }): string {
  return matches(BankErrorSchema, answer.body) ? answer.body.message : `HTTP ${answer.status}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return 'the bank did not answer in time';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `the bank could not be reached: ${cause?.code ?? cause?.message ?? String(error)}`;
}
