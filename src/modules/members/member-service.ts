import { createHash, createHmac, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { GroupCommit, type GroupCommitOptions } from '../../db/group-commit.js';
import { tenantKeyRows } from '../../db/tenant-keys.js';
import { DomainError, invalidInput, notFound } from '../../errors.js';
import type { OperatorRole, Principal } from '../../http/auth.js';
import { recordId } from '../../ids.js';
import { ageInYears, isCalendarDate } from '../../time.js';
import { isBlank } from '../../visible-text.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { BankAccountRef } from '../bank/bank-gateway.js';
import type { EventFeed } from '../events/event-feed.js';
import { memberJoinedEvent, memberSignedInEvent } from '../events/producers.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { ReferenceService } from '../reference/reference-service.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { checkPassword, PASSWORD_LENGTH_MAX } from './passwords.js';
import { normalizePhone, phoneDigits } from './phone.js';
import { SignInLimits } from './sign-in-limits.js';

export interface SignUpInput {
  phone: string;
  password: string;
  name: string;
  birthDate: string;
  district: string;
  dong: string;
}

export interface Member {
  tenantId: string;
  id: string;
  phone: string;
  name: string;
  birthDate: string;
  district: string;
  dong: string;
  isWelfareRecipient: boolean;
  operatorRoles: OperatorRole[];
  createdAt: Date;
}

export interface SessionGrant {
  token: string;
  expiresAt: Date;
  userId: string;
  operatorRoles: OperatorRole[];
}

/** The ledger accounts every member has; grants (policy programmes) add one per programme. */
export function memberAccountIds(memberId: string): { cash: string; cashback: string } {
  return { cash: `${memberId}:cash`, cashback: `${memberId}:cashback` };
}

/** Who made an account: a person signing up, the demo preset (published credentials), or the environment. */
export type AccountOrigin = 'signup' | 'demo' | `bootstrap:${string}`;

/** What the bootstrap and the production start need to know about an account. */
export interface AccountStatus {
  id: string;
  origin: AccountOrigin;
  disabled: boolean;
}

const ARGON2ID = 2;
/** Verified against on unknown phones so a miss takes as long as a wrong password. */
const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$0ZCviPoZbzVga9w7KbtxoQ$pT/uCky2XycTd6utgzXLqKO8G5pVjmLqvyVhAFu4B4k';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface UserRow {
  id: string;
  phone: string;
  password_hash: string;
  name: string;
  birth_date: string;
  district: string;
  dong: string;
  is_welfare_recipient: boolean;
  created_at: Date;
  roles: OperatorRole[] | null;
}

const USER_SELECT = `select u.id, u.phone, u.password_hash, u.name, to_char(u.birth_date, 'YYYY-MM-DD') as birth_date,
  u.district, u.dong, u.is_welfare_recipient, u.created_at,
  (select json_agg(r.role order by r.role) from operator_roles r where r.tenant_id = u.tenant_id and r.user_id = u.id) as roles
  from users u`;

/** Members (가입자) and everyone else who signs in: operators and merchant owners are members too. */
/** Session lookups that arrive together share one query: every API request makes one. */
const SESSION_LOOKUP_BATCHING: GroupCommitOptions = {
  waitMsMax: 1,
  batchSizeMax: 256,
  queuedMax: 20_000,
  inFlightMax: 2,
};

interface SessionRow {
  token_hash: string;
  tenant_id: string;
  id: string;
  user_id: string;
  roles: OperatorRole[] | null;
}

