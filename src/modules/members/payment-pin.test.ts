import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { codeOf, wrongRuns } from '../../../test/support/attempts.js';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  type ApiClient,
  demoMerchantCode,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { PaymentPinService } from './payment-pin.js';

/** Every PIN argon2 is asked to check (six digits: passwords never are), in the order the checks start. */
const pinChecks = vi.hoisted(() => [] as string[]);

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const argon2 = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...argon2,
    verify: (...args: Parameters<typeof argon2.verify>) => {
      const plain = String(args[1]);
      if (/^\d{6}$/.test(plain)) pinChecks.push(plain);
      return argon2.verify(...args);
    },
  };
});

const RIGHT_PIN = '112233';
/** The preset's rule values: five wrong PINs lock the PIN for 30 minutes. */
const ATTEMPTS_MAX = 5;
const LOCKOUT_MS = 30 * 60_000;

/** Wrong PINs `000001`, `000002`, …: each names the request it came in. */
function wrongPins(count: number): string[] {
  return Array.from({ length: count }, (_, index) => String(index + 1).padStart(6, '0'));
}

/**
 * The payment PIN's attempt limit however checks arrive: together, and from two server processes
 * (two services on one database). argon2 is watched (it still does the checking) to count the PINs
 * actually checked; in one process the checks of one member run one at a time, so their order is
 * the order they were checked in.
 */
