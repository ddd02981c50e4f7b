import { Value } from 'typebox/value';
import type { Clock } from '../../clock.js';
import { DomainError } from '../../errors.js';
import type { WalletService } from '../wallets/wallet-service.js';
import { type CallbackEvent, CallbackEventSchema } from './bank-api.js';
import type { BankOutcome } from './bank-gateway.js';
import { ReplayGuard } from './replay-guard.js';
import { SIGNATURE_TOLERANCE_MS, type SignatureCheck, verifySignature } from './signature.js';

/** Charge ids (see WalletService.charge) are the idempotency keys of charge withdrawals. */
const CHARGE_ID_PREFIX = 'chg_';
const REPLAY_ENTRIES_MAX = 100_000;

export type CallbackResult = 'applied' | 'duplicate' | 'ignored';

export interface BankCallbackDeps {
  wallets: Pick<WalletService, 'completeCharge'>;
  clock: Clock;
  /** Without a secret no callback can be trusted, so every one is refused. */
  signingSecret: string | undefined;
}

/**
 * Receives the bank's signed settlement callbacks: verified on the raw body, recognised when seen
 * before, and applied through the same idempotent entry point as reconciliation. A callback only
 * speeds a pending charge up; one that is lost or refused is settled by the reconciliation job.
 */
export class BankCallbackReceiver {
  // Twice the window: a message stamped at the far edge of the future stays recognised until it is stale.
  private readonly replays = new ReplayGuard(2 * SIGNATURE_TOLERANCE_MS, REPLAY_ENTRIES_MAX);

  constructor(private readonly deps: BankCallbackDeps) {}

  async receive(
    headers: { timestamp: string | undefined; signature: string | undefined },
    rawBody: string,
  ): Promise<{ eventId: string; result: CallbackResult }> {
    const event = this.authenticate(headers, rawBody);
    const nowMs = this.deps.clock.now().getTime();
    if (this.replays.seen(event.eventId, nowMs)) return { eventId: event.eventId, result: 'duplicate' };
    const result = await this.apply(event);
    this.replays.remember(event.eventId, nowMs);
    return { eventId: event.eventId, result };
  }

  private authenticate(
    headers: { timestamp: string | undefined; signature: string | undefined },
    rawBody: string,
  ): CallbackEvent {
    const secret = this.deps.signingSecret;
    if (!secret) throw callbacksDisabled();
    const check = verifySignature({
      secret,
      timestampHeader: headers.timestamp,
      signatureHeader: headers.signature,
      rawBody,
      now: this.deps.clock.now(),
    });
    if (!check.ok) throw signatureRefused(check.reason);
    const event = parseJson(rawBody);
    if (!Value.Check(CallbackEventSchema, event)) throw malformedEvent();
    return event;
  }

  /** Deposits belong to refunds and settlement, which reconcile them with `lookup` themselves. */
  private async apply(event: CallbackEvent): Promise<CallbackResult> {
    const { kind, tenantId, outcome } = event.transfer;
    if (kind !== 'withdrawal' || !tenantId || !outcome.idempotencyKey.startsWith(CHARGE_ID_PREFIX))
      return 'ignored';
    await this.deps.wallets.completeCharge(tenantId, outcome.idempotencyKey, bankOutcomeOf(outcome));
    return 'applied';
  }
}

function bankOutcomeOf(outcome: CallbackEvent['transfer']['outcome']): BankOutcome {
  return outcome.status === 'succeeded'
    ? { status: 'succeeded', bankTransactionId: outcome.bankTransactionId }
    : { status: 'failed', code: outcome.code, message: outcome.message };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function signatureRefused(reason: (SignatureCheck & { ok: false })['reason']): DomainError {
  const stale = reason === 'STALE';
  return new DomainError({
    code: stale ? 'BANK_SIGNATURE_STALE' : 'BANK_SIGNATURE_INVALID',
    httpStatus: 401,
    message: stale
      ? 'the callback timestamp is outside the 5-minute window'
      : `the callback signature does not verify (${reason.toLowerCase().replaceAll('_', ' ')})`,
    messageKo: stale ? '콜백 시각이 허용 범위(5분)를 벗어났습니다' : '콜백 서명이 올바르지 않습니다',
  });
}

function malformedEvent(): DomainError {
  return new DomainError({
    code: 'INVALID_INPUT',
    httpStatus: 400,
    message: 'the callback body is not a bank event',
    messageKo: '콜백 본문 형식이 올바르지 않습니다',
  });
}

function callbacksDisabled(): DomainError {
  return new DomainError({
    code: 'BANK_CALLBACKS_DISABLED',
    httpStatus: 503,
    message: 'bank callbacks are not configured: set BANK_SIGNING_SECRET',
    messageKo: '은행 콜백이 설정되지 않았습니다',
  });
}
