import { hash, verify } from '@node-rs/argon2';
import type { Clock } from '../../clock.js';
import { type Database, transactionWithRetry } from '../../db/database.js';
import { GroupCommit, type GroupCommitOptions } from '../../db/group-commit.js';
import { DomainError } from '../../errors.js';
import type { PolicyService } from '../policy/policy-service.js';

const ARGON2ID = 2;
const PIN_PATTERN = /^\d{6}$/;
const MINUTE_MS = 60_000;

export interface PinStatus {
  isSet: boolean;
  attemptsLeft: number | null;
  lockedUntil: Date | null;
}

/**
 * PIN lookups that arrive together share one query, as session lookups do: every payment, transfer
 * and refund makes one, and on the embedded database each query waits its turn for the one
 * connection, spreading the payments that follow over many small batches.
 */
const PIN_LOOKUP_BATCHING: GroupCommitOptions = {
  waitMsMax: 1,
  batchSizeMax: 256,
  queuedMax: 20_000,
  inFlightMax: 2,
};

interface PinRow {
  member_id: string;
  pin_hash: string;
  failed_attempts: number;
  locked_until: Date | null;
}

/**
 * The payment PIN (결제 비밀번호): six digits, hashed with argon2id like passwords. A member who has
 * set one must give it for payments, transfers and refunds; wrong PINs count, and after the rule
 * value `payment_pin_attempts_max` wrong ones in a row the PIN is locked for
 * `payment_pin_lockout_minutes`. A member without a PIN is not asked (API clients that predate it keep
 * working); the web app sets one at the first payment.
 */
