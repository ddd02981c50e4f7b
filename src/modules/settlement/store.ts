import type { Sql } from '../../db/database.js';
import type { Payout, PayoutStatus, RunTotals, SettlementRun, Statement, StatementStatus } from './types.js';

/** SQL of the settlement module's own tables; sales figures come from PaymentService. */

interface StatementRow {
  tenant_id: string;
  id: string;
  merchant_id: string;
  business_date: string;
  period_start: Date;
  period_end: Date;
  status: StatementStatus;
  payments_count: number;
  gross_won: number;
  cancellations_count: number;
  cancelled_won: number;
  fee_rule_id: string | null;
  fee_rate_bp: number;
  fee_won: number;
  net_won: number;
  commerce: Statement['commerce'];
  due_won: number;
  paid_won: number;
  created_at: Date;
  updated_at: Date;
}

const STATEMENT_COLUMNS = `tenant_id, id, merchant_id, to_char(business_day, 'YYYY-MM-DD') as business_date,
  period_start, period_end, status, payments_count, gross_won, cancellations_count, cancelled_won, fee_rule_id,
  fee_rate_bp, fee_won, net_won, commerce, due_won, paid_won, created_at, updated_at`;

function toStatement(row: StatementRow): Statement {
  const statement: Statement = {
    tenantId: row.tenant_id,
    id: row.id,
    merchantId: row.merchant_id,
    businessDate: row.business_date,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    status: row.status,
    paymentsCount: row.payments_count,
    grossWon: row.gross_won,
    cancellationsCount: row.cancellations_count,
    cancelledWon: row.cancelled_won,
    feeRuleId: row.fee_rule_id,
    feeRateBp: row.fee_rate_bp,
    feeWon: row.fee_won,
    netWon: row.net_won,
    commerce: row.commerce,
    broughtForwardWon: row.due_won - row.net_won - (row.commerce?.netWon ?? 0),
    dueWon: row.due_won,
    paidWon: row.paid_won,
    carriedWon: row.due_won - row.paid_won,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  assertStatementAddsUp(statement);
  return statement;
}

/** Read-path half of the pair: the table's CHECKs hold on write, this holds on every read. */
export function assertStatementAddsUp(statement: Statement): void {
  const { grossWon, cancelledWon, feeWon, netWon, broughtForwardWon, dueWon, paidWon, carriedWon } =
    statement;
  const commerceNetWon = statement.commerce?.netWon ?? 0;
  const values = [grossWon, cancelledWon, feeWon, netWon, broughtForwardWon, dueWon, paidWon, carriedWon];
  if (
    !values.every(Number.isSafeInteger) ||
    grossWon - cancelledWon - feeWon !== netWon ||
    broughtForwardWon + netWon + commerceNetWon !== dueWon ||
    paidWon + carriedWon !== dueWon ||
    paidWon < 0
  ) {
    throw new Error(`settlement statement ${statement.id} does not add up`);
  }
}

export async function insertStatement(sql: Sql, statement: Statement): Promise<void> {
  assertStatementAddsUp(statement);
  await sql.query(
    `insert into settlement_statements (tenant_id, id, merchant_id, business_day, period_start, period_end, status,
       payments_count, gross_won, cancellations_count, cancelled_won, fee_rule_id, fee_rate_bp, fee_won, net_won,
       due_won, paid_won, created_at, updated_at, commerce)
     values ($1, $2, $3, $4::date, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19)`,
    [
      statement.tenantId,
      statement.id,
      statement.merchantId,
      statement.businessDate,
      statement.periodStart,
      statement.periodEnd,
      statement.status,
      statement.paymentsCount,
      statement.grossWon,
      statement.cancellationsCount,
      statement.cancelledWon,
      statement.feeRuleId,
      statement.feeRateBp,
      statement.feeWon,
      statement.netWon,
      statement.dueWon,
      statement.paidWon,
      statement.createdAt,
      statement.commerce === null ? null : JSON.stringify(statement.commerce),
    ],
  );
}

export async function selectStatement(
  sql: Sql,
  tenantId: string,
  id: string,
  forUpdate = false,
): Promise<Statement | undefined> {
  const [row] = await sql.query<StatementRow>(
    `select ${STATEMENT_COLUMNS} from settlement_statements where tenant_id = $1 and id = $2
     ${forUpdate ? 'for update' : ''}`,
    [tenantId, id],
  );
  return row ? toStatement(row) : undefined;
}

/** True when the merchant has a statement for a day after `date` (or on it, when `inclusive`). */
export async function hasStatementSince(
  sql: Sql,
  tenantId: string,
  merchantId: string,
  date: string,
  inclusive: boolean,
): Promise<boolean> {
  const rows = await sql.query(
    `select 1 from settlement_statements
     where tenant_id = $1 and merchant_id = $2 and (business_day > $3::date or ($4 and business_day = $3::date))
     limit 1`,
    [tenantId, merchantId, date, inclusive],
  );
  return rows.length > 0;
}

export async function setStatementOutcome(
  sql: Sql,
  tenantId: string,
  id: string,
  status: StatementStatus,
  paidDeltaWon: number,
  now: Date,
): Promise<void> {
  await sql.query(
    `update settlement_statements set status = $3, paid_won = paid_won + $4, updated_at = $5
     where tenant_id = $1 and id = $2`,
    [tenantId, id, status, paidDeltaWon, now],
  );
}

/** Newest business day first; `beforeDate` pages backwards. */
export async function selectMerchantStatements(
  sql: Sql,
  tenantId: string,
  merchantId: string,
  beforeDate: string | null,
  limit: number,
): Promise<Statement[]> {
  const rows = await sql.query<StatementRow>(
    `select ${STATEMENT_COLUMNS} from settlement_statements
     where tenant_id = $1 and merchant_id = $2 and ($3::date is null or business_day < $3::date)
     order by business_day desc limit $4`,
    [tenantId, merchantId, beforeDate, limit],
  );
  return rows.map(toStatement);
}

/** One business day's statements by merchant id; `afterMerchantId` pages forwards. */
export async function selectDayStatements(
  sql: Sql,
  tenantId: string,
  date: string,
  afterMerchantId: string | null,
  limit: number,
): Promise<Statement[]> {
  const rows = await sql.query<StatementRow>(
    `select ${STATEMENT_COLUMNS} from settlement_statements
     where tenant_id = $1 and business_day = $2::date and ($3::text is null or merchant_id > $3)
     order by merchant_id limit $4`,
    [tenantId, date, afterMerchantId, limit],
  );
  return rows.map(toStatement);
}

export async function selectDayTotals(sql: Sql, tenantId: string, date: string): Promise<RunTotals> {
  const [row] = await sql.query<Record<string, number>>(
    `select count(*)::bigint as statements,
       count(*) filter (where status = 'paying')::bigint as paying,
       count(*) filter (where status = 'paid')::bigint as paid,
       count(*) filter (where status = 'failed')::bigint as failed,
       count(*) filter (where status = 'nothing_to_pay')::bigint as nothing_to_pay,
       count(*) filter (where status = 'held')::bigint as held,
       coalesce(sum(gross_won), 0)::bigint as gross_won, coalesce(sum(cancelled_won), 0)::bigint as cancelled_won,
       coalesce(sum(fee_won), 0)::bigint as fee_won, coalesce(sum(net_won), 0)::bigint as net_won,
       coalesce(sum(due_won - net_won - coalesce((commerce->>'netWon')::bigint, 0)), 0)::bigint
         as brought_forward_won,
       coalesce(sum(due_won), 0)::bigint as due_won, coalesce(sum(paid_won), 0)::bigint as paid_won
     from settlement_statements where tenant_id = $1 and business_day = $2::date`,
    [tenantId, date],
  );
  const won = (key: string) => row?.[key] ?? 0;
  return {
    statements: won('statements'),
    byStatus: {
      paying: won('paying'),
      paid: won('paid'),
      failed: won('failed'),
      nothing_to_pay: won('nothing_to_pay'),
      held: won('held'),
    },
    grossWon: won('gross_won'),
    cancelledWon: won('cancelled_won'),
    feeWon: won('fee_won'),
    netWon: won('net_won'),
    broughtForwardWon: won('brought_forward_won'),
    dueWon: won('due_won'),
    paidWon: won('paid_won'),
    carriedWon: won('due_won') - won('paid_won'),
  };
}

interface PayoutRow {
  id: string;
  statement_id: string;
  merchant_id: string;
  receivable_account_id: string;
  attempt: number;
  amount_won: number;
  bank_code: string;
  account_number: string;
  status: PayoutStatus;
  hold_timeout_at: Date;
  bank_transaction_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  unknown_reason: string | null;
  created_at: Date;
  completed_at: Date | null;
}

/** A payout with what only this module needs: whose receivable holds it and until when. */
export interface StoredPayout extends Payout {
  merchantId: string;
  receivableAccountId: string;
  holdTimeoutAt: Date;
}

function toPayout(row: PayoutRow): StoredPayout {
  return {
    id: row.id,
    statementId: row.statement_id,
    merchantId: row.merchant_id,
    receivableAccountId: row.receivable_account_id,
    attempt: row.attempt,
    amountWon: row.amount_won,
    bankCode: row.bank_code,
    accountNumber: row.account_number,
    status: row.status,
    holdTimeoutAt: row.hold_timeout_at,
    bankTransactionId: row.bank_transaction_id,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    unknownReason: row.unknown_reason,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

export async function insertPayout(
  sql: Sql,
  tenantId: string,
  payout: StoredPayout,
  claimedUntil: Date,
): Promise<void> {
  await sql.query(
    `insert into settlement_payouts (tenant_id, id, statement_id, merchant_id, receivable_account_id, attempt,
       amount_won, bank_code, account_number, status, hold_timeout_at, claimed_until, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $12)`,
    [
      tenantId,
      payout.id,
      payout.statementId,
      payout.merchantId,
      payout.receivableAccountId,
      payout.attempt,
      payout.amountWon,
      payout.bankCode,
      payout.accountNumber,
      payout.holdTimeoutAt,
      claimedUntil,
      payout.createdAt,
    ],
  );
}

export async function selectPayout(
  sql: Sql,
  tenantId: string,
  id: string,
  forUpdate = false,
): Promise<StoredPayout | undefined> {
  const [row] = await sql.query<PayoutRow>(
    `select * from settlement_payouts where tenant_id = $1 and id = $2 ${forUpdate ? 'for update' : ''}`,
    [tenantId, id],
  );
  return row ? toPayout(row) : undefined;
}

export async function selectPayoutsOf(sql: Sql, tenantId: string, statementId: string): Promise<Payout[]> {
  const rows = await sql.query<PayoutRow>(
    `select * from settlement_payouts where tenant_id = $1 and statement_id = $2 order by attempt`,
    [tenantId, statementId],
  );
  return rows.map(toPayout);
}

/**
 * Claims in-flight payouts nobody is working on (a lease), oldest first: each is then resolved by one
 * process at a time. A crashed process's lease runs out and another picks the payout up.
 */
export async function claimInFlightPayouts(
  sql: Sql,
  tenantId: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<StoredPayout[]> {
  const rows = await sql.query<PayoutRow>(
    `update settlement_payouts set claimed_until = $3
     where tenant_id = $1 and id in (
       select id from settlement_payouts
       where tenant_id = $1 and status = 'pending' and (claimed_until is null or claimed_until <= $2)
       order by created_at, id limit $4 for update skip locked)
     returning *`,
    [tenantId, now, leaseUntil, limit],
  );
  return rows.map(toPayout);
}

export async function finishPayout(
  sql: Sql,
  tenantId: string,
  id: string,
  result:
    | { status: 'succeeded'; bankTransactionId: string }
    | { status: 'failed'; failureCode: string; failureMessage: string },
  now: Date,
): Promise<void> {
  await sql.query(
    `update settlement_payouts set status = $3, bank_transaction_id = $4, failure_code = $5, failure_message = $6,
       completed_at = $7, claimed_until = null
     where tenant_id = $1 and id = $2 and status = 'pending'`,
    [
      tenantId,
      id,
      result.status,
      result.status === 'succeeded' ? result.bankTransactionId : null,
      result.status === 'failed' ? result.failureCode : null,
      result.status === 'failed' ? result.failureMessage : null,
      now,
    ],
  );
}

/** The outcome is still unknown: note why and release the claim so the next pass asks the bank again. */
export async function releaseUnknownPayout(sql: Sql, tenantId: string, id: string, reason: string) {
  await sql.query(
    `update settlement_payouts set unknown_reason = $3, claimed_until = null
     where tenant_id = $1 and id = $2 and status = 'pending'`,
    [tenantId, id, reason],
  );
}

/** An in-flight payout whose hold has run out must be resolved before the merchant is paid again. */
export async function hasPayoutPastHold(
  sql: Sql,
  tenantId: string,
  merchantId: string,
  now: Date,
): Promise<boolean> {
  const rows = await sql.query(
    `select 1 from settlement_payouts
     where tenant_id = $1 and merchant_id = $2 and status = 'pending' and hold_timeout_at <= $3 limit 1`,
    [tenantId, merchantId, now],
  );
  return rows.length > 0;
}

/**
 * Failed statements to pay again: the merchant's latest statement (a later one brought the money forward
 * already), fewer than `attemptsMax` attempts, the last one at least a retry delay ago.
 */
export async function selectRetryableStatementIds(
  sql: Sql,
  tenantId: string,
  lastFailedBefore: Date,
  attemptsMax: number,
  limit: number,
): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `select s.id from settlement_statements s
     join lateral (select max(attempt) as attempts, max(completed_at) as last_at from settlement_payouts p
                   where p.tenant_id = s.tenant_id and p.statement_id = s.id) tried on true
     where s.tenant_id = $1 and s.status = 'failed' and tried.attempts < $3 and tried.last_at <= $2
       and not exists (select 1 from settlement_statements later where later.tenant_id = s.tenant_id
                       and later.merchant_id = s.merchant_id and later.business_day > s.business_day)
     order by tried.last_at, s.id limit $4`,
    [tenantId, lastFailedBefore, attemptsMax, limit],
  );
  return rows.map((row) => row.id);
}

export async function countAttempts(sql: Sql, tenantId: string, statementId: string): Promise<number> {
  const [row] = await sql.query<{ attempts: number }>(
    `select count(*)::bigint as attempts from settlement_payouts where tenant_id = $1 and statement_id = $2`,
    [tenantId, statementId],
  );
  return row?.attempts ?? 0;
}

interface RunRow {
  tenant_id: string;
  business_date: string;
  status: SettlementRun['status'];
  requested_by: string;
  cursor_name: string | null;
  cursor_id: string | null;
  started_at: Date;
  completed_at: Date | null;
}

export interface StoredRun extends SettlementRun {
  /** The last merchant (directory order: name, id) the run has passed. */
  cursor: { name: string; id: string } | null;
}

const RUN_COLUMNS = `tenant_id, to_char(business_day, 'YYYY-MM-DD') as business_date, status, requested_by,
  cursor_name, cursor_id, started_at, completed_at`;

function toRun(row: RunRow): StoredRun {
  return {
    tenantId: row.tenant_id,
    businessDate: row.business_date,
    status: row.status,
    requestedBy: row.requested_by,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    cursor:
      row.cursor_name !== null && row.cursor_id !== null
        ? { name: row.cursor_name, id: row.cursor_id }
        : null,
  };
}

/** Idempotent: the first request for a business day starts its run; later ones find it. */
export async function ensureRun(
  sql: Sql,
  tenantId: string,
  date: string,
  requestedBy: string,
  now: Date,
): Promise<StoredRun> {
  await sql.query(
    `insert into settlement_runs (tenant_id, business_day, status, requested_by, started_at)
     values ($1, $2::date, 'running', $3, $4) on conflict do nothing`,
    [tenantId, date, requestedBy, now],
  );
  return (await selectRun(sql, tenantId, date)) as StoredRun;
}

export async function selectRun(sql: Sql, tenantId: string, date: string): Promise<StoredRun | undefined> {
  const [row] = await sql.query<RunRow>(
    `select ${RUN_COLUMNS} from settlement_runs where tenant_id = $1 and business_day = $2::date`,
    [tenantId, date],
  );
  return row ? toRun(row) : undefined;
}

export async function selectOldestRunningDate(sql: Sql, tenantId: string): Promise<string | null> {
  const [row] = await sql.query<{ business_date: string }>(
    `select to_char(business_day, 'YYYY-MM-DD') as business_date from settlement_runs
     where tenant_id = $1 and status = 'running' order by business_day limit 1`,
    [tenantId],
  );
  return row?.business_date ?? null;
}

/** Moves the cursor forward only: two processes on the same page agree, a slower one never moves it back. */
export async function advanceRun(
  sql: Sql,
  tenantId: string,
  date: string,
  cursor: { name: string; id: string },
  completed: boolean,
  now: Date,
): Promise<void> {
  await sql.query(
    `update settlement_runs set cursor_name = $3, cursor_id = $4,
       status = case when $5::boolean then 'completed' else status end,
       completed_at = case when $5::boolean then coalesce(completed_at, $6) else completed_at end
     where tenant_id = $1 and business_day = $2::date and status = 'running'
       and (cursor_name is null or (cursor_name, cursor_id) <= ($3::text, $4::text))`,
    [tenantId, date, cursor.name, cursor.id, completed, now],
  );
}

export async function completeRun(sql: Sql, tenantId: string, date: string, now: Date): Promise<void> {
  await sql.query(
    `update settlement_runs set status = 'completed', completed_at = $3
     where tenant_id = $1 and business_day = $2::date and status = 'running'`,
    [tenantId, date, now],
  );
}
