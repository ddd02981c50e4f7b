import type { Clock } from '../../clock.js';
import { type Database, retryOnConflict } from '../../db/database.js';
import { DomainError, notFound } from '../../errors.js';
import type { BudgetService } from '../budgets/budget-service.js';
import type { LedgerService, SealableTransfer } from '../ledger/index.js';
import type { Job } from '../scheduler/scheduler.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { accountHash, encodeLeaf, leafOf } from './leaf.js';
import { localMidnight } from './local-day.js';
import {
  appendLeaves,
  consistencyRanges,
  EMPTY_TREE_HASH,
  frontierOf,
  inclusionRanges,
  type LeafRange,
  leafHash,
  nodeKey,
  perfectNodesOf,
  rangeHash,
} from './merkle.js';
import { type InclusionProof, PROOF_FORMAT, type ProofAnswer, publishCheckpoint } from './proof.js';
import {
  type CheckpointSigner,
  type CheckpointStatement,
  publicKeyFromRaw,
  verifyStatement,
} from './signing.js';
import {
  appendLeafSeqs,
  appendNodes,
  insertCheckpoint,
  publishKey,
  selectCheckpoint,
  selectCheckpoints,
  selectKeys,
  selectLeafIndex,
  selectNodes,
} from './store.js';
import type { PublicFigures, PublicKeyRecord, StoredCheckpoint } from './types.js';

/** One checkpoint seals at most this many transfers; the rest go into the next one at once. */
export const SEAL_TRANSFERS_MAX = 2_000_000;
const READ_PAGE_SIZE = 20_000;
const CHECKPOINT_PAGE_MAX = 100;
/** Account kinds whose balances are currency held by people and shops (not yet redeemed). */
const CIRCULATING_KINDS = new Set(['member_cash', 'member_cashback', 'member_grant', 'merchant_receivable']);
const MEMBER_KINDS_PREFIX = 'member_';

export interface SealOutcome {
  checkpoint: StoredCheckpoint;
  created: boolean;
}

interface SealInput {
  leaves: Buffer[];
  commitSeqs: number[];
  firstTransferId: string | null;
  lastTransferId: string | null;
  throughCommitSeq: number;
  circulationDeltaWon: number;
}

