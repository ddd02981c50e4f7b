import type { Sql } from '../../db/database.js';
import type { ScheduledInstallment } from './schedule.js';
import type {
  FundApplication,
  FundApplicationStatus,
  FundInstallment,
  FundReason,
  FundTerms,
  InstallmentStatus,
} from './types.js';

interface ApplicationRow {
  id: string;
  merchant_id: string;
  amount_won: string | number;
  purpose: string;
  term_months: number;
  opened_on: string | null;
  status: FundApplicationStatus;
  reasons: FundReason[];
  terms: FundTerms;
  bank_account: { bankCode: string; accountNumber: string };
  applied_at: Date;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
  disbursement_attempt: number;
  bank_transaction_id: string | null;
  bank_failure_code: string | null;
  disbursed_at: Date | null;
  fee_relief_won: string | number;
}

const APPLICATION_COLUMNS = `id, merchant_id, amount_won, purpose, term_months,
  to_char(opened_on, 'YYYY-MM-DD') as opened_on, status, reasons, terms, bank_account, applied_at,
  reviewed_by, reviewed_at, review_note, disbursement_attempt, bank_transaction_id, bank_failure_code,
  disbursed_at, fee_relief_won`;

export type StoredApplication = FundApplication & { disbursementAttempt: number };

function applicationOf(row: ApplicationRow): StoredApplication {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    amountWon: Number(row.amount_won),
    purpose: row.purpose,
    termMonths: row.term_months,
    openedOn: row.opened_on,
    status: row.status,
    reasons: row.reasons,
    terms: row.terms,
    bankAccount: row.bank_account,
    appliedAt: new Date(row.applied_at),
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at ? new Date(row.reviewed_at) : null,
    reviewNote: row.review_note,
    bankTransactionId: row.bank_transaction_id,
    bankFailureCode: row.bank_failure_code,
    disbursedAt: row.disbursed_at ? new Date(row.disbursed_at) : null,
    feeReliefWon: Number(row.fee_relief_won),
    disbursementAttempt: row.disbursement_attempt,
  };
}

