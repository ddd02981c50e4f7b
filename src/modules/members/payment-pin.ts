import { hash, verify } from '@node-rs/argon2';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { GroupCommit, type GroupCommitOptions } from '../../db/group-commit.js';
import { DomainError } from '../../errors.js';
import { SerialByKey } from '../../serial-by-key.js';
import type { PolicyService } from '../policy/policy-service.js';

const ARGON2ID = 2;
const PIN_PATTERN = /^\d{6}$/;
const MINUTE_MS = 60_000;
/** Reservations tried when the PIN changes under one (a right PIN elsewhere); more is a refusal. */
const RESERVE_ROUNDS_MAX = 3;

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
  private readonly checks = new SerialByKey();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
  ) {}

  /**
   * `attemptsLeft` counts a check in flight as a wrong PIN until it proves right (see `verify`); after
   * a lock has run out, the next check starts a fresh count, so all attempts are left again.
   */
  async status(tenantId: string, memberId: string): Promise<PinStatus> {
    const row = await this.row(tenantId, memberId);
    if (!row) return { isSet: false, attemptsLeft: null, lockedUntil: null };
    const attemptsMax = await this.attemptsMax(tenantId, this.clock.now());
    const locked = this.lockedUntil(row);
    const lockRanOut = row.locked_until !== null && locked === null;
    return {
      isSet: true,
      attemptsLeft: locked ? 0 : lockRanOut ? attemptsMax : Math.max(0, attemptsMax - row.failed_attempts),
      lockedUntil: locked,
    };
  }

  /**
   * Sets the first PIN, or changes it when `currentPin` is right (a wrong one counts as a failed attempt).
   * Each write is conditional on the PIN the request checked against, so of requests racing one member
   * exactly one sets it: a first PIN set meanwhile makes the others PAYMENT_PIN_REQUIRED (a change needs
   * the current PIN), and a change made meanwhile makes the others PAYMENT_PIN_CHANGED.
   */
  async setPin(tenantId: string, memberId: string, pin: string, currentPin?: string): Promise<PinStatus> {
    if (!PIN_PATTERN.test(pin)) throw PinErrors.invalid();
    const existing = await this.row(tenantId, memberId);
    if (existing) {
      if (currentPin === undefined) throw PinErrors.required();
      await this.verify(tenantId, memberId, currentPin);
    }
    const pinHash = await hash(pin, { algorithm: ARGON2ID });
    const now = this.clock.now();
    if (!existing) {
      const inserted = await this.db.query(
        `insert into member_payment_pins (tenant_id, member_id, pin_hash, updated_at) values ($1, $2, $3, $4)
         on conflict (tenant_id, member_id) do nothing returning member_id`,
        [tenantId, memberId, pinHash, now],
      );
      if (inserted.length === 0) throw PinErrors.required();
    } else {
      const changed = await this.db.query(
        `update member_payment_pins set pin_hash = $4, failed_attempts = 0, locked_until = null, updated_at = $5
         where tenant_id = $1 and member_id = $2 and pin_hash = $3 returning member_id`,
        [tenantId, memberId, existing.pin_hash, pinHash, now],
      );
      if (changed.length === 0) throw PinErrors.changedMeanwhile();
    }
    return this.status(tenantId, memberId);
  }

  /**
   * The gate of payments, transfers and refunds: passes when the member has no PIN, or when `pin` is
   * right; otherwise refuses with PAYMENT_PIN_REQUIRED, PAYMENT_PIN_INCORRECT (attempts left) or
   * PAYMENT_PIN_LOCKED (until when).
   *
   * However checks arrive, at most `payment_pin_attempts_max` wrong PINs are checked before the lock:
   * each check first reserves an attempt in the database (`reserve`: one statement that counts it as a
   * failure, and that no check passes while the PIN is locked or every attempt is taken), and only then
   * runs argon2, with no transaction or connection held. A right PIN gives the attempt back by
   * clearing the count; a wrong one leaves it counted and locks the PIN when the count is full. Within
   * one process the checks of one member also run one at a time (`checks`), so each sees the count the
   * previous one left and concurrent right PINs never see each other's reservations.
   */
  async verify(tenantId: string, memberId: string, pin: string | undefined): Promise<void> {
    const row = await this.row(tenantId, memberId);
    if (!row) return;
    const lockedUntil = this.lockedUntil(row);
    if (lockedUntil) throw PinErrors.locked(lockedUntil);
    if (pin === undefined || pin === '') throw PinErrors.required();
    await this.checks.run(`${tenantId}\u0000${memberId}`, () => this.check(tenantId, memberId, pin));
  }

  private async check(tenantId: string, memberId: string, pin: string): Promise<void> {
    const now = this.clock.now();
    const attemptsMax = await this.attemptsMax(tenantId, now);
    const reserved = await this.reserve(tenantId, memberId, attemptsMax, now);
    if (!reserved) return; // no PIN any more
    const right = PIN_PATTERN.test(pin) && (await verify(reserved.pin_hash, pin));
    if (right) {
      await this.db.query(
        `update member_payment_pins set failed_attempts = 0, locked_until = null
         where tenant_id = $1 and member_id = $2 and (failed_attempts > 0 or locked_until is not null)`,
        [tenantId, memberId],
      );
      return;
    }
    throw await this.countedFailure(tenantId, memberId, attemptsMax, reserved.failed_attempts);
  }

  /**
   * Takes one attempt, counted as a failure from now until the PIN proves right, and the PIN's hash
   * to check it against; refuses with PAYMENT_PIN_LOCKED while the PIN is locked or its attempts are
   * all taken. Undefined when the member has no PIN.
   *
   * A lock that has run out is cleared by the reservation itself, which starts a fresh count at one
   * in the same statement: the count stays at the maximum all the time the lock is in force, so no
   * check can be let in by a count that dropped early. (The count used to drop to zero when the PIN
   * locked, and failures still in flight then counted from zero again.)
   */
  private async reserve(
    tenantId: string,
    memberId: string,
    attemptsMax: number,
    now: Date,
  ): Promise<{ failed_attempts: number; pin_hash: string } | undefined> {
    for (let round = 0; round < RESERVE_ROUNDS_MAX; round++) {
      const [reserved] = await this.db.query<{ failed_attempts: number; pin_hash: string }>(
        `update member_payment_pins set
           failed_attempts = case when locked_until is null then failed_attempts + 1 else 1 end,
           locked_until = null
         where tenant_id = $1 and member_id = $2
           and (locked_until <= $3 or (locked_until is null and failed_attempts < $4))
         returning failed_attempts, pin_hash`,
        [tenantId, memberId, now, attemptsMax],
      );
      if (reserved) return reserved;
      // Locked, or every attempt taken by checks in flight. The second can only be checks of another
      // process (one process runs a member's checks one at a time), checks that never finished (a
      // process that stopped mid-check), or a maximum lowered below the count: the PIN is locked now, as if the last of them was wrong, so
      // a count stranded at the maximum cannot refuse the member for ever. A check in flight that
      // proves right clears this lock as any right PIN does.
      const lockoutUntil = await this.lockoutUntil(tenantId, now);
      const [locked] = await this.db.query<{ locked_until: Date }>(
        `update member_payment_pins set locked_until = case when locked_until > $3 then locked_until else $5 end
         where tenant_id = $1 and member_id = $2
           and (locked_until > $3 or (locked_until is null and failed_attempts >= $4))
         returning locked_until`,
        [tenantId, memberId, now, attemptsMax, lockoutUntil],
      );
      if (locked) throw PinErrors.locked(locked.locked_until);
      // Neither: the PIN changed between the two statements (cleared by a right PIN, or gone); again.
    }
    if (!(await this.row(tenantId, memberId))) return undefined;
    throw PinErrors.locked(await this.lockoutUntil(tenantId, now));
  }

  /**
   * The error for a wrong PIN whose attempt was reserved as the `reservedCount`th failure: locks the
   * PIN when the count is full (leaving it at the maximum, see `reserve`), and answers
   * PAYMENT_PIN_LOCKED when it is locked, else PAYMENT_PIN_INCORRECT with the attempts left.
   */
  private async countedFailure(
    tenantId: string,
    memberId: string,
    attemptsMax: number,
    reservedCount: number,
  ): Promise<DomainError> {
    const now = this.clock.now();
    const lockoutUntil = await this.lockoutUntil(tenantId, now);
    const [row] = await this.db.query<{ failed_attempts: number; locked_until: Date | null }>(
      `update member_payment_pins set
         locked_until = case when locked_until is null and failed_attempts >= $3 then $4 else locked_until end
       where tenant_id = $1 and member_id = $2
       returning failed_attempts, locked_until`,
      [tenantId, memberId, attemptsMax, lockoutUntil],
    );
    if (row?.locked_until && row.locked_until.getTime() > now.getTime())
      return PinErrors.locked(row.locked_until);
    return PinErrors.incorrect(Math.max(0, attemptsMax - (row?.failed_attempts ?? reservedCount)));
  }

  private async attemptsMax(tenantId: string, at: Date): Promise<number> {
    return Math.max(1, await this.policy.ruleValue(tenantId, 'payment_pin_attempts_max', at));
  }

  private async lockoutUntil(tenantId: string, now: Date): Promise<Date> {
    const lockoutMinutes = await this.policy.ruleValue(tenantId, 'payment_pin_lockout_minutes', now);
    return new Date(now.getTime() + lockoutMinutes * MINUTE_MS);
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
  changedMeanwhile: () =>
    new DomainError({
      code: 'PAYMENT_PIN_CHANGED',
      httpStatus: 409,
      message: 'the payment PIN was changed by another request meanwhile; enter the current one to change it',
      messageKo: '다른 요청으로 결제 비밀번호가 방금 바뀌었습니다. 현재 비밀번호로 다시 변경해 주세요',
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
