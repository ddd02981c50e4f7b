import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPlatform, type TestPlatform } from '../../test/support/platform.js';
import { createTestTenant } from '../../test/support/tenants.js';
import type { ProofAnswer } from '../modules/public-books/proof.js';
import { generateSigningKeyPem } from '../modules/public-books/signing.js';
import { runVerify } from './verify-command.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-verify-'));
const file = (name: string, content: unknown) => {
  const target = path.join(dir, name);
  writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  return target;
};

describe('hanbat verify (offline)', () => {
  let t: TestPlatform;
  let answer: Extract<ProofAnswer, { status: 'sealed' }>;
  let keyFile: string;

  beforeAll(async () => {
    t = await openTestPlatform('pglite');
    const tenantId = await createTestTenant(t.db, t.clock);
    await t.platform.ledger.createAccounts(tenantId, [
      { id: 'bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
      { id: 'cash:mem_a', kind: 'member_cash', currencyCode: 'KRW', ownerId: 'mem_a' },
    ]);
    for (let i = 1; i <= 5; i += 1) {
      await t.platform.ledger.postTransfers(tenantId, [
        {
          id: `charge:chg_${i}`,
          action: 'transfer',
          code: 'charge',
          postings: [
            { accountId: 'bank', amountWon: -1_000 * i },
            { accountId: 'cash:mem_a', amountWon: 1_000 * i },
          ],
        },
      ]);
    }
    await t.platform.publicBooks.seal(tenantId);
    const proof = await t.platform.publicBooks.proofFor(tenantId, 'mem_a', 'chg_3');
    if (proof.status !== 'sealed') throw new Error('expected a sealed proof');
    answer = proof;
    keyFile = file('keys.json', { tenantId, keys: await t.platform.publicBooks.keys(tenantId) });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const proofOf = () => structuredClone(answer.proofs[0] as NonNullable<(typeof answer.proofs)[0]>);

  it('accepts the proof as saved, with the published keys or a PEM, and with its root', () => {
    const verdict = runVerify(file('proof.json', answer), { key: keyFile });
    expect(verdict).toEqual({
      code: 0,
      output: expect.stringMatching(/^VERIFIED: transfer charge:chg_3 is entry 3 of 5 /),
    });
    const pem = createPublicKey(generateSigningKeyPem()).export({ format: 'pem', type: 'spki' }).toString();
    expect(runVerify(file('proof.json', answer), { key: file('other.pem', pem) }).code).toBe(1);
    const root = answer.proofs[0]?.checkpoint.rootHash ?? '';
    expect(runVerify(file('proof.json', answer), { key: keyFile, root }).code).toBe(0);
  });

  it('refuses a forged signature', () => {
    const proof = proofOf();
    const signature = Buffer.from(proof.checkpoint.signature, 'base64');
    signature[0] = (signature[0] ?? 0) ^ 1;
    proof.checkpoint.signature = signature.toString('base64');
    expect(runVerify(file('forged.json', proof), { key: keyFile })).toEqual({
      code: 1,
      output:
        'NOT VERIFIED: transfer charge:chg_3: the checkpoint signature is not valid for this key (forged or altered).',
    });
  });

  it('refuses a wrong key', () => {
    const pem = createPublicKey(generateSigningKeyPem()).export({ format: 'pem', type: 'spki' }).toString();
    const verdict = runVerify(file('proof.json', answer), { key: file('wrong.pem', pem) });
    expect(verdict.code).toBe(1);
    expect(verdict.output).toContain('not with the key you gave');
  });

  it('refuses a truncated path, an altered amount and a root from elsewhere that differs', () => {
    const truncated = proofOf();
    truncated.inclusionPath = truncated.inclusionPath.slice(0, -1);
    expect(runVerify(file('truncated.json', truncated), { key: keyFile }).output).toContain(
      'inclusion path does not lead',
    );
    const altered = proofOf();
    altered.leaf = altered.leaf.replace('"posted":3000', '"posted":30000');
    expect(runVerify(file('altered.json', altered), { key: keyFile }).output).toContain(
      'the transfer was altered',
    );
    // A genuine proof relabelled as another transfer's, or as another format, proves nothing.
    const relabelled = proofOf();
    relabelled.transferId = 'payment:pay_FAKE';
    const relabelledVerdict = runVerify(file('relabelled.json', relabelled), { key: keyFile });
    expect(relabelledVerdict.code).toBe(1);
    expect(relabelledVerdict.output).toContain('is labelled payment:pay_FAKE, but its leaf is transfer');
    // The member's own account relabelled as someone else's: the label no longer hashes to the leaf's.
    const reassigned = proofOf();
    const own = reassigned.accounts.find((label) => label.yours);
    expect(own?.accountId).toBe('cash:mem_a');
    if (own) own.accountId = 'cash:usr_EVIL';
    const reassignedVerdict = runVerify(file('reassigned.json', reassigned), { key: keyFile });
    expect(reassignedVerdict.code).toBe(1);
    expect(reassignedVerdict.output).toContain('names account cash:usr_EVIL for hash');
    const foreign = proofOf();
    foreign.accounts.push({ account: 'ab'.repeat(32), accountId: null, yours: true });
    expect(runVerify(file('foreign.json', foreign), { key: keyFile }).output).toContain(
      'which is not in its leaf',
    );
    const otherFormat = { ...proofOf(), format: 'hanbat-inclusion-proof/v2' };
    expect(runVerify(file('v2.json', otherFormat), { key: keyFile }).code).toBe(1);
    expect(runVerify(file('proof.json', answer), { key: keyFile, root: 'ab'.repeat(32) }).code).toBe(1);
    expect(runVerify(file('garbage.json', '{"hello":1}'), { key: keyFile }).code).toBe(1);
  });

  it('runs as a command with no database and exits 0 or 1', async () => {
    const cli = (args: string[]) =>
      run('node', ['--import', 'tsx', 'src/cli/main.ts', 'verify', ...args], {
        env: {
          ...process.env,
          DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
          DATA_DIR: path.join(dir, 'no-data'),
        },
        timeout: 60_000,
      });
    const ok = await cli([file('proof.json', answer), '--key', keyFile]);
    expect(ok.stdout).toMatch(/^VERIFIED/);
    const truncated = proofOf();
    truncated.inclusionPath = [];
    await expect(cli([file('cut.json', truncated), '--key', keyFile])).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^NOT VERIFIED/),
    });
  });
});
