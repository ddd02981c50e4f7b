import type { Migration } from '../../db/migrate.js';

export const memberMigrations: Migration[] = [
  {
    version: 300,
    name: 'members, operator roles, sessions',
    sql: `
      create table users (
        tenant_id text not null references tenants (id),
        id text not null,
        phone text not null,
        password_hash text not null,
        name text not null,
        birth_date date not null,
        district text not null,
        dong text not null,
        is_welfare_recipient boolean not null default false,
        bank_account jsonb,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        unique (tenant_id, phone)
      );
      create table operator_roles (
        tenant_id text not null,
        user_id text not null,
        role text not null check (role in ('policy_admin', 'merchant_reviewer', 'auditor')),
        granted_at timestamptz not null,
        primary key (tenant_id, user_id, role),
        foreign key (tenant_id, user_id) references users (tenant_id, id)
      );
      create table sessions (
        token_hash text primary key,
        tenant_id text not null,
        id text not null,
        user_id text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        revoked_at timestamptz,
        foreign key (tenant_id, user_id) references users (tenant_id, id)
      );
      create index sessions_by_user on sessions (tenant_id, user_id);`,
  },
  {
    version: 2000,
    name: 'account origin and disabling, sign-in failures',
    sql: `
      -- Who made an account: 'signup', 'demo' (the preset's published people) or 'bootstrap:<role>' (from the
      -- environment). Before this, only the operator bootstrap granted operator roles.
      alter table users add column origin text not null default 'signup';
      alter table users add column disabled_at timestamptz;
      update users set origin = 'bootstrap:operator'
        where exists (select 1 from operator_roles r where r.tenant_id = users.tenant_id and r.user_id = users.id);
      -- Failed sign-ins per normalised phone ('phone:01012345678') and per client address ('address:1.2.3.4').
      create table sign_in_failures (
        tenant_id text not null,
        subject text not null,
        failure_count integer not null,
        last_failed_at timestamptz not null,
        locked_until timestamptz,
        primary key (tenant_id, subject)
      );`,
  },
  {
    version: 2200,
    name: 'payment PINs (결제 비밀번호): hashed, with failed attempts and a lockout',
    sql: `
      create table member_payment_pins (
        tenant_id text not null,
        member_id text not null,
        pin_hash text not null,
        failed_attempts integer not null default 0 check (failed_attempts >= 0),
        locked_until timestamptz,
        updated_at timestamptz not null,
        primary key (tenant_id, member_id),
        foreign key (tenant_id, member_id) references users (tenant_id, id)
      );`,
  },
  {
    version: 1550,
    name: 'per-tenant salt for hashing sign-in client addresses (fraud: one address behind many members)',
    sql: `
      -- Only the salt is kept here: a successful sign-in's address leaves the members module as an
      -- HMAC under this salt (member.signed_in), never raw, and is not stored in members' tables.
      create table member_address_salts (
        tenant_id text primary key,
        salt text not null
      );`,
  },
];
