import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { invalidInput } from '../../errors.js';
import { recordId } from '../../ids.js';
import { localDate, monthKey, startOfLocalMonth } from '../../time.js';
import { isBlank } from '../../visible-text.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { BankGateway } from '../bank/bank-gateway.js';
import type { FreezeService } from '../fraud/freeze-service.js';
import type { KeyClaims } from '../idempotency/idempotency.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { Account, Posting } from '../ledger/types.js';
import { type MemberService, memberAccountIds } from '../members/member-service.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { ReferenceService } from '../reference/reference-service.js';
import type { Job } from '../scheduler/scheduler.js';
import type { TenantService } from '../tenants/tenant-service.js';
import type { WalletService } from '../wallets/wallet-service.js';
import { CharityPayouts } from './charity-payouts.js';
import { donationRecordPdf } from './donation-record-pdf.js';
import { GivingErrors } from './errors.js';
import { DONATION_TRANSFER_PREFIX, recordDonationLine } from './history-lines.js';
import { NeighbourhoodGiving } from './neighbourhood.js';
import { PartnerAgreements } from './partners.js';
import {
  insertDonation,
  insertGift,
  markGiftAttempt,
  paidOutByCharity,
  selectCampaign,
  selectCampaigns,
  selectCharities,
  selectCharity,
  selectGift,
  selectGiftsToTry,
  selectMemberDonations,
  selectMemberDonationsBetween,
  selectMemberGifts,
  sumMemberDonationsBetween,
  totalsByCharity,
} from './store.js';
import {
  type Campaign,
  type Charity,
  type CharityTotals,
  charityAccountId,
  type Donation,
  type DonationRequest,
  type MonthlyGift,
  type NewCampaign,
  type NewCharity,
} from './types.js';

const CHARITIES_MAX = 500;
const MEMBER_PAGE_MAX = 200;

/** A monthly gift and some one-off donations a year fit easily; more rows would need a second page design. */
const RECORD_ROWS_MAX = 400;
const GIFTS_PER_RUN_MAX = 100;

/** A monthly gift that failed (not enough money) is tried again after this long, until its month ends. */
const GIFT_RETRY_AFTER_MS = 60 * 60_000;
const TEXT_MAX = 2000;

/** What a donor's history line names: the charity and the campaign, as they were when given. */
interface DonationTarget {
  charityName: string;
  campaignTitle: string | null;
}

/** The day of `monthlyDay` in a month of `daysInMonth` days: a gift on the 31st falls on the last day. */
export function dueDayOf(monthlyDay: number, year: number, month: number): number {
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return Math.min(monthlyDay, daysInMonth);
}

