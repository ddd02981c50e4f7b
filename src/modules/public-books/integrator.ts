import type { Database } from '../../db/database.js';
import type { BudgetService } from '../budgets/budget-service.js';
import type { LedgerService, SealableTransfer } from '../ledger/index.js';
import type { RunBudget } from '../scheduler/scheduler.js';
import { FigureTally } from './figures.js';
import { type AccountHashCache, leafText } from './leaf.js';
import { leafHash, TreeAppender } from './merkle.js';
import { STORED_LEVEL } from './scan.js';
import { advanceCursor, appendNodes, type IntegrationCursor, insertLeaves, selectCursor } from './store.js';

/** Transfers folded per page (one read, one transaction) when the caller gives no smaller bound. */
export const INTEGRATE_PAGE_TRANSFERS = { pglite: 1_024, postgres: 4_096 } as const;
/** No page is bigger than this, whatever the caller asks. */
const INTEGRATE_PAGE_TRANSFERS_MAX = 16_384;
/** Leaves hashed between two turns of the event loop (the integrator runs in the server's process). */
const FOLD_SLICE = 1_024;
/**
 * Account kinds kept per tenant (a miss is a query), account hashes kept per tenant (a miss is one
 * SHA-256 of a short text, so fewer), and tenants kept: bounded caches.
 */
const ACCOUNTS_KEPT_MAX = 100_000;
const ACCOUNT_HASHES_KEPT_MAX = 16_384;
const TENANTS_KEPT_MAX = 64;

/** A few account kinds name every account: each row's copy of its kind's name is dropped for one shared copy. */
const KINDS = new Map<string, string>();
function sharedKind(kind: string): string {
  const known = KINDS.get(kind);
  if (known !== undefined) return known;
  if (KINDS.size < 1_024) KINDS.set(kind, kind);
  return kind;
}

export interface IntegrateOptions {
  /** At most this many pages. */
  pagesMax?: number;
  /**
   * The scheduler's run budget: no page starts once it is spent, its `pageItems` bounds the page, and
   * each page that leaves more to do is paced by it (`RunBudget.pace`). A seal, which an operator or
   * the daily checkpoint waits for, runs without one and does not rest.
   */
  budget?: RunBudget;
  /** Transfers a page (default: INTEGRATE_PAGE_TRANSFERS of the database); the smaller bound wins. */
  pageTransfers?: number;
}

export interface IntegrateOutcome {
  /** Transfers folded by this call. */
  processed: number;
  /** True when the page bound or the run budget stopped it before `throughSeq`. */
  more: boolean;
  cursor: IntegrationCursor;
}

/** What the integrator knows of a tenant's accounts: kinds (for the figures) and hashes (for the leaves). */
interface AccountMemo {
  kinds: Map<string, string>;
  hashes: AccountHashCache;
}

/**
 * Integrates the journal into the public tree continuously, the way a Certificate Transparency log
 * integrates entries before it signs a tree head: in the ledger's commit order, from a durable cursor,
 * one bounded page per transaction. Each page appends its leaves' hashes, the perfect subtrees they
 * complete (from level STORED_LEVEL up) and the new cursor (size, commit number, frontier, figures so
 * far) together, so a crash leaves the tree exactly at a page edge: no gap, no leaf twice. Two
 * integrators (the job and a seal) may race; the cursor's condition lets one page win and the other
 * go on from the winner's cursor.
 */
export class JournalIntegrator {
  private readonly memos = new Map<string, AccountMemo>();

  constructor(
    private readonly db: Database,
    private readonly deps: { ledger: LedgerService; budgets: BudgetService },
  ) {}

  async cursor(tenantId: string): Promise<IntegrationCursor> {
    return selectCursor(this.db, tenantId);
  }

