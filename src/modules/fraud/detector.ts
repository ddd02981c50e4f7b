import { uncancelledShare } from '../payments/split.js';
import type { CancelFact, Fact, MerchantFact, PaymentFact, SignInFact, TransferFact } from './facts.js';
import type { FraudRule, FraudThresholds } from './rules.js';
import { TrailingTotals } from './trailing-totals.js';
import { countAbove, RecentAmounts, RecentItems } from './windows.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Longest look-back of any rule (the size rule's 30 days), plus a day of slack. */
const WINDOW_MS = 31 * DAY_MS;
const TICKET_HISTORY_MAX = 200;
const INDUSTRY_HISTORY_MAX = 2_000;
/** Distinct members whose history signal 4 looks at per payment. */
const TICKET_PAYERS_MAX = 100;
const CYCLE_DEPTH_MAX = 3;
const CYCLE_VISITS_MAX = 200;
const EVIDENCE_PAYMENTS_MAX = 8;
/**
 * Payments a city's detector holds (about 300 bytes each). Past it the oldest are forgotten first,
 * so a city paying more than this in 31 days is judged over a shorter look-back, and memory stays
 * bounded per city. A merchant's running 30-day totals forget with them.
 */
export const PAYMENTS_IN_MEMORY_MAX = 200_000;
/** The most recent payments kept per merchant for signal 4 (only it scans all of them). */
const MERCHANT_PAYMENTS_MAX = 5_000;
const SIZE_PERCENTILE_REFRESH = 1_000;
const SIZE_WINDOW_MS = 30 * DAY_MS;
/** Shops whose record their held payments share. */
const SHOP_RECORDS_MAX = 100_000;
/** Members remembered per sign-in address, and addresses per member (the most recent win). */
const ADDRESS_MEMBERS_MAX = 50;
const MEMBER_ADDRESSES_MAX = 5;

export interface CycleEdge {
  kind: 'payment' | 'transfer';
  id: string;
  from: string;
  to: string;
  /** The merchant a payment edge went through (its owner is `to`). */
  merchantId: string | null;
  amountWon: number;
  at: number;
}

export interface Finding {
  rule: FraudRule;
  subjectKind: 'member' | 'merchant' | 'pair';
  /** memberId, merchantId or `memberId>merchantId`: one open alert per rule and subject. */
  subjectId: string;
  memberId: string | null;
  merchantId: string | null;
  district: string | null;
  /** 50 at the threshold, rising with how far past it the evidence goes; at most 99. */
  score: number;
  at: number;
  paymentIds: string[];
  transferIds: string[];
  cycle: CycleEdge[] | null;
  /**
   * The evidence in Korean and English, written on the first call: a pattern that keeps firing (a
   * member paying all day, a shop past its declared size) completes a finding on every payment, and
   * the consumer keeps only the last per rule and subject of a page, so most are never explained.
   */
  explain: () => Explanation;
}

export interface Explanation {
  ko: string;
  en: string;
}

/** Formats instants in the tenant's time zone for evidence ('2026-12-01 03:12'), and gives the local hour. */
export interface LocalTime {
  hourOf(at: number): number;
  format(at: number): string;
}

export function localTimeIn(timeZone: string): LocalTime {
  const formatter = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  // Offsets change on quarter hours at most, so the local hour of a quarter-hour bucket is cached,
  // and so is each minute's text (evidence lines format the same recent minutes over and over).
  const hours = new Map<number, number>();
  const minutes = new Map<number, string>();
  const partsOf = (at: number) =>
    Object.fromEntries(formatter.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    hourOf(at) {
      const bucket = Math.floor(at / 900_000);
      let hour = hours.get(bucket);
      if (hour === undefined) {
        if (hours.size > 50_000) hours.clear();
        hour = Number(partsOf(at).hour);
        hours.set(bucket, hour);
      }
      return hour;
    },
    format(at) {
      const minute = Math.floor(at / 60_000);
      let text = minutes.get(minute);
      if (text === undefined) {
        if (minutes.size > 50_000) minutes.clear();
        const p = partsOf(at);
        text = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
        minutes.set(minute, text);
      }
      return text;
    },
  };
}

const won = (amountWon: number) => `₩${amountWon.toLocaleString('en-US')}`;
const scoreOf = (ratio: number) =>
  Math.min(99, Math.max(50, Math.round(50 + 25 * Math.log2(Math.max(1, ratio)))));

/** The amounts kept under `key`, made empty on first use. */
function amountsOf(map: Map<string, RecentAmounts>, key: string, max: number): RecentAmounts {
  let amounts = map.get(key);
  if (!amounts) {
    amounts = new RecentAmounts(max);
    map.set(key, amounts);
  }
  return amounts;
}

/** What a payment says of its shop, shared by the shop's payments held while it stays the same. */
interface ShopOfPayment {
  merchantId: string;
  industryCode: string;
  district: string;
  annualRevenueWon: number;
}

/**
 * A payment as the detector holds it: six fields, its shop's four read through getters from one
 * shared record. A full detector holds 200,000 payments; ten fields each took ~32 bytes more a
 * payment (docs/engine.md, "Session 29").
 */
class HeldPayment implements PaymentFact {
  constructor(
    readonly id: string,
    readonly at: number,
    readonly memberId: string,
    readonly amountWon: number,
    readonly cashbackWon: number,
    private readonly shop: ShopOfPayment,
  ) {}

  get kind(): 'payment' {
    return 'payment';
  }
  get merchantId(): string {
    return this.shop.merchantId;
  }
  get industryCode(): string {
    return this.shop.industryCode;
  }
  get district(): string {
    return this.shop.district;
  }
  get annualRevenueWon(): number {
    return this.shop.annualRevenueWon;
  }

  /**
   * What remains of the payment once `refundWon` more of it is cancelled, its cashback going back in
   * proportion as the cancellation gives it back; null when nothing remains. A new payment, not this
   * one changed: findings already made hold this one, and their text must not change.
   */
  afterRefund(refundWon: number): HeldPayment | null {
    if (refundWon >= this.amountWon) return null;
    const cashbackWon = uncancelledShare(refundWon, this.cashbackWon, this.amountWon);
    return new HeldPayment(
      this.id,
      this.at,
      this.memberId,
      this.amountWon - refundWon,
      cashbackWon,
      this.shop,
    );
  }
}

/**
 * A merchant's 30-day running totals net of refunds. The running sums let a payment go at the amount
 * it was paid, so what was refunded of the payments they still count is kept beside them, by payment,
 * and let go with the payment.
 */