export async function insertApplication(
  tx: Sql,
  tenantId: string,
  application: FundApplication & { applicantUserId: string },
): Promise<void> {
  await tx.query(
    `insert into fund_applications (tenant_id, id, merchant_id, applicant_user_id, amount_won, purpose,
       term_months, opened_on, status, reasons, terms, bank_account, applied_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      tenantId,
      application.id,
      application.merchantId,
      application.applicantUserId,
      application.amountWon,
      application.purpose,
      application.termMonths,
      application.openedOn,
      application.status,
      JSON.stringify(application.reasons),
      JSON.stringify(application.terms),
      JSON.stringify(application.bankAccount),
      application.appliedAt,
    ],
  );
}

export async function selectApplication(
  sql: Sql,
  tenantId: string,
  applicationId: string,
  lock: '' | 'for update' = '',
): Promise<StoredApplication | undefined> {
  const [row] = await sql.query<ApplicationRow>(
    `select ${APPLICATION_COLUMNS} from fund_applications where tenant_id = $1 and id = $2 ${lock}`,
    [tenantId, applicationId],
  );
  return row ? applicationOf(row) : undefined;
}

export async function selectApplications(
  sql: Sql,
  tenantId: string,
  filter: { merchantId?: string; status?: FundApplicationStatus },
  limit: number,
): Promise<StoredApplication[]> {
  const rows = await sql.query<ApplicationRow>(
    `select ${APPLICATION_COLUMNS} from fund_applications
     where tenant_id = $1 and ($2::text is null or merchant_id = $2) and ($3::text is null or status = $3)
     order by applied_at desc, id limit $4`,
    [tenantId, filter.merchantId ?? null, filter.status ?? null, limit],
  );
  return rows.map(applicationOf);
}

export async function selectApplicationIdsWithStatus(
  sql: Sql,
  tenantId: string,
  status: FundApplicationStatus,
  startedBefore: Date,
  limit: number,
): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `select id from fund_applications
     where tenant_id = $1 and status = $2 and disbursement_started_at <= $3
     order by disbursement_started_at limit $4`,
    [tenantId, status, startedBefore, limit],
  );
  return rows.map((row) => row.id);
}

export async function updateApplication(
  tx: Sql,
  tenantId: string,
  applicationId: string,
  changes: Record<string, unknown>,
): Promise<void> {
  const columns = Object.keys(changes);
  const assignments = columns.map((column, index) => `${column} = $${index + 3}`).join(', ');
  await tx.query(`update fund_applications set ${assignments} where tenant_id = $1 and id = $2`, [
    tenantId,
    applicationId,
    ...columns.map((column) => changes[column]),
  ]);
}

interface InstallmentRow {
  application_id: string;
  seq: number;
  due_on: string;
  principal_won: string | number;
  interest_won: string | number;
  subsidy_won: string | number;
  status: InstallmentStatus;
  attempts: number;
  last_failure_code: string | null;
  paid_at: Date | null;
}

export type StoredInstallment = FundInstallment & { applicationId: string };

function installmentOf(row: InstallmentRow, today: string): StoredInstallment {
  const principalWon = Number(row.principal_won);
  const interestWon = Number(row.interest_won);
  const subsidyWon = Number(row.subsidy_won);
  return {
    applicationId: row.application_id,
    seq: row.seq,
    dueOn: row.due_on,
    principalWon,
    interestWon,
    subsidyWon,
    merchantPaysWon: principalWon + interestWon - subsidyWon,
    status: row.status,
    overdue: row.status !== 'paid' && row.due_on < today,
    attempts: row.attempts,
    lastFailureCode: row.last_failure_code,
    paidAt: row.paid_at ? new Date(row.paid_at) : null,
  };
}

const INSTALLMENT_COLUMNS = `application_id, seq, to_char(due_on, 'YYYY-MM-DD') as due_on, principal_won,
  interest_won, subsidy_won, status, attempts, last_failure_code, paid_at`;

export async function insertSchedule(
  tx: Sql,
  tenantId: string,
  applicationId: string,
  schedule: readonly ScheduledInstallment[],
): Promise<void> {
  await tx.query(
    `insert into fund_installments (tenant_id, application_id, seq, due_on, principal_won, interest_won, subsidy_won, status)
     select $1, $2, seq, due_on::date, principal_won, interest_won, subsidy_won, 'due'
     from json_to_recordset($3::json) as x(seq int, due_on text, principal_won bigint, interest_won bigint, subsidy_won bigint)`,
    [
      tenantId,
      applicationId,
      JSON.stringify(
        schedule.map((row) => ({
          seq: row.seq,
          due_on: row.dueOn,
          principal_won: row.principalWon,
          interest_won: row.interestWon,
          subsidy_won: row.subsidyWon,
        })),
      ),
    ],
  );
}

export async function selectSchedules(
  sql: Sql,
  tenantId: string,
  applicationIds: readonly string[],
  today: string,
): Promise<StoredInstallment[]> {
  if (applicationIds.length === 0) return [];
  const rows = await sql.query<InstallmentRow>(
    `select ${INSTALLMENT_COLUMNS} from fund_installments
     where tenant_id = $1 and application_id = any($2::text[]) order by application_id, seq`,
    [tenantId, applicationIds],
  );
  return rows.map((row) => installmentOf(row, today));
}

export async function selectInstallment(
  tx: Sql,
  tenantId: string,
  applicationId: string,
  seq: number,
  today: string,
): Promise<StoredInstallment | undefined> {
  const [row] = await tx.query<InstallmentRow>(
    `select ${INSTALLMENT_COLUMNS} from fund_installments
     where tenant_id = $1 and application_id = $2 and seq = $3 for update`,
    [tenantId, applicationId, seq],
  );
  return row ? installmentOf(row, today) : undefined;
}

/** Installments to collect now: due by today and not tried today, or left collecting by an unknown answer. */
export async function selectCollectable(
  sql: Sql,
  tenantId: string,
  today: string,
  limit: number,
): Promise<Array<{ applicationId: string; seq: number }>> {
  const rows = await sql.query<{ application_id: string; seq: number }>(
    `select application_id, seq from fund_installments
     where tenant_id = $1 and due_on <= $2::date
       and (status = 'collecting' or (status = 'due' and (last_attempt_on is null or last_attempt_on < $2::date)))
     order by due_on, application_id, seq limit $3`,
    [tenantId, today, limit],
  );
  return rows.map((row) => ({ applicationId: row.application_id, seq: row.seq }));
}

export async function overdueOfMerchant(
  sql: Sql,
  tenantId: string,
  merchantId: string,
  today: string,
): Promise<number> {
  const [row] = await sql.query<{ count: string | number }>(
    `select count(*) as count from fund_installments i
     join fund_applications a on a.tenant_id = i.tenant_id and a.id = i.application_id
     where i.tenant_id = $1 and a.merchant_id = $2 and i.status <> 'paid' and i.due_on < $3::date`,
    [tenantId, merchantId, today],
  );
  return Number(row?.count ?? 0);
}

/** Principal still owed on disbursed loans plus amounts applied for or approved and not yet paid out. */
export async function owedOrAppliedOfMerchant(
  sql: Sql,
  tenantId: string,
  merchantId: string,
): Promise<number> {
  const [row] = await sql.query<{ total: string | number | null }>(
    `select coalesce(sum(case when a.status = 'disbursed'
         then (select coalesce(sum(principal_won), 0) from fund_installments i
               where i.tenant_id = a.tenant_id and i.application_id = a.id and i.status <> 'paid')
         else a.amount_won end), 0) as total
     from fund_applications a
     where a.tenant_id = $1 and a.merchant_id = $2 and a.status in ('pending_review', 'approved', 'disbursed')`,
    [tenantId, merchantId],
  );
  return Number(row?.total ?? 0);
}

export interface PoolTotals {
  committedWon: number;
  disbursedWon: number;
  pendingReviewWon: number;
  feeReliefWon: number;
  repaidWon: number;
  interestSubsidyWon: number;
  overdueInstallments: number;
  overduePrincipalWon: number;
  counts: Array<{ status: FundApplicationStatus; count: number }>;
}

export async function selectPoolTotals(sql: Sql, tenantId: string, today: string): Promise<PoolTotals> {
  const [apps] = await sql.query<Record<string, string | number>>(
    `select
       coalesce(sum(amount_won) filter (where status in ('approved', 'disbursed')), 0) as committed,
       coalesce(sum(amount_won) filter (where status = 'disbursed'), 0) as disbursed,
       coalesce(sum(amount_won) filter (where status = 'pending_review'), 0) as pending_review,
       coalesce(sum(fee_relief_won), 0) as fee_relief
     from fund_applications where tenant_id = $1`,
    [tenantId],
  );
  const [installments] = await sql.query<Record<string, string | number>>(
    `select
       coalesce(sum(principal_won) filter (where status = 'paid'), 0) as repaid,
       coalesce(sum(subsidy_won) filter (where status = 'paid'), 0) as interest_subsidy,
       count(*) filter (where status <> 'paid' and due_on < $2::date) as overdue_count,
       coalesce(sum(principal_won) filter (where status <> 'paid' and due_on < $2::date), 0) as overdue_principal
     from fund_installments where tenant_id = $1`,
    [tenantId, today],
  );
  const counts = await sql.query<{ status: FundApplicationStatus; count: string | number }>(
    'select status, count(*) as count from fund_applications where tenant_id = $1 group by status',
    [tenantId],
  );
  return {
    committedWon: Number(apps?.committed ?? 0),
    disbursedWon: Number(apps?.disbursed ?? 0),
    pendingReviewWon: Number(apps?.pending_review ?? 0),
    feeReliefWon: Number(apps?.fee_relief ?? 0),
    repaidWon: Number(installments?.repaid ?? 0),
    interestSubsidyWon: Number(installments?.interest_subsidy ?? 0),
    overdueInstallments: Number(installments?.overdue_count ?? 0),
    overduePrincipalWon: Number(installments?.overdue_principal ?? 0),
    counts: counts.map((row) => ({ status: row.status, count: Number(row.count) })),
  };
}
