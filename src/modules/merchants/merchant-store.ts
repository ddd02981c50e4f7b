import { randomInt } from 'node:crypto';
import type { Sql } from '../../db/database.js';
import { tenantKeyRows } from '../../db/tenant-keys.js';
import type { NormalizedApplication } from './application.js';
import type { EligibilityReason, Merchant, MerchantApplication, MerchantStatus } from './types.js';

/** SQL of the merchants table. Rows come back in camelCase; derived fields are added in one place. */

const MERCHANT_COLUMNS = `tenant_id as "tenantId", id, name, business_number as "businessNumber", status,
  merchant_code as "merchantCode", owner_user_id as "ownerUserId", industry_code as "industryCode",
  district, dong, market_id as "marketId", is_bookstore as "isBookstore",
  annual_revenue_won as "annualRevenueWon", demo, created_at as "createdAt"`;
const APPLICATION_COLUMNS = `${MERCHANT_COLUMNS}, franchise, settlement_bank as "settlementAccount", reasons,
  reviewed_by as "reviewedBy", reviewed_at as "reviewedAt", review_note as "reviewNote"`;

type MerchantRow = Omit<Merchant, 'isTraditionalMarket' | 'receivableAccountId'>;
type ApplicationRow = Omit<MerchantApplication, 'isTraditionalMarket' | 'receivableAccountId'>;

/** Merchant codes are the prefix and six digits: short enough to read out at a till. */
const MERCHANT_CODE_DIGITS = 6;
const MERCHANT_CODE_CANDIDATES = 8;

export function receivableAccountIdOf(merchantId: string): string {
  return `${merchantId}:receivable`;
}

function withDerived<Row extends MerchantRow>(
  row: Row,
): Row & Pick<Merchant, 'isTraditionalMarket' | 'receivableAccountId'> {
  return {
    ...row,
    isTraditionalMarket: row.marketId !== null,
    receivableAccountId: receivableAccountIdOf(row.id),
  };
}

export async function selectMerchant(
  sql: Sql,
  tenantId: string,
  by: { id: string } | { merchantCode: string },
): Promise<Merchant | undefined> {
  const [column, value] = 'id' in by ? ['id', by.id] : ['merchant_code', by.merchantCode];
  const [row] = await sql.query<MerchantRow>(
    `select ${MERCHANT_COLUMNS} from merchants where tenant_id = $1 and ${column} = $2`,
    [tenantId, value],
  );
  return row && withDerived(row);
}

/** Merchants by code, for a payment batch: one statement for the whole batch. */
export async function selectMerchantsByCode(
  sql: Sql,
  tenantId: string,
  codes: readonly string[],
): Promise<Map<string, Merchant>> {
  const rows = await sql.query<MerchantRow>(
    `select ${MERCHANT_COLUMNS} from merchants where tenant_id = $1 and merchant_code = any($2::text[])`,
    [tenantId, [...new Set(codes)]],
  );
  return new Map(rows.map((row) => [row.merchantCode as string, withDerived(row)]));
}

/** Merchants by (tenant, code) pair, for a payment batch of several tenants: one statement, by tenant then code. */
export async function selectMerchantsByTenantCode(
  sql: Sql,
  pairs: ReadonlyArray<{ tenantId: string; merchantCode: string }>,
): Promise<Map<string, Map<string, Merchant>>> {
  // tenantKeyRows probes each (tenant, code) pair once, however often the batch names it.
  const merchants = tenantKeyRows(
    'merchants',
    'merchant_code',
    pairs.map((pair) => ({ tenantId: pair.tenantId, id: pair.merchantCode })),
    'm',
  );
  const rows = await sql.query<MerchantRow>(
    `select ${MERCHANT_COLUMNS} from ${merchants.sql}`,
    merchants.params,
  );
  const byTenant = new Map<string, Map<string, Merchant>>();
  for (const row of rows) {
    let codes = byTenant.get(row.tenantId);
    if (!codes) {
      codes = new Map();
      byTenant.set(row.tenantId, codes);
    }
    codes.set(row.merchantCode as string, withDerived(row));
  }
  return byTenant;
}

