import type { Clock } from '../../clock.js';
import { type Database, retryOnConflict, type Sql, writeCompanion } from '../../db/database.js';
import {
  type BatchObserver,
  GroupCommit,
  type GroupCommitOptions,
  type Settled,
} from '../../db/group-commit.js';
import { inForeground } from '../../db/priority-gate.js';
import { byTenant } from '../../db/tenant-keys.js';
import { DomainError, unstorableText } from '../../errors.js';
import { unstorableTextPath } from '../../storable-text.js';
import { monthKey } from '../../time.js';
import { allocateCashback, drawsInFull } from '../budgets/allocate.js';
import type { PotBalances } from '../budgets/types.js';
import { assertNotFrozenIn, type FrozenParties } from '../fraud/freeze-service.js';
import { idempotencyKeyReused, lockIdempotencyKeys } from '../idempotency/idempotency.js';
import {
  type IdempotencyRef,
  idempotencySlot,
  type StoredIdempotentResponse,
  selectIdempotentResponsesByTenant,
} from '../idempotency/stored-responses.js';
import type { HeldAccounts } from '../ledger/held-accounts.js';
import type { Account, TransferRequest } from '../ledger/types.js';
import type { Merchant } from '../merchants/types.js';
import { quoteCashback } from '../policy/cashback.js';
import type { CashbackPolicy } from '../policy/types.js';
import type { MonthlyUsage, WalletView } from '../wallets/types.js';
import {
  addUnearnedSpendOfTenants,
  allowanceSpentWon,
  lockMonthlyUsagesOfTenants,
  recordSpendingOfTenants,
} from '../wallets/usage.js';
import { walletViewOf } from '../wallets/wallet-view.js';
import {
  insertPaymentsAlongside,
  type PaymentWrite,
  receiptBody,
  selectPaymentReplaysByTenant,
} from './batch-store.js';
import { PaymentErrors } from './errors.js';
import { PAYMENT_FEED_SOURCE } from './feed-source.js';
import { decidedPayment, fundsOf, paymentTransfer, unearnedEligibleWon } from './payment-records.js';
import type { PaymentDeps } from './payment-service.js';
import {
  assertSelfDealingAllowed,
  isSelfDealing,
  type SelfDealingRule,
  selfDealingQuote,
  selfDealingRuleAt,
} from './self-dealing.js';
import { splitPayment } from './split.js';

/** A member paying a merchant by its code (merchant-presented QR), with the request's idempotency key. */
export interface PaymentOrder {
  memberId: string;
  merchantCode: string;
  amountWon: number;
  idempotency: IdempotencyRef;
  /** Merged into the receipt, and kept for its replays (the auto-charge that preceded a retried payment). */
  extraBody?: Record<string, unknown>;
}

export interface OrderOutcome {
  statusCode: number;
  body: unknown;
  replayed: boolean;
}

/** Two batches in flight: the next reads and locks its members while the current one holds the pots. */
export const PAYMENT_BATCH_DEFAULTS: GroupCommitOptions = {
  waitMsMax: 2,
  batchSizeMax: 128,
  queuedMax: 20_000,
  inFlightMax: 2,
};

/**
 * The embedded database runs in the server's own thread on one connection: a second batch in flight
 * cannot overlap the first, it only splits the payments waiting into two smaller batches, each
 * paying the batch's fixed statements (about twenty). One batch at a time, and larger ones.
 */
export const PAYMENT_BATCH_PGLITE: GroupCommitOptions = {
  ...PAYMENT_BATCH_DEFAULTS,
  batchSizeMax: 512,
  inFlightMax: 1,
};

/**
 * How a batch treats the budget pots, the one set of rows every payment of a tenant touches.
 * `optimistic` decides on unlocked pot balances and locks the pots only to write the ledger, so
 * batches overlap everywhere else; `locked` holds them from the start, for when the budget runs low.
 */
type PotMode = 'optimistic' | 'locked';

