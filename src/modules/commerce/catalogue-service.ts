import type { Clock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import { invalidInput } from '../../errors.js';
import { recordId } from '../../ids.js';
import { isBlank } from '../../visible-text.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { CommerceErrors } from './errors.js';
import { isPayableListing } from './pricing.js';
import { gramsOf, normaliseSearchText, queryOf } from './search-grams.js';
import type {
  Category,
  DeliveryTerms,
  NewProduct,
  Product,
  ProductImage,
  ProductOption,
  ProductPatch,
  ShopQuery,
} from './types.js';

export const PAGE_MAX = 100;
/** Newest listings a search reads in order before it asks the gram index (see `search`). */
const RECENT_WINDOW = 2_000;

interface ProductRow {
  id: string;
  merchant_id: string;
  channel: Product['channel'];
  name: string;
  description: string;
  price_won: number;
  options: ProductOption[];
  stock: number | null;
  available: boolean;
  category_id: string;
  district: string;
  dong: string;
  images: ProductImage[];
  hidden_reason: string | null;
  hidden_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const PRODUCT_COLUMNS = `id, merchant_id, channel, name, description, price_won, options, stock, available, category_id,
  district, dong, images, hidden_reason, hidden_at, created_at, updated_at`;

/** Listings (mall products, delivery menus), operator categories, moderation and delivery terms. */
export class CatalogueService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: { merchants: MerchantService; operatorActions: OperatorActionLog },
    /** Tests shrink it to make the gram-index step answer full pages too. */
    private readonly recentWindow = RECENT_WINDOW,
  ) {}

  async createCategory(tenantId: string, actorUserId: string, category: Category): Promise<Category> {
    if (isBlank(category.name) || isBlank(category.nameEn))
      throw invalidInput('a category needs a name a reader can see', '분류 이름을 입력하세요');
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query(
        `insert into commerce_categories (tenant_id, id, name, name_en, created_at) values ($1, $2, $3, $4, $5)
         on conflict do nothing returning id`,
        [tenantId, category.categoryId, category.name, category.nameEn, this.clock.now()],
      );
      if (inserted.length === 0) throw CommerceErrors.categoryExists();
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'commerce.category_created',
        subjectType: 'commerce_category',
        subjectId: category.categoryId,
        details: { ...category },
      });
      return category;
    });
  }

  async listCategories(tenantId: string): Promise<Category[]> {
    const rows = await this.db.query<{ id: string; name: string; name_en: string }>(
      `select id, name, name_en from commerce_categories where tenant_id = $1 order by id limit 500`,
      [tenantId],
    );
    return rows.map((row) => ({ categoryId: row.id, name: row.name, nameEn: row.name_en }));
  }

  async createProduct(tenantId: string, merchantId: string, input: NewProduct, tx?: Sql): Promise<Product> {
    const merchant = await this.deps.merchants.getById(tenantId, merchantId, tx);
    if (!merchant) throw new Error(`acting merchant ${merchantId} does not exist`);
    const sql = tx ?? this.db;
    assertName(input.name);
    assertPricing(input.priceWon, input.options ?? []);
    assertStock(input.channel, input.stock);
    await this.assertCategory(sql, tenantId, input.categoryId);
    const now = this.clock.now();
    const description = input.description ?? '';
    const [row] = await sql.query<ProductRow>(
      `insert into commerce_products (tenant_id, id, merchant_id, channel, name, description, price_won, options, stock,
         available, category_id, district, dong, search_text, search_grams, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
       returning ${PRODUCT_COLUMNS}`,
      [
        tenantId,
        recordId('prd'),
        merchantId,
        input.channel,
        input.name.trim(),
        description,
        input.priceWon,
        JSON.stringify(input.options ?? []),
        input.channel === 'mall' ? (input.stock ?? 0) : null,
        input.available ?? true,
        input.categoryId,
        merchant.district,
        merchant.dong,
        searchTextOf(input.name, description, merchant.name),
        gramsOf(searchTextOf(input.name, description, merchant.name)),
        now,
      ],
    );
    return toProduct(row as ProductRow);
  }

  async updateProduct(
    tenantId: string,
    merchantId: string,
    productId: string,
    patch: ProductPatch,
  ): Promise<Product> {
    return this.db.transaction(async (tx) => {
      const current = await this.lockOwnProduct(tx, tenantId, merchantId, productId);
      const next = { ...toProduct(current), ...definedOf(patch) };
      assertName(next.name);
      assertPricing(next.priceWon, next.options);
      if (patch.stock !== undefined) assertStock(current.channel, patch.stock);
      if (patch.categoryId !== undefined) await this.assertCategory(tx, tenantId, patch.categoryId);
      const merchant = await this.deps.merchants.getById(tenantId, merchantId, tx);
      const searchText = searchTextOf(next.name, next.description, merchant?.name ?? '');
      const [row] = await tx.query<ProductRow>(
        `update commerce_products set name = $3, description = $4, price_won = $5, options = $6, stock = $7,
           available = $8, category_id = $9, search_text = $10, search_grams = $11, updated_at = $12
         where tenant_id = $1 and id = $2 returning ${PRODUCT_COLUMNS}`,
        [
          tenantId,
          productId,
          next.name.trim(),
          next.description,
          next.priceWon,
          JSON.stringify(next.options),
          next.stock,
          next.available,
          next.categoryId,
          searchText,
          gramsOf(searchText),
          this.clock.now(),
        ],
      );
      return toProduct(row as ProductRow);
    });
  }

  async addImage(
    tenantId: string,
    merchantId: string,
    productId: string,
    image: ProductImage,
    imagesMax: number,
  ): Promise<Product> {
    return this.db.transaction(async (tx) => {
      const current = await this.lockOwnProduct(tx, tenantId, merchantId, productId);
      // The same photo uploaded again is the same file: attached once.
      if (current.images.some((existing) => existing.imageId === image.imageId)) return toProduct(current);
      if (current.images.length >= imagesMax) throw CommerceErrors.tooManyImages(imagesMax);
      const [row] = await tx.query<ProductRow>(
        `update commerce_products set images = images || $3::jsonb, updated_at = $4
         where tenant_id = $1 and id = $2 returning ${PRODUCT_COLUMNS}`,
        [tenantId, productId, JSON.stringify([image]), this.clock.now()],
      );
      return toProduct(row as ProductRow);
    });
  }

  /** Someone else's product answers exactly as a missing one, so ids reveal nothing. */
  private async lockOwnProduct(tx: Sql, tenantId: string, merchantId: string, productId: string) {
    const [row] = await tx.query<ProductRow>(
      `select ${PRODUCT_COLUMNS} from commerce_products where tenant_id = $1 and id = $2 for update`,
      [tenantId, productId],
    );
    if (!row || row.merchant_id !== merchantId) throw CommerceErrors.productNotFound();
    return row;
  }

  async listForMerchant(
    tenantId: string,
    merchantId: string,
    limit: number,
    after: { at: string; id: string } | null,
  ): Promise<Product[]> {
    const rows = await this.db.query<ProductRow>(
      `select ${PRODUCT_COLUMNS} from commerce_products
       where tenant_id = $1 and merchant_id = $2
         and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::text))
       order by created_at desc, id desc limit $5`,
      [tenantId, merchantId, after?.at ?? null, after?.id ?? '', Math.min(limit, PAGE_MAX)],
    );
    return rows.map(toProduct);
  }

  async getProduct(tenantId: string, productId: string, tx?: Sql): Promise<Product | undefined> {
    const [row] = await (tx ?? this.db).query<ProductRow>(
      `select ${PRODUCT_COLUMNS} from commerce_products where tenant_id = $1 and id = $2`,
      [tenantId, productId],
    );
    return row ? toProduct(row) : undefined;
  }

  /**
   * What citizens see: listed (not hidden) products, newest first, filtered and paged.
   *
   * Two steps with the same conditions and order. The planner multiplies the selectivity of the
   * gram condition and of the LIKE confirmation (they are the same fact) and of a term's several
   * grams (칼국 and 국수 always come together), so for a common term it expects a handful of rows
   * and picks the gram index: thousands of rows fetched and sorted to keep 20 (25 ms for 칼국수 over
   * 100,000 listings). So first the newest `recentWindow` listings after the cursor are read in
   * order and filtered; if they hold a full page, that page is exactly the answer (the rows are
   * read in the result's order). Only a rarer query falls through to the gram index, whose
   * candidate set is then small.
   */
  async search(tenantId: string, query: ShopQuery): Promise<Product[]> {
    const { terms, grams } = queryOf(query.q ?? '');
    const limit = Math.min(query.limit, PAGE_MAX);
    const params = [
      tenantId,
      grams,
      terms.map(likePattern),
      query.category ?? null,
      query.district ?? null,
      query.channel ?? null,
      query.priceMinWon ?? null,
      query.priceMaxWon ?? null,
      query.after?.at ?? null,
      query.after?.id ?? '',
      limit,
    ];
    // The gram condition only when there is one: behind an OR the planner could not use its index.
    const matches = `hidden_at is null
         ${grams.length > 0 ? 'and search_grams @> $2::text[]' : 'and cardinality($2::text[]) = 0'}
         and search_text like all ($3::text[])
         and ($4::text is null or category_id = $4) and ($5::text is null or district = $5)
         and ($6::text is null or channel = $6)
         and ($7::bigint is null or price_won >= $7) and ($8::bigint is null or price_won <= $8)`;
    const afterCursor = '($9::timestamptz is null or (created_at, id) < ($9::timestamptz, $10::text))';
    const recent = await this.db.query<ProductRow>(
      `with recent as materialized (
         select * from commerce_products where tenant_id = $1 and ${afterCursor}
         order by created_at desc, id desc limit $12)
       select ${PRODUCT_COLUMNS} from recent where ${matches}
       order by created_at desc, id desc limit $11`,
      [...params, this.recentWindow],
    );
    if (recent.length >= limit) return recent.map(toProduct);
    const rows = await this.db.query<ProductRow>(
      `select ${PRODUCT_COLUMNS} from commerce_products
       where tenant_id = $1 and ${matches} and ${afterCursor}
       order by created_at desc, id desc limit $11`,
      params,
    );
    return rows.map(toProduct);
  }

  async setHidden(
    tenantId: string,
    actorUserId: string,
    productId: string,
    reason: string | null,
  ): Promise<Product> {
    if (reason !== null && isBlank(reason)) throw blankReason();
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<ProductRow>(
        `update commerce_products set hidden_reason = $3, hidden_at = case when $3::text is null then null else $4::timestamptz end
         where tenant_id = $1 and id = $2 returning ${PRODUCT_COLUMNS}`,
        [tenantId, productId, reason, this.clock.now()],
      );
      if (!row) throw CommerceErrors.productNotFound();
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: reason === null ? 'commerce.listing_shown' : 'commerce.listing_hidden',
        subjectType: 'commerce_product',
        subjectId: productId,
        details: { reason },
      });
      return toProduct(row);
    });
  }

  async setDeliveryTerms(tenantId: string, merchantId: string, terms: DeliveryTerms): Promise<DeliveryTerms> {
    const opens = minuteOfDay(terms.opensAt);
    const closes = minuteOfDay(terms.closesAt);
    if (opens === null || closes === null || closes <= opens || opens > 1439)
      throw CommerceErrors.invalidHours();
    if (terms.areas.some(isBlank))
      throw invalidInput(
        'every delivery area needs a 동 name a reader can see',
        '배달 지역(동) 이름을 입력하세요',
      );
    await this.db.query(
      `insert into commerce_delivery_terms (tenant_id, merchant_id, areas, minimum_order_won, delivery_fee_won,
         opens_at_minute, closes_at_minute, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (tenant_id, merchant_id) do update set areas = excluded.areas,
         minimum_order_won = excluded.minimum_order_won, delivery_fee_won = excluded.delivery_fee_won,
         opens_at_minute = excluded.opens_at_minute, closes_at_minute = excluded.closes_at_minute,
         updated_at = excluded.updated_at`,
      [
        tenantId,
        merchantId,
        JSON.stringify([...new Set(terms.areas.map((area) => area.trim()))]),
        terms.minimumOrderWon,
        terms.deliveryFeeWon,
        opens,
        closes,
        this.clock.now(),
      ],
    );
    return (await this.deliveryTerms(tenantId, merchantId)) as DeliveryTerms;
  }

  async deliveryTerms(tenantId: string, merchantId: string, tx?: Sql): Promise<DeliveryTerms | undefined> {
    const [row] = await (tx ?? this.db).query<{
      areas: string[];
      minimum_order_won: number;
      delivery_fee_won: number;
      opens_at_minute: number;
      closes_at_minute: number;
    }>(`select * from commerce_delivery_terms where tenant_id = $1 and merchant_id = $2`, [
      tenantId,
      merchantId,
    ]);
    if (!row) return undefined;
    return {
      areas: row.areas,
      minimumOrderWon: row.minimum_order_won,
      deliveryFeeWon: row.delivery_fee_won,
      opensAt: hhmm(row.opens_at_minute),
      closesAt: hhmm(row.closes_at_minute),
    };
  }

  private async assertCategory(sql: Sql, tenantId: string, categoryId: string): Promise<void> {
    const [row] = await sql.query(`select 1 from commerce_categories where tenant_id = $1 and id = $2`, [
      tenantId,
      categoryId,
    ]);
    if (!row) throw CommerceErrors.categoryNotFound(categoryId);
  }
}

