import type { Migration } from '../../db/migrate.js';

/**
 * Merchants refer to reference rows (industry, district, market) and to users by id only: those
 * tables belong to other modules, and the service validates the ids when an application arrives.
 */
export const merchantMigrations: Migration[] = [
  {
    version: 500,
    name: 'merchants, eligibility rules, POS keys',
    sql: `
      create table merchant_settings (
        tenant_id text primary key references tenants (id),
        merchant_code_prefix text not null check (merchant_code_prefix ~ '^[A-Z]{1,4}$')
      );

      create table merchant_eligibility_rules (
        tenant_id text not null references tenants (id),
        id text not null check (id ~ '^[a-z0-9_.-]{1,64}$'),
        kind text not null
          check (kind in ('excluded_industry', 'out_of_region_franchise_direct', 'district_in_tenant')),
        params jsonb not null default '{}',
        effective_from timestamptz not null,
        effective_to timestamptz,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        check (effective_to is null or effective_to > effective_from)
      );

      create table merchants (
        tenant_id text not null references tenants (id),
        id text not null check (id ~ '^mer_[A-Za-z0-9_-]{8,40}$'),
        business_number text not null check (business_number ~ '^[0-9]{10}$'),
        name text not null check (char_length(name) between 1 and 100),
        owner_user_id text not null,
        industry_code text not null,
        district text not null,
        dong text not null check (char_length(dong) between 1 and 40),
        market_id text,
        is_bookstore boolean not null,
        annual_revenue_won bigint not null check (annual_revenue_won >= 0),
        franchise jsonb not null,
        settlement_bank jsonb,
        status text not null check (status in ('pending', 'approved', 'rejected', 'refused')),
        reasons jsonb not null,
        merchant_code text,
        reviewed_by text,
        reviewed_at timestamptz,
        review_note text,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        check ((status = 'approved') = (merchant_code is not null))
      );
      create unique index merchants_code on merchants (tenant_id, merchant_code)
        where merchant_code is not null;
      -- one live merchant per business: refused and rejected applications may be filed again
      create unique index merchants_live_business_number on merchants (tenant_id, business_number)
        where status in ('pending', 'approved');
      create index merchants_owner on merchants (tenant_id, owner_user_id, created_at);
      create index merchants_review_queue on merchants (tenant_id, status, created_at, id);
      create index merchants_directory on merchants (tenant_id, name, id) where status = 'approved';

      create table merchant_pos_keys (
        tenant_id text not null,
        id text not null check (id ~ '^posk_[A-Za-z0-9_-]{8,40}$'),
        merchant_id text not null,
        key_hash text not null check (key_hash ~ '^[0-9a-f]{64}$'),
        label text not null check (char_length(label) between 1 and 60),
        created_at timestamptz not null,
        revoked_at timestamptz,
        primary key (tenant_id, id),
        foreign key (tenant_id, merchant_id) references merchants (tenant_id, id)
      );
      -- a POS request names no tenant, so the key is found by its hash alone
      create unique index merchant_pos_keys_hash on merchant_pos_keys (key_hash);
      create index merchant_pos_keys_merchant on merchant_pos_keys (tenant_id, merchant_id, created_at);`,
  },
  {
    version: 2210,
    name: 'merchants: demo shops are flagged, so a citizen on a real server never meets a made-up shop',
    sql: `alter table merchants add column demo boolean not null default false;`,
  },
];