class MerchantTotals {
  private readonly paid = new TrailingTotals(SIZE_WINDOW_MS);
  private readonly refunds = new Map<string, { at: number; won: number; cashbackWon: number }>();
  private refundedWon = 0;
  private refundedCashbackWon = 0;
  /** The time of the oldest payment refunded, so that reading the totals scans the refunds only when one leaves. */
  private oldestRefundAt = Number.POSITIVE_INFINITY;

  get count(): number {
    return this.paid.count;
  }
  get volumeWon(): number {
    return this.paid.volumeWon - this.refundedWon;
  }
  get cashbackWon(): number {
    return this.paid.cashbackWon - this.refundedCashbackWon;
  }

  add(payment: PaymentFact): void {
    this.paid.add(payment);
  }

  dropOldest(payment: PaymentFact): void {
    const countBefore = this.paid.count;
    this.paid.dropOldest(payment);
    if (this.paid.count < countBefore) this.letGo(payment.id);
  }

  /**
   * Takes a refund of `payment` out of the totals. The detector calls it only for a payment still in
   * its member's list, which memory forgets together with these totals, so the payment is counted
   * here unless it left the 30 days.
   */
  refund(payment: PaymentFact, won: number, cashbackWon: number, now: number): void {
    this.advance(now);
    if (payment.at < now - SIZE_WINDOW_MS) return;
    const earlier = this.refunds.get(payment.id);
    this.refunds.set(payment.id, {
      at: payment.at,
      won: (earlier?.won ?? 0) + won,
      cashbackWon: (earlier?.cashbackWon ?? 0) + cashbackWon,
    });
    this.refundedWon += won;
    this.refundedCashbackWon += cashbackWon;
    this.oldestRefundAt = Math.min(this.oldestRefundAt, payment.at);
  }

  advance(now: number): this {
    this.paid.advance(now);
    const since = now - SIZE_WINDOW_MS;
    if (this.oldestRefundAt >= since) return this;
    this.oldestRefundAt = Number.POSITIVE_INFINITY;
    for (const [paymentId, refund] of this.refunds) {
      if (refund.at < since) this.letGo(paymentId);
      else this.oldestRefundAt = Math.min(this.oldestRefundAt, refund.at);
    }
    return this;
  }

  private letGo(paymentId: string): void {
    const refund = this.refunds.get(paymentId);
    if (!refund) return;
    this.refundedWon -= refund.won;
    this.refundedCashbackWon -= refund.cashbackWon;
    this.refunds.delete(paymentId);
  }
}

/** Swaps `payment` for what remains of it in `list`, or takes it out when nothing remains. */
function swapIn(list: HeldPayment[] | undefined, payment: HeldPayment, left: HeldPayment | null): void {
  const index = list?.indexOf(payment) ?? -1;
  if (index < 0) return;
  if (left) list?.splice(index, 1, left);
  else list?.splice(index, 1);
}

/** `items` with `payment` swapped as `swapIn` does, rebuilt: a window forgets only from its front. */
function swappedIn(
  items: RecentItems<HeldPayment>,
  payment: HeldPayment,
  left: HeldPayment | null,
): RecentItems<HeldPayment> {
  const rebuilt = new RecentItems<HeldPayment>(MERCHANT_PAYMENTS_MAX);
  for (const item of items.filter(() => true)) {
    const kept = item === payment ? left : item;
    if (kept) rebuilt.push(kept);
  }
  return rebuilt;
}

/**
 * One record per shop for its payments: facts arrive parsed from JSON, each bringing its own copies
 * of its shop's id, industry and district. A shop whose facts change gets a new record; the
 * payments held under the old one keep what they said. Past the bound the records start again,
 * which only loses some sharing.
 */
class ShopRecords {
  private readonly shops = new Map<string, ShopOfPayment>();

  of(p: PaymentFact): ShopOfPayment {
    const known = this.shops.get(p.merchantId);
    if (
      known !== undefined &&
      known.industryCode === p.industryCode &&
      known.district === p.district &&
      known.annualRevenueWon === p.annualRevenueWon
    )
      return known;
    if (this.shops.size >= SHOP_RECORDS_MAX) this.shops.clear();
    const shop = {
      merchantId: known?.merchantId ?? p.merchantId,
      industryCode: p.industryCode,
      district: p.district,
      annualRevenueWon: p.annualRevenueWon,
    };
    this.shops.set(shop.merchantId, shop);
    return shop;
  }
}

/**
 * `write`, called once, on the first call. What a finding's text reads cannot change after the
 * finding is made: lists filtered for it, immutable facts, and merchant names, which a detector sets
 * once (the consumer reports a merchant only when the detector does not know it).
 */
function writtenOnce(write: () => Explanation): () => Explanation {
  let written: Explanation | undefined;
  return () => {
    written ??= write();
    return written;
  };
}

function prune<T extends { at: number }>(list: T[], since: number): void {
  let drop = 0;
  while (drop < list.length && (list[drop] as T).at < since) drop += 1;
  if (drop > 0) list.splice(0, drop);
}

/**
 * The eight '깡' signals over a stream of facts, in feed order. State is a sliding window per
 * member, merchant and pair (31 days), so scoring a fact costs a few small scans and never a query.
 * What every payment reads of its merchant is kept so that it does not grow with the merchant's
 * trade: running 30-day totals and the high-value payments only; the full list is scanned only by
 * signal 4, for a high-value payment far above the merchant's usual ticket.
 * `observe` returns the findings the fact completes; the caller keeps one open alert per rule and subject.
 */
export class FraudDetector {
  private readonly merchants = new Map<string, MerchantFact>();
  /**
   * The payments' lists hold each payment at what remains of it after the cancellations seen so far
   * (`refund`): one refunded in full is in none of them.
   */
  private readonly byMember = new Map<string, HeldPayment[]>();
  private readonly byMerchant = new Map<string, RecentItems<HeldPayment>>();
  /** The merchant's payments of at least the high-value line only. */
  private readonly highByMerchant = new Map<string, HeldPayment[]>();
  private readonly merchantTotals = new Map<string, MerchantTotals>();
  private readonly tickets = new Map<string, RecentAmounts>();
  private readonly industryTickets = new Map<string, RecentAmounts>();
  /** Every payment held, as paid, oldest first, for forgetting in arrival order. */
  private readonly held = new RecentItems<HeldPayment>();
  private readonly transfersFrom = new Map<string, TransferFact[]>();
  private readonly cancels = new Map<
    string,
    Array<{ at: number; cancel: CancelFact; payment: PaymentFact }>
  >();
  private cashbackRanks: { at: number; sortedWon: number[]; count: number } = {
    at: 0,
    sortedWon: [],
    count: 0,
  };
  private observed = 0;
  /** address hash → the latest sign-in of each member seen there; member → their recent addresses. */
  private readonly addressMembers = new Map<string, SignInFact[]>();
  private readonly memberAddresses = new Map<string, SignInFact[]>();
  private readonly shops = new ShopRecords();

