import type { Clock } from '../../clock.js';
import { type Database, transactionWithRetry } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { SerialByKey } from '../../serial-by-key.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { RuleKey } from '../policy/types.js';

/** What a sign-in is counted against: the account (by normalised phone) and the client address. */
export interface SignInSubjects {
  phoneKey: string;
  address: string;
}

interface Thresholds {
  phoneFailuresMax: number;
  addressFailuresMax: number;
  lockBaseSeconds: number;
  lockMaxSeconds: number;
}

interface FailureState {
  failure_count: number;
  last_failed_at: Date;
  locked_until: Date | null;
}

const SUBJECT_LENGTH_MAX = 80;

/**
 * Wrong passwords lock the phone after `sign_in_lockout_failures` (whoever tries, from wherever) and
 * the client address after `sign_in_address_failures_max` (whichever phones it tries). A lock lasts
 * the base time, doubling with every further failure up to the maximum; a quiet maximum forgives.
 * The thresholds are the tenant's rule values. Locked subjects are refused before the password is
 * checked, so a lock cannot be used to test passwords.
 *
 * A phone's attempt is counted as a failure *before* its password is checked (a reservation, in one
 * short transaction on the phone's row), and the attempt that reaches the threshold locks the phone
 * there and then: however many sign-ins of one phone arrive together, from however many server
 * processes, at most the threshold's worth of its passwords are checked. A right password clears the
 * phone's count. Within one process the attempts on one phone run one at a time, so concurrent right
 * passwords never see each other's reservations. The address is counted after a wrong password only:
 * many people sign in from one address at once (an office, a test), and their right passwords must
 * never lock it; each of their phones is still held to its own threshold.
 */
export class SignInLimits {
  private readonly phoneAttempts = new SerialByKey();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
  ) {}

  /**
   * Runs `check` (the password check: a value when the password is right, undefined when not) as one
   * counted attempt on `subjects`, and returns what it returned. Throws SIGN_IN_LOCKED (429), without
   * calling `check`, while either subject is locked. A `check` that throws leaves the attempt counted.
   */
  async attempt<T>(
    tenantId: string,
    subjects: SignInSubjects,
    check: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const [phoneKey, addressKey] = keysOf(subjects);
    return this.phoneAttempts.run(`${tenantId}\u0000${phoneKey}`, async () => {
      const thresholds = await this.thresholds(tenantId);
      const now = this.clock.now();
      const lockedUntil =
        (await this.addressLockedUntil(tenantId, addressKey, now)) ??
        (await this.reservePhone(tenantId, phoneKey, thresholds, now));
      if (lockedUntil) throw signInLocked(Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
      const passed = await check();
      if (passed === undefined) {
        // The phone's reservation stays: it was this failure. The address counts it now.
        await this.countAddressFailure(tenantId, addressKey, thresholds);
        return undefined;
      }
      await this.db.query('delete from sign_in_failures where tenant_id = $1 and subject = $2', [
        tenantId,
        phoneKey,
      ]);
      return passed;
    });
  }

  private async addressLockedUntil(
    tenantId: string,
    addressKey: string,
    now: Date,
  ): Promise<Date | undefined> {
    const [row] = await this.db.query<{ locked_until: Date }>(
      `select locked_until from sign_in_failures where tenant_id = $1 and subject = $2 and locked_until > $3`,
      [tenantId, addressKey, now],
    );
    return row?.locked_until;
  }

  /**
   * Counts one failure on the phone, or answers its lock when it is locked. The count restarts at one
   * after a quiet maximum; from the threshold on, each failure locks for the base time doubled per
   * failure beyond it, up to the maximum; the lock is set by the reservation that reaches it, before
   * its password is checked.
   */
  private async reservePhone(
    tenantId: string,
    phoneKey: string,
    thresholds: Thresholds,
    now: Date,
  ): Promise<Date | undefined> {
    return transactionWithRetry(this.db, async (tx) => {
      // A first failure inserts an empty row to lock (one inserted at the same time is waited for).
      await tx.query(
        `insert into sign_in_failures (tenant_id, subject, failure_count, last_failed_at)
         values ($1, $2, 0, $3) on conflict (tenant_id, subject) do nothing`,
        [tenantId, phoneKey, now],
      );
      const [row] = await tx.query<FailureState>(
        `select failure_count, last_failed_at, locked_until from sign_in_failures
         where tenant_id = $1 and subject = $2 for update`,
        [tenantId, phoneKey],
      );
      const lockedUntil = row ? lockedIn([row], now) : undefined;
      if (lockedUntil) return lockedUntil;
      const after = failureAfter(row, thresholds.phoneFailuresMax, thresholds, now);
      await tx.query(
        `update sign_in_failures set failure_count = $3, last_failed_at = $4, locked_until = $5
         where tenant_id = $1 and subject = $2`,
        [tenantId, phoneKey, after.failure_count, after.last_failed_at, after.locked_until],
      );
      return undefined;
    });
  }

  private async countAddressFailure(tenantId: string, addressKey: string, thresholds: Thresholds) {
    const now = this.clock.now();
    await transactionWithRetry(this.db, async (tx) => {
      await tx.query(
        `insert into sign_in_failures (tenant_id, subject, failure_count, last_failed_at)
         values ($1, $2, 0, $3) on conflict (tenant_id, subject) do nothing`,
        [tenantId, addressKey, now],
      );
      const [row] = await tx.query<FailureState>(
        `select failure_count, last_failed_at, locked_until from sign_in_failures
         where tenant_id = $1 and subject = $2 for update`,
        [tenantId, addressKey],
      );
      const after = failureAfter(row, thresholds.addressFailuresMax, thresholds, now);
      await tx.query(
        `update sign_in_failures set failure_count = $3, last_failed_at = $4, locked_until = $5
         where tenant_id = $1 and subject = $2`,
        [tenantId, addressKey, after.failure_count, after.last_failed_at, after.locked_until],
      );
    });
  }

  private async thresholds(tenantId: string): Promise<Thresholds> {
    const at = this.clock.now();
    const value = (key: RuleKey) => this.policy.ruleValue(tenantId, key, at);
    return {
      phoneFailuresMax: Math.max(1, await value('sign_in_lockout_failures')),
      addressFailuresMax: Math.max(1, await value('sign_in_address_failures_max')),
      lockBaseSeconds: Math.max(1, await value('sign_in_lockout_base_seconds')),
      lockMaxSeconds: Math.max(1, await value('sign_in_lockout_max_seconds')),
    };
  }
}