function nextMonthKey(year: number, month: number): string {
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

/**
 * 온정나눔: charities and their campaigns, members' donations (once or monthly) from their cash,
 * cashback or a grant whose programme allows it. A donation is one ledger transfer from the member's
 * account to the charity's; the money waits there until `CharityPayouts` pays it to the charity's bank.
 * A donation is not a payment: it earns no cashback and does not count as spending.
 */
export class GivingService {
  readonly payouts: CharityPayouts;
  readonly neighbourhood: NeighbourhoodGiving;
  readonly partners: PartnerAgreements;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: {
      ledger: LedgerService;
      freezes: FreezeService;
      reference: ReferenceService;
      tenants: TenantService;
      members: MemberService;
      policy: PolicyService;
      wallets: WalletService;
      bank: BankGateway;
      operatorActions: OperatorActionLog;
      keys: KeyClaims;
    },
  ) {
    this.payouts = new CharityPayouts(db, clock, deps);
    this.neighbourhood = new NeighbourhoodGiving(db, clock, deps);
    this.partners = new PartnerAgreements(db, clock, deps);
  }

  async registerCharity(
    tenantId: string,
    actorUserId: string,
    input: NewCharity,
    tx?: Sql,
  ): Promise<Charity> {
    checkCharity(input);
    const work = async (sql: Sql) => {
      // One number however it is written: 305-82-00001 and 3058200001 are the same body.
      const [taken] = await sql.query(
        `select 1 from charities
         where tenant_id = $1 and regexp_replace(registration_number, '[^0-9]', '', 'g') = $2`,
        [tenantId, digitsOf(input.registrationNumber)],
      );
      if (taken) throw GivingErrors.registrationTaken(input.registrationNumber);
      const id = recordId('chr');
      await sql.query(
        `insert into charities (tenant_id, id, name, registration_number, bank_account, description, logo_url, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          tenantId,
          id,
          input.name.trim(),
          input.registrationNumber,
          JSON.stringify(input.bankAccount),
          input.description,
          input.logoUrl ?? null,
          actorUserId,
          this.clock.now(),
        ],
      );
      await this.deps.ledger.createAccounts(
        tenantId,
        [{ id: charityAccountId(id), kind: 'charity_donations', currencyCode: 'KRW', ownerId: id }],
        sql,
      );
      await this.deps.operatorActions.record(sql, {
        tenantId,
        actorUserId,
        action: 'charity.register',
        subjectType: 'charity',
        subjectId: id,
        details: { name: input.name, registrationNumber: input.registrationNumber },
      });
      return (await selectCharity(sql, tenantId, id)) as Charity;
    };
    return tx ? work(tx) : transactionWithRetry(this.db, work);
  }

  async addCampaign(
    tenantId: string,
    actorUserId: string,
    charityId: string,
    input: NewCampaign,
    tx?: Sql,
  ): Promise<Campaign> {
    if (isBlank(input.title) || input.title.length > 200)
      throw invalidInput('title must be 1-200 characters', '캠페인 이름은 1~200자여야 합니다');
    if (!(input.endsAt.getTime() > input.startsAt.getTime()))
      throw invalidInput('endsAt must be after startsAt', '종료일은 시작일보다 뒤여야 합니다');
    const work = async (sql: Sql) => {
      if (!(await selectCharity(sql, tenantId, charityId))) throw GivingErrors.charityNotFound(charityId);
      const id = recordId('cmp');
      await sql.query(
        `insert into charity_campaigns (tenant_id, id, charity_id, title, goal_won, starts_at, ends_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          tenantId,
          id,
          charityId,
          input.title.trim(),
          input.goalWon,
          input.startsAt,
          input.endsAt,
          this.clock.now(),
        ],
      );
      await this.deps.operatorActions.record(sql, {
        tenantId,
        actorUserId,
        action: 'charity.campaign.create',
        subjectType: 'charity_campaign',
        subjectId: id,
        details: { charityId, title: input.title, goalWon: input.goalWon },
      });
      return (await selectCampaign(sql, tenantId, id)) as Campaign;
    };
    return tx ? work(tx) : transactionWithRetry(this.db, work);
  }

  /** Public: every charity with what it received, what was paid out, and its campaigns' progress. */
  async charitiesWithTotals(tenantId: string): Promise<CharityTotals[]> {
    const [charities, campaigns, totals, paid] = await Promise.all([
      selectCharities(this.db, tenantId, CHARITIES_MAX),
      selectCampaigns(this.db, tenantId),
      totalsByCharity(this.db, tenantId),
      paidOutByCharity(this.db, tenantId),
    ]);
    return charities.map((charity) => {
      const own = totals.filter((row) => row.charity_id === charity.id);
      return {
        ...charity,
        donatedWon: own.reduce((sum, row) => sum + row.donated_won, 0),
        donationCount: own.reduce((sum, row) => sum + row.count, 0),
        paidOutWon: paid.find((row) => row.charity_id === charity.id)?.paid_won ?? 0,
        campaigns: campaigns
          .filter((campaign) => campaign.charityId === charity.id)
          .map((campaign) => ({
            ...campaign,
            raisedWon: own.find((row) => row.campaign_id === campaign.id)?.donated_won ?? 0,
          })),
      };
    });
  }

  /**
   * A one-off donation now, or a monthly gift whose first donation falls on its next due day. Runs in
   * the caller's transaction (the idempotent request's), so a replay finds the stored answer.
   */
  async donate(
    tx: Sql,
    tenantId: string,
    memberId: string,
    request: DonationRequest,
  ): Promise<{ donation: Donation | null; monthlyGift: MonthlyGift | null }> {
    // Money a fraud freeze keeps in the wallet cannot leave it as a gift either.
    await this.deps.freezes.assertNotFrozen(tenantId, { memberId }, tx);
    const target = await this.checkTarget(tx, tenantId, request);
    const now = this.clock.now();
    if (request.monthlyDay !== undefined) {
      const gift = await this.startMonthlyGift(tx, tenantId, memberId, request, now);
      return { donation: null, monthlyGift: gift };
    }
    const donation: Donation = {
      id: recordId('don'),
      memberId,
      charityId: request.charityId,
      campaignId: request.campaignId ?? null,
      amountWon: request.amountWon,
      source: request.source,
      monthlyGiftId: null,
      giftMonth: null,
      createdAt: now,
    };
    await this.moveDonation(tx, tenantId, donation, `${DONATION_TRANSFER_PREFIX}${donation.id}`, target);
    // 동행협약: partners' matching pledges on the campaign add their share in the same transaction.
    await this.partners.matchDonation(tx, tenantId, donation);
    return { donation, monthlyGift: null };
  }

  /** The charity and the open campaign the request names, by the names the donor's history shows. */
  private async checkTarget(tx: Sql, tenantId: string, request: DonationRequest): Promise<DonationTarget> {
    if (!Number.isSafeInteger(request.amountWon) || request.amountWon <= 0)
      throw invalidInput(
        'amountWon must be a positive whole number of won',
        '기부 금액은 1원 이상이어야 합니다',
      );
    const charity = await selectCharity(tx, tenantId, request.charityId);
    if (!charity) throw GivingErrors.charityNotFound(request.charityId);
    if (request.campaignId === undefined) return { charityName: charity.name, campaignTitle: null };
    const campaign = await selectCampaign(tx, tenantId, request.campaignId);
    if (!campaign || campaign.charityId !== request.charityId)
      throw GivingErrors.campaignNotFound(request.campaignId);
    const now = this.clock.now().getTime();
    if (now < campaign.startsAt.getTime() || now >= campaign.endsAt.getTime())
      throw GivingErrors.campaignClosed(campaign.id);
    return { charityName: charity.name, campaignTitle: campaign.title };
  }

  private async startMonthlyGift(
    tx: Sql,
    tenantId: string,
    memberId: string,
    request: DonationRequest,
    now: Date,
  ): Promise<MonthlyGift> {
    const monthlyDay = request.monthlyDay as number;
    if (!Number.isInteger(monthlyDay) || monthlyDay < 1 || monthlyDay > 31)
      throw invalidInput('monthlyDay must be 1-31', '정기 기부일은 1~31일이어야 합니다');
    // A standing gift from grants that allow no giving would only fail every month: refused now, as a one-off is.
    if (request.source === 'grant') {
      const owned = await this.deps.ledger.accountsOwnedBy(tenantId, memberId, tx);
      if (!owned.some((account) => grantAllowsDonation(account, now))) throw GivingErrors.grantNotAllowed();
    }
    const today = localDate(now, await this.deps.tenants.timeZoneOf(tenantId, tx));
    const dueThisMonth = today.day <= dueDayOf(monthlyDay, today.year, today.month);
    const gift: MonthlyGift = {
      id: recordId('mgf'),
      memberId,
      charityId: request.charityId,
      campaignId: request.campaignId ?? null,
      amountWon: request.amountWon,
      source: request.source,
      monthlyDay,
      firstMonth: dueThisMonth
        ? `${today.year}-${String(today.month).padStart(2, '0')}`
        : nextMonthKey(today.year, today.month),
      status: 'active',
      lastFailureMonth: null,
      lastFailureCode: null,
      failedAttempts: 0,
      createdAt: now,
      stoppedAt: null,
    };
    await insertGift(tx, tenantId, gift);
    return gift;
  }

  /**
   * The ledger transfer, the donation row and the donor's history line (`donation`), in one
   * transaction; refused with nothing written.
   */
  private async moveDonation(
    tx: Sql,
    tenantId: string,
    donation: Donation,
    transferId: string,
    target: DonationTarget,
  ) {
    const debits = await this.debitsFor(tx, tenantId, donation);
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
      {
        id: transferId,
        action: 'transfer',
        code: 'donation',
        postings: [
          ...debits,
          { accountId: charityAccountId(donation.charityId), amountWon: donation.amountWon },
        ],
        metadata: { donationId: donation.id, source: donation.source },
      },
    ]);
    if (!result?.ok) {
      if (result?.code === 'INSUFFICIENT_FUNDS') throw GivingErrors.insufficientFunds(donation.source);
      throw new Error(`ledger refused donation ${donation.id}: ${result?.ok === false ? result.code : ''}`);
    }
    await insertDonation(tx, tenantId, donation);
    // The donor's history line, in the same transaction: every movement of a member is a line.
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId, tx);
    await recordDonationLine(tx, {
      tenantId,
      donation,
      transferId,
      month: monthKey(donation.createdAt, timeZone),
      debits,
      ...target,
    });
  }

  /** The member's postings: one account for cash or cashback; grants in expiry order, only those allowing it. */
  private async debitsFor(tx: Sql, tenantId: string, donation: Donation): Promise<Posting[]> {
    const ids = memberAccountIds(donation.memberId);
    if (donation.source === 'cash') return [{ accountId: ids.cash, amountWon: -donation.amountWon }];
    if (donation.source === 'cashback') return [{ accountId: ids.cashback, amountWon: -donation.amountWon }];
    const owned = await this.deps.ledger.lockAccountsOwnedBy(tx, tenantId, [donation.memberId]);
    const grants = owned.filter((account) => grantAllowsDonation(account, donation.createdAt));
    if (grants.length === 0) throw GivingErrors.grantNotAllowed();
    return takeFromGrants(grants, donation.amountWon);
  }

  async stopMonthlyGift(tenantId: string, memberId: string, giftId: string): Promise<MonthlyGift> {
    return transactionWithRetry(this.db, async (tx) => {
      const gift = await selectGift(tx, tenantId, giftId, true);
      if (!gift || gift.memberId !== memberId) throw GivingErrors.giftNotFound(giftId);
      if (gift.status === 'stopped') return gift;
      await tx.query(
        `update monthly_gifts set status = 'stopped', stopped_at = $3 where tenant_id = $1 and id = $2`,
        [tenantId, giftId, this.clock.now()],
      );
      return (await selectGift(tx, tenantId, giftId)) as MonthlyGift;
    });
  }

  async memberGiving(tenantId: string, memberId: string) {
    const [donations, monthlyGifts] = await Promise.all([
      selectMemberDonations(this.db, tenantId, memberId, MEMBER_PAGE_MAX),
      selectMemberGifts(this.db, tenantId, memberId, MEMBER_PAGE_MAX),
    ]);
    return { donations, monthlyGifts };
  }

  /** The member's donations of a local calendar year as a PDF record. */
  async donationRecordPdf(tenantId: string, memberId: string, year: number): Promise<Buffer> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw invalidInput('year must be 2000-2100', '연도는 2000~2100 사이여야 합니다');
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
    const period = {
      from: startOfLocalMonth(year, 1, timeZone),
      to: startOfLocalMonth(year + 1, 1, timeZone),
    };
    const [member, donations, charities, yearTotal] = await Promise.all([
      this.deps.members.getMember(tenantId, memberId),
      selectMemberDonationsBetween(this.db, tenantId, memberId, period, RECORD_ROWS_MAX),
      selectCharities(this.db, tenantId, CHARITIES_MAX),
      sumMemberDonationsBetween(this.db, tenantId, memberId, period),
    ]);
    return donationRecordPdf({
      memberName: member?.name ?? '',
      year,
      donations,
      yearTotal,
      charities: new Map(charities.map((charity) => [charity.id, charity])),
      issuedAt: this.clock.now(),
      timeZone,
    });
  }

  /**
   * Gives each due monthly gift for the current month at most once: the donation row is unique per
   * gift and month and the ledger transfer id is `donation:<gift>:<month>`. A refusal (not enough
   * money) is recorded on the gift and tried again after GIFT_RETRY_AFTER_MS until the month ends;
   * a month that ends unpaid stays reported as the gift's last failure.
   */
  async runMonthlyGifts(tenantId: string, now: Date) {
    const today = localDate(now, await this.deps.tenants.timeZoneOf(tenantId));
    const month = monthKey(now, await this.deps.tenants.timeZoneOf(tenantId));
    // On the month's last day every gift is due, the 29th–31st of a shorter month included.
    const lastDay = dueDayOf(31, today.year, today.month);
    const candidates = await selectGiftsToTry(
      this.db,
      tenantId,
      month,
      today.day >= lastDay ? 31 : today.day,
      new Date(now.getTime() - GIFT_RETRY_AFTER_MS),
      GIFTS_PER_RUN_MAX,
    );
    const due = candidates.filter((gift) => today.day >= dueDayOf(gift.monthlyDay, today.year, today.month));
    const failures: Array<{ giftId: string; code: string }> = [];
    for (const gift of due) {
      const failure = await this.giveMonth(tenantId, gift, month, now);
      if (failure) failures.push({ giftId: gift.id, code: failure });
    }
    return {
      processed: due.length,
      more: candidates.length === GIFTS_PER_RUN_MAX,
      details: { month, given: due.length - failures.length, failures },
    };
  }

  /** The gift's campaign while it runs; once it has ended (or before it starts) the month goes to the charity. */
  private async openCampaignOf(tx: Sql, tenantId: string, gift: MonthlyGift, now: Date) {
    if (gift.campaignId === null) return null;
    const campaign = await selectCampaign(tx, tenantId, gift.campaignId);
    if (!campaign || now < campaign.startsAt || now >= campaign.endsAt) return null;
    return campaign;
  }

  private async giveMonth(tenantId: string, gift: MonthlyGift, month: string, now: Date) {
    const donation: Donation = {
      id: `don_${gift.id}_${month}`,
      memberId: gift.memberId,
      charityId: gift.charityId,
      campaignId: null,
      amountWon: gift.amountWon,
      source: gift.source,
      monthlyGiftId: gift.id,
      giftMonth: month,
      createdAt: now,
    };
    try {
      await transactionWithRetry(this.db, async (tx) => {
        const locked = await selectGift(tx, tenantId, gift.id, true);
        if (locked?.status !== 'active') return;
        const [given] = await tx.query(
          'select 1 from donations where tenant_id = $1 and monthly_gift_id = $2 and gift_month = $3',
          [tenantId, gift.id, month],
        );
        if (given) return;
        // A frozen donor's month is recorded as failed (ACCOUNT_FROZEN) and tried again, as a short wallet is.
        await this.deps.freezes.assertNotFrozen(tenantId, { memberId: gift.memberId }, tx);
        const charity = await selectCharity(tx, tenantId, gift.charityId);
        const campaign = await this.openCampaignOf(tx, tenantId, gift, now);
        donation.campaignId = campaign?.id ?? null;
        const target = { charityName: charity?.name ?? '', campaignTitle: campaign?.title ?? null };
        await this.moveDonation(
          tx,
          tenantId,
          donation,
          `${DONATION_TRANSFER_PREFIX}${gift.id}:${month}`,
          target,
        );
        // A month given to a campaign counts for it and is matched by its partners, as a one-off gift is.
        if (campaign) await this.partners.matchDonation(tx, tenantId, donation);
        await markGiftAttempt(tx, tenantId, gift.id, now, null);
      });
      return null;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !('httpStatus' in (error as object))) throw error;
      await markGiftAttempt(this.db, tenantId, gift.id, now, { month, code });
      return code;
    }
  }

  jobs(): Job[] {
    return [
      {
        name: 'giving.monthly_gifts',
        everyMs: 15 * 60_000,
        run: ({ tenantId, now }) => this.runMonthlyGifts(tenantId, now),
      },
      ...this.payouts.jobs(),
      ...this.neighbourhood.jobs(),
      ...this.partners.jobs(),
    ];
  }
}