  constructor(
    private readonly thresholds: FraudThresholds,
    private readonly time: LocalTime,
    private readonly paymentsInMemoryMax = PAYMENTS_IN_MEMORY_MAX,
  ) {}

  knowsMerchant(merchantId: string): boolean {
    return this.merchants.has(merchantId);
  }

  observe(fact: Fact): Finding[] {
    this.observed += 1;
    if (this.observed % 50_000 === 0) this.sweep(fact.kind === 'merchant' ? 0 : fact.at);
    switch (fact.kind) {
      case 'merchant':
        this.merchants.set(fact.merchantId, fact);
        return [];
      case 'payment':
        return this.onPayment(this.pooled(fact));
      case 'transfer':
        return this.onTransfer(fact);
      case 'cancel':
        return this.onCancel(fact);
      case 'signin':
        return this.onSignIn(fact);
    }
  }

  /**
   * The payment as the detector holds it (`HeldPayment`), naming shared ids once. A member's id is
   * taken from their earlier payment still held, not pooled: most members have one payment or none
   * in the window, so a pool of members would cost more than it shares.
   */
  private pooled(p: PaymentFact): HeldPayment {
    return new HeldPayment(
      p.id,
      p.at,
      this.byMember.get(p.memberId)?.[0]?.memberId ?? p.memberId,
      p.amountWon,
      p.cashbackWon,
      this.shops.of(p),
    );
  }

  /** Keeps `p` among the payments held, forgetting the oldest one when memory is full. */
  private hold(p: HeldPayment): void {
    this.held.push(p);
    if (this.held.length > this.paymentsInMemoryMax) {
      this.forget(this.held.first() as HeldPayment);
      this.held.shift();
    }
  }

  /**
   * Lists are in arrival order, so the oldest payment held is at the front of each list it is in,
   * matched by id: a list holds what a partial refund left of it, and none holds it once refunded in full.
   */
  private forget(p: HeldPayment): void {
    for (const map of [this.byMember, this.highByMerchant]) {
      const list = map.get(map === this.byMember ? p.memberId : p.merchantId);
      if (list?.[0]?.id === p.id) list.shift();
    }
    const merchantPayments = this.byMerchant.get(p.merchantId);
    if (merchantPayments?.first()?.id === p.id) merchantPayments.shift();
    this.merchantTotals.get(p.merchantId)?.dropOldest(p);
  }

  private totalsOf(merchantId: string): MerchantTotals {
    let totals = this.merchantTotals.get(merchantId);
    if (!totals) {
      totals = new MerchantTotals();
      this.merchantTotals.set(merchantId, totals);
    }
    return totals;
  }

  private merchantName(merchantId: string): string {
    return this.merchants.get(merchantId)?.name ?? merchantId;
  }

  /** The merchant's most recent payments within the window (signal 4 scans all of them). */
  private merchantPaymentsOf(merchantId: string, now: number): RecentItems<HeldPayment> {
    let list = this.byMerchant.get(merchantId);
    if (!list) {
      list = new RecentItems(MERCHANT_PAYMENTS_MAX);
      this.byMerchant.set(merchantId, list);
    }
    const since = now - WINDOW_MS;
    list.dropWhile((x) => x.at < since);
    return list;
  }

  private listOf<T extends { at: number }>(map: Map<string, T[]>, key: string, now: number): T[] {
    let list = map.get(key);
    if (!list) {
      list = [];
      map.set(key, list);
    }
    prune(list, now - WINDOW_MS);
    return list;
  }

  private onPayment(p: HeldPayment): Finding[] {
    const t = this.thresholds;
    const memberPayments = this.listOf(this.byMember, p.memberId, p.at);
    const merchantPayments = this.merchantPaymentsOf(p.merchantId, p.at);
    const merchantHigh = this.listOf(this.highByMerchant, p.merchantId, p.at);
    const ownTickets = amountsOf(this.tickets, p.merchantId, TICKET_HISTORY_MAX);
    const industry = amountsOf(this.industryTickets, p.industryCode, INDUSTRY_HISTORY_MAX);
    const findings: Finding[] = [];
    if (p.amountWon >= t.fraud_high_value_won)
      findings.push(...this.ticketOutlier(p, memberPayments, merchantPayments, ownTickets, industry));
    memberPayments.push(p);
    merchantPayments.push(p);
    if (p.amountWon >= t.fraud_high_value_won) merchantHigh.push(p);
    this.totalsOf(p.merchantId).add(p);
    this.hold(p);
    ownTickets.push(p.amountWon);
    industry.push(p.amountWon);
    if (p.amountWon >= t.fraud_high_value_won) {
      findings.push(...this.sustained(p, memberPayments, merchantHigh));
      findings.push(...this.newMerchant(p, merchantHigh));
      findings.push(...this.repeatedPair(p, memberPayments));
      findings.push(...this.night(p, memberPayments, merchantHigh));
    }
    findings.push(...this.memberFrequency(p, memberPayments));
    findings.push(...this.nearThreshold(p, memberPayments));
    findings.push(...this.sizeOutlier(p, merchantHigh));
    if (p.amountWon >= t.fraud_cycle_edge_min_won) findings.push(...this.cycleThrough(this.paymentEdge(p)));
    if (p.amountWon >= t.fraud_shared_address_payment_min_won)
      for (const address of this.memberAddresses.get(p.memberId) ?? [])
        findings.push(...this.sharedAddress(address.addressHash, p.merchantId, p.at));
    return findings;
  }

  /** Remembers the sign-in, then checks the address at every merchant the member recently paid big. */
  private onSignIn(s: SignInFact): Finding[] {
    const withoutMember = (list: SignInFact[]) => list.filter((x) => x.memberId !== s.memberId);
    const members = [...withoutMember(this.addressMembers.get(s.addressHash) ?? []), s];
    this.addressMembers.set(s.addressHash, members.slice(-ADDRESS_MEMBERS_MAX));
    const own = (this.memberAddresses.get(s.memberId) ?? []).filter((x) => x.addressHash !== s.addressHash);
    this.memberAddresses.set(s.memberId, [...own, s].slice(-MEMBER_ADDRESSES_MAX));
    const t = this.thresholds;
    const since = s.at - t.fraud_shared_address_window_days * DAY_MS;
    const merchantIds = new Set(
      (this.byMember.get(s.memberId) ?? [])
        .filter((x) => x.at >= since && x.amountWon >= t.fraud_shared_address_payment_min_won)
        .map((x) => x.merchantId),
    );
    return [...merchantIds].flatMap((merchantId) => this.sharedAddress(s.addressHash, merchantId, s.at));
  }

