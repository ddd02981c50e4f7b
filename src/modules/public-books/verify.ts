import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { accountHash } from './leaf.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { type InclusionProof, PROOF_FORMAT } from './proof.js';
import { publicKeyFromRaw, publicKeyIdOf, rawPublicKeyBase64, verifyStatement } from './signing.js';

/**
 * Offline verification of a saved proof (`hanbat verify`): no database, no network. Checks, in
 * order: the leaf bytes hash to the leaf hash, the inclusion path leads to the checkpoint's root, the
 * root is the one the caller trusts (if given), and the checkpoint is signed by the given key.
 */
export interface Verdict {
  ok: boolean;
  /** One plain-language line per proof checked. */
  lines: string[];
}

const HEX_256 = /^[0-9a-f]{64}$/;

/** A public key from a PEM, the raw 32 bytes in base64, or the JSON of GET /v1/public/keys (all its keys). */
export function parsePublicKeys(text: string): KeyObject[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return [createPublicKey(trimmed)];
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as { keys?: Array<{ publicKey?: unknown }> };
    return (parsed.keys ?? []).map((key) => publicKeyFromRaw(String(key.publicKey)));
  }
  return [publicKeyFromRaw(trimmed)];
}

/** The proofs in a saved file: the whole answer of the proof route, or one proof. */
export function proofsOf(document: unknown): InclusionProof[] {
  const candidate = document as { status?: unknown; proofs?: unknown; format?: unknown };
  if (candidate?.format === PROOF_FORMAT) return [candidate as InclusionProof];
  if (candidate?.status === 'not_yet_sealed')
    throw new Error('this file says the transaction was not yet sealed: there is nothing to verify');
  if (Array.isArray(candidate?.proofs) && candidate.proofs.length > 0)
    return candidate.proofs as InclusionProof[];
  throw new Error('this file is not a Hanbat inclusion proof');
}

export function verifyProof(
  proof: InclusionProof,
  keys: readonly KeyObject[],
  trustedRootHex?: string,
): string | null {
  const checkpoint = proof.checkpoint;
  if (!checkpoint || !HEX_256.test(String(checkpoint.rootHash)) || !Array.isArray(proof.inclusionPath))
    return 'the proof is incomplete';
  if (!proof.inclusionPath.every((hash) => HEX_256.test(String(hash))))
    return 'the inclusion path holds a malformed hash';
  if (proof.format !== PROOF_FORMAT) return `the proof is not in the format ${PROOF_FORMAT}`;
  const leaf = leafHash(Buffer.from(String(proof.leaf), 'utf8'));
  if (leaf.toString('hex') !== proof.leafHash)
    return 'the leaf data does not hash to the leaf hash: the transfer was altered';
  const labelProblem = leafLabelProblem(proof);
  if (labelProblem) return labelProblem;
  if (proof.treeSize !== checkpoint.treeSize) return 'the proof is for another tree size than its checkpoint';
  const root = Buffer.from(checkpoint.rootHash, 'hex');
  const path = proof.inclusionPath.map((hash) => Buffer.from(hash, 'hex'));
  if (!verifyInclusion(leaf, proof.leafIndex, proof.treeSize, path, root))
    return 'the inclusion path does not lead to the checkpoint root (altered, truncated or for another tree)';
  if (trustedRootHex !== undefined && trustedRootHex.toLowerCase() !== checkpoint.rootHash)
    return 'the checkpoint root differs from the root you obtained elsewhere';
  const signer = keys.find((key) => publicKeyIdOf(rawPublicKeyBase64(key)) === checkpoint.publicKeyId);
  if (!signer)
    return `the checkpoint was signed with key ${checkpoint.publicKeyId}, not with the key you gave`;
  const statement = { ...checkpoint, sealedAt: checkpoint.sealedAt };
  if (!verifyStatement(statement, String(checkpoint.signature), signer))
    return 'the checkpoint signature is not valid for this key (forged or altered)';
  return null;
}

export function verifyDocument(
  document: unknown,
  keys: readonly KeyObject[],
  trustedRootHex?: string,
): Verdict {
  let proofs: InclusionProof[];
  try {
    proofs = proofsOf(document);
  } catch (error) {
    return { ok: false, lines: [`NOT VERIFIED: ${(error as Error).message}`] };
  }
  const lines: string[] = [];
  let ok = true;
  for (const proof of proofs) {
    const problem = verifyProof(proof, keys, trustedRootHex);
    if (problem) {
      ok = false;
      lines.push(`NOT VERIFIED: transfer ${proof.transferId}: ${problem}.`);
    } else {
      lines.push(
        `VERIFIED: transfer ${proof.transferId} is entry ${proof.leafIndex + 1} of ${proof.treeSize} in the public books of ` +
          `${proof.checkpoint.tenantId}, checkpoint #${proof.checkpoint.sequence} sealed ${proof.checkpoint.sealedAt}, ` +
          `signed by key ${proof.checkpoint.publicKeyId}.`,
      );
    }
  }
  return { ok, lines };
}

/**
 * What a proof says it proves (its transfer id and city) must be what its hashed leaf says: otherwise a
 * genuine proof of one transfer could be relabelled as the proof of any other.
 */
function leafLabelProblem(proof: InclusionProof): string | null {
  let leaf: { transferId?: unknown; tenantId?: unknown };
  try {
    leaf = JSON.parse(String(proof.leaf));
  } catch {
    return 'the leaf data is not the JSON of a transfer';
  }
  if (leaf?.transferId !== proof.transferId)
    return `the proof is labelled ${proof.transferId}, but its leaf is transfer ${String(leaf?.transferId)}`;
  if (leaf.tenantId !== proof.checkpoint.tenantId)
    return `the leaf is of city ${String(leaf.tenantId)}, but the checkpoint of city ${proof.checkpoint.tenantId}`;
  return accountLabelProblem(proof, String(proof.leaf));
}

/**
 * An account the proof names must be the one whose hash the leaf holds: otherwise a proof could name
 * anyone as the payer of a transfer it really proves.
 */
function accountLabelProblem(proof: InclusionProof, leafText: string): string | null {
  for (const label of Array.isArray(proof.accounts) ? proof.accounts : []) {
    if (!leafText.includes(String(label?.account)))
      return `the proof names account hash ${String(label?.account)}, which is not in its leaf`;
    if (
      label.accountId !== null &&
      accountHash(proof.checkpoint.tenantId, String(label.accountId)) !== label.account
    )
      return `the proof names account ${String(label.accountId)} for hash ${label.account}, which is another account's`;
  }
  return null;
}