/**
 * An optimistic batch met a pot of this tenant it could not draw from in full: the batch is decided
 * again with the pots of all its tenants locked from the start.
 */
class PotsNeedLock extends Error {
  constructor(readonly tenantId: string) {
    super(`the budget pots of ${tenantId} are too low to decide this batch without locking them`);
  }
}

/** An order as queued: the database's one group holds every tenant's orders. */
interface TenantOrder {
  tenantId: string;
  order: PaymentOrder;
}

/** One tenant's share of a batch, its orders in arrival order and where each sits in the batch. */
interface TenantPart {
  tenantId: string;
  timeZone: string;
  orders: PaymentOrder[];
  positions: number[];
}

/** The group commit's one group: every tenant of the database shares its batches. */
const DATABASE_GROUP = 'database';

type Deps = Pick<
  PaymentDeps,
  'ledger' | 'tenants' | 'policy' | 'budgets' | 'merchants' | 'members' | 'events' | 'freezes'
>;

/** What a batch reads before its transaction; `pots` only when they are read unlocked. */
interface BatchInputs {
  tenantId: string;
  now: Date;
  month: string;
  potMode: PotMode;
  merchants: Map<string, Merchant>;
  welfare: Map<string, boolean>;
  frozen: FrozenParties;
  pots: PotBalances[] | null;
  policy: CashbackPolicy | null;
  chargeCapWon: number;
  responses: Map<string, StoredIdempotentResponse>;
  /** Null unless an order in the batch is an owner paying their own shop. */
  selfDealing: SelfDealingRule | null;
}

/** Everything a batch decides on, loaded once (members under lock) and updated in memory as payments apply. */
export interface BatchState extends BatchInputs {
  usage: Map<string, MonthlyUsage>;
  accountsByOwner: Map<string, Account[]>;
  /** The same member account objects, by account id. */
  memberAccounts: Map<string, Account>;
  pots: PotBalances[];
}

export interface BatchWrites {
  payments: PaymentWrite[];
  transfers: TransferRequest[];
  usageDeltas: Array<{
    memberId: string;
    eligibleSpendWon: number;
    unearnedSpendWon: number;
    cashbackWon: number;
  }>;
}

/**
 * Merchant-presented payments by group commit: the payments that arrive within a couple of
 * milliseconds are decided one by one, in arrival order, against state read once per batch (members'
 * usage rows and accounts locked, everything else read before the transaction), and written with one
 * statement per table or two in one transaction, stored idempotent responses included. The budget
 * pots, which every payment of a tenant draws on, are locked once per batch and only for the ledger
 * write and the commit (see PotMode), so batches overlap everywhere else. A batch holds the orders of
 * every city of the database, each city decided by its own rules, written together.
 */
