/** A signed checkpoint as published (field names are the API contract of issue 18). */
export interface Checkpoint {
  sequence: number;
  tenantId: string;
  sealedAt: Date;
  firstTransferId: string | null;
  lastTransferId: string | null;
  transferCount: number;
  treeSize: number;
  rootHash: string;
  previousRootHash: string;
  signature: string;
  publicKeyId: string;
}

/** Public figures computed at a checkpoint. */
export interface PublicFigures {
  /** Balances of member and merchant accounts over the sealed journal prefix, exactly. */
  circulationWon: number;
  /** Budget pots (funded, spent, remaining per funding source) read when the checkpoint was sealed. */
  budgetPots: Array<{
    potId: string;
    name: string;
    period: string;
    from: string;
    to: string;
    nationalShareBp: number;
    fundedWon: number;
    spentWon: number;
    remainingWon: number;
    movedToMonthlyWon: number;
    /** What each funding source's account still holds (exact, from the ledger). */
    sources: Array<{ source: string; remainingWon: number }>;
  }>;
}

export interface StoredCheckpoint extends Checkpoint {
  /** The ledger commit number through which this checkpoint sealed the journal. */
  throughCommitSeq: number;
  /** Hex hashes of the tree's frontier (merkle.ts `frontierOf(treeSize)` order). */
  frontier: string[];
  figures: PublicFigures;
}

export interface PublicKeyRecord {
  keyId: string;
  algorithm: 'Ed25519';
  /** The 32 raw bytes of the public key, base64. */
  publicKey: string;
  validFrom: Date;
  validUntil: Date | null;
}
