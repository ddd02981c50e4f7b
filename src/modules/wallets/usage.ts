import type { Sql } from '../../db/database.js';
import { jsonColumn, splitColumns, textArray, textColumn } from '../../db/text-columns.js';
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
    `select month, charged_won as "chargedWon", eligible_spend_won as "eligibleSpendWon",
       unearned_spend_won as "unearnedSpendWon", cashback_won as "cashbackWon"
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
    `select month, charged_won as "chargedWon", eligible_spend_won as "eligibleSpendWon",
       unearned_spend_won as "unearnedSpendWon", cashback_won as "cashbackWon"
     from member_monthly_usage where tenant_id = $1 and member_id = $2 and month = $3`,
    [tenantId, memberId, month],
  );
  return row ?? { month, chargedWon: 0, eligibleSpendWon: 0, unearnedSpendWon: 0, cashbackWon: 0 };
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
       cashback_won = cashback_won + $6, unearned_spend_won = unearned_spend_won + $7
     where tenant_id = $1 and member_id = $2 and month = $3`,
    [
      tenantId,
      memberId,
      month,
      delta.chargedWon ?? 0,
      delta.eligibleSpendWon ?? 0,
      delta.cashbackWon ?? 0,
      delta.unearnedSpendWon ?? 0,
    ],
  );
}

/**
 * Cashback a cancellation or return clawed back from the member's cash, because the member had
 * already spent it: the member has paid that cashback back with charged money. The payment the
 * cashback was spent on may be cancelled later; its cashback share then comes back as cash up to
 * this much (`takeCashbackRepaidInCash`), or the member would end with cashback, which cannot be
 * refunded or sent, where they had charged cash, depending only on the order of the cancellations.
 */
export async function addCashbackRepaidInCash(
  tx: Sql,
  tenantId: string,
  memberId: string,
  amountWon: number,
): Promise<void> {
  if (amountWon <= 0) return;
  await tx.query(
    `insert into member_cashback_repaid (tenant_id, member_id, cash_repaid_won) values ($1, $2, $3)
     on conflict (tenant_id, member_id) do update set cash_repaid_won = member_cashback_repaid.cash_repaid_won + $3`,
    [tenantId, memberId, amountWon],
  );
}

/** Takes up to `upToWon` of what the member repaid in cash (see above); returns what it took. */
export async function takeCashbackRepaidInCash(
  tx: Sql,
  tenantId: string,
  memberId: string,
  upToWon: number,
): Promise<number> {
  if (upToWon <= 0) return 0;
  const [row] = await tx.query<{ taken_won: number }>(
    `with repaid as (
       select cash_repaid_won from member_cashback_repaid where tenant_id = $1 and member_id = $2 for update
     )
     update member_cashback_repaid r set cash_repaid_won = r.cash_repaid_won - least(repaid.cash_repaid_won, $3)
       from repaid where r.tenant_id = $1 and r.member_id = $2 and repaid.cash_repaid_won > 0
     returning least(repaid.cash_repaid_won, $3)::bigint as taken_won`,
    [tenantId, memberId, upToWon],
  );
  return Number(row?.taken_won ?? 0);
}

/**
 * What of the month's eligible spending uses up the member's cashback allowance: all of it but the
 * part an empty or short budget paid no cashback on, so a member who earned nothing while the pot was
 * empty still earns once the city tops it up.
 */
export function allowanceSpentWon(
  usage: Pick<MonthlyUsage, 'eligibleSpendWon' | 'unearnedSpendWon'>,
): number {
  return usage.eligibleSpendWon - usage.unearnedSpendWon;
}

/**
 * A batch's unearned spending, for the few members a short budget paid less than the rules asked
 * (rows already locked by `lockMonthlyUsagesOfTenants`); nothing to write for everyone else.
 */
