import type { Account } from '../ledger/types.js';
import { memberAccountIds } from '../members/member-service.js';
import type { GrantBalance, MonthlyUsage, WalletView } from './types.js';
import { allowanceSpentWon } from './usage.js';

/**
 * A member's wallet from their ledger accounts and this month's usage at `now`: pure, so batches can
 * build it. A grant past its expiry shows 0 and counts for nothing in the total from that moment,
 * though the expiry sweep (every few minutes) moves its rest only later: it can no longer be spent.
 */
export function walletViewOf(
  memberId: string,
  accounts: readonly Account[],
  usage: MonthlyUsage,
  caps: { chargeCapWon: number; eligibleCapWon: number },
  now: Date,
): WalletView {
  const ids = memberAccountIds(memberId);
  const availableOf = (id: string) => accounts.find((account) => account.id === id)?.availableWon ?? 0;
  const grants: GrantBalance[] = accounts
    .filter((account) => account.kind === 'member_grant')
    .map((account) => {
      const expiresAt = typeof account.metadata.expiresAt === 'string' ? account.metadata.expiresAt : null;
      const expired = expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
      return {
        programId: String(account.metadata.programId ?? ''),
        accountId: account.id,
        amountWon: expired ? 0 : account.availableWon,
        expiresAt,
      };
    });
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
      // What the member reads against the cap: the spending that used up their allowance.
      eligibleSpendWon: allowanceSpentWon(usage),
      eligibleCapWon: caps.eligibleCapWon,
      cashbackWon: usage.cashbackWon,
    },
  };
}
