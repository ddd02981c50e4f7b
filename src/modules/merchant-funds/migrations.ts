import type { Migration } from '../../db/migrate.js';

/** Small-merchant management funds (소상공인 경영안정자금): applications, disbursements, repayment schedules. */
export const merchantFundMigrations: Migration[] = [
  {
    version: 1340,
    name: 'merchant fund applications and repayment schedules',
    sql: `
      create table fund_applications (
        tenant_id text not null references tenants (id),
        id text not null,
        merchant_id text not null,
        applicant_user_id text not null,
        amount_won bigint not null check (amount_won > 0),
        purpose text not null,
        term_months int not null check (term_months > 0),
        opened_on date,
        status text not null check (status in ('refused', 'pending_review', 'approved', 'disbursed', 'disbursement_failed', 'rejected')),
        reasons jsonb not null,
        terms jsonb not null,
        bank_account jsonb not null,
        applied_at timestamptz not null,
        reviewed_by text,
        reviewed_at timestamptz,
        review_note text,
        disbursement_attempt int not null default 0,
        disbursement_started_at timestamptz,
        bank_transaction_id text,
        bank_failure_code text,
        disbursed_at timestamptz,
        fee_relief_won bigint not null default 0 check (fee_relief_won >= 0),
        primary key (tenant_id, id)
      );
      create index fund_applications_by_merchant on fund_applications (tenant_id, merchant_id, applied_at);
      create index fund_applications_by_status on fund_applications (tenant_id, status, applied_at);

      create table fund_installments (
        tenant_id text not null,
        application_id text not null,
        seq int not null check (seq > 0),
        due_on date not null,
        principal_won bigint not null check (principal_won > 0),
        interest_won bigint not null check (interest_won >= 0),
        subsidy_won bigint not null check (subsidy_won >= 0 and subsidy_won <= interest_won),
        status text not null check (status in ('due', 'collecting', 'paid')),
        attempts int not null default 0,
        last_attempt_on date,
        last_failure_code text,
        collecting_since timestamptz,
        paid_at timestamptz,
        bank_transaction_id text,
        primary key (tenant_id, application_id, seq),
        foreign key (tenant_id, application_id) references fund_applications (tenant_id, id)
      );
      create index fund_installments_due on fund_installments (tenant_id, status, due_on);`,
  },
];
