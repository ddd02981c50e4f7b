import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { verifyConsistency } from './merkle.js';
import { parsePublicKeys, verifyDocument } from './verify.js';

describe.each(databaseKinds())('public books on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
  });

  const member = memberMaker(
    () => t.app,
    () => tenantId,
    '010-7400',
  );

  async function keysOf() {
    const keys = await operator.get(`/v1/public/keys?tenant=${tenantId}`);
    expect(keys.status).toBe(200);
    return parsePublicKeys(JSON.stringify(keys.body));
  }

  it('seals the seeded journal, publishes it without sign-in, and seals nothing twice', async () => {
    const first = await operator.post('/v1/operator/checkpoints');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      sequence: 1,
      tenantId,
      previousRootHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    expect(first.body.treeSize).toBe(first.body.transferCount);
    expect(first.body.transferCount).toBeGreaterThan(0);
    const again = await operator.post('/v1/operator/checkpoints');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    await member(30_000);
    const second = await operator.post('/v1/operator/checkpoints');
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({
      sequence: 2,
      transferCount: 1,
      treeSize: first.body.treeSize + 1,
      previousRootHash: first.body.rootHash,
    });

    const anonymous = await t.app.inject({
      method: 'GET',
      url: `/v1/public/checkpoints?tenant=${tenantId}&limit=1`,
    });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ items: [second.body], nextBefore: 2 });
    const older = await t.app.inject({
      method: 'GET',
      url: `/v1/public/checkpoints?tenant=${tenantId}&limit=1&before=2`,
    });
    expect(older.json()).toEqual({ items: [first.body], nextBefore: null });
    const one = await t.app.inject({ method: 'GET', url: `/v1/public/checkpoints/1?tenant=${tenantId}` });
    expect(one.json()).toEqual(first.body);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/public/checkpoints/9?tenant=${tenantId}` })).statusCode,
    ).toBe(404);

    const consistency = await t.app.inject({
      method: 'GET',
      url: `/v1/public/checkpoints/2/consistency?from=1&tenant=${tenantId}`,
    });
    const proof = consistency.json();
    expect(
      verifyConsistency(
        first.body.treeSize,
        second.body.treeSize,
        Buffer.from(first.body.rootHash, 'hex'),
        Buffer.from(second.body.rootHash, 'hex'),
        proof.consistencyPath.map((hash: string) => Buffer.from(hash, 'hex')),
      ),
    ).toBe(true);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/v1/public/checkpoints/1/consistency?from=2&tenant=${tenantId}`,
        })
      ).statusCode,
    ).toBe(400);

    const keys = await t.app.inject({ method: 'GET', url: `/v1/public/keys?tenant=${tenantId}` });
    expect(keys.json().keys).toEqual([
      expect.objectContaining({ keyId: first.body.publicKeyId, algorithm: 'Ed25519', validUntil: null }),
    ]);
    expect(await t.platform.publicBooks.audit(tenantId)).toEqual([]);
  });

  it('publishes the pots per funding source and the circulation as of the checkpoint, not later', async () => {
    const citizen = await member(50_000);
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    expect((await citizen.post('/v1/me/payments', { merchantCode, amountWon: 12_000 })).status).toBe(201);
    await operator.post('/v1/operator/checkpoints');
    const potsAtSeal = await t.platform.budgets.listPots(tenantId);
    expect(potsAtSeal.some((pot) => pot.spentWon > 0)).toBe(true);
    // Paid after the checkpoint: moves pots and circulation, but not the figures already published.
    expect((await citizen.post('/v1/me/payments', { merchantCode, amountWon: 9_000 })).status).toBe(201);
    const page = await t.app.inject({ method: 'GET', url: `/v1/public/books?tenant=${tenantId}` });
    expect(page.statusCode).toBe(200);
    const { figures } = page.json();
    expect(figures.checkpointSequence).toBe(1);
    expect(figures.budgetPots).toHaveLength(potsAtSeal.length);
    for (const pot of potsAtSeal) {
      const published = figures.budgetPots.find((item: { potId: string }) => item.potId === pot.id);
      expect(published).toMatchObject({
        fundedWon: pot.fundedWon,
        spentWon: pot.spentWon,
        remainingWon: pot.remainingWon,
        movedToMonthlyWon: pot.movedToMonthlyWon,
      });
      expect(published.sources.map((source: { source: string }) => source.source)).toEqual(
        pot.accounts.map((account) => account.source),
      );
      for (const field of ['fundedWon', 'spentWon', 'remainingWon', 'movedToMonthlyWon'])
        expect(
          published.sources.reduce(
            (sum: number, source: Record<string, number>) => sum + (source[field] ?? 0),
            0,
          ),
        ).toBe(published[field]);
    }
    const accounts = await t.platform.ledger.getAccounts(
      tenantId,
      potsAtSeal.flatMap((pot) => pot.accounts.map((account) => account.accountId)),
    );
    const remainingNow = accounts.reduce((sum, account) => sum + account.availableWon, 0);
    const remainingPublished = figures.budgetPots.reduce(
      (sum: number, pot: { remainingWon: number }) => sum + pot.remainingWon,
      0,
    );
    expect(remainingNow).toBeLessThan(remainingPublished);

    const audit = await operator.get('/v1/operator/audit');
    expect(audit.status).toBe(200);
    expect(audit.body.ok).toBe(true);
    expect(audit.body.checks).toContainEqual(
      expect.objectContaining({ name: 'public_checkpoints', ok: true }),
    );
    await t.db.query(
      `update public_checkpoints set figures = jsonb_set(figures, '{circulationWon}', '1') where tenant_id = $1`,
      [tenantId],
    );
    const tampered = await operator.get('/v1/operator/audit');
    expect(tampered.body.ok).toBe(false);
    expect(tampered.body.violations).toContainEqual(
      expect.objectContaining({ check: 'public_checkpoints', subject: 'checkpoint 1' }),
    );
  });

  it('gives a member a proof of a payment that verifies offline, naming no other member', async () => {
    const citizen = await member(50_000);
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
    const paid = await citizen.post('/v1/me/payments', { merchantCode, amountWon: 12_000 });
    expect(paid.status).toBe(201);
    const history = await citizen.get('/v1/me/transactions');
    const payment = history.body.items.find((item: { type: string }) => item.type === 'payment');

    const early = await citizen.get(`/v1/me/transactions/${payment.referenceId}/proof`);
    expect(early.body).toEqual({
      status: 'not_yet_sealed',
      transactionId: payment.referenceId,
      nextCheckpointAt: '2021-05-13T03:00:00.000Z',
    });

    await operator.post('/v1/operator/checkpoints');
    const answer = await citizen.get(`/v1/me/transactions/${payment.referenceId}/proof`);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('sealed');
    const [proof] = answer.body.proofs;
    expect(proof.transferId).toBe(`payment:${payment.referenceId}`);
    expect(
      JSON.parse(proof.leaf)
        .entries.map((entry: { posted: number }) => entry.posted)
        .sort((a: number, b: number) => a - b),
    ).toContain(-12_000);
    expect(proof.accounts.filter((account: { yours: boolean }) => account.yours).length).toBeGreaterThan(0);
    const keys = await keysOf();
    expect(verifyDocument(answer.body, keys)).toMatchObject({ ok: true });
    expect(verifyDocument(answer.body, keys, proof.checkpoint.rootHash).ok).toBe(true);
    expect(verifyDocument(answer.body, keys, '00'.repeat(32)).ok).toBe(false);

    // The next day's checkpoint is at the tenant's midnight (KST) once today's was made.
    const other = await member(10_000);
    const charge = (await other.get('/v1/me/transactions')).body.items[0];
    expect((await other.get(`/v1/me/transactions/${charge.referenceId}/proof`)).body.nextCheckpointAt).toBe(
      '2021-05-13T15:00:00.000Z',
    );
    expect((await citizen.get(`/v1/me/transactions/${charge.referenceId}/proof`)).status).toBe(404);
  });

  it("hides the sender's accounts in the recipient's proof of a transfer between members", async () => {
    const sender = await member(40_000);
    const recipient = await member(1_000);
    const sent = await sender.post('/v1/me/transfers', { recipientPhone: recipient.phone, amountWon: 7_000 });
    expect(sent.status).toBe(201);
    expect((await recipient.post(`/v1/me/transfers/${sent.body.transferId}/accept`)).status).toBe(200);
    await operator.post('/v1/operator/checkpoints');
    const item = (await recipient.get('/v1/me/transactions')).body.items[0];
    const answer = await recipient.get(`/v1/me/transactions/${item.referenceId}/proof`);
    expect(answer.body.status).toBe('sealed');
    for (const proof of answer.body.proofs) {
      const hidden = proof.accounts.filter(
        (account: { accountId: string | null }) => account.accountId === null,
      );
      expect(hidden.length).toBeGreaterThan(0);
      const senderMember = await t.platform.members.findByPhone(tenantId, sender.phone);
      const senderAccounts = await t.platform.ledger.accountsOwnedBy(tenantId, senderMember?.id ?? '');
      expect(senderAccounts.length).toBeGreaterThan(0);
      for (const account of senderAccounts) {
        expect(proof.leaf).not.toContain(account.id);
        expect(JSON.stringify(proof.accounts)).not.toContain(account.id);
      }
    }
    expect(verifyDocument(answer.body, await keysOf()).ok).toBe(true);
  });

  it('seals once a day at the tenant midnight through the scheduler', async () => {
    const tick = () => t.platform.scheduler.tick([tenantId]);
    await tick();
    const [first] = await t.platform.publicBooks.checkpoints(tenantId, { limit: 1 });
    expect(first?.sequence).toBe(1);
    await member(20_000);
    t.clock.set('2021-05-13T14:59:00Z');
    await tick();
    expect((await t.platform.publicBooks.checkpoints(tenantId, { limit: 1 }))[0]?.sequence).toBe(1);
    t.clock.set('2021-05-13T15:00:30Z');
    await tick();
    const [second] = await t.platform.publicBooks.checkpoints(tenantId, { limit: 1 });
    expect(second).toMatchObject({ sequence: 2, transferCount: 1 });
  });
});