  /**
   * Signal 8c: one sign-in address behind at least N members who each paid the same merchant at
   * least the minimum within the window, who are most of the members seen at that address and a
   * good share of the merchant's customers paying that much. A family (fewer than N), an office
   * (many members, a few of whom shop at the same place) and a textbook rush (the office's buyers
   * among hundreds) stay below it.
   */
  private sharedAddress(addressHash: string, merchantId: string, now: number): Finding[] {
    const t = this.thresholds;
    const since = now - t.fraud_shared_address_window_days * DAY_MS;
    const signIns = (this.addressMembers.get(addressHash) ?? []).filter((x) => x.at >= since);
    if (signIns.length < t.fraud_shared_address_members_min) return [];
    const paid: PaymentFact[] = [];
    let payers = 0;
    for (const signIn of signIns) {
      const mine = (this.byMember.get(signIn.memberId) ?? []).filter(
        (x) =>
          x.merchantId === merchantId &&
          x.at >= since &&
          x.amountWon >= t.fraud_shared_address_payment_min_won,
      );
      if (mine.length > 0) payers += 1;
      paid.push(...mine);
    }
    if (payers < t.fraud_shared_address_members_min) return [];
    if (payers * 10_000 < t.fraud_shared_address_share_bp * signIns.length) return [];
    const customers = new Set(
      (
        this.byMerchant
          .get(merchantId)
          ?.filter((x) => x.at >= since && x.amountWon >= t.fraud_shared_address_payment_min_won) ?? []
      ).map((x) => x.memberId),
    );
    if (payers * 10_000 < t.fraud_shared_address_merchant_share_bp * customers.size) return [];
    paid.sort((a, b) => a.at - b.at);
    const last = paid.at(-1) as PaymentFact;
    const totalWon = paid.reduce((sum, x) => sum + x.amountWon, 0);
    const name = this.merchantName(merchantId);
    const shortHash = addressHash.slice(0, 8);
    const days = t.fraud_shared_address_window_days;
    return [
      this.finding(
        'shared_address',
        'pair',
        `${addressHash}>${merchantId}`,
        last.memberId,
        merchantId,
        last.district,
        scoreOf(payers / t.fraud_shared_address_members_min),
        now,
        paid.map((x) => x.id),
        () => {
          const lines = this.paymentLines(paid, false, true);
          return {
            ko: `같은 접속 주소(해시 ${shortHash})로 로그인한 회원 ${signIns.length}명 중 ${payers}명이 최근 ${days}일 안에 가맹점 ${name}에서 ${won(t.fraud_shared_address_payment_min_won)} 이상 결제했습니다(${paid.length}건, 합계 ${won(totalWon)}; 이 가맹점의 같은 금액대 고객 ${customers.size}명 중): ${lines.ko}`,
            en: `${payers} of the ${signIns.length} members who signed in from the same address (hash ${shortHash}) paid ${won(t.fraud_shared_address_payment_min_won)} or more at ${name} within ${days} days (${paid.length} payments, ${won(totalWon)} in total; of ${customers.size} customers paying that much there): ${lines.en}`,
          };
        },
      ),
    ];
  }

  private onTransfer(tr: TransferFact): Finding[] {
    this.listOf(this.transfersFrom, tr.fromMemberId, tr.at).push(tr);
    if (tr.amountWon < this.thresholds.fraud_cycle_edge_min_won) return [];
    return this.cycleThrough({
      kind: 'transfer',
      id: tr.id,
      from: tr.fromMemberId,
      to: tr.toMemberId,
      merchantId: null,
      amountWon: tr.amountWon,
      at: tr.at,
    });
  }

  private onCancel(c: CancelFact): Finding[] {
    // A cancellation names its payment's member, whose list holds every payment of theirs still held
    // (a map of all held payments by id cost ~40 bytes a payment for this one rare lookup).
    const payment = this.byMember.get(c.memberId)?.find((held) => held.id === c.paymentId);
    if (!payment) return [];
    const findings = this.cancelledAfterCashback(c, payment);
    this.refund(payment, c.amountWon, c.at);
    return findings;
  }

  /**
   * Swaps the payment for what remains of it in every list the signals read, or takes it out of them
   * when refunded in full, so no later finding counts or cites money that came back. `held` keeps
   * the payment as paid, for forgetting in arrival order. The ticket medians keep its amount: they
   * say what the shop charges, which a refund does not change, and hold amounts without ids.
   */
  private refund(payment: HeldPayment, refundWon: number, now: number): void {
    const left = payment.afterRefund(refundWon);
    const isHigh = left !== null && left.amountWon >= this.thresholds.fraud_high_value_won;
    swapIn(this.byMember.get(payment.memberId), payment, left);
    swapIn(this.highByMerchant.get(payment.merchantId), payment, isHigh ? left : null);
    const merchantPayments = this.byMerchant.get(payment.merchantId);
    if (merchantPayments) this.byMerchant.set(payment.merchantId, swappedIn(merchantPayments, payment, left));
    const refundedWon = payment.amountWon - (left?.amountWon ?? 0);
    const refundedCashbackWon = payment.cashbackWon - (left?.cashbackWon ?? 0);
    this.merchantTotals.get(payment.merchantId)?.refund(payment, refundedWon, refundedCashbackWon, now);
  }