export class BatchedPayments {
  private readonly group: GroupCommit<TenantOrder, OrderOutcome>;
  private observer: BatchObserver | undefined;
  /** Per tenant: orders submitted and not yet taken into a batch, and batches being written. */
  private readonly queued = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: Deps,
    options: Partial<GroupCommitOptions> = {},
  ) {
    this.group = new GroupCommit(
      // A batch serves requests: never background work, whoever's continuation starts it.
      (_group, orders) => inForeground(() => this.writeBatch(orders)),
      {
        ...(db.kind === 'pglite' ? PAYMENT_BATCH_PGLITE : PAYMENT_BATCH_DEFAULTS),
        ...options,
      },
      // Batches in flight take disjoint members, so one never waits on another's member locks
      // (member ids are the tenant's own: two cities may both have a member `m-1`).
      ({ tenantId, order }) => `${tenantId}/${order.memberId}`,
    );
  }

  pay(tenantId: string, order: PaymentOrder): Promise<OrderOutcome> {
    // Refused here, alone, rather than in a batch with other members' orders (the group commit
    // would split that batch, but at the cost of the whole batch's work).
    const refusal = admissionRefusal(order);
    if (refusal) return Promise.reject(refusal);
    const request: TenantOrder = { tenantId, order };
    // Counted until a batch takes it (`writeBatch`), or until answered without one (BUSY).
    count(this.queued, tenantId, 1);
    this.untaken.add(request);
    const result = this.group.submit(DATABASE_GROUP, request);
    const untake = () => {
      if (this.untaken.delete(request)) count(this.queued, tenantId, -1);
    };
    result.then(untake, untake);
    return result;
  }

  /** Orders counted in `queued` and not yet in a batch (a batch split in halves meets its orders again). */
  private readonly untaken = new WeakSet<TenantOrder>();

  /** For metrics: batch sizes and queue depth per tenant (a batch of several tenants counts in each). */
  get batching(): { observeBatches(observer: BatchObserver): void; depth(): BatchDepth[] } {
    return {
      observeBatches: (observer) => {
        this.observer = observer;
      },
      depth: () =>
        [...new Set([...this.queued.keys(), ...this.inFlight.keys()])].map((tenantId) => ({
          groupKey: tenantId,
          queued: this.queued.get(tenantId) ?? 0,
          inFlight: this.inFlight.get(tenantId) ?? 0,
        })),
    };
  }

  private async writeBatch(requests: readonly TenantOrder[]): Promise<Array<Settled<OrderOutcome>>> {
    const parts = partitionByTenant(requests);
    for (const part of parts) {
      const taken = requests.filter(
        (request) => request.tenantId === part.tenantId && this.untaken.has(request),
      );
      for (const request of taken) this.untaken.delete(request);
      if (taken.length > 0) {
        count(this.queued, part.tenantId, -taken.length);
        this.observer?.(part.tenantId, taken.length);
      }
      count(this.inFlight, part.tenantId, 1);
    }
    try {
      // Outside the transaction: a first, uncached read inside it would go around it.
      for (const part of parts) part.timeZone = await this.deps.tenants.timeZoneOf(part.tenantId);
      try {
        return await this.decideAndWrite(requests.length, parts, 'optimistic');
      } catch (error) {
        if (!(error instanceof PotsNeedLock)) throw error;
        // Decided once more with every pot of the batch locked from the start: pots are locked in one
        // statement per batch, so two batches never hold some of each other's pots.
        return await this.decideAndWrite(requests.length, parts, 'locked');
      }
    } finally {
      for (const part of parts) count(this.inFlight, part.tenantId, -1);
    }
  }

  /**
   * Unlocked reads first, all at once on the pool; then one transaction that locks, decides and
   * writes every city of the batch with one statement per table. Every batch takes its locks in one
   * order — usage rows, member accounts, pots, the ledger's accounts, the event counters, each table
   * in (city, id) order — the order of every one-city flow too, so two batches in flight wait on
   * each other but never deadlock.
   */
  private decideAndWrite(size: number, parts: readonly TenantPart[], potMode: PotMode) {
    return retryOnConflict(async () => {
      const now = this.clock.now();
      const inputs = await this.readInputs(parts, now, potMode);
      return this.db.transaction(
        async (tx) => {
          const settled = new Array<Settled<OrderOutcome>>(size);
          await lockKeysAndReadStored(tx, inputs, parts);
          const { states, held } = await this.lockAndLoad(tx, inputs, parts);
          const writes = parts.map((part, index) => {
            const state = states[index] as BatchState;
            const tenantWrites: BatchWrites = {
              payments: [],
              transfers: [],
              usageDeltas: [],
            };
            part.orders.forEach((order, at) => {
              settled[part.positions[at] as number] = settle(() => applyOrder(state, tenantWrites, order));
            });
            return tenantWrites;
          });
          await this.write(tx, states, writes, held);
          return settled;
        },
        // Every statement here is a keyed probe or an `unnest` write, planned alike for any batch:
        // planned once per connection, not at every batch (a small batch's largest cost in PostgreSQL).
        { genericPlans: true },
      );
    });
  }

  /**
   * What a batch may read without a lock, for all its tenants at once (one statement per table, not
   * per tenant): a merchant's status, a welfare flag or a policy that changes meanwhile applies from
   * the next batch; a stored response that lands meanwhile makes the batch's own insert conflict,
   * and the batch runs again and replays it. Optimistic pot balances are checked by the ledger, under
   * its lock, as it writes.
   */
  private async readInputs(
    parts: readonly TenantPart[],
    now: Date,
    potMode: PotMode,
  ): Promise<BatchInputs[]> {
    const tenantIds = parts.map((part) => part.tenantId);
    const members = parts.flatMap((part) =>
      part.orders.map((order) => ({ tenantId: part.tenantId, memberId: order.memberId })),
    );
    const keys = idempotencyRefsOf(parts);
    // A key answers with the payment that used it. The keys other requests used are read in the
    // transaction, under the keys' locks (`lockKeysAndReadStored`).
    const [replays, merchants, welfare, policies, chargeCaps, pots, frozen] = await Promise.all([
      selectPaymentReplaysByTenant(this.db, keys),
      this.deps.merchants.getByTenantCodes(
        parts.flatMap((part) =>
          part.orders.map((order) => ({ tenantId: part.tenantId, merchantCode: order.merchantCode })),
        ),
      ),
      this.deps.members.welfareFlagsByTenant(members),
      this.deps.policy.cashbackPoliciesAt(tenantIds, now),
      this.deps.policy.ruleValues(tenantIds, 'charge_monthly_cap_won', now),
      potMode === 'optimistic' ? this.deps.budgets.potsOfTenants(this.db, tenantIds, now, 'read') : null,
      this.deps.freezes.frozenAmongTenants(members),
    ]);
    // Most cities share a time zone: the month of `now` is worked out once per zone, not per city.
    const months = new Map<string, string>();
    const monthIn = (timeZone: string) => {
      const month = months.get(timeZone) ?? monthKey(now, timeZone);
      months.set(timeZone, month);
      return month;
    };
    return Promise.all(
      parts.map(async (part) => {
        const { tenantId, orders } = part;
        const tenantMerchants = merchants.get(tenantId) ?? new Map<string, Merchant>();
        const selfDealing = orders.some((order) => {
          const merchant = tenantMerchants.get(order.merchantCode);
          return merchant !== undefined && isSelfDealing(merchant, order.memberId);
        })
          ? await selfDealingRuleAt(this.deps.policy, tenantId, now)
          : null;
        return {
          tenantId,
          now,
          month: monthIn(part.timeZone),
          potMode,
          selfDealing,
          merchants: tenantMerchants,
          welfare: welfare.get(tenantId) ?? new Map<string, boolean>(),
          frozen: frozen.get(tenantId) ?? new Map(),
          pots: pots?.get(tenantId) ?? null,
          policy: policies.get(tenantId) ?? null,
          chargeCapWon: chargeCaps.get(tenantId) as number,
          responses: new Map<string, StoredIdempotentResponse>(replays.get(tenantId) ?? []),
        } satisfies BatchInputs;
      }),
    );
  }

  /**
   * Locks, for every city of the batch at once, in the order every flow that moves a member's money
   * takes them: usage rows, member accounts, then (when the batch is decided on locked pots) the
   * budget pots, shared by all, last, so they are held for the shortest time (optimistic batches
   * leave them to the ledger's lock in `write`).
   */
  private async lockAndLoad(
    tx: Sql,
    inputs: readonly BatchInputs[],
    parts: readonly TenantPart[],
  ): Promise<{ states: BatchState[]; held: HeldAccounts }> {
    const members = parts.flatMap((part, index) =>
      part.orders.map((order) => ({
        tenantId: part.tenantId,
        memberId: order.memberId,
        month: (inputs[index] as BatchInputs).month,
      })),
    );
    const usage = await lockMonthlyUsagesOfTenants(tx, members);
    const held = await this.deps.ledger.lockAccountsOwnedByTenants(
      tx,
      members.map(({ tenantId, memberId }) => ({ tenantId, id: memberId })),
    );
    const lockedPots =
      inputs[0]?.potMode === 'locked'
        ? await this.deps.budgets.potsOfTenants(
            tx,
            parts.map((part) => part.tenantId),
            inputs[0].now,
            'lock',
          )
        : null;
    const accountsByTenant = byTenant(held.accounts, (account) => account.tenantId);
    const states = inputs.map((input, index) => {
      const accountsByOwner = new Map<string, Account[]>(
        (parts[index] as TenantPart).orders.map((order) => [order.memberId, []]),
      );
      const memberAccounts = new Map<string, Account>();
      for (const locked of accountsByTenant.get(input.tenantId) ?? []) {
        const account = { ...locked };
        accountsByOwner.get(account.ownerId ?? '')?.push(account);
        memberAccounts.set(account.id, account);
      }
      const pots = input.pots ?? lockedPots?.get(input.tenantId) ?? [];
      return {
        ...input,
        usage: usage.get(input.tenantId) ?? new Map<string, MonthlyUsage>(),
        accountsByOwner,
        memberAccounts,
        pots,
      };
    });
    return { states, held };
  }

  /**
   * Every city's writes with one statement per table. The ledger goes last: the pots are locked from
   * there to the commit, and by nothing before (optimistic batches).
   */
  private async write(
    tx: Sql,
    states: readonly BatchState[],
    writes: readonly BatchWrites[],
    held: HeldAccounts,
  ): Promise<void> {
    // The feed's pages name the new payments, whose rows give their events back (feed-source.ts):
    // the pages' bodies (the ids) ride in the first statement, outside the window the ledger's write
    // opens below; their numbers ride in that last statement (EventFeed.appendAlongside).
    const feed = this.deps.events.appendAlongside(
      states.map((state, index) => ({
        tenantId: state.tenantId,
        source: PAYMENT_FEED_SOURCE,
        refs: (writes[index] as BatchWrites).payments.map(({ payment }) => payment.id),
      })),
    );
    await insertPaymentsAlongside(
      tx,
      writes.flatMap((tenantWrites) => tenantWrites.payments),
      feed ? [feed.bodies] : [],
    );
    await recordSpendingOfTenants(
      tx,
      states.map((state, index) => ({
        tenantId: state.tenantId,
        month: state.month,
        deltas: (writes[index] as BatchWrites).usageDeltas,
      })),
    );
    await addUnearnedSpendOfTenants(
      tx,
      states.flatMap((state, index) =>
        (writes[index] as BatchWrites).usageDeltas.map((delta) => ({
          tenantId: state.tenantId,
          memberId: delta.memberId,
          month: state.month,
          unearnedSpendWon: delta.unearnedSpendWon,
        })),
      ),
    );
    const posting = states.flatMap((state, index) => {
      const tenantWrites = writes[index] as BatchWrites;
      return tenantWrites.transfers.length > 0 ? [{ state, writes: tenantWrites }] : [];
    });
    if (posting.length === 0) {
      if (feed) await writeCompanion(tx, feed.order);
      return;
    }
    const results = await this.deps.ledger.postTransfersOfTenants(
      tx,
      posting.map(({ state, writes: tenantWrites }) => ({
        tenantId: state.tenantId,
        commands: tenantWrites.transfers,
      })),
      feed?.order,
      // A payment's transfer is named after the payment, whose id this decision minted; its members'
      // accounts were locked above and are handed over as locked.
      { freshIds: true, held },
    );
    for (const [index, tenantResults] of results.entries()) {
      const refused = tenantResults.find((result) => !result.ok);
      if (!refused || refused.ok) continue;
      const { state } = posting[index] as (typeof posting)[number];
      // Members' accounts were locked before deciding, so only a pot decided on unlocked balances can
      // fall short: another batch drew from it meanwhile. The ledger's own check under its lock is
      // the pot check; the batch is decided again with its pots locked from the start.
      if (state.potMode === 'optimistic' && refused.code === 'INSUFFICIENT_FUNDS')
        throw new PotsNeedLock(state.tenantId);
      // Every other amount was decided on balances locked in this transaction: a broken invariant.
      throw new Error(`ledger refused ${refused.id}: ${refused.code}`);
    }
  }
}

