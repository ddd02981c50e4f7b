import type { Migration } from '../../db/migrate.js';

/**
 * Analytics' own tables, built only from the event feed (never from other modules' tables), so
 * they can be dropped and rebuilt from zero. analytics_payments is also the copy of history that
 * what-if replays: it keeps every input the cashback calculator needs.
 */
export const analyticsMigrations: Migration[] = [
  {
    version: 1150,
    name: 'analytics: payments, cashback draws, money flows, members, merchants',
    sql: `
      create table analytics_payments (
        tenant_id text not null,
        payment_id text not null,
        seq bigint not null,
        occurred_at timestamptz not null,
        local_date date not null,
        local_hour smallint not null,
        month text not null,
        member_id text not null,
        merchant_id text not null,
        district text not null,
        industry_code text not null,
        market_id text,
        is_traditional_market boolean not null,
        is_bookstore boolean not null,
        annual_revenue_won bigint not null,
        is_welfare_recipient boolean not null,
        amount_won bigint not null,
        cash_won bigint not null,
        month_eligible_before_won bigint not null,
        eligible_won bigint not null,
        requested_cashback_won bigint not null,
        cashback_won bigint not null,
        cancelled_won bigint not null default 0,
        cashback_recovered_won bigint not null default 0,
        policy_id text,
        rule_codes jsonb not null,
        draws jsonb not null,
        primary key (tenant_id, payment_id)
      );
      create index analytics_payments_by_date on analytics_payments (tenant_id, local_date);

      create table analytics_cashback_draws (
        tenant_id text not null,
        event_seq bigint not null,
        local_date date not null,
        pot_id text not null,
        source text not null,
        amount_won bigint not null,
        primary key (tenant_id, event_seq, pot_id, source)
      );

      create table analytics_flows (
        tenant_id text not null,
        event_seq bigint not null,
        local_date date not null,
        kind text not null,
        member_id text,
        amount_won bigint not null,
        primary key (tenant_id, event_seq)
      );
      create index analytics_flows_by_date on analytics_flows (tenant_id, local_date);

      create table analytics_members (
        tenant_id text not null,
        member_id text not null,
        district text not null,
        birth_year integer not null,
        joined_on date not null,
        primary key (tenant_id, member_id)
      );

      create table analytics_merchants (
        tenant_id text not null,
        merchant_id text not null,
        name text not null,
        district text not null,
        industry_code text not null,
        annual_revenue_won bigint not null,
        approved_on date not null,
        primary key (tenant_id, merchant_id)
      );`,
  },
  {
    version: 1151,
    name: 'analytics: daily rollups maintained by the consumer, member and merchant months',
    sql: `
      create index analytics_payments_by_seq on analytics_payments (tenant_id, seq);

      -- One row per local day: issuance, joins and payments. Spent = gross - cancelled (cancellations
      -- count on the payment's day, as in analytics_payments).
      create table analytics_daily (
        tenant_id text not null,
        local_date date not null,
        charged_won bigint not null default 0,
        granted_won bigint not null default 0,
        joined bigint not null default 0,
        payments bigint not null default 0,
        gross_won bigint not null default 0,
        cancelled_won bigint not null default 0,
        primary key (tenant_id, local_date)
      );

      -- Net spending per day by one dimension: district, industry, market, hour, birth_year.
      create table analytics_daily_spend (
        tenant_id text not null,
        local_date date not null,
        dimension text not null,
        key text not null,
        net_won bigint not null,
        count bigint not null,
        primary key (tenant_id, local_date, dimension, key)
      );

      -- Cashback drawn per day and pot (returns on cancellation are negative, on the cancellation's day).
      create table analytics_daily_pots (
        tenant_id text not null,
        local_date date not null,
        pot_id text not null,
        source text not null,
        amount_won bigint not null,
        primary key (tenant_id, local_date, pot_id, source)
      );

      -- Per member and calendar month (of the payment's local day): deciles, concentration, paying members.
      create table analytics_member_months (
        tenant_id text not null,
        month text not null,
        member_id text not null,
        net_won bigint not null,
        cashback_won bigint not null,
        primary key (tenant_id, month, member_id)
      );

      -- Per merchant and calendar month: top merchants against their declared size.
      create table analytics_merchant_months (
        tenant_id text not null,
        month text not null,
        merchant_id text not null,
        district text not null,
        industry_code text not null,
        declared_won bigint not null,
        net_won bigint not null,
        primary key (tenant_id, month, merchant_id)
      );
      create index analytics_merchant_months_by_net on analytics_merchant_months (tenant_id, month, net_won desc);`,
  },
  {
    version: 1152,
    name: 'analytics: member distribution per month range, cached until the consumer moves',
    sql: `
      create table analytics_member_stats (
        tenant_id text not null,
        from_month text not null,
        to_month text not null,
        feed_position bigint not null,
        stats jsonb not null,
        primary key (tenant_id, from_month, to_month)
      );`,
  },
  {
    version: 1153,
    name: 'analytics: synthetic history periods, issuance plans and economically active population (data per tenant)',
    sql: `
      -- Periods whose figures include synthetic demo history (hanbat serve's demo start, hanbat simulate):
      -- the dashboards say so wherever a period overlaps one.
      create table analytics_synthetic_periods (
        tenant_id text not null,
        from_date date not null,
        to_date date not null,
        note text not null,
        primary key (tenant_id, from_date, to_date)
      );

      -- The city's issuance plan per year (charge + policy issuance), spread evenly over its months.
      create table analytics_issuance_plans (
        tenant_id text not null,
        year integer not null,
        planned_won bigint not null check (planned_won > 0),
        source text not null,
        primary key (tenant_id, year)
      );

      -- Economically active people per district: the population membership is measured against.
      create table analytics_district_population (
        tenant_id text not null,
        district text not null,
        economically_active bigint not null check (economically_active > 0),
        source text not null,
        primary key (tenant_id, district)
      );

      -- Member distributions refreshed by the analytics job for the ranges operators read.
      alter table analytics_member_stats add column requested_at timestamptz;`,
  },
  {
    version: 1154,
    name: "analytics: a payment's self-dealing flag, for the what-if replay",
    sql: `
      -- payment.made's selfDealing (the member owns the shop): the engine paid no cashback and counted no
      -- eligible spending, and the replay does the same. Payments read before this version say false
      -- until analytics is rebuilt (AnalyticsService.rebuild).
      alter table analytics_payments add column self_dealing boolean not null default false;`,
  },
];
