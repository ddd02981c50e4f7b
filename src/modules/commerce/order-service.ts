import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { recordId } from '../../ids.js';
import { monthKey } from '../../time.js';
import { isBlank } from '../../visible-text.js';
import { allocateCashback, drawsInFull } from '../budgets/allocate.js';
import type { BudgetService } from '../budgets/budget-service.js';
import type { CashbackDraw } from '../budgets/types.js';
import type { EventFeed } from '../events/event-feed.js';
import { assertNotFrozenIn, type FreezeService } from '../fraud/freeze-service.js';
import { expireTransferId, type LedgerCommand } from '../ledger/batch.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { type MemberService, memberAccountIds } from '../members/member-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { cashbackOutcomeOf } from '../payments/payment-records.js';
import { isSelfDealing, selfDealingQuote, selfDealingRuleAt } from '../payments/self-dealing.js';
import { memberFlagCodes, shopCashback } from '../payments/shop-view.js';
import { eligibleWonEarned } from '../policy/cashback.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { CashbackQuote } from '../policy/types.js';
import type { Job } from '../scheduler/scheduler.js';
import type { TenantService } from '../tenants/tenant-service.js';
import {
  addCashbackRepaidInCash,
  addMonthlyUsage,
  allowanceSpentWon,
  lockMonthlyUsage,
  recordActivity,
  takeCashbackRepaidInCash,
} from '../wallets/usage.js';
import { blankReason, type CatalogueService, minuteOfDay } from './catalogue-service.js';
import { CommerceErrors } from './errors.js';
import { type OrderBudgetMoves, orderEvent } from './events.js';
import {
  type CheckoutInput,
  MERCHANT_STEPS,
  type Order,
  type OrderLine,
  type OrderStatus,
  type PaidFrom,
} from './order-types.js';
import { OrderUpdates } from './order-updates.js';
import { isPayableLineWon } from './pricing.js';
import { COMMERCE_RULE_DEFAULTS, COMMERCE_RULE_KEYS, type CommerceRules } from './rules.js';
import type { Channel, Product } from './types.js';

export const ORDER_LINES_MAX = 20;
const EXPIRY_BATCH_MAX = 100;
const PAGE_MAX = 100;
const MINUTE_MS = 60_000;

interface OrderRow {
  id: string;
  checkout_id: string;
  member_id: string;
  merchant_id: string;
  channel: Channel;
  status: OrderStatus;
  items: OrderLine[];
  subtotal_won: number;
  delivery_fee_won: number;
  total_won: number;
  held_won: number;
  paid_from: PaidFrom;
  cashback_won: number;
  shop_cashback_won: number | null;
  cashback_draws: Array<{ accountId: string; amountWon: number }>;
  eligible_won: number;
  unearned_eligible_won: number;
  usage_month: string | null;
  delivery_dong: string | null;
  tracking_number: string | null;
  reason: string | null;
  hold_expires_at: Date;
  captured_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The ledger hold behind an order: held at checkout, posted on accept/ship, voided otherwise. */
export function holdIdOf(orderId: string): string {
  return `order:${orderId}`;
}

interface Deps {
  catalogue: CatalogueService;
  merchants: MerchantService;
  members: MemberService;
  ledger: LedgerService;
  budgets: BudgetService;
  policy: PolicyService;
  tenants: TenantService;
  events: EventFeed;
  freezes: FreezeService;
}

/**
 * Orders of both channels. Checkout holds the member's money per merchant (cashback, then cash) as
 * a pending ledger transfer to the merchant's receivable; accept (delivery) or ship (mall) posts it
 * and pays the channel's cashback from the budget; reject, cancel or no answer in time voids it.
 */
export class OrderService {
  /** Live changes, published by the routes and jobs after each commit. */
  readonly updates = new OrderUpdates();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: Deps,
  ) {}

  /** The commerce rules in force at `at`: policy rule values, the defaults where a tenant set none. */
  async rulesAt(tenantId: string, at: Date, tx?: Sql): Promise<CommerceRules> {
    const rules = { ...COMMERCE_RULE_DEFAULTS };
    for (const rule of await this.deps.policy.rulesInForce(tenantId, at, tx))
      if ((COMMERCE_RULE_KEYS as readonly string[]).includes(rule.key))
        rules[rule.key as keyof CommerceRules] = rule.value;
    return rules;
  }

