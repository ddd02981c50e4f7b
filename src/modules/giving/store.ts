import type { Sql } from '../../db/database.js';
import type { Campaign, Charity, Donation, MonthlyGift } from './types.js';

/** The giving module's rows and their mapping; only this module reads these tables. */

interface CharityRow {
  id: string;
  name: string;
  registration_number: string;
  bank_account: Charity['bankAccount'];
  description: string;
  logo_url: string | null;
  created_at: Date;
}

interface CampaignRow {
  id: string;
  charity_id: string;
  title: string;
  goal_won: number;
  starts_at: Date;
  ends_at: Date;
}

interface DonationRow {
  id: string;
  member_id: string;
  charity_id: string;
  campaign_id: string | null;
  amount_won: number;
  source: Donation['source'];
  monthly_gift_id: string | null;
  gift_month: string | null;
  created_at: Date;
}

interface GiftRow {
  id: string;
  member_id: string;
  charity_id: string;
  campaign_id: string | null;
  amount_won: number;
  source: MonthlyGift['source'];
  monthly_day: number;
  first_month: string;
  status: MonthlyGift['status'];
  last_failure_month: string | null;
  last_failure_code: string | null;
  failed_attempts: number;
  created_at: Date;
  stopped_at: Date | null;
}

export function toCharity(row: CharityRow): Charity {
  return {
    id: row.id,
    name: row.name,
    registrationNumber: row.registration_number,
    bankAccount: row.bank_account,
    description: row.description,
    logoUrl: row.logo_url,
    createdAt: row.created_at,
  };
}

export function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    charityId: row.charity_id,
    title: row.title,
    goalWon: row.goal_won,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
  };
}

export function toDonation(row: DonationRow): Donation {
  return {
    id: row.id,
    memberId: row.member_id,
    charityId: row.charity_id,
    campaignId: row.campaign_id,
    amountWon: row.amount_won,
    source: row.source,
    monthlyGiftId: row.monthly_gift_id,
    giftMonth: row.gift_month,
    createdAt: row.created_at,
  };
}

export function toGift(row: GiftRow): MonthlyGift {
  return {
    id: row.id,
    memberId: row.member_id,
    charityId: row.charity_id,
    campaignId: row.campaign_id,
    amountWon: row.amount_won,
    source: row.source,
    monthlyDay: row.monthly_day,
    firstMonth: row.first_month,
    status: row.status,
    lastFailureMonth: row.last_failure_month,
    lastFailureCode: row.last_failure_code,
    failedAttempts: row.failed_attempts,
    createdAt: row.created_at,
    stoppedAt: row.stopped_at,
  };
}

export async function selectCharity(sql: Sql, tenantId: string, charityId: string) {
  const [row] = await sql.query<CharityRow>('select * from charities where tenant_id = $1 and id = $2', [
    tenantId,
    charityId,
  ]);
  return row ? toCharity(row) : undefined;
}

export async function selectCharities(sql: Sql, tenantId: string, limit: number) {
  const rows = await sql.query<CharityRow>(
    'select * from charities where tenant_id = $1 order by created_at, id limit $2',
    [tenantId, limit],
  );
  return rows.map(toCharity);
}

export async function selectCampaign(sql: Sql, tenantId: string, campaignId: string) {
  const [row] = await sql.query<CampaignRow>(
    'select * from charity_campaigns where tenant_id = $1 and id = $2',
    [tenantId, campaignId],
  );
  return row ? toCampaign(row) : undefined;
}

export async function selectCampaigns(sql: Sql, tenantId: string) {
  const rows = await sql.query<CampaignRow>(
    'select * from charity_campaigns where tenant_id = $1 order by starts_at, id',
    [tenantId],
  );
  return rows.map(toCampaign);
}

