import type { Sql } from '../../db/database.js';
import type { ActivityEntry, MonthlyUsage } from './types.js';

/**
 * Locks the member's usage row for the month, creating it if needed. Every flow that moves a
 * member's money takes this lock first, so one member's requests are serialised and caps hold.
 */
export async function lockMonthlyUsage(
  tx: Sql,
  tenantId: string,
  memberId: string,
  month: string,
): Promise<MonthlyUsage> {
  await tx.query(
    `insert into member_monthly_usage (tenant_id, member_id, month) values ($1, $2, $3) on conflict do nothing`,
    [tenantId, memberId, month],
  );
  const [row] = await tx.query<MonthlyUsage>(
    `select month, charged_won as "chargedWon", eligible_spend_won as "eligibleSpendWon", cashback_won as "cashbackWon"
     from member_monthly_usage where tenant_id = $1 and member_id = $2 and month = $3 for update`,
    [tenantId, memberId, month],
  );
  if (!row) throw new Error(`usage row for ${memberId} ${month} vanished`);
  return row;
}

export async function readMonthlyUsage(
  sql: Sql,
  tenantId: string,
  memberId: string,
  month: string,
): Promise<MonthlyUsage> {
  const [row] = await sql.query<MonthlyUsage>(
    `select month, charged_won as "chargedWon", eligible_spend_won as "eligibleSpendWon", cashback_won as "cashbackWon"
     from member_monthly_usage where tenant_id = $1 and member_id = $2 and month = $3`,
    [tenantId, memberId, month],
  );
  return row ?? { month, chargedWon: 0, eligibleSpendWon: 0, cashbackWon: 0 };
}

/** Adds signed deltas; the row's CHECKs refuse any counter going below zero. */
export async function addMonthlyUsage(
  tx: Sql,
  tenantId: string,
  memberId: string,
  month: string,
  delta: Partial<Omit<MonthlyUsage, 'month'>>,
): Promise<void> {
  await tx.query(
    `insert into member_monthly_usage (tenant_id, member_id, month) values ($1, $2, $3) on conflict do nothing`,
    [tenantId, memberId, month],
  );
  await tx.query(
    `update member_monthly_usage set charged_won = charged_won + $4, eligible_spend_won = eligible_spend_won + $5,
       cashback_won = cashback_won + $6
     where tenant_id = $1 and member_id = $2 and month = $3`,
    [tenantId, memberId, month, delta.chargedWon ?? 0, delta.eligibleSpendWon ?? 0, delta.cashbackWon ?? 0],
  );
}

export async function recordActivity(tx: Sql, entry: ActivityEntry): Promise<void> {
  await tx.query(
    `insert into member_activity (tenant_id, member_id, at, type, month, amount_won, reference_id, merchant_id, details)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.tenantId,
      entry.memberId,
      entry.at,
      entry.type,
      entry.month,
      entry.amountWon,
      entry.referenceId,
      entry.merchantId ?? null,
      JSON.stringify(entry.details ?? {}),
    ],
  );
}