/** A LIKE pattern matching `term` anywhere, its own wildcards taken literally. */
function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function searchTextOf(name: string, description: string, merchantName: string): string {
  return normaliseSearchText(`${name} ${description} ${merchantName}`);
}

function assertName(name: string): void {
  if (isBlank(name)) throw invalidInput('a product needs a name a reader can see', '상품 이름을 입력하세요');
}

/** Refuses a listing whenever checkout would refuse some order of it, so nothing unbuyable is listed. */
function assertPricing(priceWon: number, options: readonly ProductOption[]): void {
  if (!isPayableListing(priceWon, options)) throw CommerceErrors.invalidPrice();
  const ids = new Set(options.map((option) => option.optionId));
  if (ids.size !== options.length) throw CommerceErrors.duplicateOption();
  if (options.some((option) => isBlank(option.name)))
    throw invalidInput('every option needs a name a reader can see', '옵션 이름을 입력하세요');
}

/** A reason shown to the merchant or the customer must show something. */
export function blankReason() {
  return invalidInput('give a reason a reader can see', '사유를 입력하세요');
}

function assertStock(channel: Product['channel'], stock: number | undefined): void {
  if (stock === undefined) return;
  if (channel !== 'mall' || !Number.isSafeInteger(stock) || stock < 0) throw CommerceErrors.invalidStock();
}

function definedOf<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function minuteOfDay(text: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) return null;
  const minute = Number(match[1]) * 60 + Number(match[2]);
  return minute <= 1440 ? minute : null;
}

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

export function toProduct(row: ProductRow): Product {
  return {
    productId: row.id,
    merchantId: row.merchant_id,
    channel: row.channel,
    name: row.name,
    description: row.description,
    priceWon: row.price_won,
    options: row.options,
    stock: row.stock,
    available: row.available,
    categoryId: row.category_id,
    district: row.district,
    dong: row.dong,
    images: row.images,
    hidden: row.hidden_at ? { reason: row.hidden_reason ?? '', at: row.hidden_at.toISOString() } : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