export async function insertDonation(sql: Sql, tenantId: string, donation: Donation): Promise<void> {
  await sql.query(
    `insert into donations (tenant_id, id, member_id, charity_id, campaign_id, amount_won, source,
       monthly_gift_id, gift_month, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      tenantId,
      donation.id,
      donation.memberId,
      donation.charityId,
      donation.campaignId,
      donation.amountWon,
      donation.source,
      donation.monthlyGiftId,
      donation.giftMonth,
      donation.createdAt,
    ],
  );
}

export async function selectMemberDonations(sql: Sql, tenantId: string, memberId: string, limit: number) {
  const rows = await sql.query<DonationRow>(
    `select * from donations where tenant_id = $1 and member_id = $2 order by created_at desc, id limit $3`,
    [tenantId, memberId, limit],
  );
  return rows.map(toDonation);
}

export async function insertGift(sql: Sql, tenantId: string, gift: MonthlyGift): Promise<void> {
  await sql.query(
    `insert into monthly_gifts (tenant_id, id, member_id, charity_id, campaign_id, amount_won, source,
       monthly_day, first_month, status, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10)`,
    [
      tenantId,
      gift.id,
      gift.memberId,
      gift.charityId,
      gift.campaignId,
      gift.amountWon,
      gift.source,
      gift.monthlyDay,
      gift.firstMonth,
      gift.createdAt,
    ],
  );
}

export async function selectGift(sql: Sql, tenantId: string, giftId: string, forUpdate = false) {
  const [row] = await sql.query<GiftRow>(
    `select * from monthly_gifts where tenant_id = $1 and id = $2 ${forUpdate ? 'for update' : ''}`,
    [tenantId, giftId],
  );
  return row ? toGift(row) : undefined;
}

export async function selectMemberGifts(sql: Sql, tenantId: string, memberId: string, limit: number) {
  const rows = await sql.query<GiftRow>(
    `select * from monthly_gifts where tenant_id = $1 and member_id = $2 order by created_at desc, id limit $3`,
    [tenantId, memberId, limit],
  );
  return rows.map(toGift);
}

/**
 * Active gifts that started by `month`, are due by `dueThroughDay` (a day of the month; 31 on its last
 * day), have no donation for it and were not tried since `retryBefore`.
 * The due day is part of the query: a page of gifts not due yet would otherwise hold back every due
 * gift whose id sorts after them until those fell due.
 */
export async function selectGiftsToTry(
  sql: Sql,
  tenantId: string,
  month: string,
  dueThroughDay: number,
  retryBefore: Date,
  limit: number,
) {
  const rows = await sql.query<GiftRow>(
    `select g.* from monthly_gifts g
     where g.tenant_id = $1 and g.status = 'active' and g.first_month <= $2 and g.monthly_day <= $5
       and (g.last_attempt_at is null or g.last_attempt_at < $3)
       and not exists (select 1 from donations d
                       where d.tenant_id = g.tenant_id and d.monthly_gift_id = g.id and d.gift_month = $2)
     order by g.id limit $4`,
    [tenantId, month, retryBefore, limit, dueThroughDay],
  );
  return rows.map(toGift);
}

export async function markGiftAttempt(
  sql: Sql,
  tenantId: string,
  giftId: string,
  at: Date,
  failure: { month: string; code: string } | null,
): Promise<void> {
  await sql.query(
    `update monthly_gifts set last_attempt_at = $3,
       failed_attempts = case when $4::text is null then 0
                              when last_failure_month = $4 then failed_attempts + 1 else 1 end,
       last_failure_month = coalesce($4, last_failure_month),
       last_failure_code = case when $4::text is null then last_failure_code else $5 end
     where tenant_id = $1 and id = $2`,
    [tenantId, giftId, at, failure?.month ?? null, failure?.code ?? null],
  );
}

export async function totalsByCharity(sql: Sql, tenantId: string) {
  return sql.query<{ charity_id: string; campaign_id: string | null; donated_won: number; count: number }>(
    `select charity_id, campaign_id, coalesce(sum(amount_won), 0)::bigint as donated_won, count(*)::bigint as count
     from donations where tenant_id = $1 group by charity_id, campaign_id`,
    [tenantId],
  );
}

export async function paidOutByCharity(sql: Sql, tenantId: string) {
  return sql.query<{ charity_id: string; paid_won: number }>(
    `select charity_id, coalesce(sum(amount_won), 0)::bigint as paid_won from charity_payouts
     where tenant_id = $1 and status = 'paid' group by charity_id`,
    [tenantId],
  );
}

/** How many donations a member made in the period and their sum, however many a record lists. */
export async function sumMemberDonationsBetween(
  sql: Sql,
  tenantId: string,
  memberId: string,
  period: { from: Date; to: Date },
): Promise<{ count: number; totalWon: number }> {
  const [row] = await sql.query<{ count: number; total_won: number }>(
    `select count(*)::int as count, coalesce(sum(amount_won), 0)::bigint as total_won from donations
     where tenant_id = $1 and member_id = $2 and created_at >= $3 and created_at < $4`,
    [tenantId, memberId, period.from, period.to],
  );
  return { count: Number(row?.count ?? 0), totalWon: Number(row?.total_won ?? 0) };
}

export async function selectMemberDonationsBetween(
  sql: Sql,
  tenantId: string,
  memberId: string,
  period: { from: Date; to: Date },
  limit: number,
) {
  const rows = await sql.query<DonationRow>(
    `select * from donations where tenant_id = $1 and member_id = $2 and created_at >= $3 and created_at < $4
     order by created_at, id limit $5`,
    [tenantId, memberId, period.from, period.to, limit],
  );
  return rows.map(toDonation);
}