  async checkout(tx: Sql, tenantId: string, memberId: string, input: CheckoutInput): Promise<Order[]> {
    if (input.items.length === 0) throw CommerceErrors.emptyCart();
    if (input.items.length > ORDER_LINES_MAX) throw CommerceErrors.tooManyItems(ORDER_LINES_MAX);
    const now = this.clock.now();
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId, tx);
    // The member's flows are serialised by their usage row, as payments and transfers are.
    await lockMonthlyUsage(tx, tenantId, memberId, monthKey(now, timeZone));
    const products = await this.lockProducts(
      tx,
      tenantId,
      input.items.map((item) => item.productId),
    );
    const groups = groupByMerchant(input.items.map((item) => lineOf(products, item)));
    // Every won figure of the checkout (an order's total, the cart's, a shortfall) stays exact.
    let checkoutWon = groups.reduce((sum, group) => sum + group.subtotalWon, 0);
    if (!Number.isSafeInteger(checkoutWon)) throw CommerceErrors.totalTooLarge();
    // An order is a payment: a fraud freeze of the member or of a shop refuses it, as at the till.
    const frozen = await this.deps.freezes.frozenAmong(tenantId, [memberId], tx);
    assertNotFrozenIn(frozen, { memberId });
    for (const group of groups) assertNotFrozenIn(frozen, { merchantId: group.merchantId });
    const rules = await this.rulesAt(tenantId, now, tx);
    const accounts = memberAccountIds(memberId);
    const balances = await this.deps.ledger.getAccounts(tenantId, [accounts.cashback, accounts.cash], tx);
    const availableOf = (id: string) => balances.find((account) => account.id === id)?.availableWon ?? 0;
    const funds = { cashbackWon: availableOf(accounts.cashback), cashWon: availableOf(accounts.cash) };
    // The 동 as the areas store it (trimmed); one that shows nothing is no 동 at all.
    const deliveryDong =
      input.deliveryDong && !isBlank(input.deliveryDong) ? input.deliveryDong.trim() : null;
    const orders: Order[] = [];
    for (const group of groups) {
      const deliveryFeeWon =
        group.channel === 'delivery'
          ? await this.assertDeliverable(tx, tenantId, group, deliveryDong, now, timeZone)
          : 0;
      await this.takeStock(tx, tenantId, group.lines, products);
      const totalWon = group.subtotalWon + deliveryFeeWon;
      checkoutWon += deliveryFeeWon;
      if (!Number.isSafeInteger(checkoutWon)) throw CommerceErrors.totalTooLarge();
      const paidFrom = spend(funds, totalWon);
      const holdMinutes =
        group.channel === 'delivery'
          ? rules.commerce_delivery_hold_minutes
          : rules.commerce_mall_hold_minutes;
      const order = await this.insertOrder(tx, tenantId, memberId, {
        ...group,
        deliveryFeeWon,
        totalWon,
        paidFrom,
        deliveryDong: group.channel === 'delivery' ? deliveryDong : null,
        holdExpiresAt: new Date(now.getTime() + holdMinutes * MINUTE_MS),
        checkoutId: orders[0]?.checkoutId ?? recordId('chk'),
      });
      await this.hold(tx, tenantId, order);
      await this.recordActivity(tx, tenantId, order, 'order', -order.totalWon, now);
      orders.push(order);
    }
    await this.deps.events.append(
      tx,
      tenantId,
      orders.map((order) => orderEvent(order, now)),
    );
    return orders;
  }

  /** Locks the listings in id order (as every order does), so concurrent checkouts never deadlock. */
  private async lockProducts(tx: Sql, tenantId: string, productIds: string[]): Promise<Map<string, Product>> {
    const ids = [...new Set(productIds)].sort();
    const products = new Map<string, Product>();
    for (const id of ids) {
      const [row] = await tx.query<{ id: string }>(
        `select id from commerce_products where tenant_id = $1 and id = $2 for update`,
        [tenantId, id],
      );
      const product = row ? await this.deps.catalogue.getProduct(tenantId, id, tx) : undefined;
      if (!product) throw CommerceErrors.productNotFound();
      if (product.hidden || !product.available) throw CommerceErrors.notListed(id);
      products.set(id, product);
    }
    return products;
  }

  private async takeStock(
    tx: Sql,
    tenantId: string,
    lines: OrderLine[],
    products: Map<string, Product>,
  ): Promise<void> {
    for (const line of lines) {
      if (products.get(line.productId)?.channel !== 'mall') continue;
      const taken = await tx.query(
        `update commerce_products set stock = stock - $3 where tenant_id = $1 and id = $2 and stock >= $3 returning stock`,
        [tenantId, line.productId, line.quantity],
      );
      if (taken.length === 0) {
        const product = await this.deps.catalogue.getProduct(tenantId, line.productId, tx);
        throw CommerceErrors.outOfStock(line.productId, product?.stock ?? 0);
      }
    }
  }

  private async returnStock(tx: Sql, tenantId: string, order: OrderRow): Promise<void> {
    if (order.channel !== 'mall') return;
    for (const line of order.items)
      await tx.query(`update commerce_products set stock = stock + $3 where tenant_id = $1 and id = $2`, [
        tenantId,
        line.productId,
        line.quantity,
      ]);
  }

  /** Area, opening hours and minimum order; returns the delivery fee. */
  private async assertDeliverable(
    tx: Sql,
    tenantId: string,
    group: MerchantGroup,
    dong: string | null,
    now: Date,
    timeZone: string,
  ): Promise<number> {
    if (dong === null) throw CommerceErrors.deliveryDongRequired();
    const terms = await this.deps.catalogue.deliveryTerms(tenantId, group.merchantId, tx);
    if (!terms) throw CommerceErrors.noDeliveryTerms(group.merchantId);
    if (!terms.areas.includes(dong)) throw CommerceErrors.outsideArea(group.merchantId, dong, terms.areas);
    const minute = localMinuteOfDay(now, timeZone);
    const opens = minuteOfDay(terms.opensAt) ?? 0;
    const closes = minuteOfDay(terms.closesAt) ?? 0;
    if (minute < opens || minute >= closes)
      throw CommerceErrors.closed(group.merchantId, terms.opensAt, terms.closesAt);
    if (group.subtotalWon < terms.minimumOrderWon)
      throw CommerceErrors.belowMinimum(group.merchantId, terms.minimumOrderWon, group.subtotalWon);
    return terms.deliveryFeeWon;
  }

  private async insertOrder(
    tx: Sql,
    tenantId: string,
    memberId: string,
    order: MerchantGroup & {
      deliveryFeeWon: number;
      totalWon: number;
      paidFrom: PaidFrom;
      deliveryDong: string | null;
      holdExpiresAt: Date;
      checkoutId: string;
    },
  ): Promise<Order> {
    const now = this.clock.now();
    const [row] = await tx.query<OrderRow>(
      `insert into commerce_orders (tenant_id, id, checkout_id, member_id, merchant_id, channel, status, items, subtotal_won,
         delivery_fee_won, total_won, held_won, paid_from, delivery_dong, hold_expires_at, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, 'placed', $7, $8, $9, $10, $10, $11, $12, $13, $14, $14) returning *`,
      [
        tenantId,
        recordId('ord'),
        order.checkoutId,
        memberId,
        order.merchantId,
        order.channel,
        JSON.stringify(order.lines),
        order.subtotalWon,
        order.deliveryFeeWon,
        order.totalWon,
        JSON.stringify(order.paidFrom),
        order.deliveryDong,
        order.holdExpiresAt,
        now,
      ],
    );
    return toOrder(row as OrderRow);
  }

  private async hold(tx: Sql, tenantId: string, order: Order): Promise<void> {
    const merchant = await this.deps.merchants.getById(tenantId, order.merchantId, tx);
    if (!merchant) throw new Error(`order ${order.orderId} names unknown merchant ${order.merchantId}`);
    // 깡 through the mall: an owner ordering from their own shop, as at the till (payments/self-dealing).
    if (
      isSelfDealing(merchant, order.memberId) &&
      (await selfDealingRuleAt(this.deps.policy, tenantId, this.clock.now(), tx)) === 'refuse'
    )
      throw CommerceErrors.selfDealingRefused(merchant.id);
    const accounts = memberAccountIds(order.memberId);
    const postings = [
      { accountId: accounts.cashback, amountWon: -order.paidFrom.cashbackWon },
      { accountId: accounts.cash, amountWon: -order.paidFrom.cashWon },
      { accountId: merchant.receivableAccountId, amountWon: order.totalWon },
    ].filter((posting) => posting.amountWon !== 0);
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
      {
        id: holdIdOf(order.orderId),
        action: 'pending',
        code: `commerce_${order.channel}_order`,
        timeoutAt: new Date(order.holdExpiresAt),
        postings,
        metadata: { orderId: order.orderId },
      },
    ]);
    if (result?.ok) return;
    if (result?.code === 'INSUFFICIENT_FUNDS') throw CommerceErrors.insufficientFunds(order.totalWon);
    throw new Error(`ledger refused order hold ${order.orderId}: ${result?.code}`);
  }

  /** Delivery: the restaurant takes the order; the money is captured. */
  async accept(tx: Sql, tenantId: string, merchantId: string, orderId: string): Promise<Order> {
    const order = await this.lockOrder(tx, tenantId, orderId, (row) => row.merchant_id === merchantId);
    if (order.channel !== 'delivery')
      throw CommerceErrors.wrongState(order.status, 'a placed delivery order');
    return this.capture(tx, tenantId, order, 'accepted', null);
  }

  async reject(
    tx: Sql,
    tenantId: string,
    merchantId: string,
    orderId: string,
    reason: string,
  ): Promise<Order> {
    if (isBlank(reason)) throw blankReason();
    const order = await this.lockOrder(tx, tenantId, orderId, (row) => row.merchant_id === merchantId);
    return this.release(tx, tenantId, order, 'rejected', reason.trim());
  }

  /** The member's cancellation: before capture the hold is voided; a delivered mall order asks for a return. */
  async cancel(
    tx: Sql,
    tenantId: string,
    memberId: string,
    orderId: string,
    reason: string | null,
  ): Promise<Order> {
    const order = await this.lockOrder(tx, tenantId, orderId, (row) => row.member_id === memberId);
    if (order.channel === 'mall' && (order.status === 'shipped' || order.status === 'delivered'))
      return this.move(tx, tenantId, order, 'return_requested', { reason });
    return this.release(tx, tenantId, order, 'cancelled', reason);
  }

  /** The merchant's next step (POST …/status): cooking, out for delivery, delivered; shipped, delivered, returned. */
  async advance(
    tx: Sql,
    tenantId: string,
    merchantId: string,
    orderId: string,
    step: { status: OrderStatus; trackingNumber?: string },
  ): Promise<Order> {
    const order = await this.lockOrder(tx, tenantId, orderId, (row) => row.merchant_id === merchantId);
    const next = MERCHANT_STEPS[order.channel][order.status];
    if (next !== step.status) throw CommerceErrors.wrongState(order.status, `one step before ${step.status}`);
    if (next === 'shipped') {
      const trackingNumber = step.trackingNumber?.trim();
      if (!trackingNumber || isBlank(trackingNumber)) throw CommerceErrors.trackingRequired();
      return this.capture(tx, tenantId, order, 'shipped', trackingNumber);
    }
    if (next === 'returned') return this.refund(tx, tenantId, order);
    return this.move(tx, tenantId, order, next, {});
  }

  private async capture(
    tx: Sql,
    tenantId: string,
    order: OrderRow,
    status: 'accepted' | 'shipped',
    trackingNumber: string | null,
  ): Promise<Order> {
    if (order.status !== 'placed') throw CommerceErrors.wrongState(order.status, 'placed');
    const now = this.clock.now();
    if (order.hold_expires_at.getTime() <= now.getTime()) throw CommerceErrors.expired();
    // A freeze that came after checkout stops the capture: the shop is paid only when it could be
    // paid at the till. The hold is voided when the shop rejects the order or its time runs out.
    const frozen = await this.deps.freezes.frozenAmong(tenantId, [order.member_id], tx);
    assertNotFrozenIn(frozen, { memberId: order.member_id, merchantId: order.merchant_id }, 'shop');
    const month = monthKey(now, await this.deps.tenants.timeZoneOf(tenantId, tx));
    const usage = await lockMonthlyUsage(tx, tenantId, order.member_id, month);
    const quote = await this.quoteOrder(tx, tenantId, order, allowanceSpentWon(usage), now);
    const unearnedOf = (draw: CashbackDraw) => quote.eligibleWon - eligibleWonEarned(quote, draw.drawnWon);
    const aboutMember = memberFlagCodes(await this.deps.policy.cashbackPolicyAt(tenantId, now, tx));
    const planned = await this.planDraw(tx, tenantId, now, quote.cashbackWon);
    const record = (draw: CashbackDraw) => ({
      trackingNumber,
      capture: {
        cashbackWon: draw.drawnWon,
        shopCashbackWon: shopCashback(cashbackOutcomeOf(quote, draw), aboutMember).amountWon,
        draws: draw.postings,
        eligibleWon: quote.eligibleWon,
        unearnedWon: unearnedOf(draw),
        month,
      },
    });
    await addMonthlyUsage(tx, tenantId, order.member_id, month, {
      eligibleSpendWon: quote.eligibleWon,
      unearnedSpendWon: unearnedOf(planned.draw),
      cashbackWon: planned.draw.drawnWon,
    });
    let captured = await this.updateStatus(tx, tenantId, order.id, status, now, record(planned.draw));
    // The pots are locked from here to the commit, and by nothing before (unless planned under lock).
    const draw = planned.locked ? planned.draw : await this.confirmDraw(tx, tenantId, now, planned.draw);
    if (draw !== planned.draw) {
      await addMonthlyUsage(tx, tenantId, order.member_id, month, {
        unearnedSpendWon: unearnedOf(draw) - unearnedOf(planned.draw),
        cashbackWon: draw.drawnWon - planned.draw.drawnWon,
      });
      captured = await this.updateStatus(tx, tenantId, order.id, status, now, record(draw));
    }
    const commands: LedgerCommand[] = [
      { id: `capture:${order.id}`, action: 'post_pending', pendingId: holdIdOf(order.id) },
    ];
    if (draw.drawnWon > 0)
      commands.push({
        id: `order-cashback:${order.id}`,
        action: 'transfer',
        code: 'commerce_cashback',
        postings: [
          ...draw.postings,
          { accountId: memberAccountIds(order.member_id).cashback, amountWon: draw.drawnWon },
        ],
        metadata: {
          orderId: order.id,
          policyId: quote.policyId,
          rules: quote.rules.map((rule) => rule.code),
        },
      });
    await this.postAll(tx, tenantId, commands);
    // As a payment's receipt: the rules' full amount, what the budget paid and, when it paid less,
    // why; a line of ₩0 when the budget paid nothing, so the member sees why the order earned nothing.
    if (quote.cashbackWon > 0) {
      const { draws: _draws, ...cashback } = cashbackOutcomeOf(quote, draw);
      await this.recordActivity(tx, tenantId, captured, 'order_cashback', draw.drawnWon, now, { cashback });
    }
    await this.deps.events.append(tx, tenantId, [orderEvent(captured, now, { drawn: draw.postings })]);
    return captured;
  }

  /**
   * What the member's cashback policy grants this order, as for a payment at the till (tiers'
   * monthly cap shared with payments, extras, merchant revenue cap), with the channel's own rate
   * (a policy rule value) in place of the tiers' rates and a promotion of that channel above it.
   */
  private async quoteOrder(
    tx: Sql,
    tenantId: string,
    order: OrderRow,
    monthEligibleSpentBeforeWon: number,
    now: Date,
  ): Promise<CashbackQuote> {
    const merchant = await this.deps.merchants.getById(tenantId, order.merchant_id, tx);
    if (!merchant) throw new Error(`order ${order.id} names unknown merchant ${order.merchant_id}`);
    const member = await this.deps.members.getMember(tenantId, order.member_id, tx);
    const rules = await this.rulesAt(tenantId, now, tx);
    const rateBp =
      order.channel === 'mall' ? rules.commerce_mall_cashback_bp : rules.commerce_delivery_cashback_bp;
    const quote = await this.deps.policy.quoteAt(
      tenantId,
      {
        at: now,
        paidFromCashWon: order.paid_from.cashWon,
        monthEligibleSpentBeforeWon,
        merchant,
        member: { isWelfareRecipient: member?.isWelfareRecipient ?? false },
        order: { channel: order.channel, rateBp },
      },
      tx,
    );
    // Placed by the shop's own owner: never any cashback, whatever the rule says by the time it ships.
    return isSelfDealing(merchant, order.member_id) ? selfDealingQuote(quote) : quote;
  }

  /**
   * The cashback the pots pay, never more than they hold. Decided on balances read without a lock
   * when the first pot pays it in full at its plain split (any balances at least as large give the
   * same postings; `confirmDraw` checks that under lock just before the ledger writes, as payment
   * batches do), so captures queue on the pots only for the ledger write and the commit. A pot too
   * low for that is decided under lock at once.
   */
  private async planDraw(
    tx: Sql,
    tenantId: string,
    now: Date,
    desiredWon: number,
  ): Promise<{ draw: CashbackDraw; locked: boolean }> {
    if (desiredWon === 0) return { draw: allocateCashback([], 0), locked: true };
    const read = await this.deps.budgets.readPotsAt(tx, tenantId, now);
    if (drawsInFull(read, desiredWon)) return { draw: allocateCashback(read, desiredWon), locked: false };
    return {
      draw: allocateCashback(await this.deps.budgets.lockPotsAt(tx, tenantId, now), desiredWon),
      locked: true,
    };
  }

  /**
   * Locks the pot accounts the planned draw takes from and returns it if each still holds its part;
   * a pot drawn down since the read gives a new draw, decided under lock (the caller records it).
   */
  private async confirmDraw(
    tx: Sql,
    tenantId: string,
    now: Date,
    planned: CashbackDraw,
  ): Promise<CashbackDraw> {
    const locked = await this.deps.ledger.lockAccounts(
      tx,
      tenantId,
      planned.postings.map((posting) => posting.accountId),
    );
    const heldById = new Map(locked.map((account) => [account.id, account.availableWon]));
    if (planned.postings.every((posting) => (heldById.get(posting.accountId) ?? 0) >= -posting.amountWon))
      return planned;
    return allocateCashback(await this.deps.budgets.lockPotsAt(tx, tenantId, now), planned.drawnWon);
  }

  private async release(
    tx: Sql,
    tenantId: string,
    order: OrderRow,
    status: 'rejected' | 'cancelled',
    reason: string | null,
  ): Promise<Order> {
    if (order.status !== 'placed') throw CommerceErrors.wrongState(order.status, 'placed');
    if (order.hold_expires_at.getTime() <= this.clock.now().getTime()) throw CommerceErrors.expired();
    await this.postAll(tx, tenantId, [
      { id: `${status}:${order.id}`, action: 'void_pending', pendingId: holdIdOf(order.id) },
    ]);
    return this.afterRelease(tx, tenantId, order, status, { reason });
  }

  /** A released or expired hold: the cashback it held (as cash where repaid), the stock, the status, the line. */
  private async afterRelease(
    tx: Sql,
    tenantId: string,
    order: OrderRow,
    status: 'rejected' | 'cancelled' | 'expired',
    changes: { reason?: string | null },
  ): Promise<Order> {
    const asCashWon = await this.cashbackBackAsCash(tx, tenantId, order);
    await this.returnStock(tx, tenantId, order);
    const released = await this.move(tx, tenantId, { ...order, held_won: 0 }, status, changes);
    await this.recordActivity(
      tx,
      tenantId,
      released,
      'order_released',
      order.total_won,
      this.clock.now(),
      asCashWon > 0 ? { cashbackAsCashWon: asCashWon } : undefined,
    );
    return released;
  }

  /**
   * The cashback a released order held comes back; while it was held, a cancellation elsewhere may
   * have clawed back cashback from cash instead. That much of it comes back as cash (wallets' usage.ts),
   * as when a cashback-paid payment is cancelled. Returns how much.
   */
  private async cashbackBackAsCash(tx: Sql, tenantId: string, order: OrderRow): Promise<number> {
    const asCashWon = await takeCashbackRepaidInCash(
      tx,
      tenantId,
      order.member_id,
      order.paid_from.cashbackWon,
    );
    if (asCashWon === 0) return 0;
    const accounts = memberAccountIds(order.member_id);
    await this.postAll(tx, tenantId, [
      {
        id: `order-release-as-cash:${order.id}`,
        action: 'transfer',
        code: 'cashback_as_cash',
        postings: [
          { accountId: accounts.cashback, amountWon: -asCashWon },
          { accountId: accounts.cash, amountWon: asCashWon },
        ],
        metadata: { orderId: order.id },
      },
    ]);
    return asCashWon;
  }

  /**
   * A returned mall order, as a full payment cancellation: the merchant's receivable pays the member
   * back what they paid; the cashback the order earned is clawed back (from the member's cashback,
   * the rest from cash, never below zero) and what is recovered goes back to the pots that paid it,
   * in one transfer; the member's month gets back the eligible spending and the recovered cashback.
   */
  private async refund(tx: Sql, tenantId: string, order: OrderRow): Promise<Order> {
    const merchant = await this.deps.merchants.getById(tenantId, order.merchant_id, tx);
    if (!merchant) throw new Error(`order ${order.id} names unknown merchant ${order.merchant_id}`);
    const usage = order.usage_month
      ? await lockMonthlyUsage(tx, tenantId, order.member_id, order.usage_month)
      : null;
    const clawback = await this.clawbackOf(tx, tenantId, order);
    const accounts = memberAccountIds(order.member_id);
    // As a payment cancellation: cashback the member already repaid in cash comes back as cash.
    const cashbackBackWon = order.paid_from.cashbackWon - clawback.fromCashbackWon;
    const asCashWon = await takeCashbackRepaidInCash(tx, tenantId, order.member_id, cashbackBackWon);
    await addCashbackRepaidInCash(tx, tenantId, order.member_id, clawback.fromCashWon);
    const postings = [
      { accountId: merchant.receivableAccountId, amountWon: -order.total_won },
      { accountId: accounts.cashback, amountWon: cashbackBackWon - asCashWon },
      { accountId: accounts.cash, amountWon: order.paid_from.cashWon - clawback.fromCashWon + asCashWon },
      ...clawback.returnedToBudget,
    ].filter((posting) => posting.amountWon !== 0);
    await this.postAll(tx, tenantId, [
      {
        id: `order-return:${order.id}`,
        action: 'transfer',
        code: 'commerce_return',
        postings,
        metadata: { orderId: order.id, unrecoveredWon: clawback.unrecoveredWon },
      },
    ]);
    if (order.usage_month)
      await addMonthlyUsage(tx, tenantId, order.member_id, order.usage_month, {
        eligibleSpendWon: -order.eligible_won,
        unearnedSpendWon: -Math.min(order.unearned_eligible_won, usage?.unearnedSpendWon ?? 0),
        cashbackWon: -(clawback.fromCashbackWon + clawback.fromCashWon),
      });
    await this.returnStock(tx, tenantId, order);
    const returned = await this.move(tx, tenantId, order, 'returned', {
      budget: { returned: clawback.returnedToBudget },
    });
    const recoveredWon = clawback.fromCashbackWon + clawback.fromCashWon;
    await this.recordActivity(
      tx,
      tenantId,
      returned,
      'order_returned',
      order.total_won - recoveredWon,
      this.clock.now(),
      {
        clawback: {
          amountWon: recoveredWon,
          fromCashbackWon: clawback.fromCashbackWon,
          fromCashWon: clawback.fromCashWon,
        },
        ...(asCashWon > 0 ? { cashbackAsCashWon: asCashWon } : {}),
      },
    );
    return returned;
  }

  /** The order's cashback to take back, from balances locked here with what the return refunds. */
  private async clawbackOf(tx: Sql, tenantId: string, order: OrderRow) {
    const accounts = memberAccountIds(order.member_id);
    const balances = await this.deps.ledger.lockAccounts(tx, tenantId, [accounts.cash, accounts.cashback]);
    const availableOf = (id: string) => balances.find((account) => account.id === id)?.availableWon ?? 0;
    const clawbackWon = order.cashback_won;
    const fromCashbackWon = Math.min(
      clawbackWon,
      availableOf(accounts.cashback) + order.paid_from.cashbackWon,
    );
    const fromCashWon = Math.min(
      clawbackWon - fromCashbackWon,
      availableOf(accounts.cash) + order.paid_from.cashWon,
    );
    const recoveredWon = fromCashbackWon + fromCashWon;
    let leftWon = recoveredWon;
    // Back to the pots in the order they paid, never more than each gave.
    const returnedToBudget = order.cashback_draws
      .map((drawn) => {
        const backWon = Math.min(-drawn.amountWon, leftWon);
        leftWon -= backWon;
        return { accountId: drawn.accountId, amountWon: backWon };
      })
      .filter((drawn) => drawn.amountWon > 0);
    return { fromCashbackWon, fromCashWon, unrecoveredWon: clawbackWon - recoveredWon, returnedToBudget };
  }

  private async postAll(tx: Sql, tenantId: string, commands: LedgerCommand[]): Promise<void> {
    const results = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, commands);
    for (const result of results) {
      if (result.ok) continue;
      if (result.code === 'PENDING_EXPIRED') throw CommerceErrors.expired();
      if (result.code === 'INSUFFICIENT_FUNDS') throw CommerceErrors.insufficientFunds(0);
      throw new Error(`ledger refused ${result.id}: ${result.code}`);
    }
  }

  private async move(
    tx: Sql,
    tenantId: string,
    order: OrderRow,
    status: OrderStatus,
    changes: { reason?: string | null; trackingNumber?: string | null; budget?: OrderBudgetMoves },
  ): Promise<Order> {
    const now = this.clock.now();
    const { budget, ...rowChanges } = changes;
    const moved = await this.updateStatus(tx, tenantId, order.id, status, now, {
      ...rowChanges,
      heldWon: order.held_won,
    });
    await this.deps.events.append(tx, tenantId, [orderEvent(moved, now, budget)]);
    return moved;
  }

  /** The order's new status (its event is the caller's); a capture also records what it earned. */
  private async updateStatus(
    tx: Sql,
    tenantId: string,
    orderId: string,
    status: OrderStatus,
    now: Date,
    changes: {
      reason?: string | null;
      trackingNumber?: string | null;
      heldWon?: number;
      capture?: CaptureRecord;
    },
  ): Promise<Order> {
    const { capture } = changes;
    const [row] = await tx.query<OrderRow>(
      `update commerce_orders set status = $3, held_won = $4, reason = coalesce($5, reason),
         tracking_number = coalesce($6, tracking_number), updated_at = $7,
         captured_at = coalesce($8, captured_at), cashback_won = coalesce($9, cashback_won),
         cashback_draws = coalesce($10, cashback_draws), eligible_won = coalesce($11, eligible_won),
         usage_month = coalesce($12, usage_month), unearned_eligible_won = coalesce($13, unearned_eligible_won),
         shop_cashback_won = coalesce($14, shop_cashback_won)
       where tenant_id = $1 and id = $2 returning *`,
      [
        tenantId,
        orderId,
        status,
        capture ? 0 : (changes.heldWon ?? 0),
        changes.reason ?? null,
        changes.trackingNumber ?? null,
        now,
        capture ? now : null,
        capture?.cashbackWon ?? null,
        capture ? JSON.stringify(capture.draws) : null,
        capture?.eligibleWon ?? null,
        capture?.month ?? null,
        capture?.unearnedWon ?? null,
        capture?.shopCashbackWon ?? null,
      ],
    );
    if (!row) throw new Error(`order ${orderId} vanished while locked`);
    return toOrder(row);
  }

  /** Someone else's order answers exactly as a missing one. */
  private async lockOrder(
    tx: Sql,
    tenantId: string,
    orderId: string,
    mayAct: (row: OrderRow) => boolean,
  ): Promise<OrderRow> {
    const [row] = await tx.query<OrderRow>(
      `select * from commerce_orders where tenant_id = $1 and id = $2 for update`,
      [tenantId, orderId],
    );
    if (!row || !mayAct(row)) throw CommerceErrors.orderNotFound();
    if (row.status === 'expired') throw CommerceErrors.expired();
    return row;
  }

  /** Voids the holds of orders nobody answered in time; bounded per run. */
  async expireDue(tenantId: string): Promise<number> {
    const due = await this.db.query<{ id: string }>(
      `select id from commerce_orders where tenant_id = $1 and status = 'placed' and hold_expires_at <= $2
       order by hold_expires_at limit $3`,
      [tenantId, this.clock.now(), EXPIRY_BATCH_MAX],
    );
    for (const { id } of due) {
      const expired = await transactionWithRetry(this.db, async (tx) => {
        const [row] = await tx.query<OrderRow>(
          `select * from commerce_orders where tenant_id = $1 and id = $2 and status = 'placed' for update`,
          [tenantId, id],
        );
        if (!row) return;
        const holdId = holdIdOf(id);
        await this.postAll(tx, tenantId, [
          { id: expireTransferId(holdId), action: 'expire_pending', pendingId: holdId },
        ]);
        return this.afterRelease(tx, tenantId, row, 'expired', {});
      });
      if (expired) this.updates.publish(tenantId, [expired]);
    }
    return due.length;
  }

  /**
   * The member's history line for a step of an order that moved their balance (`amountWon`, signed):
   * held at checkout, given back when voided or returned, cashback at capture.
   */
  private async recordActivity(
    tx: Sql,
    tenantId: string,
    order: Order,
    type: 'order' | 'order_released' | 'order_cashback' | 'order_returned',
    amountWon: number,
    at: Date,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const merchant = await this.deps.merchants.getById(tenantId, order.merchantId, tx);
    await recordActivity(tx, {
      tenantId,
      memberId: order.memberId,
      at,
      type,
      month: monthKey(at, await this.deps.tenants.timeZoneOf(tenantId, tx)),
      amountWon,
      referenceId: order.orderId,
      merchantId: order.merchantId,
      details: {
        merchantName: merchant?.name ?? null,
        channel: order.channel,
        amountWon: order.totalWon,
        paidFrom: order.paidFrom,
        ...details,
      },
    });
  }

  jobs(): Job[] {
    return [
      {
        name: 'commerce.expire_unanswered_orders',
        everyMs: 60_000,
        run: async ({ tenantId }) => {
          const expired = await this.expireDue(tenantId);
          return { processed: expired, more: expired === EXPIRY_BATCH_MAX };
        },
      },
    ];
  }

  /**
   * The member's cash paid to shops by orders checked out after `since` (all when null) and captured:
   * what the balance refund's 60% rule counts as used, as it counts payments. Returned orders are
   * named so the caller can net the cash each return gave back (its ledger transfer says how much).
   */
  async cashCapturedSince(
    tenantId: string,
    memberId: string,
    since: Date | null,
    tx?: Sql,
  ): Promise<{ cashWon: number; returnedOrderIds: string[] }> {
    const [row] = await (tx ?? this.db).query<{ cash_won: string | number; returned: string[] | null }>(
      `select coalesce(sum((paid_from ->> 'cashWon')::bigint), 0)::bigint as cash_won,
              array_agg(id order by id) filter (where status = 'returned') as returned
       from commerce_orders
       where tenant_id = $1 and member_id = $2 and captured_at is not null
         and ($3::timestamptz is null or created_at > $3)`,
      [tenantId, memberId, since],
    );
    return { cashWon: Number(row?.cash_won ?? 0), returnedOrderIds: row?.returned ?? [] };
  }

  async get(tenantId: string, orderId: string, tx?: Sql): Promise<Order | undefined> {
    const [row] = await (tx ?? this.db).query<OrderRow>(
      `select * from commerce_orders where tenant_id = $1 and id = $2`,
      [tenantId, orderId],
    );
    return row ? toOrder(row) : undefined;
  }

  async listForMember(
    tenantId: string,
    memberId: string,
    limit: number,
    after: { at: string; id: string } | null,
  ): Promise<Order[]> {
    return this.list(tenantId, 'member_id', memberId, null, limit, after);
  }

  async listForMerchant(
    tenantId: string,
    merchantId: string,
    status: OrderStatus | null,
    limit: number,
    after: { at: string; id: string } | null,
  ): Promise<Order[]> {
    return this.list(tenantId, 'merchant_id', merchantId, status, limit, after);
  }

  private async list(
    tenantId: string,
    column: 'member_id' | 'merchant_id',
    ownerId: string,
    status: OrderStatus | null,
    limit: number,
    after: { at: string; id: string } | null,
  ): Promise<Order[]> {
    const rows = await this.db.query<OrderRow>(
      `select * from commerce_orders
       where tenant_id = $1 and ${column} = $2 and ($3::text is null or status = $3)
         and ($4::timestamptz is null or (created_at, id) < ($4::timestamptz, $5::text))
       order by created_at desc, id desc limit $6`,
      [tenantId, ownerId, status, after?.at ?? null, after?.id ?? '', Math.min(limit, PAGE_MAX)],
    );
    return rows.map(toOrder);
  }
}

