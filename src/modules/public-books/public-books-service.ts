import type { Clock } from '../../clock.js';
import { type Database, retryOnConflict } from '../../db/database.js';
import { DomainError, notFound } from '../../errors.js';
import type { BudgetService } from '../budgets/budget-service.js';
import type { LedgerService, SealableTransfer } from '../ledger/index.js';
import type { Job } from '../scheduler/scheduler.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { FigureTally } from './figures.js';
import { JournalIntegrator } from './integrator.js';
import { type AccountHashCache, accountHash, leafText, publicTransferId } from './leaf.js';
import { localMidnight } from './local-day.js';
import {
  consistencyRanges,
  EMPTY_TREE_HASH,
  inclusionRanges,
  leafHash,
  type NodeRef,
  nodeKey,
  perfectNodesOf,
  rangeHash,
  rootOfLeafHashes,
  TreeAppender,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
import { type InclusionProof, PROOF_FORMAT, type ProofAnswer, publishCheckpoint } from './proof.js';
import {
  EMBEDDED_PACING,
  GROUP_LEAVES,
  type ScanPacing,
  type ScanResult,
  SERVER_PACING,
  STORED_LEVEL,
  scanJournal,
} from './scan.js';
import {
  type CheckpointSigner,
  type CheckpointStatement,
  publicKeyFromRaw,
  verifyStatement,
} from './signing.js';
import {
  type IntegrationCursor,
  insertCheckpoint,
  publishKey,
  selectCheckpoint,
  selectCheckpoints,
  selectKeys,
  selectLeafBySeq,
  selectLeafRange,
  selectNodes,
} from './store.js';
import type { PublicKeyRecord, StoredCheckpoint } from './types.js';

const CHECKPOINT_PAGE_MAX = 100;
const ACCOUNT_HASHES_KEPT_MAX = 100_000;
const ACCOUNT_HASH_TENANTS_MAX = 64;
const MEMBER_KINDS_PREFIX = 'member_';

export interface SealOutcome {
  checkpoint: StoredCheckpoint;
  created: boolean;
}

/** Where the time of the last seal went (bench and logs): catching the integrator up, then signing and writing. */
export interface SealTimings {
  integrateMs: number;
  signAndWriteMs: number;
}

/** How often the integrator job looks for newly committed transfers. */
const INTEGRATE_EVERY_MS = 10_000;
/** Pages one run of the integrator job folds at most (the run budget usually stops it sooner). */
const INTEGRATE_PAGES_PER_RUN_MAX = 64;
/**
 * The job folds small pages, paced by the scheduler's run budget (it rests three times as long as
 * each page took, by default): unpaced, its pages of 2,000 transfers took the p99 of HTTP payments
 * at 1,000/s to 350–405 ms, paced it is 143–178 ms (docs/engine.md, "Session 14"). The price: under
 * that load on two cores it folded ~700 transfers a second, so a backlog grows while a city pays
 * 1,000 a second (its real peak is tens) and shrinks when it pays less; the daily seal folds the rest
 * unpaced.
 */
const INTEGRATE_JOB_PAGE_TRANSFERS = 256;

/** Signed checkpoints of the journal, proofs of inclusion and consistency, and the public figures. */
export class PublicBooksService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: { ledger: LedgerService; tenants: TenantService; budgets: BudgetService },
    private readonly signer: CheckpointSigner | undefined,
  ) {
    this.integrator = new JournalIntegrator(db, deps);
  }

  /** Folds the journal into the tree between seals (a scheduler job); the seal catches it up. */
  readonly integrator: JournalIntegrator;

  private get pacing(): ScanPacing {
    return this.db.kind === 'pglite' ? EMBEDDED_PACING : SERVER_PACING;
  }

  /** Phase timings of the last seal made by this instance (for the bench; not persisted). */
  lastSealTimings: SealTimings | undefined;

  /**
   * Seals every transfer committed since the last checkpoint; returns the latest one if none was.
   * The integrator has usually folded them already: the seal catches it up to the watermark (the
   * part not yet integrated), then signs the integrated tree. No lock is held meanwhile: the
   * watermark fixes the prefix (commit-order.ts).
   */
  async seal(tenantId: string): Promise<SealOutcome> {
    const signer = this.requireSigner();
    return retryOnConflict(async () => {
      const watermark = await this.deps.ledger.commitWatermark(tenantId);
      const [latest] = await selectCheckpoints(this.db, tenantId, { limit: 1, order: 'desc' });
      if (latest && watermark <= latest.throughCommitSeq) return { checkpoint: latest, created: false };
      const integrated = performance.now();
      await this.integrator.integrate(tenantId, watermark);
      const integrateMs = performance.now() - integrated;
      const checkpoint = await this.build(tenantId, latest, signer);
      if (this.lastSealTimings) this.lastSealTimings.integrateMs = integrateMs;
      return { checkpoint, created: true };
    });
  }

  /** The tree as integrated up to at least this checkpoint (after an upgrade the integrator starts from leaf 0). */
  private async integratedThrough(tenantId: string, checkpoint: StoredCheckpoint): Promise<void> {
    const cursor = await this.integrator.cursor(tenantId);
    if (cursor.throughCommitSeq < checkpoint.throughCommitSeq)
      await this.integrator.integrate(tenantId, checkpoint.throughCommitSeq);
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

  /**
   * Signs the integrated tree as the next checkpoint. The cursor names one state of a tree that only
   * grows (its leaves and nodes are never rewritten), so the integrator may move on meanwhile.
   */
  private async build(
    tenantId: string,
    latest: StoredCheckpoint | undefined,
    signer: CheckpointSigner,
  ): Promise<StoredCheckpoint> {
    const started = performance.now();
    const now = this.clock.now();
    const cursor = await this.integrator.cursor(tenantId);
    const previousSize = latest?.treeSize ?? 0;
    if (cursor.treeSize < previousSize) throw journalMismatch(`integrated tree of ${cursor.treeSize} leaves`);
    const transferCount = cursor.treeSize - previousSize;
    const statement: CheckpointStatement = {
      tenantId,
      sequence: (latest?.sequence ?? 0) + 1,
      sealedAt: now.toISOString(),
      treeSize: cursor.treeSize,
      transferCount,
      firstTransferId:
        transferCount === 0
          ? null
          : publicTransferId(tenantId, await this.transferIdOfLeaf(tenantId, previousSize, cursor)),
      lastTransferId:
        transferCount === 0 || cursor.lastTransferId === null
          ? null
          : publicTransferId(tenantId, cursor.lastTransferId),
      previousRootHash: latest?.rootHash ?? EMPTY_TREE_HASH,
      rootHash: new TreeAppender(cursor.treeSize, cursor.frontier, STORED_LEVEL).root().toString('hex'),
      publicKeyId: signer.publicKeyId,
    };
    const checkpoint: StoredCheckpoint = {
      ...statement,
      sealedAt: now,
      signature: signer.sign(statement),
      throughCommitSeq: cursor.throughCommitSeq,
      frontier: cursor.frontier.map((hash) => hash.toString('hex')),
      figures: FigureTally.fromState(cursor.tally, (code) => this.deps.budgets.isFundingCode(code)).figures(
        await this.deps.budgets.listPots(tenantId),
      ),
    };
    await this.db.transaction(async (tx) => {
      await publishKey(tx, tenantId, signer.publicKeyId, signer.publicKeyBase64, now);
      await insertCheckpoint(tx, checkpoint);
    });
    this.lastSealTimings = { integrateMs: 0, signAndWriteMs: performance.now() - started };
    return checkpoint;
  }

  /** The transfer id of an integrated leaf (the stored leaf gives its commit number). */
  private async transferIdOfLeaf(
    tenantId: string,
    leafIndex: number,
    cursor: IntegrationCursor,
  ): Promise<string> {
    const [leaf] = await selectLeafRange(this.db, tenantId, leafIndex, leafIndex + 1);
    const [transfer] = leaf
      ? await this.deps.ledger.transfersInCommitOrder(
          tenantId,
          leaf.commitSeq - 1,
          cursor.throughCommitSeq,
          1,
        )
      : [];
    if (!leaf || transfer?.commitSeq !== leaf.commitSeq) throw journalMismatch(`leaf ${leafIndex}`);
    return transfer.id;
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
    await this.integratedThrough(tenantId, to);
    const ranges = consistencyRanges(from.treeSize, to.treeSize);
    const nodes = await this.treeNodes(
      tenantId,
      to,
      ranges.flatMap((range) => perfectNodesOf(range)),
    );
    const path = ranges.map((range) => rangeHash(range, nodes));
    const [oldRoot, newRoot] = [from.rootHash, to.rootHash].map((hex) => Buffer.from(hex, 'hex'));
    // The integrated tree must give the signed roots: a store that drifted from them is never served.
    if (!verifyConsistency(from.treeSize, to.treeSize, oldRoot as Buffer, newRoot as Buffer, path))
      throw journalMismatch(`between checkpoints ${fromSequence} and ${sequence}`);
    return {
      from: publishCheckpoint(from),
      to: publishCheckpoint(to),
      consistencyPath: path.map((hash) => hash.toString('hex')),
    };
  }

  /**
   * Hashes of these perfect subtrees of `checkpoint`'s tree: from level STORED_LEVEL up as stored,
   * below from the stored leaf hashes of their group (`spans` may hold groups already read).
   */
  private async treeNodes(
    tenantId: string,
    checkpoint: StoredCheckpoint,
    needed: readonly NodeRef[],
    spans: LeafSpan[] = [],
  ): Promise<Map<string, Buffer>> {
    const nodes = await selectNodes(
      this.db,
      tenantId,
      needed.filter((node) => node.level >= STORED_LEVEL),
    );
    const missing = needed.filter((node) => !nodes.has(nodeKey(node)));
    if (missing.some((node) => node.level >= STORED_LEVEL)) throw journalMismatch('stored tree');
    for (const node of missing) {
      const start = node.index * 2 ** node.level;
      let span = spanHolding(spans, start, 2 ** node.level);
      if (!span) {
        span = await this.storedGroup(tenantId, checkpoint, start);
        spans.push(span);
      }
      nodes.set(
        nodeKey(node),
        rootOfLeafHashes(span.hashes.slice(start - span.start, start - span.start + 2 ** node.level)),
      );
    }
    return nodes;
  }

  /** The stored leaf hashes of the group of GROUP_LEAVES leaves holding leaf `index`, within `checkpoint`. */
  private async storedGroup(
    tenantId: string,
    checkpoint: StoredCheckpoint,
    index: number,
  ): Promise<LeafSpan> {
    const start = index - (index % GROUP_LEAVES);
    const end = Math.min(start + GROUP_LEAVES, checkpoint.treeSize);
    const leaves = await selectLeafRange(this.db, tenantId, start, end);
    if (leaves.length !== end - start) throw journalMismatch(`leaves from ${start}`);
    return { start, hashes: leaves.map((leaf) => leaf.hash) };
  }

  /** Account hashes are a pure function of the tenant and account ids: kept across proofs, per tenant (bounded). */
  private readonly accountHashCaches = new Map<string, AccountHashCache>();

  private accountHashes(tenantId: string): AccountHashCache {
    let cache = this.accountHashCaches.get(tenantId);
    if (!cache || cache.size > ACCOUNT_HASHES_KEPT_MAX) {
      if (this.accountHashCaches.size >= ACCOUNT_HASH_TENANTS_MAX) this.accountHashCaches.clear();
      cache = new Map();
      this.accountHashCaches.set(tenantId, cache);
    }
    return cache;
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
    const [transfers, [latest]] = await Promise.all([
      this.deps.ledger.sealableTransfers(tenantId, transferIds),
      selectCheckpoints(this.db, tenantId, { limit: 1, order: 'desc' }),
    ]);
    const lastSeq = Math.max(...transfers.map((transfer) => transfer.commitSeq));
    if (!latest || lastSeq > latest.throughCommitSeq)
      return {
        status: 'not_yet_sealed',
        transactionId,
        nextCheckpointAt: (await this.nextCheckpointAt(tenantId)).toISOString(),
      };
    await this.integratedThrough(tenantId, latest);
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
    const [stored, accounts] = await Promise.all([
      selectLeafBySeq(this.db, tenantId, transfer.commitSeq),
      this.deps.ledger.getAccounts(
        tenantId,
        transfer.entries.map((entry) => entry.accountId),
      ),
    ]);
    const leaf = leafText(tenantId, transfer, this.accountHashes(tenantId));
    const hash = leafHash(leaf);
    // The journal must still say what was integrated: a transfer altered since then is not proved.
    if (!stored || stored.leafIndex >= checkpoint.treeSize || !stored.hash.equals(hash))
      throw journalMismatch(transfer.id);
    const leafIndex = stored.leafIndex;
    const ranges = inclusionRanges(leafIndex, checkpoint.treeSize);
    const nodes = await this.treeNodes(
      tenantId,
      checkpoint,
      ranges.flatMap((range) => perfectNodesOf(range)),
      [await this.storedGroup(tenantId, checkpoint, leafIndex)],
    );
    const path = ranges.map((range) => rangeHash(range, nodes));
    if (!verifyInclusion(hash, leafIndex, checkpoint.treeSize, path, Buffer.from(checkpoint.rootHash, 'hex')))
      throw journalMismatch(transfer.id);
    return {
      format: PROOF_FORMAT,
      tenantId,
      transferId: transfer.id,
      leaf,
      leafHash: hash.toString('hex'),
      leafIndex,
      treeSize: checkpoint.treeSize,
      inclusionPath: path.map((node) => node.toString('hex')),
      checkpoint: publishCheckpoint(checkpoint),
      accounts: accounts.map((account) => {
        const yours = ownIds.has(account.id);
        const named = yours || !account.kind.startsWith(MEMBER_KINDS_PREFIX);
        return { account: accountHash(tenantId, account.id), accountId: named ? account.id : null, yours };
      }),
    };
  }

  /**
   * Recomputes every checkpoint from the journal (leaves, roots, counts, chaining, figures) and
   * checks each signature against the published key. Read-only; one checkpoint's scan at a time.
   */
  async audit(tenantId: string): Promise<CheckpointViolation[]> {
    const keys = new Map((await selectKeys(this.db, tenantId)).map((key) => [key.keyId, key]));
    const violations: CheckpointViolation[] = [];
    let previous: StoredCheckpoint | undefined;
    let recomputedBefore: ScanResult | undefined;
    for (let fromSequence = 1; ; ) {
      const page = await selectCheckpoints(this.db, tenantId, {
        fromSequence,
        limit: CHECKPOINT_PAGE_MAX,
        order: 'asc',
      });
      for (const checkpoint of page) {
        // Each step starts from what the journal gave for the step before, not from stored values.
        const start = recomputedBefore
          ? {
              treeSize: recomputedBefore.tree.size,
              frontier: recomputedBefore.tree.frontier(),
              afterSeq: previous?.throughCommitSeq ?? 0,
              tally: recomputedBefore.tally,
            }
          : {
              treeSize: 0,
              frontier: [],
              afterSeq: 0,
              tally: new FigureTally(undefined, (code) => this.deps.budgets.isFundingCode(code)),
            };
        const scan = await scanJournal(this.deps, tenantId, start, checkpoint.throughCommitSeq, this.pacing);
        const recomputed = {
          sequence: fromSequence,
          previousRootHash: recomputedBefore?.tree.root().toString('hex') ?? EMPTY_TREE_HASH,
          rootHash: scan.tree.root().toString('hex'),
          treeSize: scan.tree.size,
          transferCount: scan.transferCount,
          firstTransferId: scan.firstTransferId,
          lastTransferId: scan.lastTransferId,
          circulationWon: scan.tally.circulationWon,
        };
        violations.push(...compareCheckpoint(checkpoint, recomputed, keys.get(checkpoint.publicKeyId)));
        violations.push(...compareFigures(checkpoint, scan.tally));
        previous = checkpoint;
        recomputedBefore = scan;
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
            details: { sequence: checkpoint.sequence },
          };
        },
      },
      {
        name: 'public_books.integrate',
        everyMs: INTEGRATE_EVERY_MS,
        run: async ({ tenantId, budget }) => {
          const watermark = await this.deps.ledger.commitWatermark(tenantId);
          const outcome = await this.integrator.integrate(tenantId, watermark, {
            budget,
            pagesMax: INTEGRATE_PAGES_PER_RUN_MAX,
            pageTransfers: INTEGRATE_JOB_PAGE_TRANSFERS,
          });
          return {
            processed: outcome.processed,
            more: outcome.more,
            details: { treeSize: outcome.cursor.treeSize },
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
    // Checkpoints sealed before member-naming ids were hashed published them as they are: either is true.
    const published: unknown[] =
      (field === 'firstTransferId' || field === 'lastTransferId') && typeof value === 'string'
        ? [value, publicTransferId(checkpoint.tenantId, value)]
        : [value];
    if (!published.includes(stored[field]))
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

/** The pot figures a checkpoint published against the journal's (per funding source). */
function compareFigures(checkpoint: StoredCheckpoint, tally: FigureTally): CheckpointViolation[] {
  const found: CheckpointViolation[] = [];
  for (const pot of checkpoint.figures.budgetPots)
    for (const source of pot.sources) {
      if (!source.accountId) continue; // sealed before per-source totals were published
      const recomputed = tally.totalsOf(source.accountId);
      for (const field of ['fundedWon', 'spentWon', 'remainingWon', 'movedToMonthlyWon'] as const)
        if (source[field] !== recomputed[field])
          found.push({
            subject: `checkpoint ${checkpoint.sequence}`,
            message: `${field} of pot ${pot.potId} (${source.source}) is ${source[field]} but the journal gives ${recomputed[field]}`,
          });
    }
  return found;
}

/** Leaf hashes of leaves [start, start + hashes.length), read from the store for one request. */
interface LeafSpan {
  start: number;
  hashes: Buffer[];
}

function spanHolding(spans: readonly LeafSpan[], start: number, count: number): LeafSpan | undefined {
  return spans.find((span) => span.start <= start && start + count <= span.start + span.hashes.length);
}

function journalMismatch(subject: string): DomainError {
  return new DomainError({
    code: 'JOURNAL_DIFFERS_FROM_CHECKPOINT',
    httpStatus: 409,
    message: `the journal (${subject}) does not match what the checkpoints sealed; run hanbat audit`,
    messageKo: `장부 기록(${subject})이 봉인된 체크포인트와 다릅니다. hanbat audit를 실행하세요`,
  });
}