function grantAllowsDonation(account: Account, at: Date): boolean {
  if (account.kind !== 'member_grant' || account.availableWon <= 0) return false;
  const { donationAllowed, usableFrom, expiresAt } = account.metadata as Record<string, unknown>;
  if (donationAllowed !== true) return false;
  if (typeof usableFrom === 'string' && new Date(usableFrom).getTime() > at.getTime()) return false;
  return !(typeof expiresAt === 'string' && new Date(expiresAt).getTime() <= at.getTime());
}

/** Soonest-expiring grant first; more than all of them hold is refused as insufficient funds. */
function takeFromGrants(grants: Account[], amountWon: number): Posting[] {
  const expiry = (account: Account) => String(account.metadata.expiresAt ?? '');
  const ordered = [...grants].sort((a, b) => expiry(a).localeCompare(expiry(b)) || a.id.localeCompare(b.id));
  const postings: Posting[] = [];
  let restWon = amountWon;
  for (const grant of ordered) {
    if (restWon === 0) break;
    const takeWon = Math.min(restWon, grant.availableWon);
    postings.push({ accountId: grant.id, amountWon: -takeWon });
    restWon -= takeWon;
  }
  if (restWon > 0) throw GivingErrors.insufficientFunds('grant');
  return postings;
}

function checkCharity(input: NewCharity): void {
  if (isBlank(input.name) || input.name.length > 200)
    throw invalidInput('name must be 1-200 characters', '기부처 이름은 1~200자여야 합니다');
  if (!/^[0-9-]{5,20}$/.test(input.registrationNumber) || digitsOf(input.registrationNumber).length < 5)
    throw invalidInput(
      'registrationNumber must be 5-20 digits or dashes, at least 5 of them digits',
      '고유번호는 숫자와 - 5~20자(숫자 5자 이상)여야 합니다',
    );
  if (
    !/^[A-Za-z0-9_-]{2,20}$/.test(input.bankAccount.bankCode) ||
    !/^[0-9-]{4,40}$/.test(input.bankAccount.accountNumber) ||
    digitsOf(input.bankAccount.accountNumber).length < 4
  )
    throw invalidInput(
      'bankAccount needs a bank code and an account number',
      '입금 은행과 계좌번호를 확인해 주세요',
    );
  if (input.description.length > TEXT_MAX)
    throw invalidInput('description is at most 2000 characters', '소개는 2000자 이하여야 합니다');
}

function digitsOf(text: string): string {
  return text.replace(/[^0-9]/g, '');
}