export class MemberService {
  private readonly signInLimits: SignInLimits;
  private readonly sessionLookups = new GroupCommit<string, Principal | null>(
    (_group, tokenHashes) => this.lookUpSessions(tokenHashes),
    SESSION_LOOKUP_BATCHING,
  );

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: {
      ledger: LedgerService;
      tenants: TenantService;
      reference: ReferenceService;
      policy: PolicyService;
      operatorActions: OperatorActionLog;
      sessionTtlMinutes: number;
      events: EventFeed;
    },
  ) {
    this.signInLimits = new SignInLimits(db, clock, deps.policy);
  }

  /** Signs a person up and opens their wallet accounts in the same transaction. */
  async signUp(tenantId: string, input: SignUpInput, origin: AccountOrigin = 'signup'): Promise<Member> {
    const phone = await this.checkSignUp(tenantId, input);
    const passwordHash = await hash(input.password, { algorithm: ARGON2ID });
    const memberId = recordId('usr');
    await transactionWithRetry(this.db, async (tx) => {
      const inserted = await tx.query(
        `insert into users (tenant_id, id, phone, password_hash, name, birth_date, district, dong, created_at, origin)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (tenant_id, phone) do nothing returning id`,
        [
          tenantId,
          memberId,
          phone,
          passwordHash,
          input.name.trim(),
          input.birthDate,
          input.district,
          input.dong.trim(),
          this.clock.now(),
          origin,
        ],
      );
      if (inserted.length === 0) throw phoneTaken();
      const accounts = memberAccountIds(memberId);
      await this.deps.ledger.createAccounts(
        tenantId,
        [
          { id: accounts.cash, kind: 'member_cash', currencyCode: 'KRW', ownerId: memberId },
          { id: accounts.cashback, kind: 'member_cashback', currencyCode: 'KRW', ownerId: memberId },
        ],
        tx,
      );
      const joined = {
        id: memberId,
        district: input.district,
        birthDate: input.birthDate,
        isWelfareRecipient: false,
      };
      await this.deps.events.append(tx, tenantId, [memberJoinedEvent(joined, this.clock.now())]);
    });
    return (await this.getMember(tenantId, memberId)) as Member;
  }

  private async checkSignUp(tenantId: string, input: SignUpInput): Promise<string> {
    const phone = normalizePhone(input.phone);
    if (!phone)
      throw invalidInput(
        'phone must be a Korean mobile number like 010-1234-5678',
        '휴대전화 번호 형식이 올바르지 않습니다',
      );
    checkPassword(input.password, 'citizen', [phone, input.name]);
    if (isBlank(input.name)) throw invalidInput('name is required', '이름을 입력하세요');
    if (isBlank(input.dong)) throw invalidInput('dong is required', '동을 입력하세요');
    if (!isCalendarDate(input.birthDate))
      throw invalidInput('birthDate must be YYYY-MM-DD', '생년월일 형식이 올바르지 않습니다');
    const district = await this.deps.reference.requireDistrict(tenantId, input.district);
    await this.deps.reference.assertDongIn(tenantId, district, input.dong);
    await this.checkAge(tenantId, input.birthDate);
    return phone;
  }

  private async checkAge(tenantId: string, birthDate: string): Promise<void> {
    const now = this.clock.now();
    const minimumAgeYears = await this.deps.policy.ruleValue(tenantId, 'member_min_age_years', now);
    const age = ageInYears(birthDate, now, await this.deps.tenants.timeZoneOf(tenantId));
    if (age < minimumAgeYears) {
      throw new DomainError({
        code: 'TOO_YOUNG',
        httpStatus: 400,
        message: `members must be ${minimumAgeYears} or older`,
        messageKo: `만 ${minimumAgeYears}세 이상만 가입할 수 있습니다`,
      });
    }
  }

  async getMember(tenantId: string, memberId: string, tx?: Sql): Promise<Member | undefined> {
    const [row] = await (tx ?? this.db).query<UserRow>(
      `${USER_SELECT} where u.tenant_id = $1 and u.id = $2`,
      [tenantId, memberId],
    );
    return row ? toMember(tenantId, row) : undefined;
  }

  /** Names by member id, for screens that show people by name (a page is at most 100 ids). */
  async namesOf(tenantId: string, memberIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db.query<{ id: string; name: string }>(
      'select id, name from users where tenant_id = $1 and id = any($2::text[])',
      [tenantId, [...new Set(memberIds)]],
    );
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /**
   * Member id by phone, for phones as `normalizePhone` gives them (a recipient file of up to 200,000
   * rows), in one statement; phones of no member are absent.
   */
  async idsByPhone(tenantId: string, phones: readonly string[], tx?: Sql): Promise<Map<string, string>> {
    if (phones.length === 0) return new Map();
    const rows = await (tx ?? this.db).query<{ id: string; phone: string }>(
      'select id, phone from users where tenant_id = $1 and phone = any($2::text[])',
      [tenantId, [...new Set(phones)]],
    );
    return new Map(rows.map((row) => [row.phone, row.id]));
  }

  /** Which of these ids are members of the tenant, in one statement (a recipient file names up to 200,000). */
  async existingIds(tenantId: string, memberIds: readonly string[], tx?: Sql): Promise<Set<string>> {
    if (memberIds.length === 0) return new Set();
    const rows = await (tx ?? this.db).query<{ id: string }>(
      'select id from users where tenant_id = $1 and id = any($2::text[])',
      [tenantId, [...new Set(memberIds)]],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** The member's linked account; in the sandbox every member has one named after them. */
  async bankAccountOf(tenantId: string, memberId: string): Promise<BankAccountRef> {
    const [row] = await this.db.query<{ bank_account: BankAccountRef | null }>(
      'select bank_account from users where tenant_id = $1 and id = $2',
      [tenantId, memberId],
    );
    if (!row) throw notFound(`member ${memberId}`, '회원');
    return row.bank_account ?? { bankCode: 'SANDBOX', accountNumber: memberId };
  }

  async findByPhone(tenantId: string, rawPhone: string, tx?: Sql): Promise<Member | undefined> {
    const phone = normalizePhone(rawPhone);
    if (!phone) return undefined;
    const [row] = await (tx ?? this.db).query<UserRow>(
      `${USER_SELECT} where u.tenant_id = $1 and u.phone = $2`,
      [tenantId, phone],
    );
    return row ? toMember(tenantId, row) : undefined;
  }

  /**
   * The same answer for an unknown phone, a disabled account and a wrong password, in the same time.
   * Failures count against the phone as normalised (however it is spelled) and the client address.
   */
  async logIn(
    tenantId: string,
    rawPhone: string,
    password: string,
    clientAddress: string,
  ): Promise<SessionGrant> {
    const phone = normalizePhone(rawPhone);
    const subjects = { phoneKey: phone ?? phoneDigits(rawPhone).replace(/\D/g, ''), address: clientAddress };
    await this.deps.tenants.timeZoneOf(tenantId); // an unknown city is a 404, before its sign-in rules are read
    // Counted before the password is checked, and refused while locked (see SignInLimits.attempt).
    const row = await this.signInLimits.attempt(tenantId, subjects, async () => {
      const [found] = await this.db.query<UserRow>(
        `${USER_SELECT} where u.tenant_id = $1 and u.phone = $2 and u.disabled_at is null`,
        [tenantId, phone ?? ''],
      );
      const passwordMatches = await verify(
        found?.password_hash ?? DUMMY_PASSWORD_HASH,
        password.slice(0, PASSWORD_LENGTH_MAX),
      );
      return found && passwordMatches ? found : undefined;
    });
    if (!row) {
      throw new DomainError({
        code: 'INVALID_CREDENTIALS',
        httpStatus: 401,
        message: 'phone number or password is wrong',
        messageKo: '휴대전화 번호 또는 비밀번호가 올바르지 않습니다',
      });
    }
    const userId = row.id;
    return transactionWithRetry(this.db, async (tx) => {
      const grant = await this.openSession(tenantId, userId, row.roles ?? [], tx);
      const addressHash = await this.addressHash(tx, tenantId, clientAddress);
      const signedIn = memberSignedInEvent(recordId('sgn'), userId, addressHash, this.clock.now());
      await this.deps.events.append(tx, tenantId, [signedIn]);
      return grant;
    });
  }

  /**
   * The client address as a per-tenant HMAC: equal addresses compare equal within a city, but the
   * raw address never leaves this call (fraud's "one address behind many members" needs no more).
   */
  private async addressHash(tx: Sql, tenantId: string, clientAddress: string): Promise<string> {
    await tx.query(
      'insert into member_address_salts (tenant_id, salt) values ($1, $2) on conflict (tenant_id) do nothing',
      [tenantId, randomBytes(32).toString('base64url')],
    );
    const [row] = await tx.query<{ salt: string }>(
      'select salt from member_address_salts where tenant_id = $1',
      [tenantId],
    );
    return createHmac('sha256', row?.salt ?? '')
      .update(clientAddress)
      .digest('base64url')
      .slice(0, 22);
  }

  async accountStatus(tenantId: string, rawPhone: string): Promise<AccountStatus | undefined> {
    const [row] = await this.db.query<{ id: string; origin: AccountOrigin; disabled_at: Date | null }>(
      'select id, origin, disabled_at from users where tenant_id = $1 and phone = $2',
      [tenantId, normalizePhone(rawPhone) ?? ''],
    );
    return row ? { id: row.id, origin: row.origin, disabled: row.disabled_at !== null } : undefined;
  }

  /** Whether `password` is this account's password now. */
  async passwordMatches(tenantId: string, userId: string, password: string): Promise<boolean> {
    const [row] = await this.db.query<{ password_hash: string }>(
      'select password_hash from users where tenant_id = $1 and id = $2',
      [tenantId, userId],
    );
    return row ? verify(row.password_hash, password.slice(0, PASSWORD_LENGTH_MAX)) : false;
  }

  /** A new password revokes every session opened with the old one. The caller has checked its strength. */
  async replacePassword(tenantId: string, userId: string, password: string): Promise<void> {
    const passwordHash = await hash(password, { algorithm: ARGON2ID });
    await transactionWithRetry(this.db, async (tx) => {
      await tx.query('update users set password_hash = $3 where tenant_id = $1 and id = $2', [
        tenantId,
        userId,
        passwordHash,
      ]);
      await this.revokeSessions(tx, tenantId, userId);
    });
  }

  /** A disabled account cannot sign in and loses its sessions; its money and history stay. */
  async disableAccount(tenantId: string, userId: string): Promise<void> {
    await transactionWithRetry(this.db, async (tx) => {
      await tx.query(
        'update users set disabled_at = $3 where tenant_id = $1 and id = $2 and disabled_at is null',
        [tenantId, userId, this.clock.now()],
      );
      await this.revokeSessions(tx, tenantId, userId);
    });
  }

  private async revokeSessions(tx: Sql, tenantId: string, userId: string): Promise<void> {
    await tx.query(
      'update sessions set revoked_at = $3 where tenant_id = $1 and user_id = $2 and revoked_at is null',
      [tenantId, userId, this.clock.now()],
    );
  }

  private async openSession(
    tenantId: string,
    userId: string,
    operatorRoles: OperatorRole[],
    tx: Sql = this.db,
  ): Promise<SessionGrant> {
    const token = `hbt_${randomBytes(32).toString('base64url')}`;
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.deps.sessionTtlMinutes * 60_000);
    await tx.query(
      `insert into sessions (token_hash, tenant_id, id, user_id, created_at, expires_at) values ($1, $2, $3, $4, $5, $6)`,
      [hashToken(token), tenantId, recordId('ses'), userId, now, expiresAt],
    );
    return { token, expiresAt, userId, operatorRoles };
  }

  async logOut(token: string): Promise<void> {
    await this.db.query('update sessions set revoked_at = $2 where token_hash = $1 and revoked_at is null', [
      hashToken(token),
      this.clock.now(),
    ]);
  }

  async authenticateSession(token: string): Promise<Principal | null> {
    return this.sessionLookups.submit('sessions', hashToken(token));
  }

  private async lookUpSessions(tokenHashes: readonly string[]) {
    const rows = await this.db.query<SessionRow>(
      `select s.token_hash, s.tenant_id, s.id, s.user_id,
         (select json_agg(r.role) from operator_roles r where r.tenant_id = s.tenant_id and r.user_id = s.user_id) as roles
       from sessions s where s.token_hash = any($1::text[]) and s.revoked_at is null and s.expires_at > $2`,
      [[...new Set(tokenHashes)], this.clock.now()],
    );
    const byHash = new Map(rows.map((row) => [row.token_hash, row]));
    return tokenHashes.map((tokenHash) => {
      const row = byHash.get(tokenHash);
      const principal: Principal | null = row
        ? {
            kind: 'user',
            tenantId: row.tenant_id,
            userId: row.user_id,
            sessionId: row.id,
            operatorRoles: row.roles ?? [],
          }
        : null;
      return { ok: true as const, value: principal };
    });
  }

  async grantOperatorRoles(
    tenantId: string,
    userId: string,
    roles: readonly OperatorRole[],
    tx?: Sql,
  ): Promise<void> {
    await (tx ?? this.db).query(
      `insert into operator_roles (tenant_id, user_id, role, granted_at)
       select $1, $2, role, $4 from json_array_elements_text($3::json) as role on conflict do nothing`,
      [tenantId, userId, JSON.stringify(roles), this.clock.now()],
    );
  }

  /** Whether each of these members receives welfare (an extra cashback rate); unknown ids are absent. */
  async welfareFlags(
    tenantId: string,
    memberIds: readonly string[],
    tx?: Sql,
  ): Promise<Map<string, boolean>> {
    const rows = await (tx ?? this.db).query<{ id: string; is_welfare_recipient: boolean }>(
      'select id, is_welfare_recipient from users where tenant_id = $1 and id = any($2::text[])',
      [tenantId, [...new Set(memberIds)]],
    );
    return new Map(rows.map((row) => [row.id, row.is_welfare_recipient]));
  }

  /** Welfare flags by (tenant, member) pair, for a payment batch of several tenants: tenant → member → flag. */
  async welfareFlagsByTenant(
    pairs: ReadonlyArray<{ tenantId: string; memberId: string }>,
  ): Promise<Map<string, Map<string, boolean>>> {
    const users = tenantKeyRows(
      'users',
      'id',
      pairs.map((pair) => ({ tenantId: pair.tenantId, id: pair.memberId })),
      'u',
    );
    const rows = await this.db.query<{ tenant_id: string; id: string; is_welfare_recipient: boolean }>(
      `select tenant_id, id, is_welfare_recipient from ${users.sql}`,
      users.params,
    );
    const byTenant = new Map<string, Map<string, boolean>>();
    for (const row of rows) {
      let flags = byTenant.get(row.tenant_id);
      if (!flags) {
        flags = new Map();
        byTenant.set(row.tenant_id, flags);
      }
      flags.set(row.id, row.is_welfare_recipient);
    }
    return byTenant;
  }

  async setWelfareRecipient(
    tenantId: string,
    actorUserId: string,
    memberId: string,
    isWelfareRecipient: boolean,
  ): Promise<Member> {
    // The flag adds cashback from public money: no operator grants it to (or takes it from) themselves.
    if (actorUserId === memberId)
      throw new DomainError({
        code: 'OPERATOR_SELF_ACTION',
        httpStatus: 403,
        message: 'an operator cannot change their own welfare status; another operator must',
        messageKo: '본인의 복지 대상 여부는 바꿀 수 없습니다. 다른 담당자가 처리해야 합니다',
      });
    await transactionWithRetry(this.db, async (tx) => {
      const updated = await tx.query(
        'update users set is_welfare_recipient = $3 where tenant_id = $1 and id = $2 returning id',
        [tenantId, memberId, isWelfareRecipient],
      );
      if (updated.length === 0) throw notFound(`member ${memberId}`, '회원');
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'member.welfare',
        subjectType: 'member',
        subjectId: memberId,
        details: { isWelfareRecipient },
      });
    });
    return (await this.getMember(tenantId, memberId)) as Member;
  }
}

function phoneTaken(): DomainError {
  return new DomainError({
    code: 'PHONE_ALREADY_REGISTERED',
    httpStatus: 409,
    message: 'this phone number is already registered',
    messageKo: '이미 가입된 휴대전화 번호입니다',
  });
}

function toMember(tenantId: string, row: UserRow): Member {
  return {
    tenantId,
    id: row.id,
    phone: row.phone,
    name: row.name,
    birthDate: row.birth_date,
    district: row.district,
    dong: row.dong,
    isWelfareRecipient: row.is_welfare_recipient,
    operatorRoles: row.roles ?? [],
    createdAt: row.created_at,
  };
}
