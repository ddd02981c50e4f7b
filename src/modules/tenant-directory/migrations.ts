import type { Migration } from '../../db/migrate.js';

/**
 * The tenant directory (issue 17, range 1420–1499): which cluster holds each tenant. Only the home
 * cluster's copy (DATABASE_URL) is read; a tenant without a row lives on the home cluster, so a
 * single-database deployment needs no rows at all.
 */
export const tenantDirectoryMigrations: Migration[] = [
  {
    version: 1420,
    name: 'tenant directory: placements and moves',
    sql: `
      create table tenant_placements (
        tenant_id text primary key,
        cluster text not null check (cluster ~ '^[a-z][a-z0-9_-]{0,31}$'),
        state text not null check (state in ('active', 'moving')),
        updated_at timestamptz not null
      );
      create table tenant_moves (
        id bigint generated always as identity primary key,
        tenant_id text not null,
        from_cluster text not null,
        to_cluster text not null,
        started_at timestamptz not null,
        finished_at timestamptz not null,
        outcome text not null check (outcome in ('moved', 'failed')),
        report jsonb not null
      );`,
  },
  {
    version: 1421,
    name: 'tenant directory: the write fence of a tenant being moved (on every cluster)',
    sql: `
      create table tenant_fences (
        tenant_id text primary key,
        fenced_at timestamptz not null,
        reason text not null check (reason in ('moving', 'moved'))
      );
      -- Every write of a tenant's row (trigger installed by the clustered server) passes here once a
      -- transaction: a shared lock the mover's exclusive one waits for, then the fence, read with a
      -- fresh snapshot taken after the lock (READ COMMITTED), so no write can land after the fence.
      create function hanbat_tenant_fence_check(t text) returns void language plpgsql as $fence$
      begin
        if t is null then
          return;
        end if;
        if strpos(coalesce(current_setting('hanbat.fence_checked', true), ''), ',' || t || ',') > 0 then
          return;
        end if;
        perform pg_advisory_xact_lock_shared(17017, hashtext(t));
        if exists (select 1 from tenant_fences where tenant_id = t) then
          raise exception using errcode = 'HB001',
            message = 'tenant ' || t || ' is fenced on this cluster (being moved or moved away)';
        end if;
        perform set_config('hanbat.fence_checked',
          coalesce(nullif(current_setting('hanbat.fence_checked', true), ''), ',') || t || ',', true);
      end $fence$;
      create function hanbat_tenant_fence() returns trigger language plpgsql as $fence$
      declare
        t text := case when tg_op = 'DELETE' then old.tenant_id else new.tenant_id end;
      begin
        -- Fast path (one expression, no query): this transaction passed the fence for t already.
        if t is not null and position(',' || t || ',' in
            coalesce(current_setting('hanbat.fence_checked', true), '')) = 0 then
          perform hanbat_tenant_fence_check(t);
        end if;
        if tg_op = 'DELETE' then
          return old;
        end if;
        return new;
      end $fence$;
      create function hanbat_tenant_fence_tenants() returns trigger language plpgsql as $fence$
      declare
        t text := case when tg_op = 'DELETE' then old.id else new.id end;
      begin
        -- Fast path (one expression, no query): this transaction passed the fence for t already.
        if t is not null and position(',' || t || ',' in
            coalesce(current_setting('hanbat.fence_checked', true), '')) = 0 then
          perform hanbat_tenant_fence_check(t);
        end if;
        if tg_op = 'DELETE' then
          return old;
        end if;
        return new;
      end $fence$;`,
  },
];
