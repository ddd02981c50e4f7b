import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Ed25519 signatures over checkpoints (Node's crypto). The private key comes from a PEM in an
 * environment variable or a file, never from the database; the database keeps public keys only.
 */

/** What a checkpoint's signature covers, in this order (docs/public-books.md). */
export interface CheckpointStatement {
  tenantId: string;
  sequence: number;
  sealedAt: string;
  treeSize: number;
  transferCount: number;
  firstTransferId: string | null;
  lastTransferId: string | null;
  previousRootHash: string;
  rootHash: string;
  publicKeyId: string;
}

export const STATEMENT_HEADER = 'hanbat-checkpoint/v1';

/** The exact bytes that are signed: UTF-8 lines "name value", each ended by LF. */
export function statementText(statement: CheckpointStatement): string {
  return [
    STATEMENT_HEADER,
    `tenant ${statement.tenantId}`,
    `sequence ${statement.sequence}`,
    `sealed-at ${statement.sealedAt}`,
    `tree-size ${statement.treeSize}`,
    `transfer-count ${statement.transferCount}`,
    `first-transfer ${statement.firstTransferId ?? '-'}`,
    `last-transfer ${statement.lastTransferId ?? '-'}`,
    `previous-root ${statement.previousRootHash}`,
    `root ${statement.rootHash}`,
    `key ${statement.publicKeyId}`,
    '',
  ].join('\n');
}

/** The 32 raw bytes of an Ed25519 public key, base64. */
export function rawPublicKeyBase64(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')
    throw new Error('the checkpoint key must be Ed25519');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

/** "ed25519:" and the first 16 bytes of SHA-256 over the raw public key, hex. */
export function publicKeyIdOf(rawPublicKeyBase64: string): string {
  const digest = createHash('sha256').update(Buffer.from(rawPublicKeyBase64, 'base64')).digest('hex');
  return `ed25519:${digest.slice(0, 32)}`;
}

export function publicKeyFromRaw(rawBase64: string): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(rawBase64, 'base64').toString('base64url') },
    format: 'jwk',
  });
}

export interface CheckpointSigner {
  publicKeyId: string;
  publicKeyBase64: string;
  sign(statement: CheckpointStatement): string;
}

export function signerFromPem(pem: string): CheckpointSigner {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('the checkpoint signing key must be Ed25519');
  const publicKeyBase64 = rawPublicKeyBase64(createPublicKey(privateKey));
  const publicKeyId = publicKeyIdOf(publicKeyBase64);
  return {
    publicKeyId,
    publicKeyBase64,
    sign: (statement) =>
      sign(null, Buffer.from(statementText(statement), 'utf8'), privateKey).toString('base64'),
  };
}

export function verifyStatement(
  statement: CheckpointStatement,
  signatureBase64: string,
  publicKey: KeyObject,
): boolean {
  try {
    return verify(
      null,
      Buffer.from(statementText(statement), 'utf8'),
      publicKey,
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    return false;
  }
}

export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * The signer configured by HANBAT_CHECKPOINT_KEY (a PEM) or HANBAT_CHECKPOINT_KEY_FILE, or none.
 * In demo mode `serve` first creates a key file under DATA_DIR (see `ensureDemoSigningKeyFile`).
 */
export function loadSigner(source: { keyPem?: string; keyFile?: string }): CheckpointSigner | undefined {
  if (source.keyPem) return signerFromPem(source.keyPem);
  if (source.keyFile) return signerFromPem(readFileSync(source.keyFile, 'utf8'));
  return undefined;
}

export const DEMO_KEY_FILE_NAME = 'checkpoint-signing-key.pem';

/** Creates (once) a private key file readable by this user only; returns its path. */
export function ensureDemoSigningKeyFile(dataDir: string): string {
  const file = path.join(dataDir, DEMO_KEY_FILE_NAME);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, generateSigningKeyPem(), { mode: 0o600, flag: 'wx' });
  }
  return file;
}
