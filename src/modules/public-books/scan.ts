import type { BudgetService } from '../budgets/budget-service.js';
import type { LedgerService, SealableTransfer } from '../ledger/index.js';
import type { FigureTally } from './figures.js';
import { type AccountHashCache, leafText } from './leaf.js';
import { leafHash, TreeAppender } from './merkle.js';

/**
 * Perfect subtrees from this level up are stored (1/8 of a hash per leaf); a proof rehashes the
 * group of GROUP_LEAVES leaves below from their stored leaf hashes (integrator.ts).
 */
export const STORED_LEVEL = 4;
export const GROUP_LEAVES = 2 ** STORED_LEVEL;
/** The audit reads the journal in pages of whole blocks of this many transfers. */
const BLOCK_LEAVES = 256;
/** Leaves hashed between two turns of the event loop. */
const FOLD_SLICE = 1024;
/** Transfers numbered by one counting query: each query is short, so payments get in between. */
const COUNT_PAGE_MAX = 65_536;

/**
 * How the journal is read. A page is `pageBlocks` whole blocks (pages are cut at block starts, so
 * their bounds are exact); `pagesInFlight` pages are read ahead while one is hashed, so the database
 * and Node work at the same time. The embedded database runs one statement at a time for everyone:
 * there, short pages and no read-ahead, so a payment waits for one short page at most.
 */
export interface ScanPacing {
  pageBlocks: number;
  pagesInFlight: number;
}
export const SERVER_PACING: ScanPacing = { pageBlocks: 64, pagesInFlight: 2 };
export const EMBEDDED_PACING: ScanPacing = { pageBlocks: 4, pagesInFlight: 0 };

/** Where the tree stood at the previous checkpoint (all zero/empty before the first). */
export interface ScanStart {
  treeSize: number;
  frontier: readonly Buffer[];
  afterSeq: number;
  /** The figures so far; the scan adds to it. */
  tally: FigureTally;
}

export interface ScanResult {
  tree: TreeAppender;
  tally: FigureTally;
  transferCount: number;
  firstTransferId: string | null;
  lastTransferId: string | null;
  throughCommitSeq: number;
  phasesMs: { count: number; read: number; hash: number };
}

export interface ScanDeps {
  ledger: LedgerService;
  budgets: BudgetService;
}

/**
 * Reads the journal after `start.afterSeq` through `throughSeq` in commit order and folds it into
 * the tree and the figures: the audit's recomputation of a checkpoint, independent of the stored tree. Memory stays at a few
 * pages: leaves are hashed as they come and only the frontier and the stored levels are kept.
 */
export async function scanJournal(
  deps: ScanDeps,
  tenantId: string,
  start: ScanStart,
  throughSeq: number,
  pacing: ScanPacing = SERVER_PACING,
): Promise<ScanResult> {
  const counted = performance.now();
  const range = await countRange(deps, tenantId, start, throughSeq);
  const result: ScanResult = {
    tree: new TreeAppender(start.treeSize, start.frontier, STORED_LEVEL),
    tally: start.tally,
    transferCount: 0,
    firstTransferId: null,
    lastTransferId: null,
    throughCommitSeq: throughSeq,
    phasesMs: { count: performance.now() - counted, read: 0, hash: 0 },
  };
  const folder = new LeafFolder(deps, tenantId, result);
  const bounds = pageBounds(start.afterSeq, range, pacing.pageBlocks);
  for await (const page of pagesInOrder(bounds, pacing, deps, tenantId, result)) await folder.fold(page);
  if (result.transferCount !== range.count)
    throw new Error(`public books: read ${result.transferCount} transfers of ${range.count} counted`);
  return result;
}