  /** Signal 8b: cancellations of payments soon after they earned cashback. */
  private cancelledAfterCashback(c: CancelFact, payment: HeldPayment): Finding[] {
    const t = this.thresholds;
    if (payment.cashbackWon <= 0 || c.at - payment.at > t.fraud_cancel_window_hours * HOUR_MS) return [];
    const list = this.listOf(this.cancels, c.memberId, c.at);
    // A payment cancelled in parts is shown as paid: its first cancellation found it so.
    const paid = list.find((x) => x.payment.id === payment.id)?.payment ?? payment;
    list.push({ at: c.at, cancel: c, payment: paid });
    // Payments, not cancellations: one payment refunded in three parts is one payment cancelled.
    const recent = [
      ...new Map(
        list
          .filter((x) => x.at >= c.at - t.fraud_sustained_window_days * DAY_MS)
          .map((x) => [x.payment.id, x] as const),
      ).values(),
    ];
    if (recent.length < t.fraud_cancel_count_min) return [];
    const lines = recent.slice(-EVIDENCE_PAYMENTS_MAX).map((x) => ({
      ko: `${this.time.format(x.payment.at)} ${won(x.payment.amountWon)} 결제(캐시백 ${won(x.payment.cashbackWon)}) → ${Math.round((x.at - x.payment.at) / HOUR_MS)}시간 뒤 취소`,
      en: `${this.time.format(x.payment.at)} ${won(x.payment.amountWon)} paid (cashback ${won(x.payment.cashbackWon)}) → cancelled ${Math.round((x.at - x.payment.at) / HOUR_MS)} h later`,
    }));
    return [
      this.finding(
        'cap_gaming',
        'member',
        c.memberId,
        c.memberId,
        null,
        payment.district,
        scoreOf(recent.length / t.fraud_cancel_count_min),
        c.at,
        recent.map((x) => x.payment.id),
        () => ({
          ko: `회원 ${c.memberId}이(가) 캐시백을 받은 결제 ${recent.length}건을 ${t.fraud_cancel_window_hours}시간 안에 취소했습니다: ${lines.map((l) => l.ko).join('; ')}`,
          en: `Member ${c.memberId} cancelled ${recent.length} payments that had earned cashback within ${t.fraud_cancel_window_hours} h: ${lines.map((l) => l.en).join('; ')}`,
        }),
      ),
    ];
  }

  private finding(
    rule: FraudRule,
    subjectKind: Finding['subjectKind'],
    subjectId: string,
    memberId: string | null,
    merchantId: string | null,
    district: string | null,
    score: number,
    at: number,
    paymentIds: string[],
    text: () => Explanation,
    extra: { transferIds?: string[]; cycle?: CycleEdge[] } = {},
  ): Finding {
    return {
      rule,
      subjectKind,
      subjectId,
      memberId,
      merchantId,
      district,
      score,
      at,
      paymentIds: paymentIds.slice(-50),
      transferIds: extra.transferIds ?? [],
      cycle: extra.cycle ?? null,
      explain: writtenOnce(text),
    };
  }

  /** The member or the merchant of a payment as an alert's subject, named for the operator. */
  private subjectOf(kind: 'member' | 'merchant', p: PaymentFact) {
    if (kind === 'member')
      return {
        who: { ko: `회원 ${p.memberId}`, en: `Member ${p.memberId}` },
        subjectId: p.memberId,
        memberId: p.memberId,
        merchantId: null,
      };
    const name = this.merchantName(p.merchantId);
    return {
      who: { ko: `가맹점 ${name}`, en: `Merchant ${name}` },
      subjectId: p.merchantId,
      memberId: null,
      merchantId: p.merchantId,
    };
  }

  private paymentLines(list: readonly PaymentFact[], withMerchant: boolean, withMember: boolean) {
    const shown = list.slice(-EVIDENCE_PAYMENTS_MAX);
    const line = (p: PaymentFact, lang: 'ko' | 'en') =>
      [
        this.time.format(p.at),
        won(p.amountWon),
        withMember ? (lang === 'ko' ? `회원 ${p.memberId}` : `member ${p.memberId}`) : '',
        withMerchant
          ? lang === 'ko'
            ? `가맹점 ${this.merchantName(p.merchantId)}`
            : `at ${this.merchantName(p.merchantId)}`
          : '',
      ]
        .filter(Boolean)
        .join(' ');
    const more = list.length > shown.length ? list.length - shown.length : 0;
    return {
      ko: shown.map((p) => line(p, 'ko')).join('; ') + (more ? ` 외 ${more}건` : ''),
      en: shown.map((p) => line(p, 'en')).join('; ') + (more ? ` and ${more} more` : ''),
    };
  }

  /** Signal 1: sustained high-value payments by one member or at one merchant. */
  private sustained(p: PaymentFact, memberPayments: PaymentFact[], merchantHigh: PaymentFact[]): Finding[] {
    const t = this.thresholds;
    const since = p.at - t.fraud_sustained_window_days * DAY_MS;
    const high = (list: PaymentFact[]) =>
      list.filter((x) => x.at >= since && x.amountWon >= t.fraud_high_value_won);
    const findings: Finding[] = [];
    const days = t.fraud_sustained_window_days;
    for (const [kind, list] of [
      ['member', high(memberPayments)],
      ['merchant', high(merchantHigh)],
    ] as const) {
      if (list.length < t.fraud_sustained_count_min) continue;
      const totalWon = list.reduce((sum, x) => sum + x.amountWon, 0);
      const { who, subjectId, memberId, merchantId } = this.subjectOf(kind, p);
      findings.push(
        this.finding(
          'sustained_high_value',
          kind,
          subjectId,
          memberId,
          merchantId,
          p.district,
          scoreOf(list.length / t.fraud_sustained_count_min),
          p.at,
          list.map((x) => x.id),
          () => {
            const lines = this.paymentLines(list, kind === 'member', kind === 'merchant');
            return {
              ko: `${who.ko}: 최근 ${days}일 동안 ${won(t.fraud_high_value_won)} 이상 고액 결제 ${list.length}건, 합계 ${won(totalWon)}: ${lines.ko}`,
              en: `${who.en}: ${list.length} payments of ${won(t.fraud_high_value_won)} or more in the last ${days} days, ${won(totalWon)} in total: ${lines.en}`,
            };
          },
        ),
      );
    }
    return findings;
  }

  /** Signal 1 (frequency): one member paying very often in a day, whatever the amounts. */
  private memberFrequency(p: PaymentFact, memberPayments: PaymentFact[]): Finding[] {
    const t = this.thresholds;
    const list = memberPayments.filter((x) => x.at >= p.at - DAY_MS);
    if (list.length < t.fraud_member_daily_count_min) return [];
    const totalWon = list.reduce((sum, x) => sum + x.amountWon, 0);
    return [
      this.finding(
        'sustained_high_value',
        'member',
        p.memberId,
        p.memberId,
        null,
        p.district,
        scoreOf(list.length / t.fraud_member_daily_count_min),
        p.at,
        list.map((x) => x.id),
        () => {
          const lines = this.paymentLines(list, true, false);
          return {
            ko: `회원 ${p.memberId}: 24시간 동안 결제 ${list.length}건, 합계 ${won(totalWon)}: ${lines.ko}`,
            en: `Member ${p.memberId}: ${list.length} payments within 24 h, ${won(totalWon)} in total: ${lines.en}`,
          };
        },
      ),
    ];
  }

