import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { DomainError, invalidInput } from '../../errors.js';
import { recordId } from '../../ids.js';
import { monthKey } from '../../time.js';
import { wonEn } from '../../won-text.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { BankAccountRef, BankGateway, BankOutcome } from '../bank/bank-gateway.js';
import { idempotencyKeyReused, type KeyClaims } from '../idempotency/idempotency.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { TransferRequest, TransferResult } from '../ledger/types.js';
import type { MemberService } from '../members/member-service.js';
import { normalizeBusinessNumber } from '../merchants/business-number.js';
import { countDataRows, parseCsv } from '../programs/csv.js';
import { checkRows, readRow, recipientColumns } from '../programs/recipient-rows.js';
import type { RowError } from '../programs/types.js';
import type { ReferenceService } from '../reference/reference-service.js';
import type { Job } from '../scheduler/scheduler.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { SYSTEM_ACCOUNTS } from '../wallets/wallet-service.js';
import {
  type PartnerGiftMovement,
  partnerGiftExpiryTransferId,
  partnerGiftTransferId,
  recordPartnerGiftLines,
} from './history-lines.js';
import { selectCampaign } from './store.js';
import { charityAccountId, type Donation } from './types.js';

const PARTNERS_MAX = 500;
const ROWS_PER_STATEMENT_MAX = 200;
/** Pledges on one campaign a donation is matched against; more partners on one campaign is not expected. */
const PLEDGES_PER_CAMPAIGN_MAX = 20;
/** A company's employee list; larger lists belong in a programme. */
export const GIFT_ROWS_MAX = 5_000;
const GIFT_ERRORS_LISTED_MAX = 100;
const GIFTS_RECLAIMED_PER_RUN_MAX = 20;
const BP_PER_WHOLE = 10_000;

export interface Partner {
  id: string;
  name: string;
  businessNumber: string;
  contact: string;
  createdAt: Date;
}

export interface NewPartner {
  name: string;
  businessNumber: string;
  contact: string;
}

