import { describe, expect, it } from 'vitest';
import { ReplayGuard } from './replay-guard.js';
import { SIGNATURE_HEADERS, signBody, verifySignature } from './signature.js';

const SECRET = 'callback-secret-0123456789';
const SIGNED_AT = new Date('2021-05-13T03:00:00Z');
const BODY = '{"eventId":"evt_1","type":"transfer.settled"}';

function check(overrides: { secret?: string; body?: string; now?: Date; headers?: Record<string, string> }) {
  const headers = overrides.headers ?? signBody(SECRET, BODY, SIGNED_AT);
  return verifySignature({
    secret: overrides.secret ?? SECRET,
    timestampHeader: headers[SIGNATURE_HEADERS.timestamp],
    signatureHeader: headers[SIGNATURE_HEADERS.signature],
    rawBody: overrides.body ?? BODY,
    now: overrides.now ?? SIGNED_AT,
  });
}

describe('bank callback signatures', () => {
  it('accepts the exact body it signed, at the signing time', () => {
    expect(check({})).toEqual({ ok: true, timestampMs: SIGNED_AT.getTime() });
  });

  it('refuses a body changed by one character, and another secret', () => {
    expect(check({ body: BODY.replace('evt_1', 'evt_2') })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(check({ secret: 'another-secret-0123456789' })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuses a signature moved to another timestamp', () => {
    const headers = signBody(SECRET, BODY, SIGNED_AT);
    const moved = { ...headers, [SIGNATURE_HEADERS.timestamp]: String(SIGNED_AT.getTime() / 1000 + 1) };
    expect(check({ headers: moved })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuses missing and malformed headers', () => {
    expect(check({ headers: {} })).toEqual({ ok: false, reason: 'MISSING' });
    const headers = signBody(SECRET, BODY, SIGNED_AT);
    const unversioned = { ...headers, [SIGNATURE_HEADERS.signature]: 'deadbeef' };
    expect(check({ headers: unversioned })).toEqual({ ok: false, reason: 'MALFORMED' });
    const textTime = { ...headers, [SIGNATURE_HEADERS.timestamp]: '2021-05-13' };
    expect(check({ headers: textTime })).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('accepts a timestamp 5 minutes off either way and refuses one a second further', () => {
    const at = (offsetMs: number) => new Date(SIGNED_AT.getTime() + offsetMs);
    expect(check({ now: at(300_000) }).ok).toBe(true);
    expect(check({ now: at(-300_000) }).ok).toBe(true);
    expect(check({ now: at(301_000) })).toEqual({ ok: false, reason: 'STALE' });
    expect(check({ now: at(-301_000) })).toEqual({ ok: false, reason: 'STALE' });
  });

  it('reports a forged stale message as forged, not as stale', () => {
    expect(check({ body: '{}', now: new Date(SIGNED_AT.getTime() + 3_600_000) })).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
  });
});

describe('replay guard', () => {
  it('recognises an event id until its retention has passed', () => {
    const guard = new ReplayGuard(600_000, 10);
    expect(guard.seen('evt_1', 0)).toBe(false);
    guard.remember('evt_1', 0);
    expect(guard.seen('evt_1', 599_999)).toBe(true);
    expect(guard.seen('evt_1', 600_000)).toBe(false);
  });

  it('stays within its bound by forgetting the entry closest to expiry', () => {
    const guard = new ReplayGuard(600_000, 2);
    guard.remember('evt_1', 0);
    guard.remember('evt_2', 1);
    guard.remember('evt_3', 2);
    expect([guard.seen('evt_1', 3), guard.seen('evt_2', 3), guard.seen('evt_3', 3)]).toEqual([
      false,
      true,
      true,
    ]);
  });
});
