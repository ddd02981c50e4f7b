import type { Migration } from '../../db/migrate.js';
import { PUBLIC_FUNDING_MAX_DEFAULT_WON, PUBLIC_FUNDING_MAX_RULE_ID } from './presets/daejeon.js';

/**
 * Rules and cashback policy versions are effective-dated history: rows are only ever added (an
 * operator schedules a change, never rewrites what applied), so triggers refuse UPDATE and DELETE.
 * One start instant per key (or per policy) keeps "the latest effectiveFrom wins" unambiguous.
 */
export const policyMigrations: Migration[] = [
  {
    version: 600,
    name: 'policy rules and cashback policies',
    sql: `
      create table policy_rules (
        tenant_id text not null references tenants (id),
        id text not null,
        key text not null,
        value bigint not null check (value >= 0),
        effective_from timestamptz not null,
        effective_to timestamptz,
        created_by text not null,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        unique (tenant_id, key, effective_from),
        check (effective_to is null or effective_to > effective_from)
      );
      create trigger policy_rules_append_only before update or delete on policy_rules
        for each row execute function ledger_refuse_change();

      create table cashback_policies (
        tenant_id text not null references tenants (id),
        id text not null,
        name text not null,
        effective_from timestamptz not null,
        effective_to timestamptz,
        rules jsonb not null,
        created_by text not null,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        unique (tenant_id, effective_from),
        check (effective_to is null or effective_to > effective_from)
      );
      create trigger cashback_policies_append_only before update or delete on cashback_policies
        for each row execute function ledger_refuse_change();`,
  },
  {
    version: 2100,
    name: 'public funding per request bounded by a rule value, for tenants seeded before it existed',
    sql: `
      insert into policy_rules (tenant_id, id, key, value, effective_from, effective_to, created_by, created_at)
      select t.id, '${PUBLIC_FUNDING_MAX_RULE_ID}', 'public_funding_per_request_max_won',
             ${PUBLIC_FUNDING_MAX_DEFAULT_WON}, timestamptz '2020-05-01 00:00:00+09', null, 'system:migration', now()
        from tenants t
       where exists (select 1 from policy_rules r where r.tenant_id = t.id)
      on conflict do nothing;`,
  },
];
