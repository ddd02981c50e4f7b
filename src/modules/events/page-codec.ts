/**
 * How a page's events are written as text. The consumer contract (`FeedEvent`) does not depend on
 * it: `decodePage` gives back exactly what the producer appended.
 *
 * Format 2 (since session 12) writes each event as a positional array
 * `[type, version, subjectId, occurredAtMs, payload]`; the id is `type:subject` again on reading.
 * The hottest payload, `payment.made` v1 (one a payment, ~900 bytes as an object), is positional
 * too (~400 bytes), because the page's bytes are what the payment path pays for: building them in
 * Node, encoding them for the wire, and PostgreSQL receiving, checking and compressing them
 * (docs/events.md, "Storage"). A payload the positional form could not give back exactly (a field
 * the codec does not know) is written as the object it is.
 *
 * Format 1 (migration 1103's pages) wrote each event as an object `{id, type, version, occurredAt,
 * payload}`; such pages are still read.
 */
import type { CashbackDrawn, MerchantSnapshot, PaymentMadeV1 } from './types.js';
import { EVENT_VERSIONS, type EventType, type FeedEvent, type NewEvent } from './types.js';

type Positional = unknown[];
type EncodedEvent = [
  type: EventType,
  version: number,
  subjectId: string,
  occurredAtMs: number,
  payload: unknown,
];

/** A format 1 event. */
interface ObjectEvent {
  id: string;
  type: EventType;
  version: number;
  occurredAt: string;
  payload: FeedEvent['payload'];
}

export function encodePage(events: readonly NewEvent[]): string {
  const ids = new Set<string>();
  const encoded = events.map((event): EncodedEvent => {
    const id = `${event.type}:${event.subjectId}`;
    // An event is one fact. Across appends its id is unique because its subject is: each producer
    // appends in the transaction that creates the subject under its own key (docs/events.md).
    if (ids.has(id)) throw new Error(`event append names ${id} twice`);
    ids.add(id);
    const version = EVENT_VERSIONS[event.type];
    const payload =
      event.type === 'payment.made' && version === 1
        ? (encodePaymentMade(event.subjectId, event.payload) ?? event.payload)
        : event.payload;
    const occurredAtMs = event.occurredAt.getTime();
    if (!Number.isFinite(occurredAtMs)) throw new Error(`event ${id} has no valid time`);
    return [event.type, version, event.subjectId, occurredAtMs, payload];
  });
  return JSON.stringify(encoded);
}

/** The page's events, numbered from `firstSeq`. */
export function decodePage(text: string, tenantId: string, firstSeq: number): FeedEvent[] {
  return (JSON.parse(text) as Array<EncodedEvent | ObjectEvent>).map((stored, index) =>
    Array.isArray(stored)
      ? decodeEvent(tenantId, firstSeq + index, stored)
      : ({
          ...stored,
          tenantId,
          seq: firstSeq + index,
          occurredAt: new Date(stored.occurredAt),
        } as FeedEvent),
  );
}

function decodeEvent(tenantId: string, seq: number, stored: EncodedEvent): FeedEvent {
  const [type, version, subjectId, occurredAtMs, payload] = stored;
  return {
    tenantId,
    seq,
    id: `${type}:${subjectId}`,
    type,
    version,
    occurredAt: new Date(occurredAtMs),
    payload:
      type === 'payment.made' && version === 1 && Array.isArray(payload)
        ? decodePaymentMade(subjectId, payload)
        : payload,
  } as FeedEvent;
}

// Every key a positional payment.made carries, per object: a payload with any other key is written
// as an object, so nothing is ever dropped.
const PAYMENT_MADE_KEYS = 15;
const PAID_FROM_KEYS = 3;
const DRAW_KEYS = 4;
const MERCHANT_KEYS = 8;

function encodePaymentMade(subjectId: string, p: PaymentMadeV1): Positional | null {
  if (p.paymentId !== subjectId || !hasKeys(p, PAYMENT_MADE_KEYS) || !hasKeys(p.paidFrom, PAID_FROM_KEYS))
    return null;
  if (!hasKeys(p.merchant, MERCHANT_KEYS) || !p.draws.every((draw) => hasKeys(draw, DRAW_KEYS))) return null;
  const m = p.merchant;
  return [
    p.memberId,
    p.channel,
    p.amountWon,
    p.paidFrom.grantWon,
    p.paidFrom.cashbackWon,
    p.paidFrom.cashWon,
    p.monthEligibleSpentBeforeWon,
    p.month,
    p.eligibleWon,
    p.requestedCashbackWon,
    p.cashbackWon,
    p.policyId,
    p.ruleCodes,
    p.draws.map((draw) => [draw.potId, draw.source, draw.accountId, draw.amountWon]),
    p.isWelfareRecipient,
    [
      m.merchantId,
      m.district,
      m.dong,
      m.industryCode,
      m.marketId,
      m.isTraditionalMarket,
      m.isBookstore,
      m.annualRevenueWon,
    ],
  ];
}

function decodePaymentMade(paymentId: string, a: Positional): PaymentMadeV1 {
  const draws = a[13] as Array<[string, CashbackDrawn['source'], string, number]>;
  const m = a[15] as [string, string, string, string, string | null, boolean, boolean, number];
  const merchant: MerchantSnapshot = {
    merchantId: m[0],
    district: m[1],
    dong: m[2],
    industryCode: m[3],
    marketId: m[4],
    isTraditionalMarket: m[5],
    isBookstore: m[6],
    annualRevenueWon: m[7],
  };
  return {
    paymentId,
    memberId: a[0] as string,
    channel: a[1] as string,
    amountWon: a[2] as number,
    paidFrom: { grantWon: a[3] as number, cashbackWon: a[4] as number, cashWon: a[5] as number },
    monthEligibleSpentBeforeWon: a[6] as number,
    month: a[7] as string,
    eligibleWon: a[8] as number,
    requestedCashbackWon: a[9] as number,
    cashbackWon: a[10] as number,
    policyId: a[11] as string | null,
    ruleCodes: a[12] as string[],
    draws: draws.map(([potId, source, accountId, amountWon]) => ({ potId, source, accountId, amountWon })),
    isWelfareRecipient: a[14] as boolean,
    merchant,
  };
}

function hasKeys(value: object, count: number): boolean {
  let keys = 0;
  for (const key in value) if (Object.hasOwn(value, key)) keys += 1;
  return keys === count;
}