  /** Signal 2: many high-value payments at a newly registered merchant. */
  private newMerchant(p: PaymentFact, merchantHigh: PaymentFact[]): Finding[] {
    const t = this.thresholds;
    const registeredAt = this.merchants.get(p.merchantId)?.registeredAt;
    if (registeredAt == null || p.at - registeredAt > t.fraud_new_merchant_days * DAY_MS) return [];
    const list = merchantHigh.filter((x) => x.at >= registeredAt && x.amountWon >= t.fraud_high_value_won);
    if (list.length < t.fraud_new_merchant_count_min) return [];
    const ageDays = Math.floor((p.at - registeredAt) / DAY_MS);
    const name = this.merchantName(p.merchantId);
    return [
      this.finding(
        'new_merchant_high_value',
        'merchant',
        p.merchantId,
        null,
        p.merchantId,
        p.district,
        scoreOf(list.length / t.fraud_new_merchant_count_min),
        p.at,
        list.map((x) => x.id),
        () => {
          const lines = this.paymentLines(list, false, true);
          return {
            ko: `가맹점 ${name}은(는) 등록 ${ageDays}일째인데 고액 결제(${won(t.fraud_high_value_won)} 이상) ${list.length}건을 받았습니다: ${lines.ko}`,
            en: `Merchant ${name} registered ${ageDays} days ago and already took ${list.length} payments of ${won(t.fraud_high_value_won)} or more: ${lines.en}`,
          };
        },
      ),
    ];
  }

  /** Signal 3: repeated high-value payments by the same member at the same merchant in a short window. */
  private repeatedPair(p: PaymentFact, memberPayments: PaymentFact[]): Finding[] {
    const t = this.thresholds;
    const since = p.at - t.fraud_pair_window_hours * HOUR_MS;
    const list = memberPayments.filter(
      (x) => x.merchantId === p.merchantId && x.at >= since && x.amountWon >= t.fraud_high_value_won,
    );
    if (list.length < t.fraud_pair_count_min) return [];
    const name = this.merchantName(p.merchantId);
    return [
      this.finding(
        'repeated_pair',
        'pair',
        `${p.memberId}>${p.merchantId}`,
        p.memberId,
        p.merchantId,
        p.district,
        scoreOf(list.length / t.fraud_pair_count_min),
        p.at,
        list.map((x) => x.id),
        () => {
          const lines = this.paymentLines(list, false, false);
          return {
            ko: `회원 ${p.memberId}이(가) 가맹점 ${name}에서 ${t.fraud_pair_window_hours}시간 안에 고액 결제 ${list.length}건: ${lines.ko}`,
            en: `Member ${p.memberId} paid ${name} ${list.length} times with high values within ${t.fraud_pair_window_hours} h: ${lines.en}`,
          };
        },
      ),
    ];
  }

  /**
   * Signal 4: high-value payments at a merchant whose usual ticket is small, against its own history
   * and its industry. A big ticket alone is not enough (honest big spenders exist at every grocer):
   * it takes one member repeating them there while they are most of that member's payments over
   * their recent history (a card that exists for this shop), or several such cards at the one shop
   * (a shop recruiting cards). The member's history is at most the detector's 31-day window.
   */
  private ticketOutlier(
    p: PaymentFact,
    memberPayments: PaymentFact[],
    merchantPayments: RecentItems<PaymentFact>,
    own: RecentAmounts,
    industry: RecentAmounts,
  ): Finding[] {
    const t = this.thresholds;
    if (own.length < t.fraud_ticket_history_min || industry.length < t.fraud_ticket_history_min) return [];
    const ownMedianWon = own.median();
    const industryMedianWon = industry.median();
    const isOutlier = (amountWon: number) =>
      amountWon * 10_000 >= t.fraud_ticket_ratio_bp * ownMedianWon &&
      amountWon * 10_000 >= t.fraud_ticket_ratio_bp * industryMedianWon;
    if (!isOutlier(p.amountWon)) return [];
    const since = p.at - t.fraud_sustained_window_days * DAY_MS;
    const outliers = [...merchantPayments.filter((x) => x.at >= since && isOutlier(x.amountWon)), p];
    const historySince = p.at - t.fraud_ticket_member_history_days * DAY_MS;
    /**
     * A member's outliers here against all their payments in their recent history, their payments
     * at this merchant, and their high-value payments anywhere.
     */
    const shareOf = (memberId: string) => {
      const history: PaymentFact[] = (
        memberId === p.memberId ? memberPayments : (this.byMember.get(memberId) ?? [])
      ).filter((x) => x.at >= historySince);
      if (memberId === p.memberId) history.push(p);
      const outliersHere = outliers.filter((x) => x.memberId === memberId);
      const here = history.filter((x) => x.merchantId === p.merchantId).length;
      const big = history.filter((x) => x.amountWon >= t.fraud_high_value_won).length;
      return { outliersHere, payments: history.length, here, big };
    };
    const atLeast = (part: number, whole: number, bp: number) => part * 10_000 >= bp * Math.max(1, whole);
    /** The card exists for this shop: mostly outliers here. */
    const isOnlyCard = (s: ReturnType<typeof shareOf>) =>
      atLeast(s.outliersHere.length, s.payments, t.fraud_ticket_member_share_bp);
    /**
     * A card that shops normally elsewhere too: at this shop it only pays outsized tickets (it is no
     * regular there), and they are its big payments (big tickets are not its habit everywhere).
     */
    const isShoppingCard = (s: ReturnType<typeof shareOf>) =>
      atLeast(s.outliersHere.length, s.here, t.fraud_ticket_shop_share_bp) &&
      atLeast(s.outliersHere.length, s.big, t.fraud_ticket_big_share_bp);
    const payer = shareOf(p.memberId);
    const byOneCard =
      payer.outliersHere.length >= t.fraud_ticket_repeat_min && (isOnlyCard(payer) || isShoppingCard(payer));
    // The most recent payers only, so a shop where outsized tickets are ordinary stays cheap to score.
    const recentPayers = [...new Set(outliers.map((x) => x.memberId).reverse())].slice(0, TICKET_PAYERS_MAX);
    // Several cards paying once each: only cards that exist for the shop count (several honest big
    // spenders each buying big once at a popular grocer are no ring).
    const cards = recentPayers.filter((id) => isOnlyCard(shareOf(id)));
    const byManyCards = cards.length >= t.fraud_ticket_members_min;
    if (!byOneCard && !byManyCards) return [];
    const mine = payer.outliersHere;
    const memberCount = payer.payments;
    const payers = cards.length;
    const list = byManyCards ? outliers.filter((x) => cards.includes(x.memberId)) : mine;
    const ratio = p.amountWon / Math.max(1, Math.max(ownMedianWon, industryMedianWon));
    const name = this.merchantName(p.merchantId);
    const days = t.fraud_sustained_window_days;
    const historyDays = t.fraud_ticket_member_history_days;
    const why = byManyCards
      ? {
          ko: `최근 ${days}일 동안 회원 ${payers}명이 이런 결제를 했고, 각자의 최근 결제 대부분이 이 결제입니다`,
          en: `${payers} different members paid like this within ${days} days, each of them making few other payments`,
        }
      : isOnlyCard(payer)
        ? {
            ko: `회원 ${p.memberId}의 최근 ${historyDays}일 결제 ${memberCount}건 중 ${mine.length}건이 이 가맹점의 이런 결제입니다`,
            en: `they are ${mine.length} of member ${p.memberId}'s ${memberCount} payments in the last ${historyDays} days`,
          }
        : {
            ko: `회원 ${p.memberId}의 최근 ${historyDays}일 이 가맹점 결제 ${payer.here}건 중 ${mine.length}건, 고액 결제 ${payer.big}건 중 ${mine.length}건이 이런 결제입니다(다른 곳에서는 평소 소액 결제)`,
            en: `they are ${mine.length} of member ${p.memberId}'s ${payer.here} payments at this merchant and ${mine.length} of their ${payer.big} high-value payments in the last ${historyDays} days (small everyday payments elsewhere)`,
          };
    return [
      this.finding(
        'ticket_outlier',
        'merchant',
        p.merchantId,
        p.memberId,
        p.merchantId,
        p.district,
        scoreOf(ratio / (t.fraud_ticket_ratio_bp / 10_000)),
        p.at,
        list.map((x) => x.id),
        () => {
          const lines = this.paymentLines(list, false, true);
          return {
            ko: `가맹점 ${name}의 평소 결제액은 ${won(ownMedianWon)}(업종 ${won(industryMedianWon)})인데 ${list.length}건이 그 ${Math.floor(ratio)}배 수준이고, ${why.ko}: ${lines.ko}`,
            en: `Merchant ${name} usually takes ${won(ownMedianWon)} a payment (its industry ${won(industryMedianWon)}), yet ${list.length} payments were about ${Math.floor(ratio)}× that, and ${why.en}: ${lines.en}`,
          };
        },
      ),
    ];
  }

