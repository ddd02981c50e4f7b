import type { Activity, CashbackRuleLine } from '../api/types.js';

/**
 * The history API keeps each entry's details as a free-form record; these read the parts the screen
 * shows and ignore anything else, so an older or newer entry never breaks the list.
 */

export interface PaymentDetails {
  merchantName: string | null;
  /** The price paid at the shop; the balance moved by less when cashback came back at once. */
  amountWon: number;
  cashbackWon: number;
  rules: CashbackRuleLine[];
  limitedBy: string[];
}

export interface CancellationDetails {
  merchantName: string | null;
  /** What the shop gave back; the balance moved by less when cashback was taken back. */
  amountWon: number;
  clawbackWon: number;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function won(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : 0;
}

function isRuleLine(value: unknown): value is CashbackRuleLine {
  const line = record(value);
  return (
    typeof line.code === 'string' &&
    typeof line.descriptionKo === 'string' &&
    typeof line.descriptionEn === 'string' &&
    typeof line.rateBp === 'number' &&
    typeof line.baseWon === 'number' &&
    typeof line.amountWon === 'number'
  );
}

export function paymentDetails(activity: Activity): PaymentDetails {
  const cashback = record(activity.details.cashback);
  return {
    merchantName: text(activity.details.merchantName),
    amountWon: won(activity.details.amountWon),
    cashbackWon: won(cashback.amountWon),
    rules: Array.isArray(cashback.rules) ? cashback.rules.filter(isRuleLine) : [],
    limitedBy: Array.isArray(cashback.limitedBy)
      ? cashback.limitedBy.filter((code) => typeof code === 'string')
      : [],
  };
}

export function cancellationDetails(activity: Activity): CancellationDetails {
  return {
    merchantName: text(activity.details.merchantName),
    amountWon: won(activity.details.amountWon),
    clawbackWon: won(record(activity.details.clawback).amountWon),
  };
}

/**
 * The amount a member recognises: the price of a payment and the refund of a cancellation, rather than
 * the net change of balance (a ₩50,000 payment with ₩6,500 cashback moved the balance by ₩43,500).
 */
export function shownAmountWon(activity: Activity): number {
  if (activity.type === 'payment') return -(paymentDetails(activity).amountWon || -activity.amountWon);
  if (activity.type === 'payment_cancellation')
    return cancellationDetails(activity).amountWon || activity.amountWon;
  return activity.amountWon;
}

/** The types of line the history holds, as the server's OpenAPI document lists them. */
export type ActivityType = Activity['type'];

/** The history filter's choices: each a group of types (송금 covers sent, received and returned). */
export const ACTIVITY_GROUPS = {
  charge: ['charge', 'auto_charge'],
  payment: ['payment'],
  payment_cancellation: ['payment_cancellation'],
  transfer: ['transfer_sent', 'transfer_received', 'transfer_returned'],
  refund: ['refund', 'refund_returned'],
  grant: ['grant_received', 'grant_expired'],
  order: ['order', 'order_released', 'order_cashback', 'order_returned'],
  donation: ['donation'],
  clawback: ['cashback_clawed_back'],
} as const satisfies Record<string, readonly ActivityType[]>;
export type ActivityGroup = keyof typeof ACTIVITY_GROUPS;

type GroupedType = (typeof ACTIVITY_GROUPS)[ActivityGroup][number];
/** Fails to compile when the server documents a type no group of the filter holds. */
export type EveryTypeGrouped = [Exclude<ActivityType, GroupedType>] extends [never] ? true : never;
export const EVERY_TYPE_GROUPED: EveryTypeGrouped = true;

const ACTIVITY_TYPES: readonly string[] = Object.values(ACTIVITY_GROUPS).flat();

/** The other member of a transfer, by name and masked phone (the API never sends their id). */
export function counterpartOf(activity: Activity): { name: string; phoneMasked: string } | null {
  const counterpart = record(activity.details.counterpart);
  const name = text(counterpart.name);
  return name ? { name, phoneMasked: text(counterpart.phoneMasked) ?? '' } : null;
}

export function paidFromOf(activity: Activity): { grantWon: number; cashbackWon: number; cashWon: number } {
  const paidFrom = record(activity.details.paidFrom);
  return {
    grantWon: won(paidFrom.grantWon),
    cashbackWon: won(paidFrom.cashbackWon),
    cashWon: won(paidFrom.cashWon),
  };
}

export function programOf(activity: Activity): { name: string | null; expiresAt: string | null } {
  return { name: text(activity.details.programName), expiresAt: text(activity.details.expiresAt) };
}

export function messageOf(activity: Activity): string | null {
  return text(activity.details.message) || null;
}

export function isKnownType(type: string): type is ActivityType {
  return (ACTIVITY_TYPES as readonly string[]).includes(type);
}

/** The shops a member has paid, from the entries seen so far: the choices of the shop filter. */
export function merchantsIn(activities: Activity[]): Map<string, string> {
  const merchants = new Map<string, string>();
  for (const activity of activities) {
    const name = text(activity.details.merchantName);
    if (activity.merchantId && name) merchants.set(activity.merchantId, name);
  }
  return merchants;
}
