import type { Migration } from '../../db/migrate.js';

/** Giving (온정나눔): charities, campaigns, donations, monthly gifts and payouts to charities' banks. */
export const givingMigrations: Migration[] = [
  {
    version: 1300,
    name: 'charities, campaigns, donations, monthly gifts, charity payouts',
    sql: `
      create table charities (
        tenant_id text not null references tenants (id),
        id text not null,
        name text not null,
        registration_number text not null,
        bank_account jsonb not null,
        description text not null,
        logo_url text,
        created_by text not null,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        unique (tenant_id, registration_number)
      );

      create table charity_campaigns (
        tenant_id text not null,
        id text not null,
        charity_id text not null,
        title text not null,
        goal_won bigint not null check (goal_won > 0),
        starts_at timestamptz not null,
        ends_at timestamptz not null,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        foreign key (tenant_id, charity_id) references charities (tenant_id, id),
        check (ends_at > starts_at)
      );

      create table monthly_gifts (
        tenant_id text not null,
        id text not null,
        member_id text not null,
        charity_id text not null,
        campaign_id text,
        amount_won bigint not null check (amount_won > 0),
        source text not null check (source in ('cash', 'cashback', 'grant')),
        monthly_day int not null check (monthly_day between 1 and 31),
        first_month text not null,
        status text not null check (status in ('active', 'stopped')),
        last_failure_month text,
        last_failure_code text,
        failed_attempts int not null default 0,
        last_attempt_at timestamptz,
        created_at timestamptz not null,
        stopped_at timestamptz,
        primary key (tenant_id, id),
        foreign key (tenant_id, charity_id) references charities (tenant_id, id)
      );
      create index monthly_gifts_active on monthly_gifts (tenant_id, id) where status = 'active';

      create table donations (
        tenant_id text not null,
        id text not null,
        member_id text not null,
        charity_id text not null,
        campaign_id text,
        amount_won bigint not null check (amount_won > 0),
        source text not null check (source in ('cash', 'cashback', 'grant')),
        monthly_gift_id text,
        gift_month text,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        unique (tenant_id, monthly_gift_id, gift_month),
        foreign key (tenant_id, charity_id) references charities (tenant_id, id)
      );
      create index donations_by_member on donations (tenant_id, member_id, created_at desc);
      create index donations_by_charity on donations (tenant_id, charity_id);

      create table charity_payouts (
        tenant_id text not null,
        id text not null,
        charity_id text not null,
        amount_won bigint not null check (amount_won > 0),
        status text not null check (status in ('pending', 'paid', 'failed')),
        bank_transaction_id text,
        failure_code text,
        created_at timestamptz not null,
        completed_at timestamptz,
        primary key (tenant_id, id),
        foreign key (tenant_id, charity_id) references charities (tenant_id, id)
      );
      create unique index charity_payouts_one_pending on charity_payouts (tenant_id, charity_id) where status = 'pending';`,
  },
  {
    // 동네사랑기부제: members' chosen 동, the city's giving pots and the monthly gifts per member.
    version: 1310,
    name: 'neighbourhood giving (동네사랑기부제)',
    sql: `
    create table neighbourhood_dongs (
      tenant_id text not null references tenants (id),
      code text not null,
      name_ko text not null,
      district text not null,
      primary key (tenant_id, code)
    );

    create table neighbourhood_choices (
      tenant_id text not null,
      member_id text not null,
      effective_month text not null,
      dong text not null,
      chosen_at timestamptz not null,
      primary key (tenant_id, member_id, effective_month),
      foreign key (tenant_id, dong) references neighbourhood_dongs (tenant_id, code)
    );
    create index neighbourhood_choices_by_month on neighbourhood_choices (tenant_id, effective_month);

    create table neighbourhood_pots (
      tenant_id text not null references tenants (id),
      id text not null,
      year int not null,
      funded_won bigint not null check (funded_won > 0),
      created_by text not null,
      created_at timestamptz not null,
      primary key (tenant_id, id),
      unique (tenant_id, year)
    );

    create table neighbourhood_gifts (
      tenant_id text not null,
      month text not null,
      member_id text not null,
      dong text not null,
      eligible_won bigint not null check (eligible_won >= 0),
      rate_bp int not null,
      requested_won bigint not null check (requested_won >= 0),
      given_won bigint not null check (given_won >= 0 and given_won <= requested_won),
      created_at timestamptz not null,
      primary key (tenant_id, month, member_id)
    );
    create index neighbourhood_gifts_by_member on neighbourhood_gifts (tenant_id, member_id, month);`,
  },
  {
    // 동행협약 partners: companies, their deposits (via the bank), matching pledges and gifts to employees.
    version: 1700,
    name: 'partners (동행협약): deposits, matching pledges, employee gifts',
    sql: `
    create table partners (
      tenant_id text not null references tenants (id),
      id text not null,
      name text not null,
      business_number text not null,
      contact text not null,
      created_by text not null,
      created_at timestamptz not null,
      primary key (tenant_id, id),
      unique (tenant_id, business_number)
    );

    create table partner_deposits (
      tenant_id text not null,
      id text not null,
      partner_id text not null,
      amount_won bigint not null check (amount_won > 0),
      bank_account jsonb not null,
      status text not null check (status in ('pending', 'succeeded', 'failed')),
      failure_code text,
      bank_transaction_id text,
      created_at timestamptz not null,
      completed_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, partner_id) references partners (tenant_id, id)
    );

    create table partner_pledges (
      tenant_id text not null,
      id text not null,
      partner_id text not null,
      campaign_id text not null,
      rate_bp int not null check (rate_bp between 1 and 10000),
      cap_won bigint not null check (cap_won > 0),
      matched_won bigint not null default 0 check (matched_won >= 0 and matched_won <= cap_won),
      created_by text not null,
      created_at timestamptz not null,
      primary key (tenant_id, id),
      foreign key (tenant_id, partner_id) references partners (tenant_id, id),
      foreign key (tenant_id, campaign_id) references charity_campaigns (tenant_id, id)
    );
    create index partner_pledges_by_campaign on partner_pledges (tenant_id, campaign_id);

    create table partner_matches (
      tenant_id text not null,
      pledge_id text not null,
      donation_id text not null,
      partner_id text not null,
      amount_won bigint not null check (amount_won > 0),
      created_at timestamptz not null,
      primary key (tenant_id, pledge_id, donation_id)
    );

    create table partner_gifts (
      tenant_id text not null,
      id text not null,
      partner_id text not null,
      file_sha256 text not null,
      recipient_count int not null check (recipient_count > 0),
      amount_won bigint not null check (amount_won > 0),
      usable_from timestamptz not null,
      expires_at timestamptz not null,
      allowed_industries jsonb not null,
      reclaimed_won bigint not null default 0 check (reclaimed_won >= 0),
      reclaimed_at timestamptz,
      created_by text not null,
      created_at timestamptz not null,
      primary key (tenant_id, id),
      foreign key (tenant_id, partner_id) references partners (tenant_id, id),
      check (expires_at > usable_from)
    );
    create index partner_gifts_to_reclaim on partner_gifts (tenant_id, expires_at) where reclaimed_at is null;

    create table partner_gift_recipients (
      tenant_id text not null,
      gift_id text not null,
      member_id text not null,
      amount_won bigint not null check (amount_won > 0),
      primary key (tenant_id, gift_id, member_id)
    );`,
  },
  {
    // A gift's expiry runs again while a grant holds a payment; a hold released after a run must be
    // taken back under a transfer id of its own run, not the first run's (which the ledger would
    // refuse as a conflict, leaving the money in the expired grant).
    version: 1701,
    name: 'partner gifts count their reclaiming runs',
    sql: `
    alter table partner_gifts add column reclaim_runs int not null default 0 check (reclaim_runs >= 0);
    -- A gift left open by a hold after a run that took something back has used the first run's ids.
    update partner_gifts set reclaim_runs = 1 where reclaimed_won > 0;`,
  },
];
