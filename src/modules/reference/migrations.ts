import type { Migration } from '../../db/migrate.js';

/** Reference tables a city configures once: industries, districts, traditional markets. */
export const referenceMigrations: Migration[] = [
  {
    version: 400,
    name: 'reference: industries, districts, markets',
    sql: `
      create table industries (
        tenant_id text not null references tenants (id),
        code text not null check (code ~ '^[a-z][a-z0-9_]{1,39}$'),
        name_ko text not null check (char_length(name_ko) between 1 and 100),
        name_en text not null check (char_length(name_en) between 1 and 100),
        excluded boolean not null,
        exclusion_reason_ko text,
        exclusion_reason_en text,
        is_bookstore boolean not null,
        display_order integer not null,
        primary key (tenant_id, code),
        check (excluded = (exclusion_reason_ko is not null)),
        check (excluded = (exclusion_reason_en is not null))
      );

      create table districts (
        tenant_id text not null references tenants (id),
        code text not null check (code ~ '^[a-z][a-z0-9-]{1,39}$'),
        name_ko text not null check (char_length(name_ko) between 1 and 100),
        name_en text not null check (char_length(name_en) between 1 and 100),
        area text not null check (area in ('old_town', 'new_town')),
        display_order integer not null,
        primary key (tenant_id, code)
      );

      create table markets (
        tenant_id text not null references tenants (id),
        id text not null check (id ~ '^mkt_[a-z0-9_]{1,40}$'),
        name_ko text not null check (char_length(name_ko) between 1 and 100),
        name_en text not null check (char_length(name_en) between 1 and 100),
        district_code text not null,
        store_count integer not null check (store_count >= 0),
        synthetic boolean not null,
        display_order integer not null,
        primary key (tenant_id, id),
        foreign key (tenant_id, district_code) references districts (tenant_id, code)
      );
      create index markets_district on markets (tenant_id, district_code);`,
  },
];