  /** Signal 6: frequent high-value payments between midnight and the night's end hour (tenant time). */
  private night(p: PaymentFact, memberPayments: PaymentFact[], merchantHigh: PaymentFact[]): Finding[] {
    const t = this.thresholds;
    if (this.time.hourOf(p.at) >= t.fraud_night_end_hour) return [];
    const since = p.at - t.fraud_sustained_window_days * DAY_MS;
    const nightly = (list: PaymentFact[]) =>
      list.filter(
        (x) =>
          x.at >= since &&
          x.amountWon >= t.fraud_high_value_won &&
          this.time.hourOf(x.at) < t.fraud_night_end_hour,
      );
    const findings: Finding[] = [];
    for (const [kind, list] of [
      ['member', nightly(memberPayments)],
      ['merchant', nightly(merchantHigh)],
    ] as const) {
      if (list.length < t.fraud_night_count_min) continue;
      const { who, subjectId, memberId, merchantId } = this.subjectOf(kind, p);
      findings.push(
        this.finding(
          'night_high_value',
          kind,
          subjectId,
          memberId,
          merchantId,
          p.district,
          scoreOf(list.length / t.fraud_night_count_min),
          p.at,
          list.map((x) => x.id),
          () => {
            const lines = this.paymentLines(list, kind === 'member', kind === 'merchant');
            return {
              ko: `${who.ko}: 0시~${t.fraud_night_end_hour}시 사이 고액 결제 ${list.length}건(최근 ${t.fraud_sustained_window_days}일): ${lines.ko}`,
              en: `${who.en}: ${list.length} high-value payments between 00:00 and ${String(t.fraud_night_end_hour).padStart(2, '0')}:00 in the last ${t.fraud_sustained_window_days} days: ${lines.en}`,
            };
          },
        ),
      );
    }
    return findings;
  }

  /** Signal 7: 30 days' volume far above the declared size, with the customers' cashback percentile. */
  private sizeOutlier(p: PaymentFact, merchantHigh: PaymentFact[]): Finding[] {
    const t = this.thresholds;
    if (p.annualRevenueWon <= 0) return [];
    const since = p.at - SIZE_WINDOW_MS;
    const { volumeWon, cashbackWon } = this.totalsOf(p.merchantId).advance(p.at);
    const declaredMonthlyWon = p.annualRevenueWon / 12;
    if (volumeWon * 10_000 < t.fraud_size_ratio_bp * declaredMonthlyWon) return [];
    const percentile = this.cashbackPercentile(cashbackWon, p.at);
    const ratio = volumeWon / declaredMonthlyWon;
    const name = this.merchantName(p.merchantId);
    const ids = merchantHigh.filter((x) => x.at >= since).map((x) => x.id);
    return [
      this.finding(
        'size_outlier',
        'merchant',
        p.merchantId,
        null,
        p.merchantId,
        p.district,
        scoreOf(ratio / (t.fraud_size_ratio_bp / 10_000)),
        p.at,
        ids,
        () => ({
          ko: `가맹점 ${name}: 최근 30일 매출 ${won(volumeWon)}이 신고 연매출(${won(p.annualRevenueWon)})의 월평균 ${won(Math.round(declaredMonthlyWon))}의 ${ratio.toFixed(1)}배입니다. 고객이 받은 캐시백 ${won(cashbackWon)}은 전체 가맹점 중 상위 ${percentile}%입니다.`,
          en: `Merchant ${name}: ${won(volumeWon)} in the last 30 days is ${ratio.toFixed(1)}× its declared monthly revenue of ${won(Math.round(declaredMonthlyWon))} (annual ${won(p.annualRevenueWon)}). Its customers earned ${won(cashbackWon)} of cashback, top ${percentile}% of merchants.`,
        }),
      ),
    ];
  }

  /** Signal 8a: repeated payments just under the high-value line (structuring). */
  private nearThreshold(p: PaymentFact, memberPayments: PaymentFact[]): Finding[] {
    const t = this.thresholds;
    const lowWon =
      t.fraud_high_value_won - (t.fraud_high_value_won * t.fraud_near_threshold_margin_bp) / 10_000;
    const isNear = (x: PaymentFact) => x.amountWon >= lowWon && x.amountWon < t.fraud_high_value_won;
    if (!isNear(p)) return [];
    const since = p.at - t.fraud_sustained_window_days * DAY_MS;
    const list = memberPayments.filter((x) => x.at >= since && isNear(x));
    if (list.length < t.fraud_near_threshold_count_min) return [];
    return [
      this.finding(
        'cap_gaming',
        'member',
        p.memberId,
        p.memberId,
        null,
        p.district,
        scoreOf(list.length / t.fraud_near_threshold_count_min),
        p.at,
        list.map((x) => x.id),
        () => {
          const lines = this.paymentLines(list, true, false);
          return {
            ko: `회원 ${p.memberId}: 고액 기준 ${won(t.fraud_high_value_won)} 바로 아래 금액 결제 ${list.length}건(최근 ${t.fraud_sustained_window_days}일): ${lines.ko}`,
            en: `Member ${p.memberId}: ${list.length} payments just under the high-value line of ${won(t.fraud_high_value_won)} in the last ${t.fraud_sustained_window_days} days: ${lines.en}`,
          };
        },
      ),
    ];
  }

