/**
 * QA (issue 18): a checkpoint key that was replaced must not sign again. Rotating to a new key
 * closes the old key's validity (docs/public-books.md); a deployment that goes back to the old key
 * (a rolled-back release, an instance left on the old file) would otherwise sign checkpoints with a
 * key whose published validity has ended: every outside verifier, and `hanbat audit`, rejects them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublicBooksService } from '../../src/modules/public-books/public-books-service.js';
import { generateSigningKeyPem, signerFromPem } from '../../src/modules/public-books/signing.js';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  demoClient,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

describe.each(databaseKinds())('a retired checkpoint key on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
  });
  afterAll(async () => t.close());

  const member = memberMaker(
    () => t.app,
    () => tenantId,
    '010-7441',
  );

  it('refuses to seal with a key a newer one replaced, and writes nothing', async () => {
    const first = await operator.post('/v1/operator/checkpoints');
    expect(first.status).toBe(201);
    const keyA = first.body.publicKeyId;

    // Another deployment of the same city signs with a new key: it closes key A's validity.
    const rotated = new PublicBooksService(
      t.db,
      t.clock,
      { ledger: t.platform.ledger, tenants: t.platform.tenants, budgets: t.platform.budgets },
      signerFromPem(generateSigningKeyPem()),
    );
    t.clock.advanceMs(60_000);
    await member(10_000);
    const second = await rotated.seal(tenantId);
    expect(second.created).toBe(true);
    expect(second.checkpoint.publicKeyId).not.toBe(keyA);

    // The first deployment, still on key A, is asked to seal: it must not sign with a retired key.
    t.clock.advanceMs(60_000);
    await member(10_000);
    const third = await operator.post('/v1/operator/checkpoints');
    expect(third.status, JSON.stringify(third.body)).toBe(503);
    expect(third.body.code).toBe('CHECKPOINT_KEY_RETIRED');
    expect(third.body.messages.ko).toMatch(/[가-힣]/);

    const listed = await operator.get(`/v1/public/checkpoints?tenant=${tenantId}`);
    expect(listed.body.items.map((item: { sequence: number }) => item.sequence)).toEqual([2, 1]);
    const keys = await operator.get(`/v1/public/keys?tenant=${tenantId}`);
    const current = keys.body.keys.filter((key: { validUntil: string | null }) => key.validUntil === null);
    expect(current.map((key: { keyId: string }) => key.keyId)).toEqual([second.checkpoint.publicKeyId]);
    // Every published checkpoint was signed within its key's validity.
    expect(await t.platform.publicBooks.audit(tenantId)).toEqual([]);
  });
});
