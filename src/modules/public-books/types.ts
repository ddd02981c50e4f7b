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

/** One funding source's share of a pot (national, city, other), exact as of the checkpoint. */
export interface SourceFigures {
  source: string;
  /** The pot's ledger account for this source. */
  accountId: string;
  fundedWon: number;
  spentWon: number;
  remainingWon: number;
  movedToMonthlyWon: number;
}

/** Public figures computed at a checkpoint, from the transfers sealed up to it (figures.ts). */
export interface PublicFigures {
  /** Balances of member and merchant accounts over the sealed journal prefix, exactly. */
  circulationWon: number;
  /** Budget pots (funded, spent, remaining, in total and per funding source) as of the last sealed transfer. */
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
    sources: SourceFigures[];
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