export interface PartnerDeposit {
  id: string;
  partnerId: string;
  amountWon: number;
  status: 'pending' | 'succeeded' | 'failed';
  failureCode: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface Pledge {
  id: string;
  partnerId: string;
  campaignId: string;
  rateBp: number;
  capWon: number;
  matchedWon: number;
  createdAt: Date;
}

export interface PartnerGift {
  id: string;
  partnerId: string;
  recipientCount: number;
  amountWon: number;
  usableFrom: Date;
  expiresAt: Date;
  allowedIndustries: string[];
  /**
   * What went back from the gift's grants into the deposit: the expiry job's leftovers, money a
   * cancellation refunded after the gift closed, and what a fraud claw-back took (gift-returns.ts).
   */
  reclaimedWon: number;
  reclaimedAt: Date | null;
  createdAt: Date;
}

export interface GiftRules {
  usableFrom?: Date;
  expiresAt: Date;
  allowedIndustries?: string[];
}

export interface PartnerStatement extends Partner {
  /** Sum of the pledges' caps: what the partner promised to match at most. */
  pledgedWon: number;
  /** Received from the company's bank account. */
  depositedWon: number;
  /** Matched plus gifted: what left the deposit. */
  paidWon: number;
  matchedWon: number;
  giftedWon: number;
  /** Gift money taken back into the deposit: unspent after expiry, refunded after it, or clawed back. */
  reclaimedWon: number;
  /** What the deposit holds now (ledger). */
  depositBalanceWon: number;
}

export interface PartnerDetail extends PartnerStatement {
  pledges: Pledge[];
  deposits: PartnerDeposit[];
  gifts: PartnerGift[];
}

/** The ledger account holding a partner's deposit until it is matched or gifted. */
export function partnerDepositAccountId(partnerId: string): string {
  return `${partnerId}:deposit`;
}

/** A gift's grant for one employee, owned by the member, with the gift's rules in its metadata. */
export function partnerGrantAccountId(memberId: string, giftId: string): string {
  return `${memberId}:grant:${giftId}`;
}

export const PartnerErrors = {
  notFound: (partnerId: string) =>
    new DomainError({
      code: 'PARTNER_NOT_FOUND',
      httpStatus: 404,
      message: `partner ${partnerId} does not exist`,
      messageKo: '협약 기업을 찾을 수 없습니다',
      details: { partnerId },
    }),
  businessNumberTaken: () =>
    new DomainError({
      code: 'PARTNER_ALREADY_REGISTERED',
      httpStatus: 409,
      message: 'a partner with this business number is already registered',
      messageKo: '이미 등록된 사업자등록번호입니다',
    }),
  insufficientDeposit: (availableWon: number, neededWon: number) =>
    new DomainError({
      code: 'INSUFFICIENT_DEPOSIT',
      httpStatus: 409,
      message: `the partner's deposit holds ${wonEn(availableWon)}; ${wonEn(neededWon)} is needed`,
      messageKo: `협약 기업 예치금이 부족합니다 (잔액 ${availableWon}원, 필요 ${neededWon}원)`,
      details: { availableWon, neededWon },
    }),
  giftFileInvalid: (errors: RowError[], errorRowCount: number) =>
    new DomainError({
      code: 'GIFT_FILE_INVALID',
      httpStatus: 422,
      message: `${errorRowCount} rows of the gift file are invalid; nothing was given`,
      messageKo: `선물 파일의 ${errorRowCount}개 행이 올바르지 않아 아무것도 지급하지 않았습니다`,
      details: { errorRowCount, errors: errors.slice(0, GIFT_ERRORS_LISTED_MAX) },
    }),
  pledgeAlreadyActive: (active: Pledge) =>
    new DomainError({
      code: 'PLEDGE_ALREADY_ACTIVE',
      httpStatus: 409,
      message: `the partner already has pledge ${active.id} on this campaign with ${wonEn(active.capWon - active.matchedWon)} of its cap left to match; a second would match every donation again`,
      messageKo: `이 캠페인에 아직 매칭 한도가 남은 약정이 있습니다 (남은 한도 ${active.capWon - active.matchedWon}원)`,
      details: {
        pledgeId: active.id,
        campaignId: active.campaignId,
        rateBp: active.rateBp,
        capWon: active.capWon,
        matchedWon: active.matchedWon,
      },
    }),
  bankDeclined: (code: string) =>
    new DomainError({
      code: 'DEPOSIT_DECLINED',
      httpStatus: 422,
      message: `the bank declined the deposit: ${code}`,
      messageKo: '은행이 예치금 이체를 거절했습니다',
      details: { bankCode: code },
    }),
};

interface PartnerRow {
  id: string;
  name: string;
  business_number: string;
  contact: string;
  created_at: Date;
}

const partnerOf = (row: PartnerRow): Partner => ({
  id: row.id,
  name: row.name,
  businessNumber: row.business_number,
  contact: row.contact,
  createdAt: new Date(row.created_at),
});

/**
 * 동행협약 partners: companies that deposit money from their bank account into their own ledger
 * account (`<partner>:deposit`), then spend it two ways: matching members' donations to a campaign at
 * a rate up to a cap (moved deposit → charity in the donation's transaction), and gifts to employees
 * from a CSV list (deposit → one grant account per employee, with the gift's window and industries).
 * The ledger refuses any draw beyond the deposit; the pledge row lock keeps matches within the cap.
 */
export class PartnerAgreements {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: {
      ledger: LedgerService;
      members: MemberService;
      /** The city's time zone: the month of a member's history line. */
      tenants: TenantService;
      bank: BankGateway;
      operatorActions: OperatorActionLog;
      /** The city's industries, which a gift's allowed industries must name. */
      reference: ReferenceService;
      /** A deposit answers from its own row, and claims its key in the shared key space. */
      keys: KeyClaims;
    },
  ) {}