/** Merchants by id, for showing names beside a page of ids or grouping a report's totals; one statement. */
export async function selectMerchantsById(
  sql: Sql,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, Merchant>> {
  const rows = await sql.query<MerchantRow>(
    `select ${MERCHANT_COLUMNS} from merchants where tenant_id = $1 and id = any($2::text[])`,
    [tenantId, [...new Set(ids)]],
  );
  return new Map(rows.map((row) => [row.id, withDerived(row)]));
}

export async function selectApplication(
  sql: Sql,
  tenantId: string,
  merchantId: string,
  lock: 'for update' | '' = '',
): Promise<MerchantApplication | undefined> {
  const [row] = await sql.query<ApplicationRow>(
    `select ${APPLICATION_COLUMNS} from merchants where tenant_id = $1 and id = $2 ${lock}`,
    [tenantId, merchantId],
  );
  return row && withDerived(row);
}

export async function hasLiveBusinessNumber(
  sql: Sql,
  tenantId: string,
  businessNumber: string,
): Promise<boolean> {
  const rows = await sql.query(
    `select 1 from merchants
     where tenant_id = $1 and business_number = $2 and status in ('pending', 'approved')`,
    [tenantId, businessNumber],
  );
  return rows.length > 0;
}

export interface NewApplication extends NormalizedApplication {
  tenantId: string;
  id: string;
  ownerUserId: string;
  isBookstore: boolean;
  status: Extract<MerchantStatus, 'pending' | 'refused'>;
  reasons: EligibilityReason[];
  createdAt: Date;
}

/** False when a concurrent application for the same business number won the race. */
export async function insertApplication(sql: Sql, application: NewApplication): Promise<boolean> {
  const rows = await sql.query(
    `insert into merchants (tenant_id, id, business_number, name, owner_user_id, industry_code, district, dong,
       market_id, is_bookstore, annual_revenue_won, franchise, settlement_bank, status, reasons, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     on conflict (tenant_id, business_number) where status in ('pending', 'approved') do nothing
     returning id`,
    [
      application.tenantId,
      application.id,
      application.businessNumber,
      application.name,
      application.ownerUserId,
      application.industryCode,
      application.district,
      application.dong,
      application.marketId,
      application.isBookstore,
      application.annualRevenueWon,
      JSON.stringify(application.franchise),
      application.settlementAccount === null ? null : JSON.stringify(application.settlementAccount),
      application.status,
      JSON.stringify(application.reasons),
      application.createdAt,
    ],
  );
  return rows.length === 1;
}

export interface Review {
  tenantId: string;
  merchantId: string;
  status: Extract<MerchantStatus, 'approved' | 'rejected'>;
  merchantCode: string | null;
  reviewerUserId: string;
  reviewedAt: Date;
  note: string | null;
}

export async function recordReview(sql: Sql, review: Review): Promise<void> {
  await sql.query(
    `update merchants set status = $3, merchant_code = $4, reviewed_by = $5, reviewed_at = $6, review_note = $7
     where tenant_id = $1 and id = $2 and status = 'pending'`,
    [
      review.tenantId,
      review.merchantId,
      review.status,
      review.merchantCode,
      review.reviewerUserId,
      review.reviewedAt,
      review.note,
    ],
  );
}

/**
 * Random codes rather than a counter, so one code says nothing about how many merchants there are.
 * Several candidates are tried at once; a race on the same free code is a unique-key conflict the
 * caller's transaction retries.
 */
export async function pickFreeMerchantCode(sql: Sql, tenantId: string, prefix: string): Promise<string> {
  const candidates = Array.from(
    { length: MERCHANT_CODE_CANDIDATES },
    () => `${prefix}${String(randomInt(0, 10 ** MERCHANT_CODE_DIGITS)).padStart(MERCHANT_CODE_DIGITS, '0')}`,
  );
  const [free] = await sql.query<{ code: string }>(
    `select c.code from json_array_elements_text($2::json) as c(code)
     where not exists (select 1 from merchants m where m.tenant_id = $1 and m.merchant_code = c.code)
     limit 1`,
    [tenantId, JSON.stringify(candidates)],
  );
  if (!free) throw new Error(`no free merchant code among ${MERCHANT_CODE_CANDIDATES} tries in ${tenantId}`);
  return free.code;
}

export async function selectOwnerApplications(
  sql: Sql,
  tenantId: string,
  ownerUserId: string,
  limit: number,
): Promise<MerchantApplication[]> {
  const rows = await sql.query<ApplicationRow>(
    `select ${APPLICATION_COLUMNS} from merchants where tenant_id = $1 and owner_user_id = $2
     order by created_at desc, id desc limit $3`,
    [tenantId, ownerUserId, limit],
  );
  return rows.map(withDerived);
}

export async function selectOwnedApprovedIds(
  sql: Sql,
  tenantId: string,
  ownerUserId: string,
): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `select id from merchants where tenant_id = $1 and owner_user_id = $2 and status = 'approved'
     order by created_at, id`,
    [tenantId, ownerUserId],
  );
  return rows.map((row) => row.id);
}

