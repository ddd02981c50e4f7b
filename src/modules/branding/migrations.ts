import type { Migration } from '../../db/migrate.js';

export const brandingMigrations: Migration[] = [
  {
    version: 1410,
    name: 'tenant_brandings',
    sql: `
      create table tenant_brandings (
        tenant_id text primary key references tenants (id),
        host text unique check (host ~ '^[a-z0-9.-]{1,253}(:[0-9]{1,5})?$'),
        name_ko text not null,
        name_en text not null,
        primary_colour text not null check (primary_colour ~ '^#[0-9a-f]{6}$'),
        accent_colour text not null check (accent_colour ~ '^#[0-9a-f]{6}$'),
        logo_svg text check (length(logo_svg) <= 65536),
        updated_at timestamptz not null
      );`,
  },
];