describe.each(databaseKinds())('payment PIN attempts on %s', (kind) => {
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

  const maker = memberMaker(
    () => t.app,
    () => tenantId,
    '010-7410',
  );

  async function memberWithPin(chargeWon = 0): Promise<{ client: ApiClient; memberId: string }> {
    const client = await maker(chargeWon);
    expect((await client.request('PUT', '/v1/me/payment-pin', { pin: RIGHT_PIN })).status).toBe(200);
    const member = await t.platform.members.findByPhone(tenantId, client.phone);
    if (!member) throw new Error('no member');
    return { client, memberId: member.id };
  }

  function pay(client: ApiClient, merchantCode: string, pin: string) {
    return client.request(
      'POST',
      '/v1/me/payments',
      { merchantCode, amountWon: 1_000 },
      { 'idempotency-key': `pin-burst-${pin}-${Math.random()}`, 'x-payment-pin': pin },
    );
  }

  it('checks at most five wrong PINs of twenty payments sent at once, and locks against the right one', async () => {
    const { client } = await memberWithPin(10_000);
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    const pins = wrongPins(19);
    pins.splice(9, 0, RIGHT_PIN);
    pinChecks.length = 0;
    const answers = await Promise.all(pins.map((pin) => pay(client, merchantCode, pin)));
    const checks = [...pinChecks];

    // Before a right PIN at most four wrong ones were checked (a fifth locks, and the right one is not
    // checked then); after it, five lock again. Nothing else about the order is fixed.
    const rightChecked = checks.includes(RIGHT_PIN);
    const runs = wrongRuns(checks, RIGHT_PIN);
    expect(runs).toHaveLength(rightChecked ? 2 : 1);
    if (rightChecked) expect(runs[0]).toBeLessThan(ATTEMPTS_MAX);
    expect(runs.at(-1)).toBe(ATTEMPTS_MAX);
    expect(new Set(checks).size).toBe(checks.length);

    const rightAnswer = answers[9];
    expect(rightAnswer?.status).toBe(rightChecked ? 201 : 423);
    const wrongAnswers = answers.filter((_, index) => index !== 9);
    const incorrect = wrongAnswers.filter((answer) => answer.body?.code === 'PAYMENT_PIN_INCORRECT');
    const locked = wrongAnswers.filter((answer) => answer.body?.code === 'PAYMENT_PIN_LOCKED');
    // Every wrong PIN checked is an INCORRECT answer but the one that filled the count and locked.
    const wrongChecked = checks.length - (rightChecked ? 1 : 0);
    expect(incorrect).toHaveLength(wrongChecked - 1);
    expect(incorrect.length + locked.length).toBe(19);
    expect(incorrect.every((answer) => answer.status === 403)).toBe(true);
    expect(locked.every((answer) => answer.status === 423)).toBe(true);
    expect((await client.get('/v1/me/wallet')).body.cashWon).toBe(rightChecked ? 9_000 : 10_000);

    // Locked now, whatever the order was: the right PIN is refused without being checked.
    pinChecks.length = 0;
    const after = await pay(client, merchantCode, RIGHT_PIN);
    expect(after.status).toBe(423);
    expect(after.body).toMatchObject({
      code: 'PAYMENT_PIN_LOCKED',
      lockedUntil: new Date(t.clock.now().getTime() + LOCKOUT_MS).toISOString(),
    });
    expect(pinChecks).toEqual([]);
    expect((await client.get('/v1/me/payment-pin')).body).toMatchObject({ attemptsLeft: 0 });
  });

  it('checks at most five wrong PINs sent at once to two server processes', async () => {
    const { memberId } = await memberWithPin();
    const otherProcess = new PaymentPinService(t.db, t.clock, t.platform.policy);
    const services = [t.platform.paymentPins, otherProcess];
    pinChecks.length = 0;
    const codes = await Promise.all(
      wrongPins(20).map((pin, index) =>
        codeOf((services[index % 2] as PaymentPinService).verify(tenantId, memberId, pin)),
      ),
    );
    // Every check reserves an attempt before argon2 runs, so the sixth finds them all taken.
    expect(pinChecks).toHaveLength(ATTEMPTS_MAX);
    expect(codes.filter((code) => code === 'PAYMENT_PIN_INCORRECT').length).toBeLessThan(ATTEMPTS_MAX);
    expect(codes.filter((code) => code === 'PAYMENT_PIN_LOCKED').length).toBeGreaterThan(20 - ATTEMPTS_MAX);
    expect(codes.filter((code) => code !== 'PAYMENT_PIN_INCORRECT' && code !== 'PAYMENT_PIN_LOCKED')).toEqual(
      [],
    );

    pinChecks.length = 0;
    for (const service of services)
      expect(await codeOf(service.verify(tenantId, memberId, RIGHT_PIN))).toBe('PAYMENT_PIN_LOCKED');
    expect(pinChecks).toEqual([]);
  });

  it('lets right PINs of one member sent at once all through, even with one attempt left', async () => {
    const { memberId } = await memberWithPin();
    const pins = t.platform.paymentPins;
    for (const pin of wrongPins(ATTEMPTS_MAX - 1))
      expect(await codeOf(pins.verify(tenantId, memberId, pin))).toBe('PAYMENT_PIN_INCORRECT');
    expect(await pins.status(tenantId, memberId)).toMatchObject({ attemptsLeft: 1 });

    const codes = await Promise.all(
      Array.from({ length: 20 }, () => codeOf(pins.verify(tenantId, memberId, RIGHT_PIN))),
    );
    expect(codes).toEqual(Array(20).fill('PASSED'));
    expect(await pins.status(tenantId, memberId)).toEqual({
      isSet: true,
      attemptsLeft: ATTEMPTS_MAX,
      lockedUntil: null,
    });
  });

  it('opens a PIN locked by a burst when the lockout is over, with a fresh count', async () => {
    const { memberId, client } = await memberWithPin();
    const pins = t.platform.paymentPins;
    const codes = await Promise.all(wrongPins(20).map((pin) => codeOf(pins.verify(tenantId, memberId, pin))));
    // One process checks them one at a time: four wrong, the fifth locks, the rest are refused.
    expect(codes.filter((code) => code === 'PAYMENT_PIN_INCORRECT')).toHaveLength(ATTEMPTS_MAX - 1);
    expect(codes.filter((code) => code === 'PAYMENT_PIN_LOCKED')).toHaveLength(20 - (ATTEMPTS_MAX - 1));
    const lockedUntil = new Date(t.clock.now().getTime() + LOCKOUT_MS);
    expect(await pins.status(tenantId, memberId)).toEqual({ isSet: true, attemptsLeft: 0, lockedUntil });

    t.clock.set(new Date(lockedUntil.getTime() - 1));
    expect(await codeOf(pins.verify(tenantId, memberId, RIGHT_PIN))).toBe('PAYMENT_PIN_LOCKED');

    t.clock.set(lockedUntil);
    expect(await pins.status(tenantId, memberId)).toEqual({
      isSet: true,
      attemptsLeft: ATTEMPTS_MAX,
      lockedUntil: null,
    });
    for (const attemptsLeft of [4, 3, 2, 1]) {
      await expect(pins.verify(tenantId, memberId, '999999')).rejects.toMatchObject({
        code: 'PAYMENT_PIN_INCORRECT',
        details: { attemptsLeft },
      });
    }
    await expect(pins.verify(tenantId, memberId, '999999')).rejects.toMatchObject({
      code: 'PAYMENT_PIN_LOCKED',
      details: { lockedUntil: new Date(lockedUntil.getTime() + LOCKOUT_MS).toISOString() },
    });

    t.clock.set(new Date(lockedUntil.getTime() + LOCKOUT_MS));
    await expect(pins.verify(tenantId, memberId, RIGHT_PIN)).resolves.toBeUndefined();
    await expect(pins.verify(tenantId, memberId, '999999')).rejects.toMatchObject({
      code: 'PAYMENT_PIN_INCORRECT',
      details: { attemptsLeft: 4 },
    });
    // Changing the PIN still goes through the check, and the right current PIN clears the count.
    const changed = await client.request('PUT', '/v1/me/payment-pin', {
      pin: '445566',
      currentPin: RIGHT_PIN,
    });
    expect(changed.body).toEqual({ isSet: true, attemptsLeft: ATTEMPTS_MAX, lockedUntil: null });
  });

  it('sets exactly one of first PINs sent at once, and lets exactly one of changes sent at once through', async () => {
    const client = await maker(10_000);
    const firstPins = ['111111', '222222', '333333', '444444'];
    const set = await Promise.all(
      firstPins.map((pin) => client.request('PUT', '/v1/me/payment-pin', { pin })),
    );
    expect(set.filter((response) => response.status === 200)).toHaveLength(1);
    expect(set.filter((response) => response.status !== 200).map((response) => response.body.code)).toEqual(
      Array(firstPins.length - 1).fill('PAYMENT_PIN_REQUIRED'),
    );
    // The one answered 200 is the PIN: a payment with it goes through.
    const kept = firstPins[set.findIndex((response) => response.status === 200)] as string;
    const cafe = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
    expect((await pay(client, cafe, kept)).status).toBe(201);

    const newPins = ['555555', '666666', '777777'];
    const changed = await Promise.all(
      newPins.map((pin) => client.request('PUT', '/v1/me/payment-pin', { pin, currentPin: kept })),
    );
    expect(changed.filter((response) => response.status === 200)).toHaveLength(1);
    // The others checked their current PIN against the changed one (INCORRECT) or wrote after it (CHANGED).
    for (const response of changed.filter((r) => r.status !== 200))
      expect(['PAYMENT_PIN_CHANGED', 'PAYMENT_PIN_INCORRECT']).toContain(response.body.code);
    const now = newPins[changed.findIndex((response) => response.status === 200)] as string;
    expect((await pay(client, cafe, now)).status).toBe(201);
  });
});