export interface ReviewQueueQuery {
  status?: MerchantStatus;
  after?: { createdAt: string; id: string };
  limit: number;
}

/** Oldest first, so the review queue is worked in arrival order. */
export async function selectReviewPage(
  sql: Sql,
  tenantId: string,
  query: ReviewQueueQuery,
): Promise<MerchantApplication[]> {
  const rows = await sql.query<ApplicationRow>(
    `select ${APPLICATION_COLUMNS} from merchants
     where tenant_id = $1 and ($2::text is null or status = $2)
       and ($3::timestamptz is null or (created_at, id) > ($3::timestamptz, $4::text))
     order by created_at, id limit $5`,
    [tenantId, query.status ?? null, query.after?.createdAt ?? null, query.after?.id ?? null, query.limit],
  );
  return rows.map(withDerived);
}

export interface DirectoryQuery {
  district?: string;
  industryCode?: string;
  marketId?: string;
  /** Part of the name, matched case-insensitively. */
  q?: string;
  after?: { name: string; id: string };
  limit: number;
  /** False on the public directory of a real server: it never lists a made-up shop. Default true. */
  includeDemo?: boolean;
}

/** Approved merchants by name; the search text is matched literally (no LIKE wildcards). */
export async function selectDirectoryPage(
  sql: Sql,
  tenantId: string,
  query: DirectoryQuery,
): Promise<Merchant[]> {
  const pattern = query.q === undefined ? null : `%${query.q.replace(/[\\%_]/g, '\\$&')}%`;
  const rows = await sql.query<MerchantRow>(
    `select ${MERCHANT_COLUMNS} from merchants
     where tenant_id = $1 and status = 'approved'
       and ($2::text is null or district = $2)
       and ($3::text is null or industry_code = $3)
       and ($4::text is null or market_id = $4)
       and ($5::text is null or name ilike $5)
       and ($6::text is null or (name, id) > ($6::text, $7::text))
       and ($9::boolean or not demo)
     order by name, id limit $8`,
    [
      tenantId,
      query.district ?? null,
      query.industryCode ?? null,
      query.marketId ?? null,
      pattern,
      query.after?.name ?? null,
      query.after?.id ?? null,
      query.limit,
      query.includeDemo ?? true,
    ],
  );
  return rows.map(withDerived);
}

export async function selectCodePrefix(sql: Sql, tenantId: string): Promise<string> {
  const [row] = await sql.query<{ prefix: string }>(
    'select merchant_code_prefix as prefix from merchant_settings where tenant_id = $1',
    [tenantId],
  );
  if (!row) throw new Error(`tenant ${tenantId} has no merchant settings: seed its merchant preset first`);
  return row.prefix;
}

export async function upsertCodePrefix(sql: Sql, tenantId: string, prefix: string): Promise<void> {
  await sql.query(
    `insert into merchant_settings (tenant_id, merchant_code_prefix) values ($1, $2)
     on conflict (tenant_id) do update set merchant_code_prefix = excluded.merchant_code_prefix`,
    [tenantId, prefix],
  );
}

/** Flags a merchant the demo data made up; idempotent. */
export async function markDemoMerchant(sql: Sql, tenantId: string, merchantId: string): Promise<void> {
  await sql.query('update merchants set demo = true where tenant_id = $1 and id = $2 and not demo', [
    tenantId,
    merchantId,
  ]);
}