export interface BatchDepth {
  groupKey: string;
  queued: number;
  inFlight: number;
}

/**
 * The batch's first locks: its requests' idempotency keys (`lockIdempotencyKeys`), which a request of
 * another module with the same key takes too. Under them, the responses other requests stored for
 * these keys (or payments stored before migration 804) join each city's `responses`; a payment of
 * this module that used the key still wins, as it was read before.
 */
async function lockKeysAndReadStored(
  tx: Sql,
  inputs: readonly BatchInputs[],
  parts: readonly TenantPart[],
): Promise<void> {
  const keys = idempotencyRefsOf(parts);
  await lockIdempotencyKeys(tx, keys);
  const stored = await selectIdempotentResponsesByTenant(tx, keys);
  for (const input of inputs)
    input.responses = new Map([...(stored.get(input.tenantId) ?? []), ...input.responses]);
}

function idempotencyRefsOf(parts: readonly TenantPart[]): Array<IdempotencyRef & { tenantId: string }> {
  return parts.flatMap((part) =>
    part.orders.map((order) => ({ tenantId: part.tenantId, ...order.idempotency })),
  );
}

/** A batch's orders by tenant, tenants in the order of their ids (the order their rows are locked in). */
function partitionByTenant(requests: readonly TenantOrder[]): TenantPart[] {
  const parts = new Map<string, TenantPart>();
  requests.forEach(({ tenantId, order }, position) => {
    let part = parts.get(tenantId);
    if (!part) {
      part = { tenantId, timeZone: '', orders: [], positions: [] };
      parts.set(tenantId, part);
    }
    part.orders.push(order);
    part.positions.push(position);
  });
  return [...parts.values()].sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
}

