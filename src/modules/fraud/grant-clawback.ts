import type { Sql } from '../../db/database.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { shareBetween } from '../payments/split.js';
import type { Payment } from '../payments/types.js';

/** One payment's grant money, per programme, recovered from the merchant it was paid to. */
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

const GRANT_ACCOUNT = /^(.+):grant:(.+)$/;

/** The programme a member's grant account belongs to (`<member>:grant:<programme>`, see programs/grants.ts). */
export function programOfGrantAccount(accountId: string): string | null {
  return GRANT_ACCOUNT.exec(accountId)?.[2] ?? null;
}

const poolOf = (programId: string) => `${programId}:pool`;

/** The grant money a payment still carries after its cancellations, per programme. */
export function grantOwed(payment: Payment): Array<{ programId: string; owedWon: number }> {
  const owed = new Map<string, number>();
  for (const part of payment.paidFrom.grantParts) {
    const programId = programOfGrantAccount(part.accountId);
    if (!programId) continue;
    const keptWon = part.amountWon - shareBetween(0, payment.cancelledWon, part.amountWon, payment.amountWon);
    if (keptWon > 0) owed.set(programId, (owed.get(programId) ?? 0) + keptWon);
  }
  return [...owed].map(([programId, owedWon]) => ({ programId, owedWon }));
}

/**
 * Grant money spent through flagged payments went to the merchant (its settlement receivable); it goes
 * back to each programme's pool by one ledger transfer per merchant. What the merchant's unsettled
 * balance cannot cover (already paid out) is recorded as a receivable the merchant owes.
 */
export async function clawBackGrants(
  deps: { ledger: LedgerService; merchants: MerchantService },
  tx: Sql,
  tenantId: string,
  caseId: string,
  payments: readonly Payment[],
): Promise<GrantClawbackEffect[]> {
  const byMerchant = new Map<string, Payment[]>();
  for (const payment of payments)
    if (grantOwed(payment).length > 0)
      byMerchant.set(payment.merchantId, [...(byMerchant.get(payment.merchantId) ?? []), payment]);
  const effects: GrantClawbackEffect[] = [];
  for (const [merchantId, list] of byMerchant) {
    const merchant = await deps.merchants.getById(tenantId, merchantId, tx);
    if (!merchant) continue;
    const [account] = await deps.ledger.lockAccounts(tx, tenantId, [merchant.receivableAccountId]);
    let availableWon = Math.max(0, account?.availableWon ?? 0);
    const toPools = new Map<string, number>();
    for (const payment of list)
      for (const { programId, owedWon } of grantOwed(payment)) {
        const clawedWon = Math.min(availableWon, owedWon);
        availableWon -= clawedWon;
        if (clawedWon > 0) toPools.set(poolOf(programId), (toPools.get(poolOf(programId)) ?? 0) + clawedWon);
        effects.push({
          paymentId: payment.id,
          merchantId,
          programId,
          owedWon,
          clawedWon,
          receivableWon: owedWon - clawedWon,
          ledgerTransferId: null,
        });
      }
    const totalWon = [...toPools.values()].reduce((a, b) => a + b, 0);
    if (totalWon === 0) continue;
    const transferId = `fraud_grant_clawback:${caseId}:${merchantId}`;
    const [result] = await deps.ledger.postTransfersInTransaction(tx, tenantId, [
      {
        id: transferId,
        action: 'transfer',
        code: 'fraud_grant_clawback',
        postings: [
          { accountId: merchant.receivableAccountId, amountWon: -totalWon },
          ...[...toPools].map(([accountId, amountWon]) => ({ accountId, amountWon })),
        ],
        metadata: { caseId, merchantId, paymentIds: list.map((p) => p.id) },
      },
    ]);
    if (!result?.ok)
      throw new Error(
        `ledger refused the grant clawback ${transferId}: ${result && !result.ok ? result.code : 'no result'}`,
      );
    for (const e of effects)
      if (e.merchantId === merchantId && e.clawedWon > 0) e.ledgerTransferId = transferId;
  }
  return effects;
}
