import type { Checkpoint } from './types.js';

/** The file a member downloads and `hanbat verify` checks offline (docs/public-books.md). */
export const PROOF_FORMAT = 'hanbat-inclusion-proof/v1';

export interface PublishedCheckpoint extends Omit<Checkpoint, 'sealedAt'> {
  sealedAt: string;
}

export interface InclusionProof {
  format: typeof PROOF_FORMAT;
  tenantId: string;
  transferId: string;
  /** The exact leaf bytes (UTF-8 JSON) whose hash is the tree's leaf. */
  leaf: string;
  leafHash: string;
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes from the leaf up (RFC 6962 PATH), hex. */
  inclusionPath: string[];
  checkpoint: PublishedCheckpoint;
  /** Which account hashes in the leaf are named: the member's own accounts and non-member accounts. */
  accounts: Array<{ account: string; accountId: string | null; yours: boolean }>;
}

export type ProofAnswer =
  | { status: 'sealed'; transactionId: string; proofs: InclusionProof[] }
  | { status: 'not_yet_sealed'; transactionId: string; nextCheckpointAt: string };

export function publishCheckpoint(checkpoint: Checkpoint): PublishedCheckpoint {
  return {
    sequence: checkpoint.sequence,
    tenantId: checkpoint.tenantId,
    sealedAt: checkpoint.sealedAt.toISOString(),
    firstTransferId: checkpoint.firstTransferId,
    lastTransferId: checkpoint.lastTransferId,
    transferCount: checkpoint.transferCount,
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash,
    previousRootHash: checkpoint.previousRootHash,
    signature: checkpoint.signature,
    publicKeyId: checkpoint.publicKeyId,
  };
}