function count(counts: Map<string, number>, tenantId: string, delta: number): void {
  const next = (counts.get(tenantId) ?? 0) + delta;
  if (next === 0) counts.delete(tenantId);
  else counts.set(tenantId, next);
}

/** Whatever in an order the database could refuse: text it cannot store, an amount it cannot hold. */
function admissionRefusal(order: PaymentOrder): DomainError | null {
  if (!Number.isSafeInteger(order.amountWon) || order.amountWon <= 0) return PaymentErrors.invalidAmount();
  const path = unstorableTextPath(order, 'order');
  return path === null ? null : unstorableText(path);
}

function settle<T>(work: () => T): Settled<T> {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    // A refusal (a domain error) is this order's alone; anything else is a bug and fails the batch.
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

/**
 * Decides one order against the batch state; on success updates the state and queues its writes.
 * Pure over the state, so a writer that holds the state elsewhere decides alike (bench/engine-sketch.ts).
 */
export function applyOrder(state: BatchState, writes: BatchWrites, order: PaymentOrder): OrderOutcome {
  const slot = idempotencySlot(order.idempotency);
  const stored = state.responses.get(slot);
  if (stored) {
    if (stored.requestHash !== order.idempotency.requestHash) throw idempotencyKeyReused();
    return { statusCode: stored.statusCode, body: stored.body, replayed: true };
  }
  const { amountWon, memberId } = order;
  if (!Number.isSafeInteger(amountWon) || amountWon <= 0) throw PaymentErrors.invalidAmount();
  const merchant = state.merchants.get(order.merchantCode);
  if (!merchant) throw PaymentErrors.merchantNotFound();
  if (merchant.status !== 'approved') throw PaymentErrors.merchantNotActive();
  assertNotFrozenIn(state.frozen, { memberId, merchantId: merchant.id });
  const selfDealing = state.selfDealing !== null && isSelfDealing(merchant, memberId);
  if (selfDealing) assertSelfDealingAllowed(state.selfDealing as SelfDealingRule);
  const usage = state.usage.get(memberId);
  const accounts = state.accountsByOwner.get(memberId);
  if (!usage || !accounts) throw new Error(`payment batch: member ${memberId} was not loaded`);
  const split = splitPayment(amountWon, fundsOf(accounts, memberId, merchant, state.now));
  if (!split.ok) throw PaymentErrors.insufficientFunds(split.shortfallWon);
  const ruleQuote = quoteCashback(state.policy, {
    at: state.now,
    paidFromCashWon: split.paidFrom.cashWon,
    monthEligibleSpentBeforeWon: allowanceSpentWon(usage),
    merchant,
    member: { isWelfareRecipient: state.welfare.get(memberId) ?? false },
  });
  const quote = selfDealing ? selfDealingQuote(ruleQuote) : ruleQuote;
  if (state.potMode === 'optimistic' && !drawsInFull(state.pots, quote.cashbackWon))
    throw new PotsNeedLock(state.tenantId);
  const draw = allocateCashback(state.pots, quote.cashbackWon);
  const payment = decidedPayment({
    tenantId: state.tenantId,
    memberId,
    merchant,
    channel: 'merchant_presented',
    amountWon,
    paidFrom: split.paidFrom,
    quote,
    draw,
    month: state.month,
    now: state.now,
  });
  const transfer = paymentTransfer(payment, merchant);
  const monthEligibleSpentBeforeWon = allowanceSpentWon(usage);
  const unearnedSpendWon = unearnedEligibleWon(payment);
  applyPostings(state, transfer);
  usage.eligibleSpendWon += payment.eligibleWon;
  usage.unearnedSpendWon += unearnedSpendWon;
  usage.cashbackWon += payment.cashback.amountWon;
  const receipt = {
    merchantName: merchant.name,
    wallet: walletOf(state, memberId),
    ...(order.extraBody ? { extra: order.extraBody } : {}),
  };
  const body = receiptBody(payment, merchant.id, receipt);
  writes.payments.push({
    payment,
    idempotency: order.idempotency,
    receipt,
    event: {
      monthEligibleSpentBeforeWon,
      isWelfareRecipient: state.welfare.get(memberId) ?? false,
      policyId: quote.policyId,
    },
  });
  writes.transfers.push(transfer);
  writes.usageDeltas.push({
    memberId,
    eligibleSpendWon: payment.eligibleWon,
    unearnedSpendWon,
    cashbackWon: payment.cashback.amountWon,
  });
  state.responses.set(slot, { requestHash: order.idempotency.requestHash, statusCode: 201, body });
  return { statusCode: 201, body, replayed: false };
}

/** Moves the in-memory balances of member and pot accounts as the ledger will when the batch is written. */
function applyPostings(state: BatchState, transfer: TransferRequest): void {
  if (transfer.action !== 'transfer') return;
  for (const posting of transfer.postings) {
    const account = state.memberAccounts.get(posting.accountId);
    if (account) {
      account.postedWon += posting.amountWon;
      account.availableWon += posting.amountWon;
    }
    for (const pot of state.pots) {
      for (const potAccount of pot.accounts) {
        if (potAccount.accountId === posting.accountId) potAccount.availableWon += posting.amountWon;
      }
    }
  }
}

/** The member's wallet as `WalletService.wallet` reads it, from the batch's in-memory state. */
function walletOf(state: BatchState, memberId: string): WalletView {
  return walletViewOf(
    memberId,
    state.accountsByOwner.get(memberId) ?? [],
    state.usage.get(memberId) as MonthlyUsage,
    {
      chargeCapWon: state.chargeCapWon,
      eligibleCapWon: state.policy?.rules.tiers.at(-1)?.upToWon ?? 0,
    },
    state.now,
  );
}