/** What a capture earned, kept on the order so a return gives back exactly that. */
interface CaptureRecord {
  cashbackWon: number;
  /** What the shop is shown of it (`Order.shopCashbackWon`). */
  shopCashbackWon: number;
  /** Negative postings on the pot accounts that paid it. */
  draws: Array<{ accountId: string; amountWon: number }>;
  /** The eligible spending of the month, and in which month. */
  eligibleWon: number;
  /** Of it, what the budget paid no cashback on: it does not use up the allowance (wallets' usage.ts). */
  unearnedWon: number;
  month: string;
}

interface MerchantGroup {
  merchantId: string;
  channel: Channel;
  lines: OrderLine[];
  subtotalWon: number;
}

function lineOf(
  products: Map<string, Product>,
  item: CheckoutInput['items'][number],
): OrderLine & { merchantId: string; channel: Channel } {
  const product = products.get(item.productId);
  if (!product) throw CommerceErrors.productNotFound();
  const optionIds = [...new Set(item.optionIds ?? [])];
  let unitPriceWon = product.priceWon;
  for (const optionId of optionIds) {
    const option = product.options.find((candidate) => candidate.optionId === optionId);
    if (!option) throw CommerceErrors.unknownOption(optionId);
    unitPriceWon += option.priceDeltaWon;
  }
  const lineWon = unitPriceWon * item.quantity;
  if (!isPayableLineWon(lineWon)) throw CommerceErrors.invalidPrice();
  return {
    productId: product.productId,
    name: product.name,
    quantity: item.quantity,
    optionIds,
    unitPriceWon,
    lineWon,
    merchantId: product.merchantId,
    channel: product.channel,
  };
}

