import type { Sql } from '../../db/database.js';
import type { Merchant } from '../merchants/types.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { CashbackQuote } from '../policy/types.js';
import { paymentError } from './errors.js';

/** What the tenant's `self_dealing_payment_refused` rule says at the time of a payment. */
export type SelfDealingRule = 'refuse' | 'no_cashback';

/**
 * 깡: an owner paying their own shop (from the app, or by showing a code to their own till or POS key)
 * would turn public cashback into cash. Such a payment never earns cashback nor counts toward the
 * monthly eligible spending; whether it is refused outright is the tenant's rule value.
 */
export function isSelfDealing(merchant: Merchant, memberId: string): boolean {
  return merchant.ownerUserId === memberId;
}

/** Read only for a self-dealing payment, so tenants without the rule are untouched otherwise. */
export async function selfDealingRuleAt(
  policy: PolicyService,
  tenantId: string,
  at: Date,
  tx?: Sql,
): Promise<SelfDealingRule> {
  return (await policy.ruleValue(tenantId, 'self_dealing_payment_refused', at, tx)) === 1
    ? 'refuse'
    : 'no_cashback';
}

/**
 * Refuses a self-dealing payment when the rule says so: checked before its funds, so that a payment
 * that will be refused whatever the balance never makes an auto-charge first.
 */
export function assertSelfDealingAllowed(rule: SelfDealingRule): void {
  if (rule === 'refuse')
    throw paymentError(
      'SELF_DEALING_REFUSED',
      422,
      "a merchant's owner cannot pay at their own shop",
      '가맹점주는 자신의 가맹점에서 결제할 수 없습니다',
    );
}

/** The quote for an allowed self-dealing payment: nothing earned, and why. */
export function selfDealingQuote(quote: CashbackQuote): CashbackQuote {
  return { ...quote, eligibleWon: 0, cashbackWon: 0, rules: [], limitedBy: ['SELF_DEALING'] };
}
