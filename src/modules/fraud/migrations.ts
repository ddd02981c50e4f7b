import type { Migration } from '../../db/migrate.js';

/**
 * Fraud's own tables. fraud_facts is the detectors' window, built from the event feed (never from
 * other modules' tables), so a restarted process rebuilds its in-memory state without rereading the feed.
 */
export const fraudMigrations: Migration[] = [
  {
    version: 1500,
    name: 'fraud: facts, alerts, cases, freezes, clawbacks',
    sql: `
      create table fraud_facts (
        tenant_id text not null,
        seq bigint not null,
        idx integer not null,
        at timestamptz,
        kind text not null,
        data jsonb not null,
        primary key (tenant_id, seq, idx)
      );
      create index fraud_facts_at on fraud_facts (tenant_id, at);

      create table fraud_alerts (
        tenant_id text not null,
        id text not null,
        rule text not null,
        subject_kind text not null check (subject_kind in ('member', 'merchant', 'pair')),
        subject_id text not null,
        member_id text,
        merchant_id text,
        district text,
        score integer not null check (score between 0 and 100),
        status text not null check (status in ('open', 'in_case', 'dismissed', 'confirmed')),
        explanation_ko text not null,
        explanation_en text not null,
        evidence jsonb not null,
        case_id text,
        first_seen_at timestamptz not null,
        last_seen_at timestamptz not null,
        primary key (tenant_id, id)
      );
      create unique index fraud_alerts_one_open on fraud_alerts (tenant_id, rule, subject_id) where status = 'open';
      create index fraud_alerts_queue on fraud_alerts (tenant_id, status, score desc);

      create table fraud_cases (
        tenant_id text not null,
        id text not null,
        status text not null check (status in ('open', 'dismissed', 'confirmed')),
        assignee text,
        notes jsonb not null default '[]',
        alert_ids text[] not null,
        evidence jsonb not null,
        decision_reason text,
        actions jsonb not null default '[]',
        created_by text not null,
        created_at timestamptz not null,
        decided_by text,
        decided_at timestamptz,
        primary key (tenant_id, id)
      );

      create table fraud_freezes (
        tenant_id text not null,
        id text not null,
        kind text not null check (kind in ('member', 'merchant', 'settlement')),
        party_id text not null,
        case_id text not null,
        reason text not null,
        status text not null check (status in ('active', 'released')),
        created_by text not null,
        created_at timestamptz not null,
        released_by text,
        released_at timestamptz,
        primary key (tenant_id, id)
      );
      create unique index fraud_freezes_one_active on fraud_freezes (tenant_id, kind, party_id) where status = 'active';

      create table fraud_clawbacks (
        tenant_id text not null,
        payment_id text not null,
        case_id text not null,
        member_id text not null,
        owed_won bigint not null check (owed_won >= 0),
        clawed_won bigint not null check (clawed_won >= 0),
        receivable_won bigint not null check (receivable_won >= 0),
        ledger_transfer_id text,
        created_at timestamptz not null,
        primary key (tenant_id, payment_id)
      );
    `,
  },
  {
    version: 1501,
    name: 'fraud_grant_clawbacks',
    sql: `
      create table fraud_grant_clawbacks (
        tenant_id text not null,
        payment_id text not null,
        program_id text not null,
        case_id text not null,
        merchant_id text not null,
        owed_won bigint not null check (owed_won >= 0),
        clawed_won bigint not null check (clawed_won >= 0),
        receivable_won bigint not null check (receivable_won >= 0),
        ledger_transfer_id text,
        created_at timestamptz not null,
        primary key (tenant_id, payment_id, program_id)
      );
    `,
  },
  {
    // Numbered in the range this change was given; it creates a table of its own, so it may run
    // before the fraud tables above.
    version: 748,
    name: 'fraud_receivables: what a claw-back left owed, per account, and what cancellations settled',
    sql: `
      create table fraud_receivables (
        tenant_id text not null,
        payment_id text not null,
        account_id text not null,
        kind text not null check (kind in ('cashback', 'grant')),
        receivable_won bigint not null check (receivable_won > 0),
        settled_won bigint not null default 0,
        primary key (tenant_id, payment_id, account_id),
        check (settled_won between 0 and receivable_won)
      );
    `,
  },
  {
    version: 1502,
    name: "fraud: settlement's daily read of grant claw-backs per merchant since a day's end",
    sql: `create index fraud_grant_clawbacks_merchant on fraud_grant_clawbacks (tenant_id, merchant_id, created_at);`,
  },
];
