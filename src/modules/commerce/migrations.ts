import type { Migration } from '../../db/migrate.js';

/** Local commerce: categories, listings (mall products and delivery menus), delivery terms, orders. */
export const commerceMigrations: Migration[] = [
  {
    version: 1600,
    name: 'commerce: categories, products, delivery terms, orders',
    sql: `
      create table commerce_categories (
        tenant_id text not null,
        id text not null,
        name text not null,
        name_en text not null,
        created_at timestamptz not null,
        primary key (tenant_id, id)
      );

      create table commerce_products (
        tenant_id text not null,
        id text not null,
        merchant_id text not null,
        channel text not null check (channel in ('mall', 'delivery')),
        name text not null,
        description text not null,
        price_won bigint not null check (price_won > 0),
        options jsonb not null,
        stock integer check (stock >= 0),
        available boolean not null,
        category_id text not null,
        district text not null,
        dong text not null,
        images jsonb not null default '[]',
        hidden_reason text,
        hidden_at timestamptz,
        search_text text not null,
        search_grams text[] not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        primary key (tenant_id, id),
        check ((channel = 'mall') = (stock is not null))
      );
      create index commerce_products_merchant on commerce_products (tenant_id, merchant_id, created_at desc, id desc);
      create index commerce_products_browse on commerce_products (tenant_id, created_at desc, id desc);
      create index commerce_products_grams on commerce_products using gin (search_grams);

      create table commerce_delivery_terms (
        tenant_id text not null,
        merchant_id text not null,
        areas jsonb not null,
        minimum_order_won bigint not null check (minimum_order_won >= 0),
        delivery_fee_won bigint not null check (delivery_fee_won >= 0),
        opens_at_minute integer not null check (opens_at_minute between 0 and 1439),
        closes_at_minute integer not null check (closes_at_minute between 1 and 1440),
        updated_at timestamptz not null,
        primary key (tenant_id, merchant_id)
      );

      create table commerce_orders (
        tenant_id text not null,
        id text not null,
        checkout_id text not null,
        member_id text not null,
        merchant_id text not null,
        channel text not null check (channel in ('mall', 'delivery')),
        status text not null,
        items jsonb not null,
        subtotal_won bigint not null check (subtotal_won > 0),
        delivery_fee_won bigint not null check (delivery_fee_won >= 0),
        total_won bigint not null check (total_won > 0),
        held_won bigint not null check (held_won >= 0),
        paid_from jsonb not null,
        cashback_won bigint not null default 0,
        cashback_draws jsonb not null default '[]',
        delivery_dong text,
        tracking_number text,
        reason text,
        hold_expires_at timestamptz not null,
        captured_at timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        primary key (tenant_id, id)
      );
      create index commerce_orders_member on commerce_orders (tenant_id, member_id, created_at desc, id desc);
      create index commerce_orders_merchant on commerce_orders (tenant_id, merchant_id, status, created_at desc, id desc);
      create index commerce_orders_due on commerce_orders (hold_expires_at) where status = 'placed';
    `,
  },
  {
    version: 1602,
    name: 'commerce: the cashback policy quote an order earned at capture, for its return',
    sql: `
      alter table commerce_orders add column eligible_won bigint not null default 0 check (eligible_won >= 0);
      alter table commerce_orders add column usage_month text;
    `,
  },
  {
    version: 1604,
    name: "commerce: settlement's daily read of a merchant's captures and returns by time, not all its orders",
    sql: `
      create index commerce_orders_captured on commerce_orders (tenant_id, merchant_id, captured_at)
        where captured_at is not null;
      create index commerce_orders_returned on commerce_orders (tenant_id, merchant_id, updated_at)
        where status = 'returned';
    `,
  },
  {
    version: 1605,
    name: "commerce: the part of an order's eligible spending the budget paid no cashback on",
    sql: `alter table commerce_orders add column unearned_eligible_won bigint not null default 0
            check (unearned_eligible_won >= 0);`,
  },
  {
    version: 1606,
    name: "commerce: the cashback a shop is shown of a captured order, without the customer's own extras",
    // Null on orders captured before: they are shown as they always were.
    sql: 'alter table commerce_orders add column shop_cashback_won bigint check (shop_cashback_won >= 0);',
  },
];
