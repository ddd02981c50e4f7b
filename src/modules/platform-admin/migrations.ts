import type { Migration } from '../../db/migrate.js';

/** Platform administrators (above every tenant). */
export const platformAdminMigrations: Migration[] = [
  {
    version: 1400,
    // Its name is kept as databases recorded it; the tenants' columns it also added are now the
    // tenants module's own migration 101.
    name: 'platform administrators; tenant English name and preset',
    sql: `
      create table platform_admins (
        id text primary key,
        phone text not null unique,
        password_hash text not null,
        -- 'bootstrap': created from HANBAT_PLATFORM_ADMIN_PHONE, its password follows the environment;
        -- 'api': reserved for administrators created by other administrators (no such route yet).
        origin text not null check (origin in ('bootstrap', 'api')),
        created_at timestamptz not null,
        password_changed_at timestamptz not null,
        disabled_at timestamptz
      );
      create table platform_sessions (
        token_hash text primary key,
        admin_id text not null references platform_admins (id),
        created_at timestamptz not null,
        expires_at timestamptz not null,
        revoked_at timestamptz
      );
      create index platform_sessions_by_admin on platform_sessions (admin_id);`,
  },
  {
    version: 1401,
    name: 'tenant creations: what was asked, and the attempt running',
    sql: `
      -- One row per city a platform administrator created or is creating, written with the (not yet
      -- live) tenant row: only the same request may finish a creation that failed half-way.
      create table tenant_creations (
        tenant_id text primary key,
        preset text not null,
        operator_phone text not null,
        requested_at timestamptz not null,
        -- The attempt at work and until when it may be; null when none is (the last one failed).
        attempt_id text,
        attempt_until timestamptz,
        completed_at timestamptz,
        check ((attempt_id is null) = (attempt_until is null))
      );`,
  },
];
