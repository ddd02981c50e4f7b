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

/**
 * The set-based `lockMonthlyUsage` of a batch: creates missing rows and locks every member's row for
 * the month, in member id order (the order every batch takes them in, so batches cannot deadlock).
 */
export async function lockMonthlyUsages(
  tx: Sql,
  tenantId: string,
  memberIds: readonly string[],
  month: string,
): Promise<Map<string, MonthlyUsage>> {
  // One statement creates the month's missing rows and locks every row, in member id order (the
  // order every batch takes them in): the no-op update on conflict is what locks an existing row.
  const rows = await tx.query<MonthlyUsage & { memberId: string }>(
    `insert into member_monthly_usage as u (tenant_id, member_id, month)
     select $1, member_id, $3 from unnest($2::text[]) as member_id order by member_id
     on conflict (tenant_id, member_id, month) do update set month = u.month
     returning u.member_id as "memberId", u.month, u.charged_won as "chargedWon",
       u.eligible_spend_won as "eligibleSpendWon", u.cashback_won as "cashbackWon"`,
    [tenantId, [...new Set(memberIds)].sort(), month],
  );
  return new Map(rows.map(({ memberId, ...usage }) => [memberId, usage]));
}

type UsageDelta = { memberId: string } & Partial<Omit<MonthlyUsage, 'month'>>;

/**
 * The set-based `addMonthlyUsage` (rows already locked by `lockMonthlyUsages`) and `recordActivity`
 * of a payment batch, in one statement: one round trip while the batch holds its locks. Activity
 * entries keep their order (activity pages read newest seq first).
 */
export async function recordSpending(
  tx: Sql,
  tenantId: string,
  month: string,
  deltas: readonly UsageDelta[],
  activities: readonly ActivityEntry[],
): Promise<void> {
  if (deltas.length === 0 && activities.length === 0) return;
  for (const entry of activities) {
    if (entry.tenantId !== tenantId) throw new Error('recordSpending: one tenant per call');
  }
  const [written] = await tx.query<{ updated: number }>(
    `with updated as (
       update member_monthly_usage u set charged_won = u.charged_won + x.charged,
         eligible_spend_won = u.eligible_spend_won + x.eligible, cashback_won = u.cashback_won + x.cashback
       from (select member_id, sum(charged) as charged, sum(eligible) as eligible, sum(cashback) as cashback
             from json_to_recordset($3::json) as r(member_id text, charged bigint, eligible bigint, cashback bigint)
             group by member_id) as x
       where u.tenant_id = $1 and u.month = $2 and u.member_id = x.member_id
       returning u.member_id
     ), recorded as (
       insert into member_activity (tenant_id, member_id, at, type, month, amount_won, reference_id, merchant_id, details)
       select $1, e.row->>'member_id', (e.row->>'at')::timestamptz, e.row->>'type', e.row->>'month',
         (e.row->>'amount_won')::bigint, e.row->>'reference_id', e.row->>'merchant_id', (e.row->'details')::jsonb
       from json_array_elements($4::json) with ordinality as e(row, n)
       order by e.n
     )
     select count(*)::int as updated from updated`,
    [tenantId, month, JSON.stringify(deltas.map(usageDeltaRow)), JSON.stringify(activities.map(activityRow))],
  );
  const memberCount = new Set(deltas.map((delta) => delta.memberId)).size;
  if (written?.updated !== memberCount)
    throw new Error(`usage invariant: updated ${written?.updated} of ${memberCount} locked rows`);
}

function usageDeltaRow(delta: UsageDelta) {
  return {
    member_id: delta.memberId,
    charged: delta.chargedWon ?? 0,
    eligible: delta.eligibleSpendWon ?? 0,
    cashback: delta.cashbackWon ?? 0,
  };
}

function activityRow(entry: ActivityEntry) {
  return {
    member_id: entry.memberId,
    at: entry.at.toISOString(),
    type: entry.type,
    month: entry.month,
    amount_won: entry.amountWon,
    reference_id: entry.referenceId,
    merchant_id: entry.merchantId ?? null,
    details: entry.details ?? {},
  };
}
