import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { recordId } from '../../ids.js';
import { normalizePhone } from '../members/phone.js';

const ARGON2ID = 2;
/** Longer than a member's: this account creates cities. */
export const PLATFORM_PASSWORD_LENGTH_MIN = 12;
const PASSWORD_LENGTH_MAX = 128;
const TOKEN_PREFIX = 'hbp_';
/** Verified against on unknown phones so a miss takes as long as a wrong password. */
const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$0ZCviPoZbzVga9w7KbtxoQ$pT/uCky2XycTd6utgzXLqKO8G5pVjmLqvyVhAFu4B4k';

export interface PlatformAdminPrincipal {
  adminId: string;
  sessionId: string;
}

export type BootstrapOutcome = 'created' | 'unchanged' | 'password-changed';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Platform administrators create and list tenants; they hold no role inside any tenant, and their
 * sessions (`hbp_…`) are a table apart from members' sessions, so neither token opens the other's routes.
 */
export class PlatformAdminService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly sessionTtlMinutes: number,
  ) {}

  /**
   * Brings the environment's administrator into the database: created on first start; on later
   * starts the environment's password wins, and a changed password revokes every earlier session.
   * Any other bootstrapped administrator (an earlier phone) is disabled. Throws, so the server
   * refuses to start, when the phone belongs to an account this bootstrap did not create.
   */
  async bootstrap(rawPhone: string, password: string): Promise<BootstrapOutcome> {
    const phone = normalizePhone(rawPhone);
    if (!phone)
      throw new Error('HANBAT_PLATFORM_ADMIN_PHONE must be a Korean mobile number like 010-1234-5678');
    if (password.length < PLATFORM_PASSWORD_LENGTH_MIN || password.length > PASSWORD_LENGTH_MAX)
      throw new Error(
        `HANBAT_PLATFORM_ADMIN_PASSWORD must be ${PLATFORM_PASSWORD_LENGTH_MIN}-${PASSWORD_LENGTH_MAX} characters`,
      );
    const now = this.clock.now();
    const [existing] = await this.db.query<{ id: string; password_hash: string; origin: string }>(
      'select id, password_hash, origin from platform_admins where phone = $1',
      [phone],
    );
    if (existing && existing.origin !== 'bootstrap')
      throw new Error(
        `HANBAT_PLATFORM_ADMIN_PHONE ${rawPhone} belongs to a platform account not created from the environment; refusing to start`,
      );
    const outcome = await this.upsertBootstrapped(phone, password, existing, now);
    await this.db.transaction(async (tx) => {
      const others = await tx.query<{ id: string }>(
        `update platform_admins set disabled_at = $2
         where origin = 'bootstrap' and phone <> $1 and disabled_at is null returning id`,
        [phone, now],
      );
      await tx.query(
        'update platform_sessions set revoked_at = $2 where admin_id = any($1::text[]) and revoked_at is null',
        [others.map((row) => row.id), now],
      );
    });
    return outcome;
  }

  private async upsertBootstrapped(
    phone: string,
    password: string,
    existing: { id: string; password_hash: string } | undefined,
    now: Date,
  ): Promise<BootstrapOutcome> {
    if (!existing) {
      await this.db.query(
        `insert into platform_admins (id, phone, password_hash, origin, created_at, password_changed_at)
         values ($1, $2, $3, 'bootstrap', $4, $4)`,
        [recordId('pla'), phone, await hash(password, { algorithm: ARGON2ID }), now],
      );
      return 'created';
    }
    if (await verify(existing.password_hash, password)) {
      await this.db.query('update platform_admins set disabled_at = null where id = $1', [existing.id]);
      return 'unchanged';
    }
    const passwordHash = await hash(password, { algorithm: ARGON2ID });
    await this.db.transaction(async (tx) => {
      await tx.query(
        'update platform_admins set password_hash = $2, password_changed_at = $3, disabled_at = null where id = $1',
        [existing.id, passwordHash, now],
      );
      await tx.query(
        'update platform_sessions set revoked_at = $2 where admin_id = $1 and revoked_at is null',
        [existing.id, now],
      );
    });
    return 'password-changed';
  }

  /** The same answer for an unknown phone, a disabled account and a wrong password, in the same time. */
  async logIn(rawPhone: string, password: string): Promise<{ token: string; expiresAt: Date }> {
    const [row] = await this.db.query<{ id: string; password_hash: string }>(
      'select id, password_hash from platform_admins where phone = $1 and disabled_at is null',
      [normalizePhone(rawPhone) ?? ''],
    );
    const matches = await verify(
      row?.password_hash ?? DUMMY_PASSWORD_HASH,
      password.slice(0, PASSWORD_LENGTH_MAX),
    );
    if (!row || !matches)
      throw new DomainError({
        code: 'INVALID_CREDENTIALS',
        httpStatus: 401,
        message: 'phone number or password is wrong',
        messageKo: '휴대전화 번호 또는 비밀번호가 올바르지 않습니다',
      });
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.sessionTtlMinutes * 60_000);
    await this.db.query(
      'insert into platform_sessions (token_hash, admin_id, created_at, expires_at) values ($1, $2, $3, $4)',
      [hashToken(token), row.id, now, expiresAt],
    );
    return { token, expiresAt };
  }

  async authenticate(token: string): Promise<PlatformAdminPrincipal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const tokenHash = hashToken(token);
    const [row] = await this.db.query<{ admin_id: string }>(
      `select s.admin_id from platform_sessions s join platform_admins a on a.id = s.admin_id
       where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2 and a.disabled_at is null`,
      [tokenHash, this.clock.now()],
    );
    return row ? { adminId: row.admin_id, sessionId: tokenHash.slice(0, 16) } : null;
  }
}