/** Numbers the range in short index-only queries. */
async function countRange(
  deps: ScanDeps,
  tenantId: string,
  start: ScanStart,
  throughSeq: number,
): Promise<{ count: number; lastSeq: number; marks: number[] }> {
  const total = { count: 0, lastSeq: start.afterSeq, marks: [] as number[] };
  for (;;) {
    const max = COUNT_PAGE_MAX;
    const page = await deps.ledger.commitRange(tenantId, {
      afterSeq: total.lastSeq,
      throughSeq,
      max,
      every: BLOCK_LEAVES,
      firstPosition: start.treeSize + total.count,
    });
    total.count += page.count;
    total.lastSeq = page.lastSeq;
    total.marks.push(...page.marks);
    if (page.count < max) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface PageBound {
  afterSeq: number;
  throughSeq: number;
}

/** Pages of `pageBlocks` blocks, each ending just before a block start (the first may be partial). */
function pageBounds(
  afterSeq: number,
  range: { count: number; lastSeq: number; marks: number[] },
  pageBlocks: number,
): PageBound[] {
  if (range.count === 0) return [];
  const bounds: PageBound[] = [];
  let from = afterSeq;
  // marks[0] may be the very first transfer (the tree ended on a block edge); cut after whole pages.
  for (let i = pageBlocks; i < range.marks.length; i += pageBlocks) {
    const through = (range.marks[i] as number) - 1;
    bounds.push({ afterSeq: from, throughSeq: through });
    from = through;
  }
  bounds.push({ afterSeq: from, throughSeq: range.lastSeq });
  return bounds;
}

/** Reads pages with up to `pagesInFlight` queries ahead and yields them in commit order. */
async function* pagesInOrder(
  bounds: readonly PageBound[],
  pacing: ScanPacing,
  deps: ScanDeps,
  tenantId: string,
  result: ScanResult,
): AsyncGenerator<SealableTransfer[]> {
  const pageMax = (pacing.pageBlocks + 1) * BLOCK_LEAVES;
  const inFlight: Array<Promise<SealableTransfer[]>> = [];
  let next = 0;
  const request = (bound: PageBound) => {
    const page = deps.ledger.transfersInCommitOrder(tenantId, bound.afterSeq, bound.throughSeq, pageMax);
    page.catch(() => undefined); // awaited below in order; a rejection is not unhandled meanwhile
    inFlight.push(page);
  };
  while (next < bounds.length || inFlight.length > 0) {
    while (inFlight.length < pacing.pagesInFlight + 1 && next < bounds.length)
      request(bounds[next++] as PageBound);
    const waited = performance.now();
    const page = await (inFlight.shift() as Promise<SealableTransfer[]>);
    result.phasesMs.read += performance.now() - waited;
    yield page;
  }
}

/** Hashes each transfer of a page into the tree and tallies it into the figures. */
class LeafFolder {
  private readonly kinds = new Map<string, string>();
  private readonly accountHashes: AccountHashCache = new Map();

  constructor(
    private readonly deps: ScanDeps,
    private readonly tenantId: string,
    private readonly result: ScanResult,
  ) {}

  async fold(page: readonly SealableTransfer[]): Promise<void> {
    await this.learnKinds(page);
    const started = performance.now();
    const { result } = this;
    for (const [i, transfer] of page.entries()) {
      // Sealing runs in the server's process: let payments' requests in between slices of hashing.
      if (i > 0 && i % FOLD_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      result.tree.push(leafHash(leafText(this.tenantId, transfer, this.accountHashes)));
      result.tally.add(transfer, this.kinds);
    }
    result.transferCount += page.length;
    result.firstTransferId ??= page[0]?.id ?? null;
    result.lastTransferId = page.at(-1)?.id ?? result.lastTransferId;
    result.phasesMs.hash += performance.now() - started;
  }

  private async learnKinds(page: readonly SealableTransfer[]): Promise<void> {
    const unknown = new Set<string>();
    for (const transfer of page)
      for (const entry of transfer.entries)
        if (!this.kinds.has(entry.accountId)) unknown.add(entry.accountId);
    if (unknown.size === 0) return;
    for (const account of await this.deps.ledger.getAccounts(this.tenantId, [...unknown]))
      this.kinds.set(account.id, account.kind);
  }
}