/** One order per merchant and channel, in the order the cart first names each merchant. */
function groupByMerchant(
  lines: Array<OrderLine & { merchantId: string; channel: Channel }>,
): MerchantGroup[] {
  const groups = new Map<string, MerchantGroup>();
  for (const { merchantId, channel, ...line } of lines) {
    const key = `${merchantId}|${channel}`;
    const group = groups.get(key) ?? { merchantId, channel, lines: [], subtotalWon: 0 };
    group.lines.push(line);
    group.subtotalWon += line.lineWon;
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The usual order (cashback first, then cash), drawn down across a checkout's orders. */
function spend(funds: { cashbackWon: number; cashWon: number }, totalWon: number): PaidFrom {
  const cashbackWon = Math.min(funds.cashbackWon, totalWon);
  const cashWon = totalWon - cashbackWon;
  if (cashWon > funds.cashWon) throw CommerceErrors.insufficientFunds(cashWon - funds.cashWon);
  funds.cashbackWon -= cashbackWon;
  funds.cashWon -= cashWon;
  return { cashbackWon, cashWon };
}

function localMinuteOfDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .formatToParts(at)
    .reduce<Record<string, string>>((all, part) => Object.assign(all, { [part.type]: part.value }), {});
  return Number(parts.hour) * 60 + Number(parts.minute);
}

function toOrder(row: OrderRow): Order {
  return {
    orderId: row.id,
    checkoutId: row.checkout_id,
    memberId: row.member_id,
    merchantId: row.merchant_id,
    channel: row.channel,
    status: row.status,
    items: row.items,
    subtotalWon: row.subtotal_won,
    deliveryFeeWon: row.delivery_fee_won,
    totalWon: row.total_won,
    heldWon: row.held_won,
    paidFrom: row.paid_from,
    cashbackWon: row.cashback_won,
    shopCashbackWon: row.shop_cashback_won ?? row.cashback_won,
    deliveryDong: row.delivery_dong,
    trackingNumber: row.tracking_number,
    reason: row.reason,
    holdExpiresAt: row.hold_expires_at.toISOString(),
    capturedAt: row.captured_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
