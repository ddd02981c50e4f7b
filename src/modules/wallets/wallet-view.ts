import type { Account } from '../ledger/types.js';
import { memberAccountIds } from '../members/member-service.js';
import type { GrantBalance, MonthlyUsage, WalletView } from './types.js';

/** A member's wallet from their ledger accounts and this month's usage: pure, so batches can build it. */
export function walletViewOf(
  memberId: string,
  accounts: readonly Account[],
  usage: MonthlyUsage,
  caps: { chargeCapWon: number; eligibleCapWon: number },
): WalletView {
  const ids = memberAccountIds(memberId);
  const availableOf = (id: string) => accounts.find((account) => account.id === id)?.availableWon ?? 0;
  const grants: GrantBalance[] = accounts
    .filter((account) => account.kind === 'member_grant')
    .map((account) => ({
      programId: String(account.metadata.programId ?? ''),
      accountId: account.id,
      amountWon: account.availableWon,
      expiresAt: typeof account.metadata.expiresAt === 'string' ? account.metadata.expiresAt : null,
    }));
  const cashWon = availableOf(ids.cash);
  const cashbackWon = availableOf(ids.cashback);
  return {
    cashWon,
    cashbackWon,
    grants,
    totalWon: cashWon + cashbackWon + grants.reduce((sum, grant) => sum + grant.amountWon, 0),
    month: {
      month: usage.month,
      chargedWon: usage.chargedWon,
      chargeCapWon: caps.chargeCapWon,
      eligibleSpendWon: usage.eligibleSpendWon,
      eligibleCapWon: caps.eligibleCapWon,
      cashbackWon: usage.cashbackWon,
    },
  };
}