export async function addUnearnedSpendOfTenants(
  tx: Sql,
  rows: ReadonlyArray<{ tenantId: string; memberId: string; month: string; unearnedSpendWon: number }>,
): Promise<void> {
  const unearned = rows.filter((row) => row.unearnedSpendWon > 0);
  if (unearned.length === 0) return;
  await tx.query(
    `update member_monthly_usage u set unearned_spend_won = u.unearned_spend_won + x.won
     from (select tenant_id, member_id, month, sum(won)::bigint as won
           from unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) as r(tenant_id, member_id, month, won)
           group by tenant_id, member_id, month) x
     where u.tenant_id = x.tenant_id and u.member_id = x.member_id and u.month = x.month`,
    [
      textArray(unearned.map((row) => row.tenantId)),
      textArray(unearned.map((row) => row.memberId)),
      textArray(unearned.map((row) => row.month)),
      unearned.map((row) => row.unearnedSpendWon),
    ],
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
 * The set-based `lockMonthlyUsage` of a batch, for members of several cities (each in its own
 * month): creates missing rows and locks every row in (city, member) order, the order every batch
 * takes them in, so batches cannot deadlock.
 */
export async function lockMonthlyUsagesOfTenants(
  tx: Sql,
  members: ReadonlyArray<{ tenantId: string; memberId: string; month: string }>,
): Promise<Map<string, Map<string, MonthlyUsage>>> {
  if (members.length === 0) return new Map();
  // One statement creates the months' missing rows and locks every row, in (city, member) order (the
  // order every batch takes them in): the no-op update on conflict is what locks an existing row.
  const rows = await tx.query<MonthlyUsage & { tenantId: string; memberId: string }>(
    `insert into member_monthly_usage as u (tenant_id, member_id, month)
     select distinct tenant_id, member_id, month
     from unnest($1::text[], $2::text[], $3::text[]) as x(tenant_id, member_id, month)
     order by tenant_id, member_id, month
     on conflict (tenant_id, member_id, month) do update set month = u.month
     returning u.tenant_id as "tenantId", u.member_id as "memberId", u.month, u.charged_won as "chargedWon",
       u.eligible_spend_won as "eligibleSpendWon", u.unearned_spend_won as "unearnedSpendWon",
       u.cashback_won as "cashbackWon"`,
    [
      textArray(members.map((m) => m.tenantId)),
      textArray(members.map((m) => m.memberId)),
      textArray(members.map((m) => m.month)),
    ],
  );
  const locked = new Map<string, Map<string, MonthlyUsage>>();
  for (const { tenantId, memberId, ...usage } of rows) {
    const tenantUsage = locked.get(tenantId) ?? new Map<string, MonthlyUsage>();
    tenantUsage.set(memberId, usage);
    locked.set(tenantId, tenantUsage);
  }
  return locked;
}

type UsageDelta = { memberId: string } & Partial<Omit<MonthlyUsage, 'month'>>;

/** One city's spending in a batch: its month's usage deltas (rows already locked) and activity entries. */
export interface TenantSpending {
  tenantId: string;
  month: string;
  deltas: readonly UsageDelta[];
  /** None for a payment batch: a payment's row is its own history line. */
  activities?: readonly ActivityEntry[];
}

/**
 * The set-based `addMonthlyUsage` (rows already locked by `lockMonthlyUsagesOfTenants`) and `recordActivity`
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
  await recordSpendingOfTenants(tx, [{ tenantId, month, deltas, activities }]);
}

/** One member's grant funded or taken back, as its history line shows it. */
export interface GrantLineMovement {
  memberId: string;
  /** What the grant gained (funding) or lost (expiry): positive won. */
  amountWon: number;
  /** What the line's proof finds its transfer by. */
  referenceId: string;
  details: Record<string, unknown>;
}

/**
 * The history lines of grants paid (지원금 지급, `grant_received`) or taken back at expiry (지원금 소멸,
 * `grant_expired`, minus what was taken), many members in one statement. Programmes and 동행협약
 * gifts write theirs through it.
 */
export async function recordGrantLines(
  tx: Sql,
  lines: {
    tenantId: string;
    type: 'grant_received' | 'grant_expired';
    month: string;
    at: Date;
    movements: readonly GrantLineMovement[];
  },
): Promise<void> {
  if (lines.movements.length === 0) return;
  const sign = lines.type === 'grant_received' ? 1 : -1;
  await recordSpending(
    tx,
    lines.tenantId,
    lines.month,
    [],
    lines.movements.map((movement) => ({
      tenantId: lines.tenantId,
      memberId: movement.memberId,
      at: lines.at,
      type: lines.type,
      month: lines.month,
      amountWon: sign * movement.amountWon,
      referenceId: movement.referenceId,
      merchantId: null,
      details: movement.details,
    })),
  );
}

/** `recordSpending` for several cities in one statement. */
export async function recordSpendingOfTenants(tx: Sql, parts: readonly TenantSpending[]): Promise<void> {
  const deltas = parts.flatMap((part) =>
    part.deltas.map((delta) => usageDeltaRow(part.tenantId, part.month, delta)),
  );
  const activities = parts.flatMap((part) => part.activities ?? []);
  if (deltas.length === 0 && activities.length === 0) return;
  for (const part of parts) {
    for (const entry of part.activities ?? []) {
      if (entry.tenantId !== part.tenantId) throw new Error('recordSpending: an activity of another city');
    }
  }
  // Each delta finds its row by an index probe of its own (`offset 0` keeps it one whatever the
  // table's statistics say; a city that joined since the last ANALYZE looks empty, and a join with
  // the deltas alone was then planned as a scan of the whole table), and the update takes the row by
  // its ctid: a plan the same for one city or thirty.
  const [written] = await tx.query<{ updated: number }>(
    `with updated as (
       update member_monthly_usage u set charged_won = u.charged_won + x.charged,
         eligible_spend_won = u.eligible_spend_won + x.eligible, cashback_won = u.cashback_won + x.cashback
       from (select d.charged, d.eligible, d.cashback, usage_row.ctid as row_ctid
             from (select tenant_id, month, member_id, sum(charged) as charged, sum(eligible) as eligible,
                     sum(cashback) as cashback
                   from unnest(${splitColumns(1, ['text', 'text', 'text', 'bigint', 'bigint', 'bigint'])})
                     as r(tenant_id, month, member_id, charged, eligible, cashback)
                   group by tenant_id, month, member_id) as d
             cross join lateral (select ctid from member_monthly_usage
               where tenant_id = d.tenant_id and member_id = d.member_id and month = d.month offset 0) as usage_row) as x
       where u.ctid = x.row_ctid
       returning u.member_id
     )${activities.length > 0 ? RECORDED_ACTIVITIES_CTE : ''}
     select count(*)::int as updated from updated`,
    [...usageDeltaColumns(deltas), ...(activities.length > 0 ? activityColumns(activities) : [])],
  );
  const rowCount = new Set(
    deltas.map((delta) => JSON.stringify([delta.tenant_id, delta.month, delta.member_id])),
  ).size;
  if (written?.updated !== rowCount)
    throw new Error(`usage invariant: updated ${written?.updated} of ${rowCount} locked rows`);
}

interface UsageDeltaRow {
  tenant_id: string;
  month: string;
  member_id: string;
  charged: number;
  eligible: number;
  cashback: number;
}

function usageDeltaRow(tenantId: string, month: string, delta: UsageDelta): UsageDeltaRow {
  return {
    tenant_id: tenantId,
    month,
    member_id: delta.memberId,
    charged: delta.chargedWon ?? 0,
    eligible: delta.eligibleSpendWon ?? 0,
    cashback: delta.cashbackWon ?? 0,
  };
}

/** The deltas as split text columns (`src/db/text-columns.ts`), parameters $1…$6. */
function usageDeltaColumns(rows: readonly UsageDeltaRow[]): string[] {
  const column = (value: (row: UsageDeltaRow) => string | number) => textColumn(rows.map(value));
  return [
    column((row) => row.tenant_id),
    column((row) => row.month),
    column((row) => row.member_id),
    column((row) => row.charged),
    column((row) => row.eligible),
    column((row) => row.cashback),
  ];
}

const ACTIVITY_COLUMN_TYPES = [
  'text',
  'text',
  'timestamptz',
  'text',
  'text',
  'bigint',
  'text',
  'text',
  'json',
] as const;

/** The entries' insert, a CTE of `recordSpendingOfTenants`' statement (parameters $7…$15). */
const RECORDED_ACTIVITIES_CTE = `, recorded as (
       insert into member_activity (tenant_id, member_id, at, type, month, amount_won, reference_id, merchant_id, details)
       select tenant_id, member_id, at, type, month, amount_won, reference_id, merchant_id, details
       from unnest(${splitColumns(7, ACTIVITY_COLUMN_TYPES)}) with ordinality
         as e(tenant_id, member_id, at, type, month, amount_won, reference_id, merchant_id, details, n)
       order by e.n
     )`;

/** The activity entries as split text columns, parameters $7…$15, in the entries' order. */
function activityColumns(entries: readonly ActivityEntry[]): string[] {
  const column = (value: (entry: ActivityEntry) => string | number | null) => textColumn(entries.map(value));
  return [
    column((entry) => entry.tenantId),
    column((entry) => entry.memberId),
    column((entry) => entry.at.toISOString()),
    column((entry) => entry.type),
    column((entry) => entry.month),
    column((entry) => entry.amountWon),
    column((entry) => entry.referenceId),
    column((entry) => entry.merchantId ?? null),
    jsonColumn(entries.map((entry) => entry.details ?? {})),
  ];
}