  private cashbackPercentile(cashbackWon: number, now: number): number {
    if (
      this.observed - this.cashbackRanks.count > SIZE_PERCENTILE_REFRESH ||
      now - this.cashbackRanks.at > DAY_MS
    ) {
      const sums: number[] = [];
      for (const totals of this.merchantTotals.values()) sums.push(totals.advance(now).cashbackWon);
      this.cashbackRanks = { at: now, sortedWon: sums.sort((a, b) => a - b), count: this.observed };
    }
    const sorted = this.cashbackRanks.sortedWon;
    const above = countAbove(sorted, cashbackWon);
    return Math.max(1, Math.ceil(((above + 1) * 100) / Math.max(1, sorted.length)));
  }

  private paymentEdge(p: PaymentFact): CycleEdge {
    const ownerId = this.merchants.get(p.merchantId)?.ownerId;
    return {
      kind: 'payment',
      id: p.id,
      from: p.memberId,
      to: ownerId ?? `merchant:${p.merchantId}`,
      merchantId: p.merchantId,
      amountWon: p.amountWon,
      at: p.at,
    };
  }

  /** Edges out of a node (a member, or a merchant's owner) at or above the cycle's minimum. */
  private edgesFrom(node: string, since: number, before: number): CycleEdge[] {
    const min = this.thresholds.fraud_cycle_edge_min_won;
    const edges: CycleEdge[] = [];
    for (const p of this.byMember.get(node) ?? [])
      if (p.at >= since && p.at < before && p.amountWon >= min) edges.push(this.paymentEdge(p));
    for (const tr of this.transfersFrom.get(node) ?? [])
      if (tr.at >= since && tr.at < before && tr.amountWon >= min)
        edges.push({
          kind: 'transfer',
          id: tr.id,
          from: tr.fromMemberId,
          to: tr.toMemberId,
          merchantId: null,
          amountWon: tr.amountWon,
          at: tr.at,
        });
    return edges;
  }

  /**
   * Signal 5: a new edge u→v closes a cycle when money already went v→…→u, in time order, within
   * the window, through at most three earlier payments or transfers, at least one of them a payment.
   */
  private cycleThrough(edge: CycleEdge): Finding[] {
    const t = this.thresholds;
    const since = edge.at - t.fraud_cycle_window_hours * HOUR_MS;
    let visits = 0;
    const search = (node: string, after: number, path: CycleEdge[]): CycleEdge[] | null => {
      if (path.length >= CYCLE_DEPTH_MAX) return null;
      for (const next of this.edgesFrom(node, Math.max(since, after), edge.at + 1)) {
        if (next.id === edge.id || path.some((e) => e.id === next.id)) continue;
        visits += 1;
        if (visits > CYCLE_VISITS_MAX) return null;
        const extended = [...path, next];
        if (next.to === edge.from) return extended;
        const found = search(next.to, next.at, extended);
        if (found) return found;
      }
      return null;
    };
    const path = search(edge.to, since, []);
    if (!path) return [];
    const cycle = [...path, edge];
    const payment = cycle.find((e) => e.kind === 'payment');
    if (!payment?.merchantId) return [];
    const minWon = Math.min(...cycle.map((e) => e.amountWon));
    const name = this.merchantName(payment.merchantId);
    const step = (e: CycleEdge, lang: 'ko' | 'en') =>
      e.kind === 'payment'
        ? lang === 'ko'
          ? `${this.time.format(e.at)} 회원 ${e.from} → 가맹점 ${this.merchantName(e.merchantId ?? '')}(대표 ${e.to}) 결제 ${won(e.amountWon)}`
          : `${this.time.format(e.at)} member ${e.from} paid ${won(e.amountWon)} at ${this.merchantName(e.merchantId ?? '')} (owner ${e.to})`
        : lang === 'ko'
          ? `${this.time.format(e.at)} ${e.from} → ${e.to} 송금 ${won(e.amountWon)}`
          : `${this.time.format(e.at)} ${e.from} sent ${won(e.amountWon)} to ${e.to}`;
    return [
      this.finding(
        'round_trip',
        'pair',
        `${payment.from}>${payment.merchantId}`,
        payment.from,
        payment.merchantId,
        null,
        scoreOf((2 * minWon) / t.fraud_cycle_edge_min_won),
        edge.at,
        cycle.filter((e) => e.kind === 'payment').map((e) => e.id),
        () => ({
          ko: `돈이 ${t.fraud_cycle_window_hours}시간 안에 한 바퀴 돌아왔습니다(가맹점 ${name}): ${cycle.map((e) => step(e, 'ko')).join(' → ')}`,
          en: `Money went round within ${t.fraud_cycle_window_hours} h (merchant ${name}): ${cycle.map((e) => step(e, 'en')).join(' → ')}`,
        }),
        { transferIds: cycle.filter((e) => e.kind === 'transfer').map((e) => e.id), cycle },
      ),
    ];
  }

  /** Drops whole windows that went quiet, so memory follows the active population. */
  private sweep(now: number): void {
    if (now === 0) return;
    const since = now - WINDOW_MS;
    for (const [merchantId, list] of this.byMerchant) {
      list.dropWhile((x) => x.at < since);
      if (list.length === 0) this.byMerchant.delete(merchantId);
    }
    for (const map of [this.byMember, this.highByMerchant, this.transfersFrom, this.cancels] as Map<
      string,
      { at: number }[]
    >[]) {
      for (const [key, list] of map) {
        prune(list, since);
        if (list.length === 0) map.delete(key);
      }
    }
    for (const [merchantId, totals] of this.merchantTotals)
      if (totals.advance(now).count === 0) this.merchantTotals.delete(merchantId);
    this.held.dropWhile((x) => x.at < since);
    for (const map of [this.addressMembers, this.memberAddresses]) {
      for (const [key, list] of map) {
        const kept = list.filter((x) => x.at >= since);
        if (kept.length === 0) map.delete(key);
        else map.set(key, kept);
      }
    }
  }
}