  /**
   * Folds committed transfers after the cursor through commit number `throughSeq` (a watermark: no
   * transfer can still appear at or below it). Stops after `pagesMax` pages or when `budget` is spent.
   */
  async integrate(
    tenantId: string,
    throughSeq: number,
    options: IntegrateOptions = {},
  ): Promise<IntegrateOutcome> {
    const pageTransfers = Math.min(
      options.budget?.pageItems ?? INTEGRATE_PAGE_TRANSFERS_MAX,
      options.pageTransfers ?? INTEGRATE_PAGE_TRANSFERS[this.db.kind],
      INTEGRATE_PAGE_TRANSFERS_MAX,
    );
    if (!(Number.isSafeInteger(pageTransfers) && pageTransfers >= 1))
      throw new Error(`public books: integrator page of ${pageTransfers} transfers`);
    let processed = 0;
    let cursor = await selectCursor(this.db, tenantId);
    for (let page = 0; cursor.throughCommitSeq < throughSeq; page += 1) {
      if (page >= (options.pagesMax ?? Number.POSITIVE_INFINITY) || (page > 0 && options.budget?.spent()))
        return { processed, more: true, cursor };
      const step = await this.integratePage(tenantId, cursor, throughSeq, pageTransfers);
      cursor = step.cursor;
      processed += step.folded;
      if (cursor.throughCommitSeq < throughSeq) await options.budget?.pace();
    }
    return { processed, more: false, cursor };
  }

  /**
   * One page from `cursor`; returns the cursor after it and the leaves this call folded. A page that
   * lost the race to another integrator is dropped and the winner's cursor returned: the other one
   * made the progress, so the caller's loop still ends.
   */
  private async integratePage(
    tenantId: string,
    cursor: IntegrationCursor,
    throughSeq: number,
    pageTransfers: number,
  ): Promise<{ cursor: IntegrationCursor; folded: number }> {
    const page = await this.deps.ledger.transfersInCommitOrder(
      tenantId,
      cursor.throughCommitSeq,
      throughSeq,
      pageTransfers,
    );
    // A short page read everything through the watermark; a full one ends at its last transfer.
    const pageThroughSeq =
      page.length < pageTransfers ? throughSeq : (page.at(-1) as SealableTransfer).commitSeq;
    const folded = await this.fold(tenantId, cursor, page, pageThroughSeq);
    const won = await this.db.transaction(async (tx) => {
      if (!(await advanceCursor(tx, tenantId, cursor, folded.cursor))) return false;
      await insertLeaves(tx, tenantId, cursor.treeSize, folded.commitSeqs, folded.hashes);
      await appendNodes(tx, tenantId, folded.tree.keptLevels());
      return true;
    });
    if (won) return { cursor: folded.cursor, folded: page.length };
    return { cursor: await selectCursor(this.db, tenantId), folded: 0 };
  }

  /** Hashes a page's leaves into the tree and its amounts into the figures; writes nothing. */
  private async fold(
    tenantId: string,
    cursor: IntegrationCursor,
    page: readonly SealableTransfer[],
    pageThroughSeq: number,
  ) {
    const memo = await this.memoFor(tenantId, page);
    const tree = new TreeAppender(cursor.treeSize, cursor.frontier, STORED_LEVEL);
    const tally = FigureTally.fromState(cursor.tally, (code) => this.deps.budgets.isFundingCode(code));
    const hashes: Buffer[] = [];
    const commitSeqs: number[] = [];
    for (const [i, transfer] of page.entries()) {
      if (i > 0 && i % FOLD_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      const hash = leafHash(leafText(tenantId, transfer, memo.hashes));
      tree.push(hash);
      tally.add(transfer, memo.kinds);
      hashes.push(hash);
      commitSeqs.push(transfer.commitSeq);
    }
    const next: IntegrationCursor = {
      treeSize: tree.size,
      throughCommitSeq: pageThroughSeq,
      lastTransferId: page.at(-1)?.id ?? cursor.lastTransferId,
      frontier: tree.frontier(),
      tally: tally.state(),
    };
    return { cursor: next, tree, hashes, commitSeqs };
  }

  /** The tenant's account memo, with the kinds of every account of `page` learned (one query for the new ones). */
  private async memoFor(tenantId: string, page: readonly SealableTransfer[]): Promise<AccountMemo> {
    let memo = this.memos.get(tenantId);
    if (!memo || memo.kinds.size > ACCOUNTS_KEPT_MAX) {
      if (this.memos.size >= TENANTS_KEPT_MAX) this.memos.clear();
      memo = { kinds: new Map(), hashes: new Map() };
      this.memos.set(tenantId, memo);
    }
    if (memo.hashes.size > ACCOUNT_HASHES_KEPT_MAX) memo.hashes.clear();
    const unknown = new Set<string>();
    for (const transfer of page)
      for (const entry of transfer.entries)
        if (!memo.kinds.has(entry.accountId)) unknown.add(entry.accountId);
    if (unknown.size > 0)
      for (const account of await this.deps.ledger.getAccounts(tenantId, [...unknown]))
        memo.kinds.set(account.id, sharedKind(account.kind));
    return memo;
  }
}
