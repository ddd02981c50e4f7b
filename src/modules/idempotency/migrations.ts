import type { Migration } from '../../db/migrate.js';

export const idempotencyMigrations: Migration[] = [
  {
    version: 280,
    name: 'idempotency keys',
    sql: `
      create table idempotency_keys (
        tenant_id text not null references tenants (id),
        principal_id text not null,
        key text not null,
        request_hash text not null,
        status_code integer not null,
        response jsonb not null,
        created_at timestamptz not null,
        primary key (tenant_id, principal_id, key)
      );`,
  },
  {
    version: 281,
    name: 'idempotency_keys without the tenant foreign key',
    // Every insert took a key-share lock on the one tenants row, from every payment batch at once.
    // The tenant is proven by the authenticated principal of that tenant.
    sql: 'alter table idempotency_keys drop constraint idempotency_keys_tenant_id_fkey;',
  },
  {
    version: 282,
    name: 'idempotency_keys.response as the JSON text it was answered with',
    // The response is only ever read back whole, to answer a replay. Parsing it into jsonb cost
    // PostgreSQL ~15 µs of CPU a row more than storing the text (a payment's receipt, ~800 bytes;
    // docs/engine.md, "Session 18"), on the payment batch's path; and the text keeps the answer's
    // own key order, which jsonb rewrote.
    sql: 'alter table idempotency_keys alter column response type text using response::text;',
  },
  {
    version: 283,
    name: 'idempotency_keys: keys claimed by modules that keep their own answers',
    // A charge, a refund, a partner's deposit and the fund's bank flows answer from their own rows
    // (their bank call outlives the transaction), so they store no response here. They claim their
    // key instead: a row with the module's name and no response, which every other route finds and
    // refuses (IDEMPOTENCY_KEY_REUSED), so that one key names one request on every route.
    sql: `
      alter table idempotency_keys add column claimed_by text;
      alter table idempotency_keys alter column status_code drop not null;
      alter table idempotency_keys alter column response drop not null;
      alter table idempotency_keys add constraint idempotency_keys_answer_or_claim
        check ((claimed_by is null) = (status_code is not null and response is not null));
    `,
  },
  {
    version: 761,
    name: 'idempotency_keys: a claim may keep the final answer of its request',
    // A claimant whose answer is final only after its bank call (a loan approval) keeps that answer
    // with its claim, so that a retry, or a same-key request that raced it, answers exactly the same.
    // Other routes still refuse a claimed key (claimed_by is set), answered or not.
    sql: `
      alter table idempotency_keys drop constraint idempotency_keys_answer_or_claim;
      alter table idempotency_keys add constraint idempotency_keys_answer_or_claim
        check ((status_code is null) = (response is null) and (claimed_by is not null or status_code is not null));
    `,
  },
];
