import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { DomainError } from '../../errors.js';
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

const SUBJECT_LENGTH_MAX = 80;

/**
 * Wrong passwords lock the phone after `sign_in_lockout_failures` (whoever tries, from wherever) and
 * the client address after `sign_in_address_failures_max` (whichever phones it tries). A lock lasts
 * the base time, doubling with every further failure up to the maximum; a quiet maximum forgives.
 * The thresholds are the tenant's rule values. Locked subjects are refused before the password is
 * checked, so a lock cannot be used to test passwords.
 */
export class SignInLimits {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
  ) {}

  /** Throws SIGN_IN_LOCKED (429) while either subject is locked. */
  async assertNotLocked(tenantId: string, subjects: SignInSubjects): Promise<void> {
    const now = this.clock.now();
    const [row] = await this.db.query<{ locked_until: Date }>(
      `select max(locked_until) as locked_until from sign_in_failures
       where tenant_id = $1 and subject = any($2::text[]) and locked_until > $3`,
      [tenantId, keysOf(subjects), now],
    );
    if (row?.locked_until) throw signInLocked(Math.ceil((row.locked_until.getTime() - now.getTime()) / 1000));
  }

  async recordFailure(tenantId: string, subjects: SignInSubjects): Promise<void> {
    const thresholds = await this.thresholds(tenantId);
    const [phoneKey, addressKey] = keysOf(subjects);
    await this.count(tenantId, phoneKey, thresholds.phoneFailuresMax, thresholds);
    await this.count(tenantId, addressKey, thresholds.addressFailuresMax, thresholds);
  }

  /** A right password clears the phone's count; the address keeps its count (one good account must not launder it). */
  async recordSuccess(tenantId: string, subjects: SignInSubjects): Promise<void> {
    await this.db.query('delete from sign_in_failures where tenant_id = $1 and subject = $2', [
      tenantId,
      keysOf(subjects)[0],
    ]);
  }

  private async count(tenantId: string, subject: string, failuresMax: number, thresholds: Thresholds) {
    const now = this.clock.now();
    const forgivenBefore = new Date(now.getTime() - thresholds.lockMaxSeconds * 1000);
    await this.db.query(
      `insert into sign_in_failures as f (tenant_id, subject, failure_count, last_failed_at, locked_until)
       values ($1, $2, 1, $3, case when 1 >= $5 then $3::timestamptz + make_interval(secs => $6) end)
       on conflict (tenant_id, subject) do update set
         failure_count = case when f.last_failed_at < $4 then 1 else f.failure_count + 1 end,
         last_failed_at = $3,
         locked_until = case
           when (case when f.last_failed_at < $4 then 1 else f.failure_count + 1 end) >= $5
           then $3::timestamptz + make_interval(secs => least($7::float8,
             $6::float8 * power(2, least(30, (case when f.last_failed_at < $4 then 1 else f.failure_count + 1 end) - $5))))
         end`,
      [
        tenantId,
        subject,
        now,
        forgivenBefore,
        failuresMax,
        thresholds.lockBaseSeconds,
        thresholds.lockMaxSeconds,
      ],
    );
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