  async register(tenantId: string, actorUserId: string, input: NewPartner): Promise<Partner> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200)
      throw invalidInput('name must be 1-200 characters', '기업 이름은 1~200자여야 합니다');
    const contact = input.contact.trim();
    if (contact.length === 0 || contact.length > 200)
      throw invalidInput('contact must be 1-200 characters', '담당자 연락처는 1~200자여야 합니다');
    const businessNumber = normalizeBusinessNumber(input.businessNumber);
    return transactionWithRetry(this.db, async (tx) => {
      const [taken] = await tx.query('select 1 from partners where tenant_id = $1 and business_number = $2', [
        tenantId,
        businessNumber,
      ]);
      if (taken) throw PartnerErrors.businessNumberTaken();
      const id = recordId('ptn');
      const now = this.clock.now();
      await tx.query(
        `insert into partners (tenant_id, id, name, business_number, contact, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [tenantId, id, name, businessNumber, contact, actorUserId, now],
      );
      await this.deps.ledger.createAccounts(
        tenantId,
        [{ id: partnerDepositAccountId(id), kind: 'partner_deposit', currencyCode: 'KRW', ownerId: id }],
        tx,
      );
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'partner.register',
        subjectType: 'partner',
        subjectId: id,
        details: { name, businessNumber },
      });
      return { id, name, businessNumber, contact, createdAt: now };
    });
  }

  private async partner(sql: Sql, tenantId: string, partnerId: string, lock = false): Promise<Partner> {
    const [row] = await sql.query<PartnerRow>(
      `select id, name, business_number, contact, created_at from partners where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`,
      [tenantId, partnerId],
    );
    if (!row) throw PartnerErrors.notFound(partnerId);
    return partnerOf(row);
  }

  /** Every partner with its totals, oldest first. */
  async list(tenantId: string): Promise<PartnerStatement[]> {
    const rows = await this.db.query<PartnerRow>(
      `select id, name, business_number, contact, created_at from partners where tenant_id = $1
       order by created_at, id limit $2`,
      [tenantId, PARTNERS_MAX],
    );
    return Promise.all(rows.map((row) => this.totalsOf(tenantId, partnerOf(row))));
  }

  async statement(tenantId: string, partnerId: string): Promise<PartnerDetail> {
    const partner = await this.partner(this.db, tenantId, partnerId);
    const [totals, pledges, deposits, gifts] = await Promise.all([
      this.totalsOf(tenantId, partner),
      this.db.query<Record<string, unknown>>(
        `select * from partner_pledges where tenant_id = $1 and partner_id = $2 order by created_at desc limit $3`,
        [tenantId, partnerId, ROWS_PER_STATEMENT_MAX],
      ),
      this.db.query<Record<string, unknown>>(
        `select * from partner_deposits where tenant_id = $1 and partner_id = $2 order by created_at desc limit $3`,
        [tenantId, partnerId, ROWS_PER_STATEMENT_MAX],
      ),
      this.db.query<Record<string, unknown>>(
        `select * from partner_gifts where tenant_id = $1 and partner_id = $2 order by created_at desc limit $3`,
        [tenantId, partnerId, ROWS_PER_STATEMENT_MAX],
      ),
    ]);
    return {
      ...totals,
      pledges: pledges.map(pledgeOf),
      deposits: deposits.map(depositOf),
      gifts: gifts.map(giftOf),
    };
  }

  private async totalsOf(tenantId: string, partner: Partner): Promise<PartnerStatement> {
    const [sums] = await this.db.query<{
      pledged_won: number;
      matched_won: number;
      deposited_won: number;
      gifted_won: number;
      reclaimed_won: number;
    }>(
      `select
         (select coalesce(sum(cap_won), 0)::bigint from partner_pledges where tenant_id = $1 and partner_id = $2) as pledged_won,
         (select coalesce(sum(matched_won), 0)::bigint from partner_pledges where tenant_id = $1 and partner_id = $2) as matched_won,
         (select coalesce(sum(amount_won), 0)::bigint from partner_deposits where tenant_id = $1 and partner_id = $2 and status = 'succeeded') as deposited_won,
         (select coalesce(sum(amount_won), 0)::bigint from partner_gifts where tenant_id = $1 and partner_id = $2) as gifted_won,
         (select coalesce(sum(reclaimed_won), 0)::bigint from partner_gifts where tenant_id = $1 and partner_id = $2) as reclaimed_won`,
      [tenantId, partner.id],
    );
    const account = await this.deps.ledger.getAccount(tenantId, partnerDepositAccountId(partner.id));
    const matchedWon = Number(sums?.matched_won ?? 0);
    const giftedWon = Number(sums?.gifted_won ?? 0);
    const reclaimedWon = Number(sums?.reclaimed_won ?? 0);
    return {
      ...partner,
      pledgedWon: Number(sums?.pledged_won ?? 0),
      depositedWon: Number(sums?.deposited_won ?? 0),
      matchedWon,
      giftedWon,
      reclaimedWon,
      paidWon: matchedWon + giftedWon - reclaimedWon,
      depositBalanceWon: account?.postedWon ?? 0,
    };
  }

  /**
   * Money from the company's bank account into its deposit, as a member's charge: the deposit row is
   * written first (its id derives from the Idempotency-Key), the bank is asked with that id, and the
   * answer is applied once. A retry with the same key asks the bank again under the same id, which
   * the bank applies at most once, so an unknown answer is settled by retrying.
   */
  async deposit(
    tenantId: string,
    actorUserId: string,
    partnerId: string,
    input: { amountWon: number; bankAccount: BankAccountRef },
    idempotencyKey: string,
  ): Promise<PartnerDeposit> {
    if (!Number.isSafeInteger(input.amountWon) || input.amountWon <= 0)
      throw invalidInput(
        'amountWon must be a positive whole number of won',
        '예치 금액은 1원 이상이어야 합니다',
      );
    const depositId = `pdp_${createHash('sha256').update(`${tenantId}|${partnerId}|${idempotencyKey}`).digest('hex').slice(0, 24)}`;
    const started = await transactionWithRetry(this.db, async (tx) => {
      await this.deps.keys.claim(tx, {
        tenantId,
        principalId: actorUserId,
        key: idempotencyKey,
        claimant: 'partner_deposit',
        // The account the money is drawn from is part of the request: the same key for another is refused.
        request: {
          partnerId,
          amountWon: input.amountWon,
          bankAccount: {
            bankCode: input.bankAccount.bankCode,
            accountNumber: input.bankAccount.accountNumber,
          },
        },
      });
      await this.partner(tx, tenantId, partnerId);
      const [existing] = await tx.query<Record<string, unknown>>(
        'select * from partner_deposits where tenant_id = $1 and id = $2 for update',
        [tenantId, depositId],
      );
      if (existing) {
        if (Number(existing.amount_won) !== input.amountWon) throw idempotencyKeyReused();
        return depositOf(existing);
      }
      await tx.query(
        `insert into partner_deposits (tenant_id, id, partner_id, amount_won, bank_account, status, created_at)
         values ($1, $2, $3, $4, $5, 'pending', $6)`,
        [
          tenantId,
          depositId,
          partnerId,
          input.amountWon,
          JSON.stringify(input.bankAccount),
          this.clock.now(),
        ],
      );
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'partner.deposit',
        subjectType: 'partner',
        subjectId: partnerId,
        details: { depositId, amountWon: input.amountWon },
      });
      return null;
    });
    if (started && started.status !== 'pending') return started;
    const outcome = await this.deps.bank.withdraw({
      idempotencyKey: `${tenantId}:${depositId}`,
      account: input.bankAccount,
      amountWon: input.amountWon,
      memo: `Hanbat partner deposit ${depositId}`,
      tenantId,
    });
    return this.completeDeposit(tenantId, depositId, outcome);
  }

  private async completeDeposit(tenantId: string, depositId: string, outcome: BankOutcome) {
    return transactionWithRetry(this.db, async (tx) => {
      const [row] = await tx.query<Record<string, unknown>>(
        'select * from partner_deposits where tenant_id = $1 and id = $2 for update',
        [tenantId, depositId],
      );
      if (!row) throw new Error(`partner deposit ${depositId} does not exist`);
      const deposit = depositOf(row);
      if (deposit.status !== 'pending' || outcome.status === 'unknown') return deposit;
      if (outcome.status === 'succeeded') {
        const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
          {
            id: `partner_deposit:${depositId}`,
            action: 'transfer',
            code: 'partner_deposit',
            postings: [
              { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: -deposit.amountWon },
              { accountId: partnerDepositAccountId(deposit.partnerId), amountWon: deposit.amountWon },
            ],
            metadata: { depositId, partnerId: deposit.partnerId },
          },
        ]);
        if (!result?.ok) throw new Error(`ledger refused partner deposit ${depositId}`);
      }
      await tx.query(
        `update partner_deposits set status = $3, failure_code = $4, bank_transaction_id = $5, completed_at = $6
         where tenant_id = $1 and id = $2`,
        [
          tenantId,
          depositId,
          outcome.status,
          outcome.status === 'failed' ? outcome.code : null,
          outcome.status === 'succeeded' ? outcome.bankTransactionId : null,
          this.clock.now(),
        ],
      );
      return {
        ...deposit,
        status: outcome.status,
        failureCode: outcome.status === 'failed' ? outcome.code : null,
      };
    });
  }

  /**
   * A matching pledge on a campaign: rateBp of each donation to it, at most capWon in all. A partner
   * holds one active pledge per campaign (one with cap left to match): a second is refused
   * (PLEDGE_ALREADY_ACTIVE), since two would each match every donation in full. Once a pledge's cap
   * is used up, a new one may follow. In `tx` when given (an idempotent request's transaction).
   */
  async pledge(
    tenantId: string,
    actorUserId: string,
    partnerId: string,
    input: { campaignId: string; rateBp: number; capWon: number },
    tx?: Sql,
  ): Promise<Pledge> {
    if (!Number.isInteger(input.rateBp) || input.rateBp < 1 || input.rateBp > BP_PER_WHOLE)
      throw invalidInput('rateBp must be 1-10000 (0.01%-100%)', '매칭 비율은 0.01%~100% 사이여야 합니다');
    if (!Number.isSafeInteger(input.capWon) || input.capWon <= 0)
      throw invalidInput(
        'capWon must be a positive whole number of won',
        '매칭 한도는 1원 이상이어야 합니다',
      );
    if (tx) return this.insertPledge(tx, tenantId, actorUserId, partnerId, input);
    return transactionWithRetry(this.db, (own) =>
      this.insertPledge(own, tenantId, actorUserId, partnerId, input),
    );
  }

  private async insertPledge(
    tx: Sql,
    tenantId: string,
    actorUserId: string,
    partnerId: string,
    input: { campaignId: string; rateBp: number; capWon: number },
  ): Promise<Pledge> {
    // The partner's row is locked, so two pledges sent at once cannot both find no active one.
    await this.partner(tx, tenantId, partnerId, true);
    if (!(await selectCampaign(tx, tenantId, input.campaignId)))
      throw new DomainError({
        code: 'CAMPAIGN_NOT_FOUND',
        httpStatus: 404,
        message: `campaign ${input.campaignId} does not exist`,
        messageKo: '모금 캠페인을 찾을 수 없습니다',
        details: { campaignId: input.campaignId },
      });
    const [active] = await tx.query<Record<string, unknown>>(
      `select * from partner_pledges
       where tenant_id = $1 and partner_id = $2 and campaign_id = $3 and matched_won < cap_won
       order by created_at, id limit 1`,
      [tenantId, partnerId, input.campaignId],
    );
    if (active) throw PartnerErrors.pledgeAlreadyActive(pledgeOf(active));
    const pledge: Pledge = {
      id: recordId('plg'),
      partnerId,
      campaignId: input.campaignId,
      rateBp: input.rateBp,
      capWon: input.capWon,
      matchedWon: 0,
      createdAt: this.clock.now(),
    };
    await tx.query(
      `insert into partner_pledges (tenant_id, id, partner_id, campaign_id, rate_bp, cap_won, created_by, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        tenantId,
        pledge.id,
        partnerId,
        pledge.campaignId,
        pledge.rateBp,
        pledge.capWon,
        actorUserId,
        pledge.createdAt,
      ],
    );
    await this.deps.operatorActions.record(tx, {
      tenantId,
      actorUserId,
      action: 'partner.pledge',
      subjectType: 'partner',
      subjectId: partnerId,
      details: {
        pledgeId: pledge.id,
        campaignId: pledge.campaignId,
        rateBp: pledge.rateBp,
        capWon: pledge.capWon,
      },
    });
    return pledge;
  }

  /**
   * Matches a campaign donation in the donation's own transaction. Each pledge row is locked, so two
   * donations cannot both take the last of a cap; the match is also bounded by what the deposit holds
   * (locked), and its transfer id (pledge, donation) makes a replay post nothing twice.
   */
  async matchDonation(tx: Sql, tenantId: string, donation: Donation): Promise<number> {
    if (!donation.campaignId) return 0;
    const pledges = await tx.query<Record<string, unknown>>(
      `select * from partner_pledges where tenant_id = $1 and campaign_id = $2 and matched_won < cap_won
       order by created_at, id limit $3 for update`,
      [tenantId, donation.campaignId, PLEDGES_PER_CAMPAIGN_MAX],
    );
    let matchedWon = 0;
    for (const pledge of pledges.map(pledgeOf)) {
      const [deposit] = await this.deps.ledger.lockAccounts(tx, tenantId, [
        partnerDepositAccountId(pledge.partnerId),
      ]);
      const wantWon = Math.floor((donation.amountWon * pledge.rateBp) / BP_PER_WHOLE);
      const matchWon = Math.min(wantWon, pledge.capWon - pledge.matchedWon, deposit?.availableWon ?? 0);
      if (matchWon <= 0) continue;
      const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
        {
          id: `partner_match:${pledge.id}:${donation.id}`,
          action: 'transfer',
          code: 'partner_match',
          postings: [
            { accountId: partnerDepositAccountId(pledge.partnerId), amountWon: -matchWon },
            { accountId: charityAccountId(donation.charityId), amountWon: matchWon },
          ],
          metadata: { pledgeId: pledge.id, donationId: donation.id, partnerId: pledge.partnerId },
        },
      ]);
      if (!result?.ok) throw new Error(`ledger refused partner match ${pledge.id}/${donation.id}`);
      if (result.replayed) continue;
      await tx.query(
        `insert into partner_matches (tenant_id, pledge_id, donation_id, partner_id, amount_won, created_at)
         values ($1, $2, $3, $4, $5, $6)`,
        [tenantId, pledge.id, donation.id, pledge.partnerId, matchWon, this.clock.now()],
      );
      await tx.query(
        'update partner_pledges set matched_won = matched_won + $3 where tenant_id = $1 and id = $2',
        [tenantId, pledge.id, matchWon],
      );
      matchedWon += matchWon;
    }
    return matchedWon;
  }

  /**
   * Gifts to employees from a CSV list (the programmes' reader: 전화번호,금액 or phone,amountWon; UTF-8,
   * BOM or CP949 decoded by the route). All or nothing: a bad row or a total beyond the deposit gives
   * nothing. Runs in the caller's (idempotent request's) transaction, which also writes each
   * employee's `grant_received` history line.
   */
  async gift(
    tx: Sql,
    tenantId: string,
    actorUserId: string,
    partnerId: string,
    csv: string,
    rules: GiftRules,
  ): Promise<PartnerGift> {
    const now = this.clock.now();
    const usableFrom = rules.usableFrom ?? now;
    if (!(rules.expiresAt.getTime() > Math.max(usableFrom.getTime(), now.getTime())))
      throw invalidInput(
        'expiresAt must be after usableFrom and now',
        '사용 기한은 사용 시작일과 현재보다 뒤여야 합니다',
      );
    // A gift limited to industries the city does not have would tie up the deposit in grants usable nowhere.
    await this.deps.reference.requireIndustries(tenantId, rules.allowedIndustries ?? [], tx);
    const rowCount = countDataRows(csv);
    if (rowCount > GIFT_ROWS_MAX)
      throw invalidInput(
        `at most ${GIFT_ROWS_MAX} rows per gift file`,
        `선물 파일은 ${GIFT_ROWS_MAX}행 이하여야 합니다`,
      );
    const partner = await this.partner(tx, tenantId, partnerId, true);
    const document = parseCsv(csv);
    const columns = recipientColumns(document.header);
    const rows = document.rows.map((row) => readRow(row, columns));
    const [deposit] = await this.deps.ledger.lockAccounts(tx, tenantId, [partnerDepositAccountId(partnerId)]);
    const availableWon = deposit?.availableWon ?? 0;
    const { valid, errors } = checkRows(rows, {
      defaultAmountWon: null,
      amountMaxWon: Number.MAX_SAFE_INTEGER,
      ...(await this.lookUpMembers(tx, tenantId, rows)),
      existingRecipients: new Set(),
    });
    if (errors.length > 0) throw PartnerErrors.giftFileInvalid(errors, errors.length);
    if (valid.length === 0)
      throw invalidInput('the gift file has no rows', '선물 파일에 지급 대상이 없습니다');
    const totalWon = valid.reduce((sum, row) => sum + row.amountWon, 0);
    if (totalWon > availableWon) throw PartnerErrors.insufficientDeposit(availableWon, totalWon);
    const gift: PartnerGift = {
      id: recordId('pgf'),
      partnerId,
      recipientCount: valid.length,
      amountWon: totalWon,
      usableFrom,
      expiresAt: rules.expiresAt,
      allowedIndustries: rules.allowedIndustries ?? [],
      reclaimedWon: 0,
      reclaimedAt: null,
      createdAt: now,
    };
    await this.deps.ledger.createAccounts(
      tenantId,
      valid.map((row) => ({
        id: partnerGrantAccountId(row.memberId, gift.id),
        kind: 'member_grant',
        currencyCode: 'KRW',
        ownerId: row.memberId,
        metadata: {
          programId: gift.id,
          partnerId,
          usableFrom: usableFrom.toISOString(),
          expiresAt: gift.expiresAt.toISOString(),
          allowedIndustries: gift.allowedIndustries,
          allowedDistricts: [],
        },
      })),
      tx,
    );
    const funded: PartnerGiftMovement[] = valid.map((row) => ({
      memberId: row.memberId,
      amountWon: row.amountWon,
      transferId: partnerGiftTransferId(gift.id, row.memberId),
    }));
    const transfers: TransferRequest[] = funded.map((movement) => ({
      id: movement.transferId,
      action: 'transfer',
      code: 'partner_gift',
      postings: [
        { accountId: partnerDepositAccountId(partnerId), amountWon: -movement.amountWon },
        { accountId: partnerGrantAccountId(movement.memberId, gift.id), amountWon: movement.amountWon },
      ],
      metadata: { giftId: gift.id, partnerId, memberId: movement.memberId },
    }));
    const results = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, transfers);
    // The gift's ids are new, so a refusal or a replay here is a fault, never a retry: every movement posted now.
    for (const result of results)
      if (!result.ok || result.replayed) throw new Error(`ledger refused partner gift transfer ${result.id}`);
    // Every movement of a member is a line of their history: 지원금 지급 from the company.
    await recordPartnerGiftLines(tx, {
      tenantId,
      type: 'grant_received',
      at: now,
      month: monthKey(now, await this.deps.tenants.timeZoneOf(tenantId, tx)),
      partner,
      gift,
      movements: funded,
    });
    await tx.query(
      `insert into partner_gifts (tenant_id, id, partner_id, file_sha256, recipient_count, amount_won, usable_from, expires_at, allowed_industries, created_by, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        tenantId,
        gift.id,
        partnerId,
        createHash('sha256').update(csv).digest('hex'),
        gift.recipientCount,
        totalWon,
        usableFrom,
        gift.expiresAt,
        JSON.stringify(gift.allowedIndustries),
        actorUserId,
        now,
      ],
    );
    await tx.query(
      `insert into partner_gift_recipients (tenant_id, gift_id, member_id, amount_won)
       select $1, $2, r.member_id, r.amount_won
       from json_to_recordset($3::json) as r(member_id text, amount_won bigint)`,
      [
        tenantId,
        gift.id,
        JSON.stringify(valid.map((row) => ({ member_id: row.memberId, amount_won: row.amountWon }))),
      ],
    );
    await this.deps.operatorActions.record(tx, {
      tenantId,
      actorUserId,
      action: 'partner.gift',
      subjectType: 'partner',
      subjectId: partnerId,
      details: { giftId: gift.id, recipientCount: gift.recipientCount, amountWon: totalWon },
    });
    return gift;
  }

  /**
   * After a gift expires, what its employees did not spend goes back to the partner's deposit, once
   * per grant (`partner_gift_expiry:<gift>:<member>`). A grant with a payment still on hold keeps the
   * gift open for the next run; expired grants take no new holds (payments check expiresAt). Each
   * grant taken back is a `grant_expired` line of its member's history, in the same transaction.
   */
  async reclaimExpiredGifts(tenantId: string, now: Date) {
    const gifts = await this.db.query<{ id: string; partner_id: string }>(
      `select id, partner_id from partner_gifts where tenant_id = $1 and reclaimed_at is null and expires_at <= $2
       order by expires_at, id limit $3`,
      [tenantId, now, GIFTS_RECLAIMED_PER_RUN_MAX],
    );
    let reclaimedWon = 0;
    for (const gift of gifts) reclaimedWon += await this.reclaimGift(tenantId, gift.id, gift.partner_id, now);
    return {
      processed: gifts.length,
      more: gifts.length === GIFTS_RECLAIMED_PER_RUN_MAX,
      details: { reclaimedWon },
    };
  }

  private async reclaimGift(tenantId: string, giftId: string, partnerId: string, now: Date): Promise<number> {
    return transactionWithRetry(this.db, async (tx) => {
      const [gift] = await tx.query<{ reclaimed_at: Date | null; expires_at: Date; reclaim_runs: number }>(
        'select reclaimed_at, expires_at, reclaim_runs from partner_gifts where tenant_id = $1 and id = $2 for update',
        [tenantId, giftId],
      );
      if (!gift || gift.reclaimed_at) return 0;
      // Each run that takes something back names its transfers by its number: a grant whose hold was
      // released after an earlier run gives back the rest under a new id, not the earlier run's. A
      // cancellation's or claw-back's return (gift-returns.ts) takes a number of the same count.
      const run = gift.reclaim_runs + 1;
      const recipients = await tx.query<{ member_id: string }>(
        'select member_id from partner_gift_recipients where tenant_id = $1 and gift_id = $2 order by member_id',
        [tenantId, giftId],
      );
      const memberIdByGrant = new Map(
        recipients.map((row) => [partnerGrantAccountId(row.member_id, giftId), row.member_id]),
      );
      const grants = await this.deps.ledger.lockAccounts(tx, tenantId, [...memberIdByGrant.keys()]);
      const takenBack: Array<PartnerGiftMovement & { grantAccountId: string }> = grants
        .filter((grant) => grant.availableWon > 0)
        .map((grant) => {
          const memberId = memberIdByGrant.get(grant.id) ?? String(grant.ownerId);
          return {
            memberId,
            amountWon: grant.availableWon,
            transferId: partnerGiftExpiryTransferId(giftId, memberId, run),
            grantAccountId: grant.id,
          };
        });
      const transfers: TransferRequest[] = takenBack.map((movement) => ({
        id: movement.transferId,
        action: 'transfer',
        code: 'partner_gift_expiry',
        postings: [
          { accountId: movement.grantAccountId, amountWon: -movement.amountWon },
          { accountId: partnerDepositAccountId(partnerId), amountWon: movement.amountWon },
        ],
        metadata: { giftId, partnerId, memberId: movement.memberId },
      }));
      const results = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, transfers);
      for (const result of results)
        if (!result.ok) throw new Error(`ledger refused gift expiry ${result.id}`);
      // 지원금 소멸: minus what was taken back, for the transfers posted now (a replay moved nothing).
      const expired = postedNow(takenBack, results);
      if (expired.length > 0)
        await recordPartnerGiftLines(tx, {
          tenantId,
          type: 'grant_expired',
          at: now,
          month: monthKey(now, await this.deps.tenants.timeZoneOf(tenantId, tx)),
          partner: await this.partner(tx, tenantId, partnerId),
          gift: { id: giftId, expiresAt: new Date(gift.expires_at) },
          movements: expired,
        });
      const won = grants.reduce((sum, grant) => sum + Math.max(grant.availableWon, 0), 0);
      const settled = grants.every((grant) => grant.postedWon === grant.availableWon);
      await tx.query(
        `update partner_gifts set reclaimed_won = reclaimed_won + $3, reclaimed_at = $4, reclaim_runs = $5
         where tenant_id = $1 and id = $2`,
        [tenantId, giftId, won, settled ? now : null, takenBack.length > 0 ? run : gift.reclaim_runs],
      );
      return won;
    });
  }

  jobs(): Job[] {
    return [
      {
        name: 'giving.partner_gift_expiry',
        everyMs: 60 * 60_000,
        run: ({ tenantId, now }) => this.reclaimExpiredGifts(tenantId, now),
      },
    ];
  }

  /** One members-service lookup per row: bounded by GIFT_ROWS_MAX. */
  private async lookUpMembers(tx: Sql, tenantId: string, rows: ReturnType<typeof readRow>[]) {
    const memberIdByPhone = new Map<string, string>();
    const knownMemberIds = new Set<string>();
    for (const row of rows) {
      if (!row.ok) continue;
      if (row.phone !== null && !memberIdByPhone.has(row.phone)) {
        const member = await this.deps.members.findByPhone(tenantId, row.phone, tx);
        if (member) memberIdByPhone.set(row.phone, member.id);
      }
      if (row.memberId !== null && (await this.deps.members.getMember(tenantId, row.memberId, tx)))
        knownMemberIds.add(row.memberId);
    }
    return { memberIdByPhone, knownMemberIds };
  }
}

/** The movements whose transfer the ledger posted in this call: a replay moved nothing, so it is no line. */
function postedNow<T extends PartnerGiftMovement>(
  movements: readonly T[],
  results: readonly TransferResult[],
): T[] {
  const posted = new Set(
    results.filter((result) => result.ok && !result.replayed).map((result) => result.id),
  );
  return movements.filter((movement) => posted.has(movement.transferId));
}

function pledgeOf(row: Record<string, unknown>): Pledge {
  return {
    id: String(row.id),
    partnerId: String(row.partner_id),
    campaignId: String(row.campaign_id),
    rateBp: Number(row.rate_bp),
    capWon: Number(row.cap_won),
    matchedWon: Number(row.matched_won),
    createdAt: new Date(row.created_at as Date),
  };
}

function depositOf(row: Record<string, unknown>): PartnerDeposit {
  return {
    id: String(row.id),
    partnerId: String(row.partner_id),
    amountWon: Number(row.amount_won),
    status: row.status as PartnerDeposit['status'],
    failureCode: (row.failure_code as string | null) ?? null,
    createdAt: new Date(row.created_at as Date),
    completedAt: row.completed_at ? new Date(row.completed_at as Date) : null,
  };
}

function giftOf(row: Record<string, unknown>): PartnerGift {
  return {
    id: String(row.id),
    partnerId: String(row.partner_id),
    recipientCount: Number(row.recipient_count),
    amountWon: Number(row.amount_won),
    usableFrom: new Date(row.usable_from as Date),
    expiresAt: new Date(row.expires_at as Date),
    allowedIndustries: row.allowed_industries as string[],
    reclaimedWon: Number(row.reclaimed_won),
    reclaimedAt: row.reclaimed_at ? new Date(row.reclaimed_at as Date) : null,
    createdAt: new Date(row.created_at as Date),
  };
}
