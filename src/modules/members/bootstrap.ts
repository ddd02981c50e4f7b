import type { AccountOrigin, MemberService } from './member-service.js';
import { passwordProblem } from './passwords.js';
import { normalizePhone } from './phone.js';

/** An account the environment names (the first operator; a platform administrator), with its password. */
export interface BootstrapAccount {
  /** e.g. 'bootstrap:operator'; only an account this bootstrap created is ever taken over by it. */
  origin: `bootstrap:${string}`;
  phone: string;
  password: string;
  name: string;
  /** The environment variables that name the account, for the messages that refuse to start. */
  phoneVariable: string;
  passwordVariable: string;
  /** The member profile a new account gets; by default the Daejeon preset's city hall district. */
  profile?: { birthDate: string; district: string; dong: string };
}

export interface BootstrapOutcome {
  userId: string;
  created: boolean;
  /** The environment's password replaced the stored one, and every earlier session was revoked. */
  passwordReplaced: boolean;
}

/** Refusals to start: the message names the problem and the fix. */
export class BootstrapRefused extends Error {
  override name = 'BootstrapRefused';
}

/**
 * Creates the account the environment names, or brings the one it created earlier in line with the
 * environment: the environment's password always wins (and revokes every session of the old one).
 * An account that someone else created (a member who signed up with that phone, a demo person) is
 * never taken over: the start is refused instead. Roles are the caller's to grant.
 */
export async function bootstrapAccount(
  members: MemberService,
  tenantId: string,
  account: BootstrapAccount,
): Promise<BootstrapOutcome> {
  assertBootstrapCredentials(account);
  const existing = await members.accountStatus(tenantId, account.phone);
  if (!existing) {
    const member = await members.signUp(
      tenantId,
      {
        phone: account.phone,
        password: account.password,
        name: account.name,
        ...(account.profile ?? BOOTSTRAP_PROFILE),
      },
      account.origin,
    );
    return { userId: member.id, created: true, passwordReplaced: false };
  }
  if (existing.origin !== account.origin) throw takeoverRefused(account, existing.origin);
  if (await members.passwordMatches(tenantId, existing.id, account.password))
    return { userId: existing.id, created: false, passwordReplaced: false };
  await members.replacePassword(tenantId, existing.id, account.password);
  return { userId: existing.id, created: false, passwordReplaced: true };
}

/** A valid phone and a password strong enough for an operator, or a refusal naming the variable. */
export function assertBootstrapCredentials(account: Omit<BootstrapAccount, 'origin' | 'name'>): void {
  const phone = normalizePhone(account.phone);
  if (!phone)
    throw new BootstrapRefused(`${account.phoneVariable} must be a Korean mobile number like 010-1234-5678`);
  if (!account.password)
    throw new BootstrapRefused(
      `${account.passwordVariable} is required with ${account.phoneVariable} (production mode has no default password)`,
    );
  const problem = passwordProblem(account.password, 'operator', [phone]);
  if (problem) throw new BootstrapRefused(`${account.passwordVariable} is refused: ${problem.en}`);
}

/** The profile fields a member must have; a bootstrapped account is a person the city names, not a resident. */
const BOOTSTRAP_PROFILE = { birthDate: '1980-01-01', district: 'jung-gu', dong: '-' } as const;

function takeoverRefused(account: BootstrapAccount, origin: AccountOrigin): BootstrapRefused {
  const whose = origin === 'signup' ? 'a member who signed up' : origin === 'demo' ? 'a demo person' : origin;
  return new BootstrapRefused(
    `${account.phoneVariable}=${account.phone} names an existing account that the bootstrap did not create ` +
      `(it belongs to ${whose}); it will not be given ${account.origin.replace('bootstrap:', '')} rights. ` +
      `Set ${account.phoneVariable} to a phone number with no account yet.`,
  );
}