/**
 * A subject's state after one more failure: the count restarts at one after a quiet maximum (or
 * from an empty row), and from `failuresMax` on each failure locks for the base time doubled per
 * failure beyond it, up to the maximum.
 */
function failureAfter(
  row: FailureState | undefined,
  failuresMax: number,
  thresholds: Thresholds,
  now: Date,
): FailureState {
  const forgivenBefore = now.getTime() - thresholds.lockMaxSeconds * 1000;
  const fresh = !row || row.failure_count === 0 || row.last_failed_at.getTime() < forgivenBefore;
  const count = fresh ? 1 : row.failure_count + 1;
  const lockSeconds = Math.min(
    thresholds.lockMaxSeconds,
    thresholds.lockBaseSeconds * 2 ** Math.min(30, count - failuresMax),
  );
  return {
    failure_count: count,
    last_failed_at: now,
    locked_until: count >= failuresMax ? new Date(now.getTime() + lockSeconds * 1000) : null,
  };
}

/** The later lock in force at `now` among `rows`, if any. */
function lockedIn(rows: readonly FailureState[], now: Date): Date | undefined {
  return rows
    .map((row) => row.locked_until)
    .filter((until): until is Date => until !== null && until.getTime() > now.getTime())
    .sort((a, b) => b.getTime() - a.getTime())[0];
}

function keysOf(subjects: SignInSubjects): [string, string] {
  return [
    `phone:${subjects.phoneKey}`.slice(0, SUBJECT_LENGTH_MAX),
    `address:${subjects.address}`.slice(0, SUBJECT_LENGTH_MAX),
  ];
}

function signInLocked(retryAfterSeconds: number): DomainError {
  const seconds = Math.max(1, retryAfterSeconds);
  return new DomainError({
    code: 'SIGN_IN_LOCKED',
    httpStatus: 429,
    message: `too many wrong passwords: try again in ${seconds} seconds`,
    messageKo: `비밀번호를 여러 번 잘못 입력했습니다. ${seconds}초 후에 다시 시도하세요`,
    details: { retryAfterSeconds: seconds },
  });
}
