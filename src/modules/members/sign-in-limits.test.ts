import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { codeOf, wrongRuns } from '../../../test/support/attempts.js';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  demoClient,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { MemberService } from './member-service.js';

/** Every password argon2 is asked to check, in the order the checks start. */
const passwordChecks = vi.hoisted(() => [] as string[]);

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const argon2 = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...argon2,
    verify: (...args: Parameters<typeof argon2.verify>) => {
      passwordChecks.push(String(args[1]));
      return argon2.verify(...args);
    },
  };
});

const PASSWORD = 'correct-horse-1';
/** The preset's rule values: five wrong passwords lock the phone for 30 s, doubling to an hour. */
const FAILURES_MAX = 5;

/** Wrong passwords `wrong-guess-01`, `wrong-guess-02`, …: each names the request it came in. */
function wrongPasswords(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `wrong-guess-${String(index + 1).padStart(2, '0')}`);
}

/**
 * The sign-in lockout however sign-ins arrive: together, and at two server processes (two member
 * services on one database). argon2 is watched (it still does the checking) to count the passwords
 * actually checked; in one process the sign-ins of one phone run one at a time, so their order is
 * the order they were checked in.
 */
describe.each(databaseKinds())('sign-in attempts sent together on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    t.clock.set('2021-05-13T03:00:00Z');
  });

  function signIn(phone: string, password: string, address: string) {
    return t.app
      .inject({
        method: 'POST',
        url: '/v1/sessions',
        headers: { 'x-tenant-id': tenantId },
        remoteAddress: address,
        payload: { phone, password },
      })
      .then((response) => ({ status: response.statusCode, body: response.json() }));
  }

  function addressRow(address: string) {
    return t.db.query<{ failure_count: number; locked_until: Date | null }>(
      'select failure_count, locked_until from sign_in_failures where tenant_id = $1 and subject = $2',
      [tenantId, `address:${address}`],
    );
  }

  it('checks at most five wrong passwords of sixteen sign-ins sent at once, and locks against the right one', async () => {
    const phone = '010-2210-0001';
    const address = '192.0.2.41';
    await newMember(t.app, tenantId, phone);
    const passwords = wrongPasswords(15);
    passwords.splice(7, 0, PASSWORD);
    passwordChecks.length = 0;
    const answers = await Promise.all(passwords.map((password) => signIn(phone, password, address)));
    const checks = [...passwordChecks];

    // Before a right password at most four wrong ones were checked (the fifth locks, and the right
    // one is refused unchecked then); after it, five lock again. Nothing else about the order is fixed.
    const rightChecked = checks.includes(PASSWORD);
    const runs = wrongRuns(checks, PASSWORD);
    expect(runs).toHaveLength(rightChecked ? 2 : 1);
    if (rightChecked) expect(runs[0]).toBeLessThan(FAILURES_MAX);
    expect(runs.at(-1)).toBe(FAILURES_MAX);
    expect(new Set(checks).size).toBe(checks.length);

    const wrongChecked = checks.length - (rightChecked ? 1 : 0);
    expect(answers[7]?.status).toBe(rightChecked ? 201 : 429);
    const wrongAnswers = answers.filter((_, index) => index !== 7);
    expect(wrongAnswers.filter((answer) => answer.status === 401)).toHaveLength(wrongChecked);
    expect(wrongAnswers.filter((answer) => answer.body.code === 'SIGN_IN_LOCKED')).toHaveLength(
      15 - wrongChecked,
    );
    // The address counts the wrong passwords only: the right one gave its attempt back.
    expect((await addressRow(address))[0]?.failure_count).toBe(wrongChecked);

    // Locked now, whatever the order was: the right password is refused without being checked.
    passwordChecks.length = 0;
    const after = await signIn(phone, PASSWORD, '198.51.100.41');
    expect(after.status).toBe(429);
    expect(after.body).toMatchObject({ code: 'SIGN_IN_LOCKED', retryAfterSeconds: 30 });
    expect(passwordChecks).toEqual([]);

    // The back-off is kept: after the lock one more wrong password locks for twice as long.
    t.clock.advanceMs(30_000);
    expect((await signIn(phone, 'wrong-guess-99', address)).status).toBe(401);
    expect((await signIn(phone, PASSWORD, address)).body).toMatchObject({ retryAfterSeconds: 60 });
    t.clock.advanceMs(60_000);
    expect((await signIn(phone, PASSWORD, address)).status).toBe(201);
  });

  it('checks at most five wrong passwords sent at once to two server processes', async () => {
    const phone = '010-2210-0002';
    await newMember(t.app, tenantId, phone);
    const d = t.platform;
    const otherProcess = new MemberService(t.db, t.clock, {
      ledger: d.ledger,
      tenants: d.tenants,
      reference: d.reference,
      policy: d.policy,
      operatorActions: d.operatorActions,
      sessionTtlMinutes: d.config.sessionTtlMinutes,
      events: d.events,
    });
    const services = [d.members, otherProcess];
    passwordChecks.length = 0;
    const codes = await Promise.all(
      wrongPasswords(20).map((password, index) =>
        codeOf(
          (services[index % 2] as MemberService).logIn(tenantId, phone, password, `192.0.2.${index}`),
          'SIGNED_IN',
        ),
      ),
    );
    // Every sign-in reserves its attempt before argon2 runs; the fifth reservation sets the lock.
    expect(passwordChecks).toHaveLength(FAILURES_MAX);
    expect(codes.filter((code) => code === 'INVALID_CREDENTIALS')).toHaveLength(FAILURES_MAX);
    expect(codes.filter((code) => code === 'SIGN_IN_LOCKED')).toHaveLength(20 - FAILURES_MAX);

    passwordChecks.length = 0;
    for (const service of services)
      expect(await codeOf(service.logIn(tenantId, phone, PASSWORD, '192.0.2.99'), 'SIGNED_IN')).toBe(
        'SIGN_IN_LOCKED',
      );
    expect(passwordChecks).toEqual([]);
  });

  it('lets right passwords of one phone sent at once all in, even with one attempt left', async () => {
    const phone = '010-2210-0003';
    const address = '192.0.2.43';
    await newMember(t.app, tenantId, phone);
    for (const password of wrongPasswords(FAILURES_MAX - 1))
      expect((await signIn(phone, password, address)).status).toBe(401);

    const answers = await Promise.all(Array.from({ length: 10 }, () => signIn(phone, PASSWORD, address)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(201));
    // The phone was forgiven; the address keeps its four failures and no more.
    const [row] = await addressRow(address);
    expect(row).toEqual({ failure_count: FAILURES_MAX - 1, locked_until: null });
    for (const password of wrongPasswords(FAILURES_MAX - 1))
      expect((await signIn(phone, password, address)).status).toBe(401);
    expect((await signIn(phone, PASSWORD, address)).status).toBe(201);
  });

  it('does not count successful sign-ins against their address', async () => {
    const address = '192.0.2.44';
    await newMember(t.app, tenantId, '010-2210-0004');
    await newMember(t.app, tenantId, '010-2210-0005');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) => signIn(`010-2210-000${4 + (index % 2)}`, PASSWORD, address)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(201));
    expect(await addressRow(address)).toEqual([]);
  });

  it('never locks an address for right passwords of many people signing in from it at once', async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    const effectiveFrom = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const rule = await operator.request('POST', '/v1/operator/policies/rules', {
      key: 'sign_in_address_failures_max',
      value: 3,
      effectiveFrom,
    });
    expect(rule.status).toBe(201);
    t.clock.advanceMs(60_000);
    const address = '192.0.2.45';
    const phones = Array.from({ length: 8 }, (_, index) => `010-2211-${String(index).padStart(4, '0')}`);
    for (const phone of phones) await newMember(t.app, tenantId, phone);
    const answers = await Promise.all(phones.map((phone) => signIn(phone, PASSWORD, address)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(phones.length).fill(201));
    expect(await addressRow(address)).toEqual([]);
    // Three wrong passwords from it, on any phones, still lock it.
    for (const phone of phones.slice(0, 3))
      expect((await signIn(phone, 'wrong-guess', address)).status).toBe(401);
    expect((await signIn(phones[3] as string, PASSWORD, address)).status).toBe(429);
  });
});