export class PaymentPinService {
  private readonly lookups = new GroupCommit<string, PinRow | undefined>(
    (tenantId, memberIds) => this.rows(tenantId, memberIds),
    PIN_LOOKUP_BATCHING,
  );

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
  ) {}

  async status(tenantId: string, memberId: string): Promise<PinStatus> {
    const row = await this.row(tenantId, memberId);
    if (!row) return { isSet: false, attemptsLeft: null, lockedUntil: null };
    const attemptsMax = await this.policy.ruleValue(tenantId, 'payment_pin_attempts_max', this.clock.now());
    const locked = this.lockedUntil(row);
    return {
      isSet: true,
      attemptsLeft: locked ? 0 : Math.max(0, attemptsMax - row.failed_attempts),
      lockedUntil: locked,
    };
  }

  /** Sets the first PIN, or changes it when `currentPin` is right (a wrong one counts as a failed attempt). */
  async setPin(tenantId: string, memberId: string, pin: string, currentPin?: string): Promise<PinStatus> {
    if (!PIN_PATTERN.test(pin)) throw PinErrors.invalid();
    const existing = await this.row(tenantId, memberId);
    if (existing) {
      if (currentPin === undefined) throw PinErrors.required();
      await this.verify(tenantId, memberId, currentPin);
    }
    const pinHash = await hash(pin, { algorithm: ARGON2ID });
    await this.db.query(
      `insert into member_payment_pins (tenant_id, member_id, pin_hash, updated_at) values ($1, $2, $3, $4)
       on conflict (tenant_id, member_id) do update set pin_hash = $3, failed_attempts = 0, locked_until = null, updated_at = $4`,
      [tenantId, memberId, pinHash, this.clock.now()],
    );
    return this.status(tenantId, memberId);
  }

  /**
   * The gate of payments, transfers and refunds: passes when the member has no PIN, or when `pin` is
   * right; otherwise refuses with PAYMENT_PIN_REQUIRED, PAYMENT_PIN_INCORRECT (attempts left) or
   * PAYMENT_PIN_LOCKED (until when). Counting runs under the row lock, so concurrent guesses each count.
   */
  async verify(tenantId: string, memberId: string, pin: string | undefined): Promise<void> {
    const row = await this.row(tenantId, memberId);
    if (!row) return;
    const lockedUntil = this.lockedUntil(row);
    if (lockedUntil) throw PinErrors.locked(lockedUntil);
    if (pin === undefined || pin === '') throw PinErrors.required();
    const right = PIN_PATTERN.test(pin) && (await verify(row.pin_hash, pin));
    await (right ? this.clearFailures(tenantId, memberId) : this.countFailure(tenantId, memberId));
  }

  private async clearFailures(tenantId: string, memberId: string): Promise<void> {
    await this.db.query(
      `update member_payment_pins set failed_attempts = 0, locked_until = null
       where tenant_id = $1 and member_id = $2 and failed_attempts > 0`,
      [tenantId, memberId],
    );
  }

  private async countFailure(tenantId: string, memberId: string): Promise<never> {
    const now = this.clock.now();
    const attemptsMax = await this.policy.ruleValue(tenantId, 'payment_pin_attempts_max', now);
    const lockoutMinutes = await this.policy.ruleValue(tenantId, 'payment_pin_lockout_minutes', now);
    const failed = await transactionWithRetry(this.db, async (tx) => {
      const [row] = await tx.query<{ failed_attempts: number }>(
        `update member_payment_pins set failed_attempts = failed_attempts + 1
         where tenant_id = $1 and member_id = $2 returning failed_attempts`,
        [tenantId, memberId],
      );
      const attempts = row?.failed_attempts ?? 0;
      if (attempts < attemptsMax) return { attempts, lockedUntil: null };
      const lockedUntil = new Date(now.getTime() + lockoutMinutes * MINUTE_MS);
      await tx.query(
        `update member_payment_pins set failed_attempts = 0, locked_until = $3 where tenant_id = $1 and member_id = $2`,
        [tenantId, memberId, lockedUntil],
      );
      return { attempts, lockedUntil };
    });
    if (failed.lockedUntil) throw PinErrors.locked(failed.lockedUntil);
    throw PinErrors.incorrect(attemptsMax - failed.attempts);
  }

  private lockedUntil(row: PinRow): Date | null {
    return row.locked_until && row.locked_until.getTime() > this.clock.now().getTime()
      ? row.locked_until
      : null;
  }

  /** The member's PIN row as it is now: read by a query that starts after this call. */
  private row(tenantId: string, memberId: string): Promise<PinRow | undefined> {
    return this.lookups.submit(tenantId, memberId);
  }

  private async rows(tenantId: string, memberIds: readonly string[]) {
    const rows = await this.db.query<PinRow>(
      `select member_id, pin_hash, failed_attempts, locked_until from member_payment_pins
       where tenant_id = $1 and member_id = any($2::text[])`,
      [tenantId, [...new Set(memberIds)]],
    );
    const byMember = new Map(rows.map((row) => [row.member_id, row]));
    return memberIds.map((memberId) => ({ ok: true as const, value: byMember.get(memberId) }));
  }
}

export const PinErrors = {
  invalid: () =>
    new DomainError({
      code: 'PAYMENT_PIN_INVALID',
      httpStatus: 400,
      message: 'a payment PIN is six digits',
      messageKo: '결제 비밀번호는 숫자 6자리입니다',
    }),
  required: () =>
    new DomainError({
      code: 'PAYMENT_PIN_REQUIRED',
      httpStatus: 403,
      message: 'enter your payment PIN (header x-payment-pin)',
      messageKo: '결제 비밀번호를 입력해 주세요',
    }),
  incorrect: (attemptsLeft: number) =>
    new DomainError({
      code: 'PAYMENT_PIN_INCORRECT',
      httpStatus: 403,
      message: `the payment PIN is wrong; ${attemptsLeft} attempts left before it locks`,
      messageKo: `결제 비밀번호가 틀렸습니다. ${attemptsLeft}번 더 틀리면 잠깁니다`,
      details: { attemptsLeft },
    }),
  locked: (lockedUntil: Date) =>
    new DomainError({
      code: 'PAYMENT_PIN_LOCKED',
      httpStatus: 423,
      message: `too many wrong payment PINs; locked until ${lockedUntil.toISOString()}`,
      messageKo: '결제 비밀번호를 여러 번 틀려 잠겼습니다. 잠시 후 다시 시도해 주세요',
      details: { lockedUntil: lockedUntil.toISOString() },
    }),
};