/** Signed checkpoints of the journal, proofs of inclusion and consistency, and the public figures. */
export class PublicBooksService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: { ledger: LedgerService; tenants: TenantService; budgets: BudgetService },
    private readonly signer: CheckpointSigner | undefined,
  ) {}

  /** Seals every transfer committed since the last checkpoint; returns the latest one if none was. */
  async seal(tenantId: string): Promise<SealOutcome> {
    const signer = this.requireSigner();
    return retryOnConflict(async () => {
      const watermark = await this.deps.ledger.commitWatermark(tenantId);
      const [latest] = await selectCheckpoints(this.db, tenantId, { limit: 1, order: 'desc' });
      if (latest && watermark <= latest.throughCommitSeq) return { checkpoint: latest, created: false };
      const input = await this.readSealInput(tenantId, latest?.throughCommitSeq ?? 0, watermark);
      const checkpoint = await this.build(tenantId, latest, input, signer);
      return { checkpoint, created: true };
    });
  }

  private requireSigner(): CheckpointSigner {
    if (this.signer) return this.signer;
    throw new DomainError({
      code: 'CHECKPOINT_KEY_MISSING',
      httpStatus: 503,
      message:
        'no checkpoint signing key is configured (HANBAT_CHECKPOINT_KEY or HANBAT_CHECKPOINT_KEY_FILE)',
      messageKo:
        '체크포인트 서명 키가 설정되지 않았습니다 (HANBAT_CHECKPOINT_KEY 또는 HANBAT_CHECKPOINT_KEY_FILE)',
    });
  }

  private async readSealInput(tenantId: string, afterSeq: number, watermark: number): Promise<SealInput> {
    const input: SealInput = {
      leaves: [],
      commitSeqs: [],
      firstTransferId: null,
      lastTransferId: null,
      throughCommitSeq: watermark,
      circulationDeltaWon: 0,
    };
    const kinds = new Map<string, string>();
    const accountHashes = new Map<string, string>();
    let cursor = afterSeq;
    while (input.leaves.length < SEAL_TRANSFERS_MAX) {
      const limit = Math.min(READ_PAGE_SIZE, SEAL_TRANSFERS_MAX - input.leaves.length);
      const page = await this.deps.ledger.transfersInCommitOrder(tenantId, cursor, watermark, limit);
      if (page.length === 0) break;
      await this.learnKinds(tenantId, page, kinds);
      for (const transfer of page) {
        input.leaves.push(leafHash(encodeLeaf(leafOf(tenantId, transfer, accountHashes))));
        input.commitSeqs.push(transfer.commitSeq);
        input.circulationDeltaWon += circulationDelta(transfer, kinds);
      }
      input.firstTransferId ??= page[0]?.id ?? null;
      input.lastTransferId = page[page.length - 1]?.id ?? null;
      cursor = page[page.length - 1]?.commitSeq ?? cursor;
      if (page.length < limit) break;
    }
    if (input.leaves.length === SEAL_TRANSFERS_MAX) input.throughCommitSeq = cursor;
    return input;
  }

  private async learnKinds(tenantId: string, page: readonly SealableTransfer[], kinds: Map<string, string>) {
    const unknown = new Set<string>();
    for (const transfer of page)
      for (const entry of transfer.entries) if (!kinds.has(entry.accountId)) unknown.add(entry.accountId);
    if (unknown.size === 0) return;
    for (const account of await this.deps.ledger.getAccounts(tenantId, [...unknown]))
      kinds.set(account.id, account.kind);
  }

  private async build(
    tenantId: string,
    latest: StoredCheckpoint | undefined,
    input: SealInput,
    signer: CheckpointSigner,
  ): Promise<StoredCheckpoint> {
    const oldSize = latest?.treeSize ?? 0;
    const oldFrontier = new Map(
      frontierOf(oldSize).map((node, i) => [nodeKey(node), Buffer.from(latest?.frontier[i] ?? '', 'hex')]),
    );
    const appended = appendLeaves(oldSize, input.leaves, oldFrontier);
    const now = this.clock.now();
    const statement: CheckpointStatement = {
      tenantId,
      sequence: (latest?.sequence ?? 0) + 1,
      sealedAt: now.toISOString(),
      treeSize: oldSize + input.leaves.length,
      transferCount: input.leaves.length,
      firstTransferId: input.firstTransferId,
      lastTransferId: input.lastTransferId,
      previousRootHash: latest?.rootHash ?? EMPTY_TREE_HASH,
      rootHash: appended.root.toString('hex'),
      publicKeyId: signer.publicKeyId,
    };
    const checkpoint: StoredCheckpoint = {
      ...statement,
      sealedAt: now,
      signature: signer.sign(statement),
      throughCommitSeq: input.throughCommitSeq,
      frontier: [...appended.frontier.values()].map((hash) => hash.toString('hex')),
      figures: await this.figures(
        tenantId,
        (latest?.figures.circulationWon ?? 0) + input.circulationDeltaWon,
      ),
    };
    await this.db.transaction(async (tx) => {
      await publishKey(tx, tenantId, signer.publicKeyId, signer.publicKeyBase64, now);
      await appendNodes(tx, tenantId, appended.levels);
      await appendLeafSeqs(tx, tenantId, oldSize, input.commitSeqs);
      await insertCheckpoint(tx, checkpoint);
    });
    return checkpoint;
  }

  private async figures(tenantId: string, circulationWon: number): Promise<PublicFigures> {
    const pots = await this.deps.budgets.listPots(tenantId);
    const accounts = await this.deps.ledger.getAccounts(
      tenantId,
      pots.flatMap((pot) => pot.accounts.map((account) => account.accountId)),
    );
    const remainingById = new Map(accounts.map((account) => [account.id, account.availableWon]));
    return {
      circulationWon,
      budgetPots: pots.map((pot) => ({
        potId: pot.id,
        name: pot.name,
        period: pot.period,
        from: pot.from.toISOString(),
        to: pot.to.toISOString(),
        nationalShareBp: pot.nationalShareBp,
        fundedWon: pot.fundedWon,
        spentWon: pot.spentWon,
        remainingWon: pot.remainingWon,
        movedToMonthlyWon: pot.movedToMonthlyWon,
        sources: pot.accounts.map((account) => ({
          source: account.source,
          remainingWon: remainingById.get(account.accountId) ?? 0,
        })),
      })),
    };
  }

  async checkpoints(
    tenantId: string,
    page: { beforeSequence?: number; limit: number },
  ): Promise<StoredCheckpoint[]> {
    const limit = Math.min(Math.max(1, page.limit), CHECKPOINT_PAGE_MAX);
    return selectCheckpoints(this.db, tenantId, {
      beforeSequence: page.beforeSequence,
      limit,
      order: 'desc',
    });
  }

  async checkpoint(tenantId: string, sequence: number): Promise<StoredCheckpoint> {
    const found = await selectCheckpoint(this.db, tenantId, sequence);
    if (!found) throw notFound(`checkpoint ${sequence}`, `체크포인트 ${sequence}`);
    return found;
  }

  async keys(tenantId: string): Promise<PublicKeyRecord[]> {
    return selectKeys(this.db, tenantId);
  }

  /** RFC 6962 consistency proof from checkpoint `fromSequence` to checkpoint `sequence`. */
  async consistency(tenantId: string, sequence: number, fromSequence: number) {
    if (fromSequence > sequence) {
      throw new DomainError({
        code: 'CONSISTENCY_RANGE_INVALID',
        httpStatus: 400,
        message: '`from` must be a checkpoint at or before this one',
        messageKo: '`from`은 이 체크포인트와 같거나 이전이어야 합니다',
      });
    }
    const to = await this.checkpoint(tenantId, sequence);
    const from = await this.checkpoint(tenantId, fromSequence);
    const path = await this.hashesOf(tenantId, consistencyRanges(from.treeSize, to.treeSize));
    return { from: publishCheckpoint(from), to: publishCheckpoint(to), consistencyPath: path };
  }

  private async hashesOf(tenantId: string, ranges: readonly LeafRange[]): Promise<string[]> {
    const needed = ranges.flatMap((range) => perfectNodesOf(range));
    const nodes = await selectNodes(this.db, tenantId, needed);
    return ranges.map((range) => rangeHash(range, nodes).toString('hex'));
  }

  /**
   * The proof a member keeps for one history item (`referenceId` of GET /v1/me/transactions): each of
   * its ledger transfers with its leaf, its inclusion path in the latest checkpoint and that checkpoint.
   */
  async proofFor(tenantId: string, memberId: string, transactionId: string): Promise<ProofAnswer> {
    const own = await this.deps.ledger.accountsOwnedBy(tenantId, memberId);
    const ownIds = own.map((account) => account.id);
    const transferIds = await this.deps.ledger.transferIdsByReference(tenantId, ownIds, transactionId);
    if (transferIds.length === 0) throw notFound(`transaction ${transactionId}`, `거래 ${transactionId}`);
    const transfers = await this.deps.ledger.sealableTransfers(tenantId, transferIds);
    const [latest] = await selectCheckpoints(this.db, tenantId, { limit: 1, order: 'desc' });
    const lastSeq = Math.max(...transfers.map((transfer) => transfer.commitSeq));
    if (!latest || lastSeq > latest.throughCommitSeq)
      return {
        status: 'not_yet_sealed',
        transactionId,
        nextCheckpointAt: (await this.nextCheckpointAt(tenantId)).toISOString(),
      };
    const proofs: InclusionProof[] = [];
    for (const transfer of transfers)
      proofs.push(await this.inclusionProof(tenantId, transfer, latest, new Set(ownIds)));
    return { status: 'sealed', transactionId, proofs };
  }

  private async inclusionProof(
    tenantId: string,
    transfer: SealableTransfer,
    checkpoint: StoredCheckpoint,
    ownIds: ReadonlySet<string>,
  ): Promise<InclusionProof> {
    const leafIndex = await selectLeafIndex(this.db, tenantId, transfer.commitSeq);
    if (leafIndex === undefined || leafIndex >= checkpoint.treeSize) throw journalMismatch(transfer.id);
    const leaf = encodeLeaf(leafOf(tenantId, transfer));
    const ranges = inclusionRanges(leafIndex, checkpoint.treeSize);
    const needed = [{ level: 0, index: leafIndex }, ...ranges.flatMap((range) => perfectNodesOf(range))];
    const nodes = await selectNodes(this.db, tenantId, needed);
    const sealedLeaf = nodes.get(nodeKey({ level: 0, index: leafIndex }));
    if (!sealedLeaf?.equals(leafHash(leaf))) throw journalMismatch(transfer.id);
    const accounts = await this.deps.ledger.getAccounts(
      tenantId,
      transfer.entries.map((entry) => entry.accountId),
    );
    return {
      format: PROOF_FORMAT,
      tenantId,
      transferId: transfer.id,
      leaf,
      leafHash: sealedLeaf.toString('hex'),
      leafIndex,
      treeSize: checkpoint.treeSize,
      inclusionPath: ranges.map((range) => rangeHash(range, nodes).toString('hex')),
      checkpoint: publishCheckpoint(checkpoint),
      accounts: accounts.map((account) => {
        const yours = ownIds.has(account.id);
        const named = yours || !account.kind.startsWith(MEMBER_KINDS_PREFIX);
        return { account: accountHash(tenantId, account.id), accountId: named ? account.id : null, yours };
      }),
    };
  }

  /**
   * Recomputes every checkpoint from the journal (leaves, roots, counts, chaining, circulation) and
   * checks each signature against the published key. Read-only; one checkpoint in memory at a time.
   */
  async audit(tenantId: string): Promise<CheckpointViolation[]> {
    const keys = new Map((await selectKeys(this.db, tenantId)).map((key) => [key.keyId, key]));
    const violations: CheckpointViolation[] = [];
    let previous = {
      rootHash: EMPTY_TREE_HASH,
      treeSize: 0,
      through: 0,
      circulationWon: 0,
      frontier: new Map<string, Buffer>(),
    };
    for (let fromSequence = 1; ; ) {
      const page = await selectCheckpoints(this.db, tenantId, {
        fromSequence,
        limit: CHECKPOINT_PAGE_MAX,
        order: 'asc',
      });
      for (const checkpoint of page) {
        const input = await this.readSealInput(tenantId, previous.through, checkpoint.throughCommitSeq);
        const appended = appendLeaves(previous.treeSize, input.leaves, previous.frontier);
        const recomputed = {
          sequence: fromSequence,
          previousRootHash: previous.rootHash,
          rootHash: appended.root.toString('hex'),
          treeSize: previous.treeSize + input.leaves.length,
          transferCount: input.leaves.length,
          firstTransferId: input.firstTransferId,
          lastTransferId: input.lastTransferId,
          circulationWon: previous.circulationWon + input.circulationDeltaWon,
        };
        violations.push(...compareCheckpoint(checkpoint, recomputed, keys.get(checkpoint.publicKeyId)));
        previous = { ...recomputed, through: checkpoint.throughCommitSeq, frontier: appended.frontier };
        fromSequence += 1;
      }
      if (page.length < CHECKPOINT_PAGE_MAX) break;
    }
    return violations;
  }

  /** The daily checkpoint: the next tenant-local midnight, or now if today's is still due. */
  async nextCheckpointAt(tenantId: string): Promise<Date> {
    const now = this.clock.now();
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
    const [latest] = await selectCheckpoints(this.db, tenantId, { limit: 1, order: 'desc' });
    const todayStart = localMidnight(now, timeZone);
    if (!latest || latest.sealedAt < todayStart) return now;
    return localMidnight(now, timeZone, 1);
  }

  /** Checks every minute; seals when no checkpoint was made since the tenant's last midnight. */
  jobs(): Job[] {
    return [
      {
        name: 'public_books.daily_checkpoint',
        everyMs: 60_000,
        run: async ({ tenantId, now }) => {
          if (!this.signer) return { processed: 0, details: { skipped: 'no signing key' } };
          const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
          const [latest] = await selectCheckpoints(this.db, tenantId, { limit: 1, order: 'desc' });
          if (latest && latest.sealedAt >= localMidnight(now, timeZone)) return { processed: 0 };
          const { checkpoint, created } = await this.seal(tenantId);
          return {
            processed: created ? checkpoint.transferCount : 0,
            more: created && checkpoint.transferCount === SEAL_TRANSFERS_MAX,
            details: { sequence: checkpoint.sequence },
          };
        },
      },
    ];
  }
}

