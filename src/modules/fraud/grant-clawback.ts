import type { Sql } from '../../db/database.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { Merchant } from '../merchants/types.js';
import { uncancelledShare } from '../payments/split.js';
import type { Payment } from '../payments/types.js';
import type { GrantReturns, GrantState } from '../programs/grant-returns.js';
import type { Receivable } from './receivables.js';

/**
 * One payment's grant money, per programme or partner gift (its id is the `programId`), recovered
 * from the merchant it was paid to.
 */
export interface GrantClawbackEffect {
  paymentId: string;
  merchantId: string;
  programId: string;
  owedWon: number;
  clawedWon: number;
  /** What the merchant's unsettled balance could not cover: recorded as owed, never a negative balance. */
  receivableWon: number;
  ledgerTransferId: string | null;
}

/** A payment's grant money still out, per programme grant it was spent from. */
export interface GrantOwed {
  payment: Payment;
  parts: Array<{ accountId: string; programId: string; owedWon: number }>;
}

/**
 * The grant money a payment still carries after its cancellations: each grant part's uncancelled
 * share, programme grants and partner gifts alike (both have a state from `GrantReturns.lock`).
 */
export function grantOwed(payment: Payment, grants: ReadonlyMap<string, GrantState>): GrantOwed {
  const parts = payment.paidFrom.grantParts.flatMap((part) => {
    const grant = grants.get(part.accountId);
    const owedWon = uncancelledShare(payment.cancelledWon, part.amountWon, payment.amountWon);
    return grant && owedWon > 0 ? [{ accountId: part.accountId, programId: grant.programId, owedWon }] : [];
  });
  return { payment, parts };
}

/**
 * Grant money spent through flagged payments went to the merchant (its settlement receivable). It goes
 * back by one ledger transfer per merchant into the grants it was spent from, and from there to each
 * programme's pool, or a partner gift's partner's deposit, as reclaimed (GrantReturns), so the
 * programme's report (the partner's statement) sees the merchant give it back. What the merchant's unsettled balance cannot cover (already paid out) is recorded as a
 * receivable, which a later cancellation of the payment settles. The caller locked the programmes
 * (`GrantReturns.lock`) and the members' accounts; the merchants' receivables are locked here.
 */
export async function clawBackGrants(
  deps: { ledger: LedgerService; merchants: MerchantService; grantReturns: GrantReturns },
  tx: Sql,
  context: { tenantId: string; caseId: string; now: Date },
  owed: readonly GrantOwed[],
): Promise<{ effects: GrantClawbackEffect[]; receivables: Receivable[] }> {
  const { tenantId } = context;
  const byMerchant = new Map<string, GrantOwed[]>();
  for (const entry of owed)
    byMerchant.set(entry.payment.merchantId, [...(byMerchant.get(entry.payment.merchantId) ?? []), entry]);
  const merchants = await deps.merchants.getByIds(tenantId, [...byMerchant.keys()], tx);
  const receivableIds = [...merchants.values()].map((merchant) => merchant.receivableAccountId);
  const accounts = await deps.ledger.lockAccounts(tx, tenantId, receivableIds);
  const effects: GrantClawbackEffect[] = [];
  const receivables: Receivable[] = [];
  for (const merchantId of [...byMerchant.keys()].sort()) {
    const merchant = merchants.get(merchantId);
    if (!merchant) continue;
    const account = accounts.find((a) => a.id === merchant.receivableAccountId);
    let availableWon = Math.max(0, account?.availableWon ?? 0);
    const toGrants = new Map<string, number>();
    const mine: GrantClawbackEffect[] = [];
    for (const { payment, parts } of byMerchant.get(merchantId) ?? [])
      for (const { accountId, programId, owedWon } of parts) {
        const clawedWon = Math.min(availableWon, owedWon);
        availableWon -= clawedWon;
        if (clawedWon > 0) toGrants.set(accountId, (toGrants.get(accountId) ?? 0) + clawedWon);
        const receivableWon = owedWon - clawedWon;
        mine.push({
          paymentId: payment.id,
          merchantId,
          programId,
          owedWon,
          clawedWon,
          receivableWon,
          ledgerTransferId: null,
        });
        receivables.push({ paymentId: payment.id, accountId, kind: 'grant', receivableWon });
      }
    const paymentIds = (byMerchant.get(merchantId) ?? []).map((entry) => entry.payment.id);
    const transferId = await postToGrants(deps.ledger, tx, context, { merchant, paymentIds }, toGrants);
    for (const effect of mine) if (effect.clawedWon > 0) effect.ledgerTransferId = transferId;
    effects.push(...mine);
    const returns = [...toGrants].map(([grantAccountId, amountWon]) => ({ grantAccountId, amountWon }));
    await deps.grantReturns.takeBack(tx, tenantId, returns, context.now, { historyLines: false });
  }
  return { effects, receivables };
}

async function postToGrants(
  ledger: LedgerService,
  tx: Sql,
  context: { tenantId: string; caseId: string },
  { merchant, paymentIds }: { merchant: Merchant; paymentIds: string[] },
  toGrants: ReadonlyMap<string, number>,
): Promise<string | null> {
  const totalWon = [...toGrants.values()].reduce((a, b) => a + b, 0);
  if (totalWon === 0) return null;
  const transferId = `fraud_grant_clawback:${context.caseId}:${merchant.id}`;
  const [result] = await ledger.postTransfersInTransaction(tx, context.tenantId, [
    {
      id: transferId,
      action: 'transfer',
      code: 'fraud_grant_clawback',
      postings: [
        { accountId: merchant.receivableAccountId, amountWon: -totalWon },
        ...[...toGrants].map(([accountId, amountWon]) => ({ accountId, amountWon })),
      ],
      metadata: { caseId: context.caseId, merchantId: merchant.id, paymentIds },
    },
  ]);
  if (!result?.ok)
    throw new Error(
      `ledger refused the grant clawback ${transferId}: ${result && !result.ok ? result.code : 'no result'}`,
    );
  return transferId;
}