export interface CheckpointViolation {
  subject: string;
  message: string;
}

function compareCheckpoint(
  checkpoint: StoredCheckpoint,
  recomputed: Omit<CheckpointStatement, 'tenantId' | 'sealedAt' | 'publicKeyId'> & { circulationWon: number },
  key: PublicKeyRecord | undefined,
): CheckpointViolation[] {
  const subject = `checkpoint ${checkpoint.sequence}`;
  const found: CheckpointViolation[] = [];
  const stored: Record<string, unknown> = {
    ...checkpoint,
    circulationWon: checkpoint.figures.circulationWon,
  };
  for (const [field, value] of Object.entries(recomputed)) {
    if (stored[field] !== value)
      found.push({
        subject,
        message: `${field} is ${String(stored[field])} but the journal gives ${String(value)}`,
      });
  }
  if (!key) {
    found.push({ subject, message: `signed with key ${checkpoint.publicKeyId}, which is not published` });
  } else {
    const statement = { ...checkpoint, sealedAt: checkpoint.sealedAt.toISOString() };
    if (!verifyStatement(statement, checkpoint.signature, publicKeyFromRaw(key.publicKey)))
      found.push({ subject, message: 'the signature does not verify with the published key' });
    if (checkpoint.sealedAt < key.validFrom || (key.validUntil && checkpoint.sealedAt > key.validUntil))
      found.push({ subject, message: `sealed outside the validity of key ${key.keyId}` });
  }
  return found;
}

function circulationDelta(transfer: SealableTransfer, kinds: ReadonlyMap<string, string>): number {
  let deltaWon = 0;
  for (const entry of transfer.entries)
    if (CIRCULATING_KINDS.has(kinds.get(entry.accountId) ?? '')) deltaWon += entry.postedDeltaWon;
  return deltaWon;
}

function journalMismatch(transferId: string): DomainError {
  return new DomainError({
    code: 'JOURNAL_DIFFERS_FROM_CHECKPOINT',
    httpStatus: 409,
    message: `transfer ${transferId} in the journal does not match what the checkpoints sealed; run hanbat audit`,
    messageKo: `거래 ${transferId}의 장부 기록이 봉인된 체크포인트와 다릅니다. hanbat audit를 실행하세요`,
  });
}
